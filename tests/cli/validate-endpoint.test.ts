import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runVault } from '../helpers/run-vault.js';

// No Spark is started: a URL with credentials is refused before any connection.
describe('vault validate --engine spark: a URL carrying a user or password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-validate-endpoint-'));
  cpSync(join(ROOT, 'specs/lgd.yaml'), join(dir, 'lgd.yaml'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const refusal =
    'vault: --db spark://***@127.0.0.1:10000/default: a Spark URL carries no user or password; set VAULT_SPARK_USER and VAULT_SPARK_PASSWORD (or VAULT_SPARK_TOKEN) in the environment instead';

  it('is refused as vault run refuses it: one line, exit 1, no stack trace, the password never printed', () => {
    const r = runVault(['validate', 'lgd.yaml', '--engine', 'spark', '--db', 'spark://admin:Sup3rSecretPw@127.0.0.1:10000/default'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([refusal]);
    expect(r.stdout + r.stderr).not.toContain('Sup3rSecretPw');
  });

  it('with --json: the failed document with the reason, exit 1', () => {
    const r = runVault(['validate', 'lgd.yaml', '--engine', 'spark', '--json', '--db', 'spark://admin:Sup3rSecretPw@127.0.0.1:10000/default'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { status: string; error: string; ok: boolean };
    expect(doc.status).toBe('failed');
    expect(doc.ok).toBe(false);
    expect(`vault: ${doc.error}`).toBe(refusal);
    expect(r.stdout + r.stderr).not.toContain('Sup3rSecretPw');
  });
});

describe('vault run and validate --engine spark: an endpoint from VAULT_SPARK_URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vault-spark-env-'));
  writeFileSync(join(dir, 'shop.yaml'), 'version: 1\nmodel: shop\ntables:\n  customers:\n    columns:\n      customer_id: int\n      name: text\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is named as VAULT_SPARK_URL in its refusal, not as a --db the user did not give (exit 1, then exit 2)', () => {
    for (const command of ['run', 'validate']) {
      const refused = runVault([command, 'shop.yaml', '--engine', 'spark'], { cwd: dir, env: { VAULT_SPARK_URL: 'spark://admin:Sup3rSecretPw@127.0.0.1:10000' } });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr.trimEnd().split('\n'), command).toEqual([
        'vault: VAULT_SPARK_URL=spark://***@127.0.0.1:10000: a Spark URL carries no user or password; set VAULT_SPARK_USER and VAULT_SPARK_PASSWORD (or VAULT_SPARK_TOKEN) in the environment instead',
      ]);
      const malformed = runVault([command, 'shop.yaml', '--engine', 'spark'], { cwd: dir, env: { VAULT_SPARK_URL: 'spark://127.0.0.1' } });
      expect(malformed.code, malformed.stderr).toBe(2);
      expect(malformed.stderr, command).toMatch(/^vault: VAULT_SPARK_URL=spark:\/\/127\.0\.0\.1: no port/m);
    }
  });
});
