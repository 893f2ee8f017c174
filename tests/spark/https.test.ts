/**
 * `vault run --engine spark` against an endpoint reached as a Databricks SQL warehouse is: HiveServer2
 * over HTTPS at a path (`spark+https://127.0.0.1:PORT/cliservice`), the certificate checked, a
 * token (VAULT_SPARK_TOKEN, sent as user `token`) checked by the server on every request. The
 * test's Spark (server.ts, `sparkHttpsServer`) has a self-signed certificate that vault trusts only
 * through NODE_EXTRA_CA_CERTS. A one-table spec is set up, loaded and loaded again (nothing new);
 * loaded again through a gateway that answers 503 twice before passing requests on (vault waits);
 * and each way of getting the endpoint wrong is one line naming the cause, exit 1, the token never
 * printed.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { globalAgent, request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSpark } from '../../packages/cli/src/db/spark/index.js';
import type { Database } from '../../packages/cli/src/db/database.js';
import { insertedCounts } from '../run/workspace.js';
import { problemLines, sparkVault } from './cli.js';
import { ident, insertRows, queryText } from './client.js';
import { sparkHttpsServer, sparkHttpsSkipReason, type SparkHttpsEndpoint } from './server.js';

const T1 = '2024-05-01T00:00:00Z';
const T2 = '2024-05-02T00:00:00Z';
const T3 = '2024-05-03T00:00:00Z';

describe.skipIf(sparkHttpsSkipReason() !== undefined)('vault run --engine spark over HTTPS with a token (a Databricks SQL warehouse’s way)', () => {
  let endpoint: SparkHttpsEndpoint;
  let db: Database;
  const agentCa = globalAgent.options.ca;
  const name = `https_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'vault-https-'));
  const spec = 'spec.yaml';
  writeFileSync(
    join(dir, spec),
    [
      'version: 1',
      `model: ${name}`,
      `schemas: { landing: ${name}_landing, raw_vault: ${name}_raw, business_vault: ${name}_bv, access_layer: ${name}_al }`,
      'tables:',
      '  customer:',
      '    business_key: [customer_id]',
      '    columns:',
      '      customer_id: { type: int, nullable: false }',
      '      name: text',
      '      segment: varchar(20)',
      '',
    ].join('\n'),
  );
  const trusted = (): Record<string, string> => ({ VAULT_SPARK_TOKEN: endpoint.token, NODE_EXTRA_CA_CERTS: endpoint.ca });
  const count = async (table: string): Promise<number> => Number((await queryText(db, `SELECT CAST(count(*) AS STRING) AS n FROM ${table}`))[0]?.n);

  beforeAll(async () => {
    const server = await sparkHttpsServer();
    if ('skip' in server) throw new Error(`Spark was to run: ${server.skip}`);
    endpoint = server;
    // This process trusts the test certificate through the default agent (NODE_EXTRA_CA_CERTS is read at start-up only); the CLI runs below get NODE_EXTRA_CA_CERTS.
    globalAgent.options.ca = [...rootCertificates, readFileSync(endpoint.ca, 'utf8')];
    db = await openSpark(endpoint.url, { VAULT_SPARK_TOKEN: endpoint.token });
  }, 300_000);
  afterAll(async () => {
    for (const s of ['landing', 'raw', 'bv', 'al']) await db?.query(`DROP SCHEMA IF EXISTS ${ident(`${name}_${s}`)} CASCADE`).catch(() => undefined);
    await db?.close();
    globalAgent.options.ca = agentCa;
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets up and loads through spark+https:// with VAULT_SPARK_TOKEN; a second run of the batch adds nothing', async () => {
    expect(endpoint.url).toBe(`spark+https://127.0.0.1:${endpoint.port}/cliservice`);
    const first = await sparkVault(['run', spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T1], dir, trusted());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/setup\s+created \d+ tables and views/);
    expect(first.stdout).toContain(`database  ${endpoint.url}`);

    const landing = `${ident(`${name}_landing`)}.${ident('customer')}`;
    await insertRows(db, landing, [
      { customer_id: 1, name: 'Ada', segment: 'retail' },
      { customer_id: 2, name: 'Grace', segment: 'corporate' },
      { customer_id: 3, name: null, segment: null },
    ]);
    const second = await sparkVault(['run', spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T2], dir, trusted());
    expect(second.code, second.stderr).toBe(0);
    const inserted = insertedCounts(second.stdout);
    expect(inserted.get('hub customer')).toBe(3);
    expect(inserted.get('satellite customer')).toBe(3);
    const hub = `${ident(`${name}_raw`)}.${ident('hub_customer')}`;
    expect(await count(hub)).toBe(4); // the three keys and the ghost record

    const third = await sparkVault(['run', spec, '--engine', 'spark', '--db', endpoint.url, '--load-ts', T3], dir, trusted());
    expect(third.code, third.stderr).toBe(0);
    for (const [entity, n] of insertedCounts(third.stdout)) if (!entity.startsWith('snapshot_control ')) expect(n, entity).toBe(0);
    expect(await count(hub)).toBe(4);
    for (const r of [first, second, third]) expect(r.stdout + r.stderr).not.toContain(endpoint.token);
  }, 600_000);

  it('waits for an endpoint that answers 503 before it serves (a SQL warehouse starting), then loads', async () => {
    // A gateway on 127.0.0.1 in front of the server: 503 to the first two requests (the first with
    // Retry-After), then every request passed on as it came.
    const ca = readFileSync(endpoint.ca, 'utf8');
    let refusals = 2;
    const gateway: Server = createServer((req, res) => {
      if (refusals > 0) {
        res.writeHead(503, refusals-- === 2 ? { 'retry-after': '1' } : {});
        res.end('warehouse starting');
        return;
      }
      const up = request({ host: '127.0.0.1', port: endpoint.port, path: req.url, method: req.method, headers: req.headers, ca }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const address = gateway.address();
      const url = `spark+http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/cliservice`;
      const r = await sparkVault(['run', spec, '--engine', 'spark', '--db', url, '--load-ts', T3], dir, { ...trusted(), VAULT_SPARK_WAIT: '60' });
      expect(r.code, r.stderr).toBe(0);
      expect(problemLines(r.stderr)).toEqual([
        `vault: ${url} answered HTTP 503 (not serving yet); trying again in 1 s (waited 0 s of at most 60 s)`,
        `vault: ${url} answered HTTP 503 (not serving yet); trying again in 2 s (waited 1 s of at most 60 s)`,
      ]);
      expect(refusals).toBe(0);
      for (const [entity, n] of insertedCounts(r.stdout)) if (!entity.startsWith('snapshot_control ')) expect(n, entity).toBe(0);
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
    }
  }, 600_000);

  it('each wrong way to the endpoint is one line naming the cause, exit 1, the token never printed', async () => {
    const at = `127.0.0.1:${endpoint.port}`;
    const cases: ReadonlyArray<readonly [string, string, Record<string, string>, RegExp]> = [
      ['an untrusted certificate', endpoint.url, { VAULT_SPARK_TOKEN: endpoint.token }, /the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(self-signed certificate\); .*NODE_EXTRA_CA_CERTS/],
      ['a wrong token', endpoint.url, { ...trusted(), VAULT_SPARK_TOKEN: 'dapiWrongToken0042' }, /refused the credentials \(HTTP 401\): set VAULT_SPARK_TOKEN/],
      ['no credentials', endpoint.url, { NODE_EXTRA_CA_CERTS: endpoint.ca }, /refused the credentials \(HTTP 401\)/],
      ['a wrong path', `spark+https://${at}/sql/1.0/warehouses/nope`, trusted(), /no HiveServer2 endpoint at \/sql\/1\.0\/warehouses\/nope on 127\.0\.0\.1:\d+ \(HTTP 40[45]\): check the path/],
      ['plain HTTP to an HTTPS endpoint', `spark+http://${at}/cliservice`, trusted(), /did not answer in plain HTTP: is it an HTTPS endpoint \(spark\+https:\/\/\)\?/],
      ['the binary protocol to an HTTPS endpoint', `spark://${at}`, trusted(), /did not answer the binary protocol: is it an HTTP endpoint/],
    ];
    for (const [what, url, env, message] of cases) {
      const r = await sparkVault(['run', spec, '--engine', 'spark', '--db', url, '--load-ts', T3], dir, env);
      expect(r.code, `${what}: ${r.stderr}`).toBe(1);
      const lines = problemLines(r.stderr);
      expect(lines, what).toHaveLength(1);
      expect(lines[0], what).toMatch(/^vault: cannot connect to spark(\+https?)?:\/\//);
      expect(lines[0], what).toMatch(message);
      expect(r.stdout + r.stderr, what).not.toMatch(new RegExp(`${endpoint.token}|dapiWrongToken0042`));
    }
  }, 600_000);
});
