/**
 * No database password reaches the output or a file, on any failing path: every database
 * command, with good URLs to servers that fail (and a server that echoes the password it
 * received), and with malformed URLs that no URL parser reads the way the user meant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer, type FakeServer } from '../run/fake-server.js';
import { createWorkspace, SERVER_URL, type Workspace } from '../run/workspace.js';
import { failedCleanly, leaks, vaultIn } from './leaks.js';

/** `@` and `!` must be percent-encoded in a URL; the server receives (and echoes) them decoded. */
const PASSWORD = 'Pw@s3cret!db';
const IN_URL = encodeURIComponent(PASSWORD);
const PLAIN = 's3cretPlainPw';

let ws: Workspace;
const servers: Record<'auth' | 'missing' | 'tlsRequired' | 'other' | 'silent', FakeServer> = {} as never;

beforeAll(async () => {
  ws = createWorkspace('specs/ews.yaml', 'secrets');
  servers.auth = await fakeServer({ code: '28P01', echo: true });
  servers.missing = await fakeServer({ code: '3D000', echo: true });
  servers.tlsRequired = await fakeServer({ code: '28000', echo: true });
  servers.other = await fakeServer({ code: 'XX000', echo: true });
  servers.silent = await fakeServer('silent');
});
afterAll(async () => {
  for (const s of Object.values(servers)) await s.close();
  await ws.cleanup();
});

/** Every database command, with the URL in the place that command takes it. */
const COMMANDS: Record<string, (url: string) => string[]> = {
  validate: (url) => ['validate', ws.spec, '--db', url],
  'validate --json': (url) => ['validate', ws.spec, '--json', '--db', url],
  seed: (url) => ['seed', ws.spec, '--rows', '3', '--db', url],
  run: (url) => ['run', ws.spec, '--load-ts', '2024-01-01', '--db', url],
  init: (url) => ['init', '--schema', 'landing', '--db', url],
  'init -o': (url) => ['init', '--schema', 'landing', '-o', 'from-db.yaml', '--db', url],
  'compile --validate-db': (url) => ['compile', ws.spec, '--out', 'out', `--validate-db=${url}`],
  'compile --validate-db --json': (url) => ['compile', ws.spec, '--out', 'out', '--json', '--validate-db', url],
};

const expectNoLeak = async (args: string[], secrets: string[], env: Record<string, string> = {}, exit?: number): Promise<string> => {
  const r = await vaultIn(ws.dir, args, env);
  expect(failedCleanly(r), `${args.join(' ')}\n${r.stderr}`).toBe(true);
  if (exit !== undefined) expect(r.code, r.stderr).toBe(exit);
  expect(leaks(secrets, r, [ws.dir]), `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toEqual([]);
  return r.stdout + r.stderr;
};

describe('connection failures, text and --json: the password is nowhere', () => {
  const failures: Record<string, () => string> = {
    'connection refused': () => `postgres://app:${IN_URL}@127.0.0.1:1/vault`,
    'unknown host': () => `postgres://app:${IN_URL}@no-such-host.invalid/vault?connect_timeout=5`,
    'missing database (the server echoes the password)': () => `postgres://app:${IN_URL}@127.0.0.1:${servers.missing.port}/nope`,
    'authentication (the server echoes the password)': () => `postgres://app:${IN_URL}@127.0.0.1:${servers.auth.port}/vault`,
    'TLS required (the server echoes the password)': () => `postgres://app:${IN_URL}@127.0.0.1:${servers.tlsRequired.port}/vault`,
    'TLS refused by the server (sslmode=require)': () => `postgres://app:${IN_URL}@127.0.0.1:${servers.auth.port}/vault?sslmode=require`,
    timeout: () => `postgres://app:${IN_URL}@127.0.0.1:${servers.silent.port}/vault?connect_timeout=1`,
    'any other server error (echoed)': () => `postgres://app:${IN_URL}@127.0.0.1:${servers.other.port}/vault`,
  };
  for (const [what, url] of Object.entries(failures)) {
    it(`vault validate: ${what}`, async () => {
      const text = await expectNoLeak(COMMANDS['validate']!(url()), [PASSWORD, IN_URL], {}, 1);
      expect(text).toMatch(/postgres:\/\/app:\*\*\*@/);
      const json = await vaultIn(ws.dir, COMMANDS['validate --json']!(url()));
      expect(json.code).toBe(1);
      const parsed = JSON.parse(json.stdout) as { database: string; connectivity: { status: string; message: string } };
      expect(parsed.database).toMatch(/^postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/|^postgres:\/\/app:\*\*\*@no-such-host/);
      expect(parsed.connectivity.status).toBe('error');
      expect(leaks([PASSWORD, IN_URL], json, [ws.dir])).toEqual([]);
    });
  }

  it('the password in a password= parameter, echoed by the server', async () => {
    const url = `postgres://app@127.0.0.1:${servers.auth.port}/vault?password=${PLAIN}`;
    await expectNoLeak(COMMANDS['validate --json']!(url), [PLAIN], {}, 1);
    await expectNoLeak(COMMANDS['validate']!(url), [PLAIN], {}, 1);
  });

  it('the password in PGPASSWORD, echoed by the server', async () => {
    const url = `postgres://app@127.0.0.1:${servers.other.port}/vault`;
    for (const command of Object.keys(COMMANDS)) await expectNoLeak(COMMANDS[command]!(url), [PLAIN], { PGPASSWORD: PLAIN }, 1);
  });

  it('every database command, against a server that echoes the password', async () => {
    for (const server of [servers.auth, servers.other, servers.tlsRequired]) {
      const url = `postgres://app:${IN_URL}@127.0.0.1:${server.port}/vault`;
      for (const command of Object.keys(COMMANDS)) await expectNoLeak(COMMANDS[command]!(url), [PASSWORD, IN_URL], {}, 1);
    }
  });

  it.runIf(SERVER_URL !== undefined)('a missing database on the real server', async () => {
    const u = new URL(SERVER_URL ?? '');
    u.pathname = '/vault_no_such_database';
    u.password = PLAIN;
    const text = await expectNoLeak(COMMANDS['validate --json']!(u.toString()), [PLAIN], {}, 1);
    expect(text).toMatch(/does not exist/);
  });
});

