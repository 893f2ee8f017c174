/**
 * The load ledger in PostgreSQL (sql/ledger.ts says what it is for). A landing table's
 * fingerprint is its row count, a 64-bit sum over the rows' versions (`ctid`, `xmin`) and the
 * table's columns (`pg_attribute`): any committed insert, update or delete writes or removes a
 * row version, and adding or dropping a column changes the column list, so either changes the
 * fingerprint; reading it touches no user column. The target's storage is
 * `pg_relation_filenode`, new after TRUNCATE or a drop and re-create.
 */
import type { LedgerStatements } from '../../ledger.js';
import type { SqlTable } from '../../names.js';
import { statement } from '../../sql-writer.js';
import { sqlStatement, type SqlStatement } from '../../statement.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';

/**
 * Relations whose row versions show every change: tables, partitioned tables, materialized
 * views (`pg_class.relkind`). A landing "table" that is a view or a foreign table is never
 * fingerprinted, so the loads reading it always run.
 */
export const FINGERPRINTED_KINDS: ReadonlySet<string> = new Set(['r', 'p', 'm']);

export function ledgerStatements(ledger: SqlTable): LedgerStatements {
  const table = tableIdent(ledger);
  const stmt = (sql: string, parameters: SqlStatement['parameters'] = []): SqlStatement => sqlStatement('ledger', sql, { relation: ledger, parameters });
  return {
    create: sqlStatement(
      'ledger',
      statement((w) => {
        w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
        w.block(() => {
          w.line(`${quoteIdent('entity_table')} text PRIMARY KEY,`);
          w.line(`${quoteIdent('signature')} text,`);
          w.line(`${quoteIdent('load_ts')} timestamptz NOT NULL,`);
          w.line(`${quoteIdent('rows_inserted')} bigint NOT NULL,`);
          w.line(`${quoteIdent('loaded_at')} timestamptz NOT NULL DEFAULT now(),`);
          // Which landing rows the table holds (sql/landing-changes.ts): JSON text, NULL for none known.
          w.line(`${quoteIdent('landing_rows')} text`);
        });
        w.line(')');
      }),
      { relation: ledger, creates: { kind: 'relation', relation: ledger } },
    ),
    // A ledger made before landing_rows was recorded.
    evolve: sqlStatement('ledger', `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${quoteIdent('landing_rows')} text`, {
      relation: ledger,
      creates: { kind: 'column', relation: ledger, column: 'landing_rows' },
    }),
    select: stmt(
      `SELECT ${quoteIdent('entity_table')}, ${quoteIdent('signature')}, ${quoteIdent('landing_rows')}, to_char(${quoteIdent('load_ts')} AT TIME ZONE 'UTC', ${quoteLiteral('YYYY-MM-DD"T"HH24:MI:SS.US"Z"')}) AS ${quoteIdent('load_ts')} FROM ${table}`,
    ),
    record: stmt(
      statement((w) => {
        w.line(`INSERT INTO ${table} (${['entity_table', 'signature', 'load_ts', 'rows_inserted', 'landing_rows'].map(quoteIdent).join(', ')})`);
        w.line('VALUES ($1, $2, $3::timestamptz, $4, $5)');
        w.line(
          `ON CONFLICT (${quoteIdent('entity_table')}) DO UPDATE SET ${['signature', 'load_ts', 'rows_inserted', 'landing_rows'].map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}, ${quoteIdent('loaded_at')} = now()`,
        );
      }),
      ['entity_table', 'signature', 'load_ts', 'rows_inserted', 'landing_rows'],
    ),
    // The texts come from the catalog (format's %I quotes the name, regclass prints the table as the
    // session names it), so a key comes back with its name and definition. In name order: any order works.
    keys: stmt(
      statement((w) => {
        w.line('SELECT');
        w.block(() => {
          w.line(`format(${quoteLiteral('ALTER TABLE %s DROP CONSTRAINT %I')}, ${quoteIdent('c')}.conrelid::regclass, ${quoteIdent('c')}.conname) AS ${quoteIdent('drop')},`);
          w.line(
            `format(${quoteLiteral('ALTER TABLE %s ADD CONSTRAINT %I %s')}, ${quoteIdent('c')}.conrelid::regclass, ${quoteIdent('c')}.conname, pg_catalog.pg_get_constraintdef(${quoteIdent('c')}.oid)) AS ${quoteIdent('add')}`,
          );
        });
        w.line(`FROM pg_catalog.pg_constraint AS ${quoteIdent('c')}`);
        w.line(`WHERE ${quoteIdent('c')}.conrelid = to_regclass($1) AND ${quoteIdent('c')}.contype IN ('p', 'u')`);
        w.line(`AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint AS ${quoteIdent('f')} WHERE ${quoteIdent('f')}.confrelid = to_regclass($1))`);
        // Dropping and adding a key is the table's owner's right: a role that may only write into the table loads it with its keys in place.
        w.line(`AND pg_catalog.pg_has_role((SELECT ${quoteIdent('t')}.relowner FROM pg_catalog.pg_class AS ${quoteIdent('t')} WHERE ${quoteIdent('t')}.oid = to_regclass($1)), 'USAGE')`);
        w.line(`ORDER BY ${quoteIdent('c')}.conname`);
      }),
      ['relation'],
    ),
    kind: stmt(`SELECT CAST(relkind AS text) AS ${quoteIdent('kind')} FROM pg_catalog.pg_class WHERE oid = to_regclass($1)`, ['relation']),
    storage: stmt(`SELECT CAST(pg_relation_filenode(to_regclass($1)) AS text) AS ${quoteIdent('node')}`, ['relation']),
    fingerprintedKinds: FINGERPRINTED_KINDS,
    fingerprint: (landing) =>
      sqlStatement(
        'ledger',
        statement((w) => {
          const t = tableIdent(landing);
          w.line('SELECT');
          w.block(() => {
            w.line(`CAST(count(*) AS text) AS ${quoteIdent('rows')},`);
            w.line(`CAST(COALESCE(sum(hashtextextended(CAST(ctid AS text) || ${quoteLiteral(' ')} || CAST(xmin AS text), 0)), 0) AS text) AS ${quoteIdent('versions')},`);
            // Columns added or dropped change what rows hold without writing new row versions.
            w.line(`${columnList(t)} AS ${quoteIdent('columns')}`);
          });
          w.line(`FROM ${t}`);
        }),
        { relation: landing },
      ),
    columns: (landing) => sqlStatement('ledger', `SELECT ${columnList(tableIdent(landing))} AS ${quoteIdent('columns')}`, { relation: landing }),
  };
}

/** The columns of relation `t` (its quoted name): number, name, type, modifier, collation and dropped flag of each, in order. */
function columnList(t: string): string {
  return [
    `(SELECT string_agg(concat_ws(${quoteLiteral(':')}, attnum, attname, atttypid, atttypmod, attcollation, attisdropped), ${quoteLiteral(',')} ORDER BY attnum)`,
    ` FROM pg_catalog.pg_attribute WHERE attrelid = CAST(${quoteLiteral(t)} AS regclass) AND attnum > 0)`,
  ].join('\n');
}
