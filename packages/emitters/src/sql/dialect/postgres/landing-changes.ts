/**
 * A landing table's changed rows in PostgreSQL (sql/landing-changes.ts says what they are for).
 *
 * A row's digest is two 64-bit hashes of its columns, `hash_record_extended` of the row of the
 * columns the model reads with seeds 0 and 1 (PostgreSQL 14 or later: `vault run` asks for the
 * function first and loads every row without it). Each column is hashed by its type's own hash
 * where equal values of the type are the same value (integers, dates, timestamps, booleans, uuids,
 * bytea, decimals of a fixed scale), and as text where the type calls different values equal
 * (`0` and `-0` of a float, `1 day` and `24:00:00` of an interval, `1.5` and `1.50` of a decimal
 * without a scale, json) or could by its collation (text types, hashed as their bytes). So two
 * rows the vault would hash differently always have different digests; two different rows share
 * one only by a 128-bit collision.
 */
import type { ColumnType } from '@vault/core';
import type { LandingChangeStatements, LandingChangeTables } from '../../landing-changes.js';
import { statement } from '../../sql-writer.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';

/** The digest's two columns in a rows table. */
const DIGEST = ['h1', 'h2'] as const;

/** `column` of alias `s` as its digest hashes it: by its type's hash where equality is identity, else as the bytes of its text. */
function hashed(column: string, type: ColumnType): string {
  const c = `${quoteIdent('s')}.${quoteIdent(column)}`;
  // The text's bytes: equal only when the texts are, whatever the column's collation.
  const asBytes = (text: string): string => `convert_to(${text}, ${quoteLiteral('UTF8')})`;
  switch (type.kind) {
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'boolean':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'uuid':
    case 'bytea':
      return c;
    case 'decimal':
      return type.scale === undefined ? asBytes(`CAST(${c} AS text)`) : c;
    case 'text':
    case 'varchar':
    case 'char':
    case 'real':
    case 'double':
    case 'interval':
    case 'json':
    case 'jsonb':
      return asBytes(`CAST(${c} AS text)`);
  }
}

export function landingChangeStatements(t: LandingChangeTables): LandingChangeStatements {
  const q = quoteIdent;
  const landing = tableIdent(t.landing);
  const rows = tableIdent(t.rows);
  const changes = tableIdent(t.changes);
  const gone = tableIdent(t.gone);
  const row = `ROW(${t.columns.map((c) => hashed(c.name, c.type)).join(', ')})`;
  const digest = (seed: number): string => `hash_record_extended(${row}, ${seed})`;
  const digestColumns = `${q(DIGEST[0])} bigint NOT NULL, ${q(DIGEST[1])} bigint NOT NULL`;
  // The texts of floats and intervals read with the settings that make them exact and the same on every run.
  const settings = [`SET LOCAL extra_float_digits = 1`, `SET LOCAL IntervalStyle = ${quoteLiteral('postgres')}`];
  const digestsOf = (from: string) =>
    statement((w) => {
      w.line(`INSERT INTO ${rows} (${DIGEST.map(q).join(', ')})`);
      w.line(`SELECT ${digest(0)}, ${digest(1)} FROM ${from} AS ${q('s')}`);
    });
  return {
    definition: `${row} seeds 0 1`,
    createRows: `CREATE UNLOGGED TABLE IF NOT EXISTS ${rows} (${digestColumns})`,
    anyRow: `SELECT 1 AS ${q('n')} FROM ${rows} LIMIT 1`,
    available: `SELECT count(*) AS ${q('n')} FROM pg_catalog.pg_proc WHERE proname = ${quoteLiteral('hash_record_extended')}`,
    prepare: [
      ...settings,
      `DROP TABLE IF EXISTS ${changes}, ${gone}`,
      `CREATE UNLOGGED TABLE ${changes} (LIKE ${landing})`,
      `CREATE UNLOGGED TABLE ${gone} (${digestColumns})`,
      statement((w) => {
        // One read of the batch: a full join of its digests with the set's gives the rows not in
        // the set (changed or new) and the digests no row has any more; the batch's changed rows
        // are then fetched by row address, in the statement's one snapshot.
        w.line(`WITH ${q('$batch')} AS (SELECT ${digest(0)} AS ${q('h1')}, ${digest(1)} AS ${q('h2')}, ${q('s')}.ctid AS ${q('row')} FROM ${landing} AS ${q('s')}),`);
        w.line(`${q('$diff')} AS (`);
        w.block(() => {
          w.line(`SELECT ${q('b')}.${q('row')}, ${q('r')}.${q('h1')}, ${q('r')}.${q('h2')}`);
          w.line(`FROM ${q('$batch')} AS ${q('b')} FULL JOIN ${rows} AS ${q('r')} ON ${q('r')}.${q('h1')} = ${q('b')}.${q('h1')} AND ${q('r')}.${q('h2')} = ${q('b')}.${q('h2')}`);
          w.line(`WHERE ${q('b')}.${q('row')} IS NULL OR ${q('r')}.${q('h1')} IS NULL`);
        });
        w.line('),');
        w.line(`${q('$gone')} AS (INSERT INTO ${gone} (${DIGEST.map(q).join(', ')}) SELECT ${q('h1')}, ${q('h2')} FROM ${q('$diff')} WHERE ${q('row')} IS NULL)`);
        w.line(`INSERT INTO ${changes}`);
        w.line(`SELECT ${q('s')}.* FROM ${landing} AS ${q('s')} WHERE ${q('s')}.ctid = ANY (ARRAY(SELECT ${q('row')} FROM ${q('$diff')} WHERE ${q('row')} IS NOT NULL))`);
      }),
      // The loads reading it are planned for its real size (a few rows: look-ups by key, not scans of the vault).
      `ANALYZE ${changes}`,
    ],
    empty: [`DROP TABLE IF EXISTS ${changes}, ${gone}`, `CREATE UNLOGGED TABLE ${changes} (LIKE ${landing})`, `ANALYZE ${changes}`],
    drop: [`DROP TABLE IF EXISTS ${changes}, ${gone}`],
    apply: [
      ...settings,
      `DELETE FROM ${rows} AS ${q('r')} USING ${gone} AS ${q('g')} WHERE ${q('r')}.${q('h1')} = ${q('g')}.${q('h1')} AND ${q('r')}.${q('h2')} = ${q('g')}.${q('h2')}`,
      digestsOf(changes),
      `DROP TABLE IF EXISTS ${changes}, ${gone}`,
    ],
    // Made anew from the select (a bulk write, about a third faster than emptying it and inserting).
    fill: [
      ...settings,
      `DROP TABLE IF EXISTS ${rows}, ${changes}, ${gone}`,
      statement((w) => {
        w.line(`CREATE UNLOGGED TABLE ${rows} AS`);
        w.line(`SELECT ${digest(0)} AS ${q(DIGEST[0])}, ${digest(1)} AS ${q(DIGEST[1])} FROM ${landing} AS ${q('s')}`);
      }),
    ],
  };
}