describe.runIf(SERVER_URL !== undefined)('a password in the URL of a server that ignores it (trust authentication): every command succeeds and shows none', () => {
  it('seed, run, validate, compile --validate-db and init -o', async () => {
    const u = new URL(SERVER_URL ?? '');
    u.password = PLAIN;
    const url = u.toString();
    for (const command of ['seed', 'run', 'validate', 'validate --json', 'compile --validate-db --json', 'init -o']) {
      const args = command === 'init -o' ? ['init', '--schema', ws.model.schemas.landing, '-o', 'from-db.yaml', '--force', '--db', url] : COMMANDS[command]!(url);
      const r = await vaultIn(ws.dir, args);
      expect(r.code, `${command}\n${r.stderr}`).toBe(0);
      expect(leaks([PLAIN], r, [ws.dir]), command).toEqual([]);
      expect(r.stdout + r.stderr + (command === 'init -o' ? readFileSync(join(ws.dir, 'from-db.yaml'), 'utf8') : ''), command).toContain(':***@');
    }
  });
});

describe('malformed --db URLs: a usage mistake (exit 2), named with the password masked', () => {
  const MALFORMED: Record<string, string> = {
    'a / in the password': `postgres://app:pa/${PLAIN}@127.0.0.1:1/vault`,
    'a ? in the password': `postgres://app:pa?${PLAIN}@127.0.0.1:1/vault`,
    'a # in the password': `postgres://app:pa#${PLAIN}@127.0.0.1:1/vault`,
    'one slash after the scheme': `postgres:/app:${PLAIN}@127.0.0.1:1/vault`,
    'no slash after the scheme': `postgresql:app:${PLAIN}@127.0.0.1:1/vault`,
    'no scheme': `app:${PLAIN}@127.0.0.1:1/vault`,
    'another scheme': `mysql://app:${PLAIN}@127.0.0.1:1/vault`,
    'a broken percent-encoding': `postgres://app:${PLAIN}%zz@127.0.0.1:1/vault`,
  };
  for (const [what, url] of Object.entries(MALFORMED)) {
    it(what, async () => {
      for (const command of Object.keys(COMMANDS)) {
        const text = await expectNoLeak(COMMANDS[command]!(url), [PLAIN, `pa/${PLAIN}`, `pa?${PLAIN}`], {}, 2);
        // Named by the option the command has: compile has --validate-db, no --db.
        const option = command.startsWith('compile') ? '--validate-db=' : '--db ';
        expect(text, command).toMatch(new RegExp(`^vault: ${option}\\S*\\*\\*\\*@127\\.0\\.0\\.1:1/vault`, 'm'));
      }
    });
  }
});
