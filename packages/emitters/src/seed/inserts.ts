/**
 * Seed rows as parameterised multi-row INSERTs: values travel as bind parameters (`$1`, `$2`, …),
 * never inside the SQL text, so unicode, quotes and backslashes arrive as generated.
 */
import type { VaultModel } from '@vault/core';
import { landingTable } from '../sql/names.js';
// Seed rows go into PostgreSQL (or PGlite), whatever dialect the SQL target emits.
import { postgresDialect, quoteIdent, tableIdent } from '../sql/dialect/postgres/index.js';
import type { SeedTable, SeedValue } from './rows.js';

export interface SeedInsert {
  /** The landing table, unqualified. */
  readonly table: string;
  readonly sql: string;
  readonly params: ReadonlyArray<SeedValue>;
  readonly rows: number;
}

/** PostgreSQL's wire protocol numbers bind parameters with 16 bits. */
const MAX_PARAMS = 65_535;

/**
 * One INSERT per batch of at most `batchRows` rows (fewer when the table is wide).
 * @example
 * seedInserts(model, seedRows(model, { rows: 2, seed: 1 }))[0]?.sql
 * // 'INSERT INTO "landing"."early_warning_signal" ("analyst_comment", …) VALUES ($1, …), ($12, …)'
 */
export function seedInserts(
  model: VaultModel,
  tables: ReadonlyArray<SeedTable>,
  options: {
    readonly batchRows?: number;
    /** Source tables with a `GENERATED ALWAYS AS IDENTITY` column: their INSERTs give it the generated values (`OVERRIDING SYSTEM VALUE`). */
    readonly overridingIdentity?: ReadonlySet<string>;
  } = {},
): ReadonlyArray<SeedInsert> {
  const out: SeedInsert[] = [];
  for (const t of tables) {
    if (t.columns.length === 0) continue;
    const per = Math.max(1, Math.min(options.batchRows ?? 500, Math.floor(MAX_PARAMS / t.columns.length)));
    const target = `${tableIdent(landingTable({ model, dialect: postgresDialect }, t.table))} (${t.columns.map(quoteIdent).join(', ')})`;
    // A bytea value travels as its text form (`\x…`), which the server reads for a bytea column
    // but PGlite's driver refuses as a bytea parameter: the parameter is text, cast in SQL.
    const types = new Map(model.sources.find((s) => s.name === t.table)?.columns.map((c) => [c.name, c.type.kind]));
    const placeholder = t.columns.map((c) => (n: number) => (types.get(c) === 'bytea' ? `CAST(CAST($${n} AS text) AS bytea)` : `$${n}`));
    for (let start = 0; start < t.rows.length; start += per) {
      const chunk = t.rows.slice(start, start + per);
      const params: SeedValue[] = [];
      const tuples = chunk.map((row) => `(${row.map((v, i) => placeholder[i]!(params.push(v))).join(', ')})`);
      const overriding = options.overridingIdentity?.has(t.table) === true ? ' OVERRIDING SYSTEM VALUE' : '';
      out.push({ table: t.table, sql: `INSERT INTO ${target}${overriding} VALUES ${tuples.join(', ')}`, params, rows: chunk.length });
    }
  }
  return out;
}
