/**
 * `duplicates: error_table` under `vault run --engine spark`: the rows routed to
 * `vault_duplicates` are counted in that table (Spark reports no row counts: the runner counts the
 * statement's relation before and after), and reported as on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, queryText } from './client.js';
import { sparkModel } from './model-workspace.js';
import { sparkSkipReason } from './server.js';

const specText = (schema: string): string => `version: 1
model: ${schema}
schemas: { landing: ${schema}, raw_vault: ${schema}_raw, business_vault: ${schema}_bv, access_layer: ${schema}_al }
tables:
  items:
    business_key: [item_id]
    duplicates: error_table
    columns:
      item_id: { type: int, nullable: false }
      label: text
`;

describe.skipIf(sparkSkipReason() !== undefined)('vault run --engine spark with duplicates: error_table', () => {
  const model = sparkModel('spark_dup');
  const { schema, run, db } = model;

  beforeAll(() => model.open(), 300_000);
  afterAll(() => model.close());

  it('reports the rows it wrote to vault_duplicates', async () => {
    model.writeSpec(specText(schema));
    const first = await run('2024-05-01T00:00:00Z');
    expect(first.code, first.stderr).toBe(0);
    await db().query(`INSERT INTO ${ident(schema)}.${ident('items')} VALUES (1, 'a'), (1, 'b'), (2, 'x'), (2, 'y'), (2, 'z'), (3, 'c')`);
    const second = await run('2024-05-02T00:00:00Z');
    expect(second.code, second.stderr).toBe(0);
    const stored = await queryText(db(), `SELECT CAST(count(*) AS STRING) AS n FROM ${ident(`${schema}_raw`)}.${ident('vault_duplicates')}`);
    // One row per key kept (the smallest hashdiff), the other payloads routed: 1 of key 1, 2 of key 2.
    expect(stored[0]?.n).toBe('3');
    expect(second.stdout).toMatch(new RegExp(`satellite items +3 rows inserted .* 2 duplicate keys \\(e\\.g\\. item_id=1\\), 3 rows to ${schema}_raw\\.vault_duplicates`));
    expect(second.stdout).toContain(`3 rows of satellite items written to ${schema}_raw.vault_duplicates`);
  }, 600_000);
});
