/**
 * The load ledger: `vault run`'s record of what each raw vault table was last loaded from, so a
 * batch already loaded is not read, hashed and compared again (docs/run.md, "Unchanged batches").
 *
 * A load is skipped when its signature equals the one recorded by the table's last load. The
 * signature covers the load statements, the target table's storage (`pg_relation_filenode`,
 * new after TRUNCATE or a drop and re-create) and a fingerprint of each landing table it reads:
 * the row count, a 64-bit sum over the rows' versions (`ctid`, `xmin`) and the table's columns
 * (`pg_attribute`). Any committed insert, update or delete writes or removes a row version, and
 * adding or dropping a column changes the column list, so either changes the fingerprint; reading
 * it touches no user column. A landing table changed while a load runs gives that load a
 * fingerprint older than what it read, so the next run loads again: never too little.
 */
import { sqlName, type SqlTable } from './names.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
import { statement } from './sql-writer.js';
import { sqlStatement, type SqlStatement } from './statement.js';

/** The ledger table's name in the raw vault schema; entity tables carry a kind prefix, so it meets none. */
export const LEDGER_TABLE_NAME = 'vault_loads';

/** Bumped when what a signature covers changes, so older ledger rows never match. */
export const LEDGER_SIGNATURE_VERSION = 'vault load ledger v1';

/**
 * Relations whose row versions show every change: tables, partitioned tables, materialized
 * views. A landing "table" that is a view or a foreign table is never fingerprinted, so the loads
 * reading it always run.
 */
export const FINGERPRINTED_KINDS: ReadonlySet<string> = new Set(['r', 'p', 'm']);

export function ledgerTable(rawVaultSchema: string): SqlTable {
  return { schema: sqlName(rawVaultSchema), name: LEDGER_TABLE_NAME };
}

/** Each statement declares the parameters it takes (`SqlStatement.parameters`). */
export interface LedgerStatements {
  readonly create: SqlStatement;
  /** Rows `{ entity_table, signature, load_ts }` (load_ts as ISO 8601 UTC text) of every table loaded before. */
  readonly select: SqlStatement;
  /** Takes the table loaded (`entity_table`, `schema.name`), its `signature`, `load_ts` and `rows_inserted`. */
  readonly record: SqlStatement;
  /** Takes a table as `relation` (`"schema"."name"`): `{ node }`, its storage's file node as text. */
  readonly storage: SqlStatement;
  /** Takes a table as `relation` (`"schema"."name"`): `{ kind }`, its `pg_class.relkind` (no row: no such table). */
  readonly kind: SqlStatement;
  /**
   * The fingerprint query of a landing table: one row `{ rows, versions, columns }`, all text.
   * Only for kinds `FINGERPRINTED_KINDS`; a view has no row versions.
   */
  fingerprint(landing: SqlTable): SqlStatement;
}

export function ledgerStatements(rawVaultSchema: string): LedgerStatements {
  const relation = ledgerTable(rawVaultSchema);
  const table = tableIdent(relation);
  const ledger = (sql: string, parameters: SqlStatement['parameters'] = []): SqlStatement => sqlStatement('ledger', sql, { relation, parameters });
  return {
    create: ledger(statement((w) => {
      w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
      w.block(() => {
        w.line(`${quoteIdent('entity_table')} text PRIMARY KEY,`);
        w.line(`${quoteIdent('signature')} text,`);
        w.line(`${quoteIdent('load_ts')} timestamptz NOT NULL,`);
        w.line(`${quoteIdent('rows_inserted')} bigint NOT NULL,`);
        w.line(`${quoteIdent('loaded_at')} timestamptz NOT NULL DEFAULT now()`);
      });
      w.line(')');
    })),
    select: ledger(`SELECT ${quoteIdent('entity_table')}, ${quoteIdent('signature')}, to_char(${quoteIdent('load_ts')} AT TIME ZONE 'UTC', ${quoteLiteral('YYYY-MM-DD"T"HH24:MI:SS.US"Z"')}) AS ${quoteIdent('load_ts')} FROM ${table}`),
    record: ledger(statement((w) => {
      w.line(`INSERT INTO ${table} (${['entity_table', 'signature', 'load_ts', 'rows_inserted'].map(quoteIdent).join(', ')})`);
      w.line('VALUES ($1, $2, $3::timestamptz, $4)');
      w.line(`ON CONFLICT (${quoteIdent('entity_table')}) DO UPDATE SET ${['signature', 'load_ts', 'rows_inserted'].map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}, ${quoteIdent('loaded_at')} = now()`);
    }), ['entity_table', 'signature', 'load_ts', 'rows_inserted']),
    kind: ledger(`SELECT CAST(relkind AS text) AS ${quoteIdent('kind')} FROM pg_catalog.pg_class WHERE oid = to_regclass($1)`, ['relation']),
    storage: ledger(`SELECT CAST(pg_relation_filenode(to_regclass($1)) AS text) AS ${quoteIdent('node')}`, ['relation']),
    fingerprint: (landing) =>
      sqlStatement('ledger', statement((w) => {
        const t = tableIdent(landing);
        w.line('SELECT');
        w.block(() => {
          w.line(`CAST(count(*) AS text) AS ${quoteIdent('rows')},`);
          w.line(`CAST(COALESCE(sum(hashtextextended(CAST(ctid AS text) || ${quoteLiteral(' ')} || CAST(xmin AS text), 0)), 0) AS text) AS ${quoteIdent('versions')},`);
          // Columns added or dropped change what rows hold without writing new row versions.
          w.line(`(SELECT string_agg(concat_ws(${quoteLiteral(':')}, attnum, attname, atttypid, atttypmod, attcollation, attisdropped), ${quoteLiteral(',')} ORDER BY attnum)`);
          w.line(` FROM pg_catalog.pg_attribute WHERE attrelid = CAST(${quoteLiteral(t)} AS regclass) AND attnum > 0) AS ${quoteIdent('columns')}`);
        });
        w.line(`FROM ${t}`);
      }), { relation: landing }),
  };
}
