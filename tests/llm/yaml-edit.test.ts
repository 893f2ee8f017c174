import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { addYamlKey, addYamlKeys, type YamlAddition, type YamlEditResult } from '@vault/dsl/internal';
import { SHOP_SPEC } from './workspace.js';

describe("addYamlKeys keeps the user's text and adds only the new keys", () => {
  it('puts table keys in the documented order and keeps comments and flow mappings', () => {
    const r = addYamlKeys(SHOP_SPEC, [
      { path: ['tables', 'orders', 'hub'], value: 'sales_order' },
      { path: ['tables', 'tbl_cust', 'description'], value: 'Customers, from the CRM: people and companies.' },
      { path: ['tables', 'tbl_cust', 'satellites', 'customer_profile'], value: ['cust_nm', 'seg_cd'] },
    ]);
    expect(r).toEqual({
      ok: true,
      method: 'splice',
      text: SHOP_SPEC.replace('  tbl_cust:   # customers from the CRM\n', '  tbl_cust:   # customers from the CRM\n    description: "Customers, from the CRM: people and companies."\n')
        .replace('      seg_cd: varchar(4)\n', '      seg_cd: varchar(4)\n    satellites:\n      customer_profile: [cust_nm, seg_cd]\n')
        .replace('    description: Orders placed in the web shop.\n', '    description: Orders placed in the web shop.\n    hub: sales_order\n'),
    });
  });

  it('creates a top-level section before the next documented one, separated like its neighbours', () => {
    const text = 'version: 1\nmodel: m\ntables:\n  t:\n    columns: { id: int }\n\naccess_layer:\n  presentation_views: all\n';
    const r = addYamlKeys(text, [{ path: ['business_vault', 'rules', 't', 'filter'], value: "id <> 0 AND name = 'x'" }]);
    expect(r.ok && r.text).toBe(
      "version: 1\nmodel: m\ntables:\n  t:\n    columns: { id: int }\n\nbusiness_vault:\n  rules:\n    t:\n      filter: id <> 0 AND name = 'x'\n\naccess_layer:\n  presentation_views: all\n",
    );
  });

  it('adds to an existing rule set, after the keys already there', () => {
    const text = 'business_vault:\n  rules:\n    t:\n      derive:\n        a: x + 1   # why\n      # the filter comes next\n      filter: x > 0\n';
    const r = addYamlKeys(text, [{ path: ['business_vault', 'rules', 't', 'derive', 'b'], value: 'x * 2' }]);
    expect(r.ok && r.text).toBe('business_vault:\n  rules:\n    t:\n      derive:\n        a: x + 1   # why\n        b: x * 2\n      # the filter comes next\n      filter: x > 0\n');
  });

  it('falls back to the Document API inside a flow mapping, and the data is still exactly right', () => {
    const text = '# top\ntables: { t: { columns: { id: int } } }\n';
    const r = addYamlKeys(text, [{ path: ['tables', 't', 'hub'], value: 'thing' }]);
    expect(r.ok && r.method).toBe('document');
    expect(r.ok && r.text.startsWith('# top\n')).toBe(true);
    expect(r.ok && parseDocument(r.text).toJS()).toEqual({ tables: { t: { columns: { id: 'int' }, hub: 'thing' } } });
  });

  it('keeps CRLF line ends and quotes values that need it', () => {
    const text = 'tables:\r\n  t:\r\n    columns:\r\n      id: int\r\n';
    const r = addYamlKeys(text, [{ path: ['tables', 't', 'description'], value: "it's: #1" }]);
    expect(r.ok && r.text).toBe('tables:\r\n  t:\r\n    description: "it\'s: #1"\r\n    columns:\r\n      id: int\r\n');
  });

  it('never replaces a value', () => {
    expect(addYamlKeys(SHOP_SPEC, [{ path: ['tables', 'orders', 'description'], value: 'x' }])).toEqual({ ok: false, message: "'tables.orders.description' is already set" });
    expect(addYamlKeys('a: 1\n', [{ path: ['a', 'b'], value: 'x' }])).toEqual({ ok: false, message: "'a.b' cannot be added: a value on the way is not a mapping" });
  });
});

describe('many keys at once', () => {
  const SPECS = { shop: SHOP_SPEC, ews: readFileSync('specs/ews.yaml', 'utf8'), lgd: readFileSync('specs/lgd.yaml', 'utf8') };
  /** The keys one by one, as addYamlKeys added them before it added many at once. */
  const oneByOne = (text: string, additions: ReadonlyArray<YamlAddition>): YamlEditResult => {
    let r: YamlEditResult = { ok: true, text, method: 'splice' };
    for (const a of additions) {
      if (!r.ok) break;
      const next = addYamlKey(r.text, a);
      r = next.ok ? { ...next, method: r.method === 'document' ? 'document' : next.method } : next;
    }
    return r;
  };
  /** What vault suggest adds (names, descriptions, satellites, rules), on the tables of `text`. */
  const additionsArb = (text: string): fc.Arbitrary<YamlAddition[]> => {
    const tables = Object.keys((parseDocument(text).toJS() as { tables: Record<string, unknown> }).tables);
    const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta');
    return fc.array(
      fc.oneof(
        fc.record({ t: fc.constantFrom(...tables), k: fc.constantFrom('description', 'hub', 'link'), v: word }).map(({ t, k, v }) => ({ path: ['tables', t, k], value: `${v} ${k}` })),
        fc.record({ t: fc.constantFrom(...tables), n: word }).map(({ t, n }) => ({ path: ['tables', t, 'satellites', `${n}_sat`], value: ['a', 'b'] })),
        fc.record({ t: fc.constantFrom(...tables), n: word }).map(({ t, n }) => ({ path: ['business_vault', 'rules', t, 'derive', n], value: `x + 1` })),
        fc.record({ t: fc.constantFrom(...tables) }).map(({ t }) => ({ path: ['business_vault', 'rules', t, 'filter'], value: 'x > 0' })),
      ),
      { minLength: 2, maxLength: 12 },
    );
  };

  test.prop([fc.constantFrom(...(Object.keys(SPECS) as Array<keyof typeof SPECS>)).chain((spec) => fc.tuple(fc.constant(spec), additionsArb(SPECS[spec])))], { numRuns: 150 })(
    'give the text adding them one by one gives, or the same refusal',
    ([spec, additions]) => {
      const together = addYamlKeys(SPECS[spec], additions);
      const alone = oneByOne(SPECS[spec], additions);
      expect(together.ok).toBe(alone.ok);
      if (together.ok && alone.ok) expect(together.text).toBe(alone.text);
    },
  );
});
