/**
 * A certificate or key file the database URL names (sslrootcert, sslcert, sslkey) that cannot
 * be read is the user's setup, not a bug: one line naming the file, exit 1, password hidden.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-main.js';
import { ROOT } from '../helpers/run-vault.js';

const SPEC = join(ROOT, 'specs/ews.yaml');

describe('certificate files named in --db', () => {
  it.each([
    ['sslrootcert', '/nonexistent/ca.pem', 'cannot read /nonexistent/ca.pem, a certificate or key file the URL names (sslrootcert, sslcert or sslkey): no such file'],
    ['sslcert', '/nonexistent/client.crt', 'cannot read /nonexistent/client.crt, a certificate or key file the URL names (sslrootcert, sslcert or sslkey): no such file'],
    ['sslkey', tmpdir(), 'cannot read a certificate or key file the URL names (sslrootcert, sslcert or sslkey): it is a folder'],
  ])('%s that cannot be read: one line and exit 1 from validate, seed and run', async (param, file, reason) => {
    const url = `postgres://app:s3cret-pw@127.0.0.1:1/test?sslmode=verify-full&${param}=${file}`;
    const dir = mkdtempSync(join(tmpdir(), 'vault-ssl-'));
    for (const args of [
      ['validate', SPEC],
      ['seed', SPEC, '--rows', '1'],
      ['run', SPEC],
    ]) {
      const r = await runMain([...args, '--db', url]);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toContain('s3cret-pw');
      expect(r.stderr).toContain(reason);
    }
    expect(dir).toBeTruthy();
  });
});
