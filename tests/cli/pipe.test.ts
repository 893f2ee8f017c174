import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { ROOT, VAULT_BIN } from '../helpers/run-vault.js';

it('a reader that closes the pipe early (vault explain | head) gets no stack trace: the output is dropped, the exit code kept', async () => {
  const child = spawn(process.execPath, [VAULT_BIN, 'explain', 'specs/ews.yaml'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before vault writes a byte: every write meets a closed pipe (EPIPE).
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).not.toMatch(/EPIPE|\n\s+at |internal error/);
  expect(code).toBe(0);
});
