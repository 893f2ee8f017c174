/**
 * Fault injection on the embedded database: a damaged `.vault/` folder is refused with one line
 * naming the folder and what is wrong, exit 1, and is left exactly as it was; only a folder that
 * does not exist or is empty is created ("first use"), and a first use that is killed leaves no
 * half-made database. Each case runs on a copy of one seeded and loaded database.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAULT_BIN } from '../helpers/run-vault.js';
import { openEmbedded } from '../../packages/cli/dist/db/index.js';
import { createWorkspace, insertedCounts, runVaultAsync, type Workspace } from './workspace.js';

/** Every file, folder and link under `dir` with its content hash: to prove nothing changed. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string): void => {
    const s = lstatSync(p);
    if (s.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
    else if (s.isDirectory()) {
      out[rel] = 'folder';
      for (const name of readdirSync(p).sort()) walk(join(p, name), `${rel}/${name}`);
    } else out[rel] = s.isFile() ? createHash('sha1').update(readFileSync(p)).digest('hex') : 'special';
  };
  if (existsSync(dir) || lstatSync(dir, { throwIfNoEntry: false }) !== undefined) walk(dir, '.');
  return out;
}

interface Case {
  readonly name: string;
  /** Damages the copy; `data` is `.vault/MODEL/pgdata`, `vault` is `.vault`. */
  readonly damage: (p: { readonly vault: string; readonly model: string; readonly data: string }) => void;
  /** The last line of standard error, after `vault: `; DIR stands for `.vault/MODEL/pgdata`. */
  readonly message: string | RegExp;
}

const REFUSE = 'vault never deletes or replaces it: move it away to start again from nothing (or restore a backup), or pass --db URL to use a server';

const CASES: ReadonlyArray<Case> = [
  {
    name: 'PG_VERSION missing',
    damage: ({ data }) => rmSync(join(data, 'PG_VERSION')),
    message: `the embedded database DIR has no PG_VERSION file: it is not a complete PostgreSQL data folder; ${REFUSE}`,
  },
  {
    name: 'PG_VERSION of another major version',
    damage: ({ data }) => writeFileSync(join(data, 'PG_VERSION'), '17\n'),
    message: `the embedded database DIR was made by PostgreSQL 17; the embedded PostgreSQL of this vault is 18; ${REFUSE}`,
  },
  { name: 'PG_VERSION empty', damage: ({ data }) => writeFileSync(join(data, 'PG_VERSION'), ''), message: `the embedded database DIR has a damaged PG_VERSION file (empty); ${REFUSE}` },
  {
    name: 'PG_VERSION garbage',
    damage: ({ data }) => writeFileSync(join(data, 'PG_VERSION'), 'x\u0000y'),
    message: `the embedded database DIR has a damaged PG_VERSION file ("x\\u0000y" is not a version); ${REFUSE}`,
  },
  {
    name: 'a stranger file instead of the database',
    damage: ({ data }) => {
      rmSync(data, { recursive: true });
      mkdirSync(data);
      writeFileSync(join(data, 'notes.txt'), 'mine');
    },
    message: `the embedded database DIR has no PG_VERSION file: it is not a complete PostgreSQL data folder; ${REFUSE}`,
  },
  {
    name: 'pgdata is a file',
    damage: ({ data }) => {
      rmSync(data, { recursive: true });
      writeFileSync(data, 'x');
    },
    message: `the embedded database DIR is a file, not a folder; ${REFUSE}`,
  },
  {
    name: 'pgdata is a dangling symbolic link',
    damage: ({ data }) => {
      rmSync(data, { recursive: true });
      symlinkSync('/nonexistent/pgdata', data);
    },
    message: `the embedded database DIR is a symbolic link to /nonexistent/pgdata, which does not exist; ${REFUSE}`,
  },
  {
    name: '.vault/MODEL is a file',
    damage: ({ vault, model }) => {
      rmSync(join(vault, model), { recursive: true });
      writeFileSync(join(vault, model), 'x');
    },
    message: 'cannot keep the embedded database in .vault/MODEL: .vault/MODEL is a file, not a folder; move it away or pass --db URL to use a server',
  },
  {
    name: '.vault is a file',
    damage: ({ vault }) => {
      rmSync(vault, { recursive: true });
      writeFileSync(vault, 'x');
    },
    message: 'cannot keep the embedded database in .vault/MODEL: .vault is a file, not a folder; move it away or pass --db URL to use a server',
  },
  {
    name: 'global/pg_control truncated',
    damage: ({ data }) => writeFileSync(join(data, 'global', 'pg_control'), ''),
    message: `the embedded database DIR has a damaged global/pg_control (0 bytes, not 8192: truncated or overwritten); ${REFUSE}`,
  },
  {
    name: 'global/pg_control overwritten',
    damage: ({ data }) => writeFileSync(join(data, 'global', 'pg_control'), Buffer.alloc(8192, 0xab)),
    message: /^the embedded database DIR does not start \(PGlite[^)]+\): a file in it is damaged; /,
  },
  {
    name: 'every WAL segment emptied',
    damage: ({ data }) => {
      for (const f of readdirSync(join(data, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n))) writeFileSync(join(data, 'pg_wal', f), '');
    },
    message: /^the embedded database DIR does not start \(PGlite[^)]+\): a file in it is damaged; /,
  },
  { name: 'pg_wal missing', damage: ({ data }) => rmSync(join(data, 'pg_wal'), { recursive: true }), message: `the embedded database DIR has no pg_wal folder; ${REFUSE}` },
  { name: 'base missing', damage: ({ data }) => rmSync(join(data, 'base'), { recursive: true }), message: `the embedded database DIR has no base folder; ${REFUSE}` },
  { name: 'global missing', damage: ({ data }) => rmSync(join(data, 'global'), { recursive: true }), message: `the embedded database DIR has no global folder; ${REFUSE}` },
  { name: 'pg_xact missing', damage: ({ data }) => rmSync(join(data, 'pg_xact'), { recursive: true }), message: `the embedded database DIR has no pg_xact folder; ${REFUSE}` },
  { name: 'postgresql.conf missing', damage: ({ data }) => rmSync(join(data, 'postgresql.conf')), message: `the embedded database DIR has no postgresql.conf file; ${REFUSE}` },
  {
    name: 'the lock is a folder',
    damage: ({ data }) => mkdirSync(`${data}.lock`),
    message: 'cannot lock the embedded database DIR: DIR.lock is not a lock file vault made (it is not a plain file); remove it if no vault process is running',
  },
  {
    name: 'the lock is held by a live process',
    damage: ({ data }) => writeFileSync(`${data}.lock`, `${process.pid}\n`),
    message: `the embedded database DIR is in use by another vault process (pid ${process.pid}); try again when it has finished (if no process ${process.pid} is a vault command, remove DIR.lock)`,
  },
];

