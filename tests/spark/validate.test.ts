/**
 * `vault validate --engine spark` as a user runs it (the built CLI), against the run's Spark
 * Thrift server: a landing schema that does not exist, one with a missing table, a missing
 * column and types that differ (an error across type families, a warning within one), names in
 * other letter case, and a landing zone that is right, profiled (a repeated and a NULL business
 * key). And the mistake that needs no Spark: no endpoint is a usage error (exit 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../packages/cli/src/db/database.js';
import { problemLines, sparkVault } from './cli.js';
import { ident, sparkSession, uniqueSchema } from './client.js';
import { sparkSkipReason, type SparkEndpoint } from './server.js';

/** The spec: `Customer` (capitals, as a spec may name it) and `orders`, in landing schema `schema`. */
const specText = (schema: string): string => `version: 1
model: spark_validate
schemas: { landing: ${schema}, raw_vault: ${schema}_raw, business_vault: ${schema}_bv, access_layer: ${schema}_al }
tables:
  Customer:
    business_key: [customer_id]
    columns:
      customer_id: { type: bigint, nullable: false }
      Full_Name: varchar(40)
      score: decimal(12,2)
      born: date
      seen_at: timestamptz
  orders:
    business_key: [order_id]
    columns:
      order_id: bigint
      customer_id: bigint
      amount: int
      note: text
`;

/** `CODE line:col` of every finding in the check tables. */
const findings = (stdout: string): string[] => [...stdout.matchAll(/(VLT6\d\d) .*?\(spec\.yaml:(\d+):(\d+)\)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);

describe('vault validate --engine spark without an endpoint', () => {
  it('is a usage error (exit 2) naming --db and VAULT_SPARK_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-spark-validate-'));
    try {
      writeFileSync(join(dir, 'spec.yaml'), specText('nowhere'));
      const r = await sparkVault(['validate', 'spec.yaml', '--engine', 'spark'], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(problemLines(r.stderr)).toEqual(['vault: --engine spark needs the endpoint: --db spark://HOST:PORT[/DATABASE] (or spark+https://HOST/PATH), or VAULT_SPARK_URL in the environment']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(sparkSkipReason() !== undefined)('vault validate --engine spark', () => {
  let endpoint: SparkEndpoint;
  let db: Database;
  const schema = uniqueSchema('spark_validate');
  const dir = mkdtempSync(join(tmpdir(), 'vault-spark-validate-'));
  writeFileSync(join(dir, 'spec.yaml'), specText(schema));
  const validate = (...args: string[]) => sparkVault(['validate', 'spec.yaml', '--engine', 'spark', '--db', endpoint.url, ...args], dir);
  const landing = (table: string): string => `${ident(schema)}.${ident(table)}`;

  beforeAll(async () => {
    ({ endpoint, db } = await sparkSession());
  }, 300_000);
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`).catch(() => undefined);
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a landing schema that does not exist is VLT601 at schemas.landing, exit 1', async () => {
    const r = await validate();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`✓ ${endpoint.url} as `);
    expect(r.stdout).toMatch(/, Spark \d+\.\d+\.\d+$/m);
    expect(findings(r.stdout)).toEqual(['VLT601 3:21']);
  }, 120_000);

  it('a missing table and column, and types by family: errors and warnings at the spec lines; no permissions check', async () => {
    await db.query(`CREATE SCHEMA ${ident(schema)}`);
    await db.query(`CREATE TABLE ${landing('customer')} (customer_id BIGINT, full_name STRING, score DECIMAL(18,2), born STRING, seen_at TIMESTAMP) USING PARQUET`);
    const r = await validate();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(findings(r.stdout).sort()).toEqual([
      // orders is missing; Customer.born is text where the spec says date; score's precision differs.
      'VLT602 13:3',
      'VLT604 11:13',
      'VLT605 10:14',
    ]);
    expect(r.stdout).toMatch(/^existence$/m);
    expect(r.stdout).not.toMatch(/^permissions$/m);
    expect(r.stdout).toMatch(/2 source tables: 2 errors, 1 warning$/m);

    await db.query(`CREATE TABLE ${landing('orders')} (order_id BIGINT, customer_id BIGINT, amount BIGINT, nte STRING) USING PARQUET`);
    const again = await validate();
    expect(findings(again.stdout).sort()).toEqual(['VLT603 19:7', 'VLT604 11:13', 'VLT605 10:14', 'VLT605 18:15']);
    expect(again.stdout).toContain("VLT603 column 'note' not found in " + `${schema}.orders (did you mean 'nte'?)`);
  }, 180_000);

  it('a landing zone as the spec says passes; --profile samples the keys; --json says the same', async () => {
    await db.query(`DROP TABLE IF EXISTS ${landing('customer')}`);
    await db.query(`DROP TABLE IF EXISTS ${landing('orders')}`);
    await db.query(`CREATE TABLE ${landing('customer')} (customer_id BIGINT, full_name STRING, score DECIMAL(12,2), born DATE, seen_at TIMESTAMP) USING PARQUET`);
    await db.query(`CREATE TABLE ${landing('orders')} (order_id BIGINT, customer_id BIGINT, amount INT, note STRING) USING PARQUET`);
    await db.query(`INSERT INTO ${landing('orders')} VALUES (1, 1, 5, 'a'), (1, 2, 6, 'b'), (NULL, 3, 7, 'c'), (2, 2, 8, 'd')`);

    const r = await validate();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}✓ Customer +types agree \(Spark tables hold no NOT NULL or keys\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ orders +SELECT … LIMIT 1 in \d+ ms$/m);
    expect(r.stdout).toMatch(/2 source tables: 0 errors, 0 warnings$/m);

    const profiled = await validate('--profile');
    expect(profiled.code, profiled.stdout + profiled.stderr).toBe(0);
    expect(findings(profiled.stdout)).toEqual(['VLT612 13:3', 'VLT613 13:3']);
    expect(profiled.stdout).toContain('VLT612 business key (order_id) of orders is not unique: 1 key value repeats in 4 sampled rows, e.g. (1) ×2');
    expect(profiled.stdout).toMatch(/^ {2}✓ Customer +0 rows sampled: key \(customer_id\) unique, business key never NULL$/m);

    const json = await validate('--json');
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { status: string; ok: boolean; connectivity: { status: string; server_version: string }; checks: Record<string, unknown> };
    expect(doc.status).toBe('ok');
    expect(doc.connectivity.status).toBe('ok');
    expect(Object.keys(doc.checks)).toEqual(['existence', 'structure', 'access']);
  }, 240_000);
});
