import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVault } from '../helpers/run-vault.js';

describe('vault check', () => {
  it('accepts the example specs and exits 0', () => {
    const r = runVault(['check', 'specs/ews.yaml', 'specs/lgd.yaml']);
    expect(r.stderr).toContain('specs/ews.yaml: ok');
    expect(r.stderr).toContain('specs/lgd.yaml: ok');
    expect(r.stderr).not.toContain(' error ');
    expect(r.code).toBe(0);
  });

  it('reports every problem with file:line:col and a stable code, exit 1, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-check-'));
    const spec = join(dir, 'bad.yaml');
    writeFileSync(spec, 'version: 1\nmodel: shop\ntables:\n  orders:\n    colums:\n      order_id: int\n  customers:\n    columns:\n      customer_id: integr\n');
    const r = runVault(['check', spec], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.yaml:4:3: error VLT103: table 'orders' is missing the required key 'columns'");
    expect(r.stderr).toContain("bad.yaml:5:5: error VLT101: unknown key 'colums' in table 'orders'; did you mean 'columns'?");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints a name from the spec with its control and invisible characters as \\uXXXX: a bidirectional override cannot reorder the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-check-'));
    writeFileSync(join(dir, 's.yaml'), 'version: 1\nmodel: m\ntables:\n  "cust\\u202eomers":\n    columns:\n      id: int\n      name: "text\\u200b"\n');
    const r = runVault(['check', 's.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("s.yaml:4:3: error VLT207: table name 'cust\\u202eomers' is not a safe identifier: it contains the character '\\u202e'");
    expect(r.stderr).toContain("s.yaml:7:14: error VLT201: 'text\\u200b' is not a column type");
    expect(r.stderr).not.toMatch(/[\u202e\u200b]/);
    // JSON carries the message as vault read it: a program gets the data, not a display form.
    const json = runVault(['check', 's.yaml', '--json'], { cwd: dir });
    expect((JSON.parse(json.stdout) as Array<{ message: string }>).map((d) => d.message).join('\n')).toContain('cust\u202eomers');
  });

  it('prints diagnostics as JSON with --format json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-check-'));
    writeFileSync(join(dir, 's.yaml'), 'version: 1\nmodel: m\nhashing: { algorithm: md6 }\ntables:\n  t:\n    columns:\n      t_id: int\n      note: text\n');
    const r = runVault(['check', 's.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { file: 's.yaml', line: 3, col: 23, endLine: 3, endCol: 26, severity: 'error', code: 'VLT104', message: "'hashing.algorithm' must be one of md5, sha1, sha256, not 'md6'; did you mean 'md5'?" },
    ]);
  });

  it('--json is --format json; asking for both JSON and text is a usage mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-check-'));
    writeFileSync(join(dir, 's.yaml'), 'version: 1\nmodel: m\nhashing: { algorithm: md6 }\ntables:\n  t:\n    columns:\n      t_id: int\n      note: text\n');
    const json = runVault(['check', 's.yaml', '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    expect(json.stdout).toBe(runVault(['check', 's.yaml', '--format', 'json'], { cwd: dir }).stdout);
    expect(json.stderr).toBe('');
    expect(runVault(['check', 's.yaml', '--json', '--format', 'json'], { cwd: dir }).stdout).toBe(json.stdout);
    const both = runVault(['check', 's.yaml', '--json', '--format', 'text'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
    expect(both.stderr).toContain('--json and --format text ask for different output; give one');
  });

  it('checks the compact source-table string with offsets', () => {
    const ok = runVault([
      'check',
      '--model',
      'ews',
      '--source-tables',
      'early_warning_signal:early_warning_signal_id(int),business_partner_id(int),two_month_window_behavioural_score_average(decimal);early_warning_signal_input:early_warning_signal_input_id(int),customer_account_monitoring_batch_manifest_id(int),business_partner_id(int)',
    ]);
    expect(ok.code).toBe(0);
    const bad = runVault(['check', '--source-tables', 'orders:order_id(int),amount(decimal(18,2)),note(txt)']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("<source-tables>:1:49: error VLT201: unknown column type 'txt'; did you mean 'text'?");
  });

  it('reports a missing file as VLT001', () => {
    const r = runVault(['check', 'no/such/spec.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no/such/spec.yaml:1:1: error VLT001: cannot read the spec file: no such file');
  });

  it('exits 2 on a usage mistake', () => {
    expect(runVault(['check']).code).toBe(2);
    expect(runVault(['check', '--bogus', 'x.yaml']).code).toBe(2);
    expect(runVault(['frobnicate']).code).toBe(2);
  });
});
