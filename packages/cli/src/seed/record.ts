/**
 * `vault seed`'s record of the landing tables it wrote, kept in the database so it holds for a
 * server and the embedded database alike, on every clone: the table `vault_seeded_tables` in the
 * model's raw vault schema (next to the load ledger `vault_loads`), one row per landing table.
 *
 * A row names the table, its oid (a table dropped and created again by someone else is another
 * table) and the transaction that wrote its rows. Rows a seed inserts carry that transaction's id
 * in their `xmin`; a row inserted or updated since carries another. So a recorded table is still
 * vault's to replace only while it is the same table and every row in it has that `xmin`: rows
 * vault seed did not write are never replaced without `--replace-tables`.
 */
import { quoteIdent } from '@vault/emitters';
import { SEED_RECORD_TABLE_NAME } from '@vault/emitters/internal';
import type { Queryable } from '../db/index.js';

export interface SeedRecordEntry {
  /** `pg_class.oid` of the table when it was seeded, as text. */
  readonly oid: string;
  /** The 32-bit transaction id its rows carry in `xmin`, as text. */
  readonly xid: string;
  /** Whether `vault seed` created the table (else it existed and was empty, or was replaced). */
  readonly created: boolean;
}

export interface SeededTable {
  readonly schema: string;
  readonly name: string;
  readonly created: boolean;
  readonly rows: number;
}

const recordIdent = (rawVaultSchema: string): string => `${quoteIdent(rawVaultSchema)}.${quoteIdent(SEED_RECORD_TABLE_NAME)}`;

/** What the record says, by `schema.name`; empty when there is no record yet. */
export async function readSeedRecord(q: Queryable, rawVaultSchema: string): Promise<ReadonlyMap<string, SeedRecordEntry>> {
  const exists = await q.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [recordIdent(rawVaultSchema)]);
  if (exists.rows[0]?.found !== true) return new Map();
  const rows = await q.query<{ table_schema: string; table_name: string; oid: string; xid: string; created: boolean }>(
    `SELECT table_schema, table_name, CAST(table_oid AS text) AS oid, CAST(seed_xid AS text) AS xid, created FROM ${recordIdent(rawVaultSchema)}`,
  );
  return new Map(rows.rows.map((r) => [`${r.table_schema}.${r.table_name}`, { oid: r.oid, xid: r.xid, created: r.created }]));
}

/**
 * Records the tables this transaction seeded (creating the record table if needed): their oid
 * now, and this transaction's id, which the rows just inserted carry in `xmin`.
 */
export async function writeSeedRecord(tx: Queryable, rawVaultSchema: string, tables: ReadonlyArray<SeededTable>, run: { readonly seed: number; readonly batch: number }): Promise<void> {
  const record = recordIdent(rawVaultSchema);
  await tx.query(`CREATE TABLE IF NOT EXISTS ${record} (
  table_schema text NOT NULL,
  table_name text NOT NULL,
  table_oid oid NOT NULL,
  created boolean NOT NULL,
  seed_xid bigint NOT NULL,
  rows_seeded bigint NOT NULL,
  seed bigint NOT NULL,
  batch bigint NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_schema, table_name)
)`);
  for (const t of tables) {
    // txid_current() carries an epoch in its high 32 bits; xmin is the low 32.
    await tx.query(
      `INSERT INTO ${record} AS r (table_schema, table_name, table_oid, created, seed_xid, rows_seeded, seed, batch)
SELECT $1, $2, c.oid, $3, txid_current() % 4294967296, $4, $5, $6
FROM pg_catalog.pg_class c WHERE c.oid = to_regclass(quote_ident($1) || '.' || quote_ident($2))
ON CONFLICT (table_schema, table_name) DO UPDATE SET
  created = CASE WHEN r.table_oid = EXCLUDED.table_oid THEN r.created OR EXCLUDED.created ELSE EXCLUDED.created END,
  table_oid = EXCLUDED.table_oid, seed_xid = EXCLUDED.seed_xid, rows_seeded = EXCLUDED.rows_seeded,
  seed = EXCLUDED.seed, batch = EXCLUDED.batch, seeded_at = now()`,
      [t.schema, t.name, t.created, t.rows, run.seed, run.batch],
    );
  }
}
