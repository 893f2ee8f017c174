import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDbUrl, redactUrl, scrub } from '../../packages/cli/dist/db/index.js';
import { fakeServer, type FakeServer } from './fake-server.js';
import { SERVER_URL, createWorkspace, runVaultAsync, type Workspace } from './workspace.js';

const PASSWORD = 's3cret-pw';

describe('redactUrl', () => {
  it('hides the password and password parameters, keeps the rest', () => {
    expect(redactUrl(`postgres://app:${PASSWORD}@db.example:5433/vault?sslmode=require`)).toBe('postgres://app:***@db.example:5433/vault?sslmode=require');
    expect(redactUrl(`postgresql://app@db/vault?password=${PASSWORD}`)).toBe('postgresql://app@db/vault?password=***');
    expect(redactUrl('postgres://app@db/vault')).toBe('postgres://app@db/vault');
    expect(redactUrl(`not a url://app:${PASSWORD}@x`)).not.toContain(PASSWORD);
    expect(scrub(`failed for postgres://u:${PASSWORD}@h/d and ${PASSWORD}`, `postgres://u:${PASSWORD}@h/d`)).toBe('failed for postgres://u:***@h/d and ***');
  });

  it('reads host, port, database, user and connect_timeout', () => {
    expect(parseDbUrl('postgres://u:p@127.0.0.1:1/test?connect_timeout=3')).toEqual({ host: '127.0.0.1', port: 1, database: 'test', user: 'u', connectTimeoutSeconds: 3 });
    expect(parseDbUrl('postgresql://h')).toMatchObject({ host: 'h', port: 5432, database: 'postgres', user: 'postgres', connectTimeoutSeconds: 10 });
  });
});

describe('vault run --db: connection failures are one line, without the password, exit 1', () => {
  let ws: Workspace;
  const servers: FakeServer[] = [];
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'connect');
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await ws.cleanup();
  });

  const run = (url: string, command: 'run' | 'seed' = 'run') => runVaultAsync([command, ws.spec, '--db', url, ...(command === 'seed' ? ['--rows', '5'] : [])], ws.dir);

  const expectOneLine = (r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void => {
    expect(r.code, r.stderr).toBe(1);
    // The spec's warnings (ews has two VLT402) come first; then the error, on one line.
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => !/: warning VLT\d{3}: /.test(l));
    expect(lines).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  it('a closed port: connection refused', async () => {
    expectOneLine(await run(`postgres://postgres:${PASSWORD}@127.0.0.1:1/test`), /\nvault: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: connection refused by 127\.0\.0\.1:1/);
    expectOneLine(await run(`postgres://postgres:${PASSWORD}@127.0.0.1:1/test`, 'seed'), /connection refused/);
  });

  it('an unknown host', async () => {
    expectOneLine(await run(`postgres://postgres:${PASSWORD}@no-such-host.invalid/test?connect_timeout=5`), /unknown host 'no-such-host\.invalid'/);
  });

  it('a wrong password and a missing database (a stand-in server answers)', async () => {
    const bad = await fakeServer({ code: '28P01', message: 'password authentication failed for user "app"' });
    const missing = await fakeServer({ code: '3D000', message: 'database "nope" does not exist' });
    servers.push(bad, missing);
    expectOneLine(await run(`postgres://app:${PASSWORD}@127.0.0.1:${bad.port}/vault`), /password authentication failed for user 'app'/);
    expectOneLine(await run(`postgres://app:${PASSWORD}@127.0.0.1:${missing.port}/nope`), /database 'nope' does not exist on 127\.0\.0\.1:\d+/);
  });

  it('a server that never answers: timeout after connect_timeout', async () => {
    const silent = await fakeServer('silent');
    servers.push(silent);
    const t0 = Date.now();
    expectOneLine(await run(`postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/vault?connect_timeout=1`), /timed out after 1 s connecting to 127\.0\.0\.1:\d+/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it.runIf(SERVER_URL !== undefined)('a missing database on the real server', async () => {
    const u = new URL(SERVER_URL ?? '');
    u.pathname = '/vault_no_such_database';
    u.password = PASSWORD;
    expectOneLine(await run(u.toString()), /database 'vault_no_such_database' does not exist/);
  });

  it('a malformed URL is a usage mistake (exit 2)', async () => {
    const r = await run(`mysql://root:${PASSWORD}@localhost/db`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
