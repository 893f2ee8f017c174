/**
 * What `vault seed` must know about the landing zone before it changes anything: which of the
 * spec's landing tables exist, their columns and keys, how many rows they hold and how many of
 * those vault seed did not write, the foreign keys other tables hold into them, and the rows of
 * the tables outside the spec their own foreign keys point at. Everything is read in the seed command's
 * transaction, after the existing tables are locked against writes (SHARE mode: readers go on),
 * so no row can arrive between the check and the inserts.
 */
import { quoteIdent } from '@vault/emitters';
import type { Queryable } from '../db/index.js';
import { readCatalog, type CatalogForeignKey, type CatalogTable, type LandingCatalog } from '../landing/catalog.js';
import { readSeedRecord, type SeedRecordEntry } from './record.js';

export interface ExistingTable {
  readonly catalog: CatalogTable;
  readonly oid: string;
  /** Columns with a default (or an identity): an INSERT may leave them out. */
  readonly defaulted: ReadonlySet<string>;
  /** Generated columns (`GENERATED ALWAYS AS (…) STORED`): the database computes them, an INSERT must leave them out. */
  readonly generated: ReadonlySet<string>;
  /** `GENERATED ALWAYS AS IDENTITY` columns: an INSERT that gives them values says `OVERRIDING SYSTEM VALUE`. */
  readonly identityAlways: ReadonlySet<string>;
  readonly rows: number;
  /** Rows the recorded seed of this very table did not write: all of them when there is no record. */
  readonly foreignRows: number;
  /** The record's entry, when it is for this table (same oid). */
  readonly recorded?: SeedRecordEntry;
}

/** A foreign key of a table vault does not seed into one of the spec's landing tables. */
export interface InboundKey {
  readonly name: string;
  readonly fromSchema: string;
  readonly fromTable: string;
  /** Rows of the referencing table. */
  readonly fromRows: number;
  /** The landing table it references (its name in the database). */
  readonly to: string;
}

export interface LandingState {
  readonly catalog: LandingCatalog;
  /** The spec's landing tables that exist, by their name in the database. */
  readonly existing: ReadonlyMap<string, ExistingTable>;
  readonly inbound: ReadonlyArray<InboundKey>;
  /** Target values (as text) of each foreign key to a table vault does not seed, by `outsideKey`. */
  readonly outside: ReadonlyMap<string, ReadonlyArray<ReadonlyArray<string>>>;
}

/** How many target rows of a table outside the spec a seed reads at most, per foreign key. */
export const OUTSIDE_TARGET_LIMIT = 1000;

export const outsideKey = (fk: CatalogForeignKey): string => `${fk.targetSchema}.${fk.targetTable}(${fk.targetColumns.join(', ')})`;

const SEEDABLE_KINDS: ReadonlySet<CatalogTable['kind']> = new Set(['table', 'partitioned table']);

const sep = '\u001f';