describe('a damaged embedded database is refused, named, and left as it was', () => {
  let ws: Workspace;
  let seeded: number;
  beforeAll(async () => {
    ws = createWorkspace('specs/ews.yaml', 'damage', { embedded: true });
    expect((await runVaultAsync(['seed', ws.spec, '--rows', '30'], ws.dir)).code).toBe(0);
    const run = await runVaultAsync(['run', ws.spec, '--load-ts', '2024-01-01'], ws.dir);
    expect(run.code, run.stderr).toBe(0);
    seeded = [...insertedCounts(run.stdout).values()].reduce((a, b) => a + b, 0);
    expect(seeded).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  /** A copy of the workspace (spec and `.vault/`), damaged. */
  function damagedCopy(c: Case): { dir: string; data: string } {
    const dir = mkdtempSync(join(tmpdir(), 'vault-damage-'));
    cpSync(join(ws.dir, 'specs'), join(dir, 'specs'), { recursive: true });
    cpSync(join(ws.dir, '.vault'), join(dir, '.vault'), { recursive: true, verbatimSymlinks: true });
    const data = join('.vault', ws.model.name, 'pgdata');
    c.damage({ vault: join(dir, '.vault'), model: ws.model.name, data: join(dir, data) });
    return { dir, data };
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const { dir, data } = damagedCopy(c);
    try {
      const before = tree(join(dir, '.vault'));
      const r = await runVaultAsync(['run', ws.spec, '--load-ts', '2024-01-02'], dir);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => !/: warning VLT\d+: /.test(l));
      expect(lines, 'one line, no stack trace').toHaveLength(1);
      const expected = typeof c.message === 'string' ? `vault: ${c.message.replaceAll('DIR', data).replaceAll('MODEL', ws.model.name)}` : c.message;
      if (typeof expected === 'string') expect(lines[0]).toBe(expected);
      else expect(lines[0]?.replace(/^vault: /, '').replaceAll(data, 'DIR')).toMatch(expected);
      expect(r.stdout).not.toContain('rows inserted');
      expect(tree(join(dir, '.vault')), 'the folder is left exactly as it was').toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the refused database still holds every row: with PG_VERSION back, the run reads the seeded rows', async () => {
    const { dir, data } = damagedCopy(CASES[0]!);
    try {
      const refused = await runVaultAsync(['seed', ws.spec, '--rows', '5'], dir);
      expect(refused.code, refused.stderr).toBe(1);
      // validate names the damage too, instead of "no embedded database (vault seed creates one)".
      const validate = await runVaultAsync(['validate', ws.spec], dir);
      expect(validate.code, validate.stderr).toBe(1);
      expect(validate.stderr).toContain(`vault: the embedded database ${data} has no PG_VERSION file`);
      writeFileSync(join(dir, data, 'PG_VERSION'), '18\n');
      const r = await runVaultAsync(['run', ws.spec, '--load-ts', '2024-01-01', '--no-skip-unchanged'], dir);
      expect(r.code, r.stderr).toBe(0);
      // The same batch again: every row is there already, nothing new.
      expect([...insertedCounts(r.stdout).values()].every((n) => n === 0)).toBe(true);
      const db = await openEmbedded(join(dir, data));
      try {
        const n = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${ws.model.schemas.landing}"."early_warning_signal"`);
        expect(n.rows[0]?.n).toBe(30);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a lock left by a process that is gone, or one that holds no pid, is taken over', async () => {
    for (const text of ['999999999\n', 'not a pid']) {
      const { dir, data } = damagedCopy({ name: 'stale lock', damage: ({ data: d }) => writeFileSync(`${d}.lock`, text), message: '' });
      try {
        const r = await runVaultAsync(['run', ws.spec, '--load-ts', '2024-01-01'], dir);
        expect(r.code, r.stderr).toBe(0);
        expect(existsSync(join(dir, `${data}.lock`)), 'released at the end').toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('the load ledger dropped: every load runs again and inserts nothing twice', async () => {
    const { dir, data } = damagedCopy({ name: 'no ledger', damage: () => undefined, message: '' });
    try {
      const db = await openEmbedded(join(dir, data));
      try {
        await db.query(`DROP TABLE "${ws.model.schemas.rawVault}"."vault_loads"`);
      } finally {
        await db.close();
      }
      const r = await runVaultAsync(['run', ws.spec, '--load-ts', '2024-01-03'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect([...insertedCounts(r.stdout).values()].every((n) => n === 0)).toBe(true);
      expect(r.stdout).not.toContain('skipped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a run killed during its loads loses nothing: the next run ends where an uninterrupted one does', async () => {
    const killed = damagedCopy({ name: 'killed', damage: () => undefined, message: '' });
    const calm = mkdtempSync(join(tmpdir(), 'vault-damage-'));
    try {
      expect((await runVaultAsync(['seed', ws.spec, '--rows', '60', '--batch', '2'], killed.dir)).code).toBe(0);
      cpSync(killed.dir, calm, { recursive: true, verbatimSymlinks: true });
      const child = spawn(process.execPath, [VAULT_BIN, 'run', ws.spec, '--load-ts', '2024-02-01'], { cwd: killed.dir, stdio: ['ignore', 'pipe', 'ignore'] });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('  raw vault\n')) child.kill('SIGKILL');
      });
      await exited;
      for (const dir of [killed.dir, calm]) {
        const r = await runVaultAsync(['run', ws.spec, '--load-ts', '2024-02-01'], dir);
        expect(r.code, r.stderr).toBe(0);
      }
      const counts = async (dir: string): Promise<Record<string, number>> => {
        const db = await openEmbedded(join(dir, killed.data));
        try {
          const tables = await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'vault_loads' ORDER BY 1`, [
            ws.model.schemas.rawVault,
          ]);
          const out: Record<string, number> = {};
          for (const { t } of tables.rows) out[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${ws.model.schemas.rawVault}"."${t}"`)).rows[0]?.n ?? -1;
          return out;
        } finally {
          await db.close();
        }
      };
      const expected = await counts(calm);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(await counts(killed.dir)).toEqual(expected);
    } finally {
      rmSync(killed.dir, { recursive: true, force: true });
      rmSync(calm, { recursive: true, force: true });
    }
  });
});

describe('first use of the embedded database', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'first', { embedded: true });
  });
  afterAll(async () => {
    await ws.cleanup();
  });
  const data = (): string => join(ws.dir, '.vault', ws.model.name, 'pgdata');

  it('a first use killed while the database is made leaves no half-made folder; the next one makes it', async () => {
    const child = spawn(process.execPath, [VAULT_BIN, 'seed', ws.spec, '--rows', '5'], { cwd: ws.dir, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let done = false;
    void exited.then(() => (done = true));
    // Kill it once the staging folder is being filled, before it is renamed into place.
    while (!done && !existsSync(join(`${data()}.creating`, 'PG_VERSION'))) await new Promise((r) => setTimeout(r, 20));
    expect(done, 'the first use finished before it could be killed').toBe(false);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(data())).toBe(false);

    const r = await runVaultAsync(['seed', ws.spec, '--rows', '5'], ws.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`vault: creating the embedded PostgreSQL database .vault/${ws.model.name}/pgdata (first use; pass --db URL to use a server)`);
    expect(readFileSync(join(data(), 'PG_VERSION'), 'utf8').trim()).toBe('18');
    expect(existsSync(`${data()}.creating`)).toBe(false);
  });

  it('an empty folder is a first use too', async () => {
    rmSync(join(ws.dir, '.vault'), { recursive: true });
    mkdirSync(data(), { recursive: true });
    const r = await runVaultAsync(['seed', ws.spec, '--rows', '5'], ws.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(first use; pass --db URL to use a server)');
    expect(lstatSync(data()).isDirectory()).toBe(true);
  });
});
