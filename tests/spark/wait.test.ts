/**
 * Waiting for a Spark endpoint that is not serving yet (packages/cli/src/db/spark/wait.ts), with
 * no Spark: the delays and the budget with a recorded sleep, then `vault run --engine spark`
 * against an HTTP server on 127.0.0.1 that answers 503 (a SQL warehouse starting), 429 or 401 to
 * every request. tests/spark/https.test.ts waits out an endpoint that starts serving.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../packages/cli/src/db/database.js';
import { nextDelay, openWaiting, retryAfter, SparkUnavailable, sparkWaitSeconds } from '../../packages/cli/src/db/spark/wait.js';
import { UsageError } from '../../packages/cli/src/exit.js';
import type { RunResult } from '../helpers/run-vault.js';
import { problemLines, sparkVault } from './cli.js';

describe('how long vault waits for a Spark endpoint that is not serving yet', () => {
  it('reads Retry-After as seconds or a date, and VAULT_SPARK_WAIT as whole seconds', () => {
    expect(retryAfter('7')).toBe(7000);
    expect(retryAfter(['3', '9'])).toBe(3000);
    expect(retryAfter('Sun, 06 Dec 2026 12:00:10 GMT', Date.parse('Sun, 06 Dec 2026 12:00:00 GMT'))).toBe(10_000);
    expect(retryAfter(undefined)).toBeUndefined();
    expect(retryAfter('soon')).toBeUndefined();
    expect(sparkWaitSeconds({})).toBe(900);
    expect(sparkWaitSeconds({ VAULT_SPARK_WAIT: '0' })).toBe(0);
    expect(sparkWaitSeconds({ VAULT_SPARK_WAIT: ' 45 ' })).toBe(45);
    for (const bad of ['-1', '1.5', '2m', 'x']) expect(() => sparkWaitSeconds({ VAULT_SPARK_WAIT: bad }), bad).toThrow(UsageError);
  });

  it('backs off 1, 2, 4, 8, 16, then 30 s, or waits what Retry-After says (1 s to 60 s a step)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => nextDelay(a, undefined))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(nextDelay(1, 5000)).toBe(5000);
    expect(nextDelay(4, 0)).toBe(1000);
    expect(nextDelay(1, 600_000)).toBe(60_000);
  });

  it('tries again while the endpoint is not serving, telling each wait, and gives up when the next wait would pass the budget', async () => {
    const slept: number[] = [];
    const notes: string[] = [];
    let attempts = 0;
    const open = (): Promise<string> => {
      attempts++;
      return Promise.reject(new SparkUnavailable('cannot connect to X: X is not serving yet (HTTP 503)', 503, attempts === 2 ? 3000 : undefined));
    };
    const sleep = (ms: number): Promise<void> => {
      slept.push(ms);
      return Promise.resolve();
    };
    const e = await openWaiting(open, { location: 'X', waitSeconds: 10, note: (l) => notes.push(l), sleep }).catch((x: unknown) => x as Error);
    // 1 s, then Retry-After 3 s, then 4 s (8 s in all); the next, 8 s, would pass 10 s.
    expect(slept).toEqual([1000, 3000, 4000]);
    expect(attempts).toBe(4);
    expect(notes).toEqual([
      'vault: X answered HTTP 503 (not serving yet); trying again in 1 s (waited 0 s of at most 10 s)',
      'vault: X answered HTTP 503 (not serving yet); trying again in 3 s (waited 1 s of at most 10 s)',
      'vault: X answered HTTP 503 (not serving yet); trying again in 4 s (waited 4 s of at most 10 s)',
    ]);
    expect(e).toBeInstanceOf(DatabaseError);
    expect(e).not.toBeInstanceOf(SparkUnavailable);
    expect((e as Error).message).toBe('cannot connect to X: X is not serving yet (HTTP 503); still so after waiting 8 s (VAULT_SPARK_WAIT=10)');

    // Serving on the third attempt: its result, after two waits.
    let n = 0;
    const later = await openWaiting(() => (++n < 3 ? Promise.reject(new SparkUnavailable('m', 502, undefined)) : Promise.resolve('open')), { location: 'X', waitSeconds: 10, sleep });
    expect(later).toBe('open');
    expect(n).toBe(3);
  });

  it('does not wait with VAULT_SPARK_WAIT=0, nor for any other failure', async () => {
    const sleep = (): Promise<void> => Promise.reject(new Error('slept'));
    const zero = await openWaiting(() => Promise.reject(new SparkUnavailable('not serving (HTTP 503)', 503, 1000)), { location: 'X', waitSeconds: 0, sleep }).catch((x: unknown) => x as Error);
    expect(zero.message).toBe('not serving (HTTP 503)');
    let attempts = 0;
    const refused = await openWaiting(
      () => {
        attempts++;
        return Promise.reject(new DatabaseError('refused the credentials (HTTP 401)'));
      },
      { location: 'X', waitSeconds: 60, sleep },
    ).catch((x: unknown) => x as Error);
    expect(refused.message).toBe('refused the credentials (HTTP 401)');
    expect(attempts).toBe(1);
  });
});

describe('vault run --engine spark against an endpoint that is not serving (no Spark needed)', () => {
  let server: Server;
  let port = 0;
  /** What the endpoint answers next: status and headers. */
  let answer: { status: number; headers: Record<string, string> } = { status: 503, headers: {} };
  const requests: IncomingMessage[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vault-spark-wait-'));
  writeFileSync(
    join(dir, 'spec.yaml'),
    'version: 1\nmodel: wait_test\ntables:\n  customer:\n    business_key: [customer_id]\n    columns:\n      customer_id: { type: int, nullable: false }\n      name: text\n',
  );

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      req.resume();
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end('not now');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    port = typeof a === 'object' && a !== null ? a.port : 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (env: Record<string, string>): Promise<RunResult> =>
    sparkVault(['run', 'spec.yaml', '--engine', 'spark', '--db', `spark+http://127.0.0.1:${port}/cliservice`], dir, { VAULT_SPARK_TOKEN: 'dapiWaitSecret77', ...env });

  it('with VAULT_SPARK_WAIT=0: one request, one line, exit 1', async () => {
    requests.length = 0;
    answer = { status: 503, headers: { 'retry-after': '1' } };
    const r = await run({ VAULT_SPARK_WAIT: '0' });
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toEqual([`vault: cannot connect to spark+http://127.0.0.1:${port}/cliservice: 127.0.0.1:${port} is not serving yet (HTTP 503; a SQL warehouse may be starting)`]);
    expect(requests).toHaveLength(1);
  });

  it('waits as Retry-After says, telling each wait, until VAULT_SPARK_WAIT is spent; the token never printed', async () => {
    requests.length = 0;
    answer = { status: 503, headers: { 'retry-after': '1' } };
    const r = await run({ VAULT_SPARK_WAIT: '3' });
    expect(r.code).toBe(1);
    const at = `127.0.0.1:${port}`;
    expect(problemLines(r.stderr)).toEqual([
      `vault: spark+http://${at}/cliservice answered HTTP 503 (not serving yet); trying again in 1 s (waited 0 s of at most 3 s)`,
      `vault: spark+http://${at}/cliservice answered HTTP 503 (not serving yet); trying again in 1 s (waited 1 s of at most 3 s)`,
      `vault: spark+http://${at}/cliservice answered HTTP 503 (not serving yet); trying again in 1 s (waited 2 s of at most 3 s)`,
      `vault: cannot connect to spark+http://${at}/cliservice: ${at} is not serving yet (HTTP 503; a SQL warehouse may be starting); still so after waiting 3 s (VAULT_SPARK_WAIT=3)`,
    ]);
    expect(requests).toHaveLength(4);
    // Each attempt sent the token as the password of user `token` (HTTP basic authentication).
    for (const q of requests) expect(q.headers.authorization).toBe(`Basic ${Buffer.from('token:dapiWaitSecret77').toString('base64')}`);
    expect(r.stdout + r.stderr).not.toContain('dapiWaitSecret77');
  }, 30_000);

  it('waits out a rate limit (429) too, but not a refusal (401)', async () => {
    requests.length = 0;
    answer = { status: 429, headers: {} };
    const limited = await run({ VAULT_SPARK_WAIT: '1' });
    expect(limited.code).toBe(1);
    expect(problemLines(limited.stderr).at(-1)).toMatch(/is limiting the rate of requests \(HTTP 429\); still so after waiting 1 s \(VAULT_SPARK_WAIT=1\)$/);
    expect(requests).toHaveLength(2);

    requests.length = 0;
    answer = { status: 401, headers: {} };
    const refused = await run({ VAULT_SPARK_WAIT: '60' });
    expect(refused.code).toBe(1);
    expect(problemLines(refused.stderr)).toEqual([expect.stringMatching(/refused the credentials \(HTTP 401\)/)]);
    expect(requests).toHaveLength(1);
  }, 30_000);

  it('VAULT_SPARK_WAIT that is not whole seconds is a usage mistake (exit 2)', async () => {
    const r = await run({ VAULT_SPARK_WAIT: '5m' });
    expect(r.code).toBe(2);
    expect(problemLines(r.stderr)).toEqual(['vault: VAULT_SPARK_WAIT=5m: expected whole seconds to wait for a Spark endpoint that is not serving yet (0: do not wait)']);
  });
});
