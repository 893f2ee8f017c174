/**
 * `vault check` refuses, with a position, every spec `vault compile` refuses, and names and texts
 * that reach SQL and Python are checked where they are written: no spec that check accepts
 * makes compile, seed or run fail with an internal error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-main.js';
import { VAULT_BIN } from '../helpers/run-vault.js';

const TABLE = '    business_key: [id]\n    columns:\n      id: int\n      x: text\n      j: json\n';
const spec = (table: string, extra = '', tableExtra = ''): string => `version: 1\nmodel: m\n${extra}tables:\n  ${table}:\n${TABLE}${tableExtra}`;

const CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['table _', spec('_'), 's.yaml:4:3: error VLT208:'],
  ['table __init__', spec('__init__'), 's.yaml:4:3: error VLT208:'],
  ['table __proto__', spec('__proto__'), 's.yaml:4:3: error VLT208:'],
  ['table _x_', spec('_x_'), 's.yaml:4:3: error VLT208:'],
  ['satellite __init__', spec('t', '', '    satellites:\n      __init__: [x]\n'), 's.yaml:11:7: error VLT208:'],
  ['json delta_order', spec('t', '', '    delta_order: j\n'), 's.yaml:10:18: error VLT223:'],
  ['missing profile', spec('t', 'framework:\n  profile: nope.yaml\n'), 's.yaml:4:12: error VLT007:'],
  ['profile is a folder', spec('t', 'framework:\n  profile: sub\n'), 's.yaml:4:12: error VLT007:'],
  ['NUL in record_source', spec('t', 'record_source: "a\\0b"\n'), 's.yaml:3:16: error VLT106: record_source contains the control character U+0000'],
  ['line break in record_source', spec('t', 'record_source: "a\\nb"\n'), 's.yaml:3:16: error VLT106:'],
  ['NUL in a schema name', spec('t', 'schemas:\n  raw_vault: "a\\0b"\n'), "s.yaml:4:14: error VLT207: raw_vault schema name 'a\\u0000b' is not a safe identifier"],
  ['line break in a schema name', spec('t', 'schemas:\n  landing: "a\\nb"\n'), 's.yaml:4:12: error VLT207:'],
  ['schema name of 64 bytes', spec('t', `schemas:\n  access_layer: ${'s'.repeat(64)}\n`), 's.yaml:4:17: error VLT209:'],
];

describe('check refuses what compile refuses', () => {
  it.each(CASES)('%s: check and compile exit 1 at the same place, no internal error', async (_, text, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-agree-'));
    mkdirSync(join(dir, 'sub'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, text);
    const check = await runMain(['check', file]);
    expect(check.stderr.replaceAll(`${dir}/`, '')).toContain(expected);
    expect(check.code).toBe(1);
    for (const target of ['querydsl', 'sql', 'querydsl,sql,docs']) {
      const compile = await runMain(['compile', file, '--target', target, '--out', join(dir, 'out')]);
      expect(compile.stderr).not.toContain('internal error');
      expect(compile.code).toBe(1);
    }
  });

  it('two columns failing the column schema in different ways: each is reported, not neither', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-agree-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, 'version: 1\nmodel: m\ntables:\n  customer:\n    columns:\n      customer: ""\n      other:\n        type: false\n');
    const check = await runMain(['check', file]);
    expect(check.code).toBe(1);
    expect(check.stderr.replaceAll(`${dir}/`, '')).toContain("s.yaml:6:17: error VLT106: column 'customer' of table 'customer' must not be empty");
    expect(check.stderr.replaceAll(`${dir}/`, '')).toContain("s.yaml:8:15: error VLT102: 'type' of column 'other' in table 'customer' must be a string, not false");
  });

  it('a mapping used as a key is a diagnostic, not a warning of the YAML library on standard error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-agree-'));
    writeFileSync(join(dir, 's.yaml'), 'version: 1\nmodel: m\ntables:\n  ? [a]\n  : { columns: { a: int } }\n');
    const r = spawnSync(process.execPath, [VAULT_BIN, 'check', 's.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "s.yaml:4:3: error VLT207: table name '[ a ]' is not a safe identifier: it contains the character '['; use letters, digits and underscores, not starting with a digit\ns.yaml: 1 error, 0 warnings\n",
    );
  });

  it('every command that reads a spec reads at most the size limit: /dev/zero is refused with VLT008', async () => {
    if (!existsSync('/dev/zero')) return;
    const commands = [
      ['check'],
      ['compile'],
      ['explain'],
      ['graph'],
      ['docs'],
      ['suggest', '--provider', 'ollama'],
      ['validate', '--db', 'postgres://u@127.0.0.1:1/d'],
      ['seed', '--rows', '1', '--db', 'postgres://u@127.0.0.1:1/d'],
      ['run', '--db', 'postgres://u@127.0.0.1:1/d'],
      ['run', '--engine', 'spark', '--db', 'spark://127.0.0.1:1'],
    ];
    for (const [command, ...options] of commands) {
      const r = await runMain([command!, '/dev/zero', ...options]);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(r.stderr, command).toContain('/dev/zero:1:1: error VLT008: the spec is larger than 16 MiB');
    }
  });

  it('accepts schema names that are SQL key words (they are always quoted) and a record source with any printable text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-agree-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, spec('t', 'record_source: "crm: \'EU\' / ünïcode"\nschemas:\n  landing: user\n  raw_vault: Raw_Vault\n'));
    expect((await runMain(['check', file])).code).toBe(0);
    expect((await runMain(['compile', file, '--target', 'querydsl,sql', '--out', join(dir, 'out')])).code).toBe(0);
  });
});
