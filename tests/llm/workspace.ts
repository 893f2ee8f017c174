/**
 * A temporary working directory with a spec in it, and the real `vault` bin run there
 * asynchronously (the fake LLM servers live in this process, so the test must not block).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VAULT_BIN } from '../helpers/run-vault.js';

export const SHOP_SPEC = `# Landing tables of the web shop.
version: 1
model: shop
description: Web shop orders, for sales reporting and customer segmentation.

tables:
  tbl_cust:   # customers from the CRM
    columns:
      cust_id: { type: int, nullable: false }
      cust_nm: text
      seg_cd: varchar(4)

  orders:
    description: Orders placed in the web shop.
    columns:
      order_id: { type: int, nullable: false }
      cust_id: int
      order_date: date
      amount: decimal(18,2)
      status: varchar(12)
`;

export interface Workspace {
  readonly dir: string;
  readonly spec: string;
  read(): string;
  run(args: ReadonlyArray<string>, env?: Readonly<Record<string, string | undefined>>): Promise<{ code: number | null; stdout: string; stderr: string }>;
  remove(): void;
}

/** Environment variables that would point vault at a real server or key are removed. */
const CLEAN = ['OLLAMA_HOST', 'GROQ_API_KEY', 'GROQ_BASE_URL', 'VAULT_LLM_RETRY_DELAY_MS'];

export function workspace(specText: string = SHOP_SPEC): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'vault-suggest-'));
  const spec = join(dir, 'shop.yaml');
  writeFileSync(spec, specText);
  return {
    dir,
    spec,
    read: () => readFileSync(spec, 'utf8'),
    run: (args, env = {}) =>
      new Promise((resolve, reject) => {
        const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', VAULT_LLM_RETRY_DELAY_MS: '5' };
        for (const k of CLEAN) if (k !== 'VAULT_LLM_RETRY_DELAY_MS') delete base[k];
        const child = spawn(process.execPath, [VAULT_BIN, ...args], { cwd: dir, env: { ...base, ...env } as NodeJS.ProcessEnv });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