export async function inspectLanding(
  q: Queryable,
  options: { readonly landingSchema: string; readonly rawVaultSchema: string; readonly tables: ReadonlyArray<string>; readonly isSeeded: (schema: string, table: string) => boolean },
): Promise<LandingState> {
  const catalog = await readCatalog(q, options.landingSchema);
  const present = options.tables.filter((t) => catalog.tables.has(t));
  const ident = (t: string): string => `${quoteIdent(options.landingSchema)}.${quoteIdent(t)}`;
  const lockable = present.filter((t) => SEEDABLE_KINDS.has(catalog.tables.get(t)!.kind));
  if (lockable.length > 0) await q.query(`LOCK TABLE ${lockable.map(ident).join(', ')} IN SHARE MODE`);

  const attributes =
    present.length === 0
      ? []
      : (
          await q.query<{ table_name: string; oid: string; column_name: string | null; defaulted: boolean | null; generated: boolean | null; identity_always: boolean | null }>(
            `SELECT c.relname::text AS table_name, CAST(c.oid AS text) AS oid, a.attname::text AS column_name, (a.atthasdef OR a.attidentity <> '') AS defaulted,
  a.attgenerated <> '' AS generated, a.attidentity = 'a' AS identity_always
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = $1 AND c.relname = ANY(string_to_array($2, chr(31)))`,
            [options.landingSchema, present.join(sep)],
          )
        ).rows;
  const record = await readSeedRecord(q, options.rawVaultSchema);

  const existing = new Map<string, ExistingTable>();
  for (const name of present) {
    const table = catalog.tables.get(name)!;
    const mine = attributes.filter((a) => a.table_name === name);
    const oid = mine[0]?.oid ?? '';
    const entry = record.get(`${options.landingSchema}.${name}`);
    const recorded = entry !== undefined && entry.oid === oid ? entry : undefined;
    let rows = 0;
    let foreignRows = 0;
    if (SEEDABLE_KINDS.has(table.kind)) {
      // The table's own rows: an inheritance child's are another table's (a partitioned table's are its own).
      const from = `${table.kind === 'table' ? 'ONLY ' : ''}${ident(name)}`;
      const counted = (
        await q.query<{ rows: string | number; foreign_rows: string | number }>(
          recorded === undefined
            ? `SELECT count(*) AS rows, count(*) AS foreign_rows FROM ${from}`
            : `SELECT count(*) AS rows, count(*) FILTER (WHERE CAST(CAST(xmin AS text) AS bigint) <> CAST($1 AS bigint)) AS foreign_rows FROM ${from}`,
          recorded === undefined ? [] : [recorded.xid],
        )
      ).rows[0];
      rows = Number(counted?.rows ?? 0);
      foreignRows = Number(counted?.foreign_rows ?? 0);
    }
    existing.set(name, {
      catalog: table,
      oid,
      defaulted: new Set(mine.filter((a) => a.defaulted === true && a.column_name !== null).map((a) => a.column_name!)),
      generated: new Set(mine.filter((a) => a.generated === true && a.column_name !== null).map((a) => a.column_name!)),
      identityAlways: new Set(mine.filter((a) => a.identity_always === true && a.column_name !== null).map((a) => a.column_name!)),
      rows,
      foreignRows,
      ...(recorded !== undefined ? { recorded } : {}),
    });
  }

  const inbound = await inboundKeys(q, options.landingSchema, [...existing.keys()], options.isSeeded);
  const outside = new Map<string, ReadonlyArray<ReadonlyArray<string>>>();
  for (const t of existing.values()) {
    for (const fk of t.catalog.foreignKeys) {
      if (options.isSeeded(fk.targetSchema, fk.targetTable) || outside.has(outsideKey(fk))) continue;
      outside.set(outsideKey(fk), await targetRows(q, fk));
    }
  }
  return { catalog, existing, inbound, outside };
}

async function inboundKeys(q: Queryable, schema: string, tables: ReadonlyArray<string>, isSeeded: (schema: string, table: string) => boolean): Promise<InboundKey[]> {
  if (tables.length === 0) return [];
  const keys = (
    await q.query<{ name: string; from_schema: string; from_table: string; to_table: string }>(
      `SELECT con.conname::text AS name, fn.nspname::text AS from_schema, fc.relname::text AS from_table, tc.relname::text AS to_table
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class tc ON tc.oid = con.confrelid JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
JOIN pg_catalog.pg_class fc ON fc.oid = con.conrelid JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype = 'f' AND tn.nspname = $1 AND tc.relname = ANY(string_to_array($2, chr(31)))
ORDER BY 2, 3, 1`,
      [schema, tables.join(sep)],
    )
  ).rows.filter((k) => !isSeeded(k.from_schema, k.from_table));
  const counts = new Map<string, number>();
  const out: InboundKey[] = [];
  for (const k of keys) {
    const from = `${quoteIdent(k.from_schema)}.${quoteIdent(k.from_table)}`;
    let n = counts.get(from);
    if (n === undefined) {
      n = Number((await q.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${from}`)).rows[0]?.n ?? 0);
      counts.set(from, n);
    }
    out.push({ name: k.name, fromSchema: k.from_schema, fromTable: k.from_table, fromRows: n, to: k.to_table });
  }
  return out;
}

/** Distinct values of the target columns, as text, without NULLs, in a stable order. */
async function targetRows(q: Queryable, fk: CatalogForeignKey): Promise<ReadonlyArray<ReadonlyArray<string>>> {
  const cols = fk.targetColumns.map((c, i) => `CAST(${quoteIdent(c)} AS text) AS v${i}`);
  const where = fk.targetColumns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const r = await q.query<Record<string, string>>(
    `SELECT DISTINCT ${cols.join(', ')} FROM ${quoteIdent(fk.targetSchema)}.${quoteIdent(fk.targetTable)} WHERE ${where} ORDER BY ${fk.targetColumns.map((_, i) => i + 1).join(', ')} LIMIT ${OUTSIDE_TARGET_LIMIT}`,
  );
  return r.rows.map((row) => fk.targetColumns.map((_, i) => row[`v${i}`] ?? ''));
}
