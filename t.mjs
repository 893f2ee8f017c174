import { parseSpecYaml } from '@vault/dsl';
import { formatDiagnostic } from '@vault/core';
const cases = {
 unknownKey: "version: 1\nmodel: x\ntables:\n  t:\n    colums:\n      id: int\n",
 colObj: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: { type: int, nulable: true }\n",
 colNum: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: 5\n",
 enumv: "version: 1\nmodel: x\nhashing: { algorithm: md6 }\ntables:\n  t:\n    columns:\n      id: int\n",
 ver: "version: 2\nmodel: x\ntables:\n  t:\n    columns:\n      id: int\n",
 badtype: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: integr\n      b: { type: 'decimal(2,5)' }\n",
 dup: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: int\n      id: text\n",
 fold: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: int\n      ID: text\n",
 ref: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: int\n    references:\n      - { columns: [idx], table: u }\n",
 unsafe: "version: 1\nmodel: x\ntables:\n  \"t;drop\":\n    columns:\n      select: int\n",
 empty: "# nothing\n",
 list: "- a\n- b\n",
 pv: "version: 1\nmodel: x\ntables:\n  t:\n    columns:\n      id: int\naccess_layer:\n  presentation_views: some\n",
};
for (const [k, t] of Object.entries(cases)) { const r = parseSpecYaml(t, k+'.yaml'); r.diagnostics.forEach(d=>console.log(formatDiagnostic(d))); }
