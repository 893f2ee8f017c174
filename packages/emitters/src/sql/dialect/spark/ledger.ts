/**
 * The load ledger in Spark SQL (sql/ledger.ts says what it is for): a Parquet table with one row
 * per load, the latest row of a table (by `loaded_at`) its last load, since Parquet tables cannot
 * be updated in place. Spark keeps no row versions, so no landing table can be fingerprinted:
 * `kind` names none, every load's signature is undefined, and Spark loads are never skipped
 * (they are idempotent: a rerun inserts nothing). docs/spark.md, "The ledger".
 */
import type { LedgerStatements } from '../../ledger.js';
import type { SqlTable } from '../../names.js';
import { statement } from '../../sql-writer.js';
import { sqlStatement, type SqlStatement } from '../../statement.js';
import { utcWallClock } from './hashing.js';
import { marker } from './parameters.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';

const COLUMNS = ['entity_table', 'signature', 'load_ts', 'rows_inserted', 'loaded_at'] as const;

export function ledgerStatements(ledger: SqlTable): LedgerStatements {
  const table = tableIdent(ledger);
  const q = quoteIdent;
  const stmt = (sql: string, parameters: SqlStatement['parameters'] = []): SqlStatement => sqlStatement('ledger', sql, { relation: ledger, parameters });
  return {
    create: stmt(
      statement((w) => {
        w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
        w.block(() => {
          w.line(`${q('entity_table')} STRING NOT NULL,`);
          w.line(`${q('signature')} STRING,`);
          w.line(`${q('load_ts')} TIMESTAMP NOT NULL,`);
          w.line(`${q('rows_inserted')} BIGINT NOT NULL,`);
          w.line(`${q('loaded_at')} TIMESTAMP NOT NULL`);
        });
        w.line(') USING PARQUET');
      }),
    ),
    select: stmt(
      statement((w) => {
        const iso = quoteLiteral("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");
        w.line(`SELECT ${q('entity_table')}, ${q('signature')}, date_format(${utcWallClock(q('load_ts'))}, ${iso}) AS ${q('load_ts')}`);
        w.line(`FROM (SELECT *, row_number() OVER (PARTITION BY ${q('entity_table')} ORDER BY ${q('loaded_at')} DESC, ${q('load_ts')} DESC) AS ${q('vault_n')} FROM ${table}) AS ${q('l')}`);
        w.line(`WHERE ${q('vault_n')} = 1`);
      }),
    ),
    record: stmt(
      statement((w) => {
        w.line(`INSERT INTO ${table} (${COLUMNS.map(q).join(', ')})`);
        w.line(`VALUES (${marker('entity_table')}, ${marker('signature')}, CAST(${marker('load_ts')} AS TIMESTAMP), ${marker('rows_inserted')}, current_timestamp())`);
      }),
      ['entity_table', 'signature', 'load_ts', 'rows_inserted'],
    ),
    // No relation kind is fingerprinted: the row says the relation is asked about, nothing more.
    kind: stmt(`SELECT 'spark' AS ${q('kind')} WHERE ${marker('relation')} IS NOT NULL`, ['relation']),
    storage: stmt(`SELECT CAST(NULL AS STRING) AS ${q('node')} WHERE ${marker('relation')} IS NOT NULL`, ['relation']),
    fingerprintedKinds: new Set<string>(),
    fingerprint: noRowVersions,
    columns: noRowVersions,
  };
}

/** Neither fingerprints nor column lists: no relation kind is fingerprinted, so neither is ever asked for. */
function noRowVersions(landing: SqlTable): never {
  throw new Error(`vault SQL: Spark keeps no row versions to fingerprint ${tableIdent(landing)}`);
}
