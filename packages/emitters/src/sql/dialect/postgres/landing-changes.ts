/**
 * A landing table's changed rows in PostgreSQL (sql/landing-changes.ts says what they are for).
 *
 * A row's digest is two 64-bit hashes of its columns, `hash_record_extended` of the row of the
 * columns the model reads with seeds 0 and 1 (PostgreSQL 14 or later, which also hashes a `tid`:
 * `vault run` asks for both functions first and loads every row without them). Each column is hashed by its type's own hash
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

/**
 * A rows table's columns: the row version (`tableoid`, `ctid`, `xmin`: its partition, its address,
 * the transaction that wrote it) and the digest of its row. A landing row whose version the set
 * holds is the row the set hashed: an insert or an update writes a new version, and an address is
 * used again only by a later transaction.
 */
const PART = 'part';
const ROW = 'row';
const VERSION = 'version';
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
  const fresh = tableIdent(t.fresh);
  const row = `ROW(${t.columns.map((c) => hashed(c.name, c.type)).join(', ')})`;
  const digest = (seed: number): string => `hash_record_extended(${row}, ${seed})`;
  const s = (column: string): string => `${q('s')}.${column}`;
  const entryColumns = [PART, ROW, VERSION, ...DIGEST].map(q).join(', ');
  /** A landing row's entry (alias `s`): its version and digest, under the rows table's column names. */
  const entry = `${s('tableoid')} AS ${q(PART)}, ${s('ctid')} AS ${q(ROW)}, ${s('xmin')} AS ${q(VERSION)}, ${digest(0)} AS ${q(DIGEST[0])}, ${digest(1)} AS ${q(DIGEST[1])}`;
  const entryTypes = `${q(PART)} oid NOT NULL, ${q(ROW)} tid NOT NULL, ${q(VERSION)} xid NOT NULL, ${q(DIGEST[0])} bigint NOT NULL, ${q(DIGEST[1])} bigint NOT NULL`;
  // The texts of floats and intervals read with the settings that make them exact and the same on every run.
  const settings = [`SET LOCAL extra_float_digits = 1`, `SET LOCAL IntervalStyle = ${quoteLiteral('postgres')}`];
  const dropAll = `DROP TABLE IF EXISTS ${changes}, ${gone}, ${fresh}`;
  const createChanges = `CREATE UNLOGGED TABLE ${changes} (LIKE ${landing})`;
  const digestsMatch = `${q('r')}.${q(DIGEST[0])} = ${q('f')}.${q(DIGEST[0])} AND ${q('r')}.${q(DIGEST[1])} = ${q('f')}.${q(DIGEST[1])}`;
  /** The changes table: the landing rows of the fresh entries whose digest is not in `known` (the set, or the part of it `seen` gives), by address in the transaction's one snapshot. */
  const fetchChanges = (known: string, seen?: string) =>
    statement((w) => {
      if (seen !== undefined) w.line(`WITH ${known} AS MATERIALIZED (${seen})`);
      w.line(`INSERT INTO ${changes}`);
      w.line(`SELECT ${q('s')}.* FROM ${landing} AS ${q('s')} WHERE ${s('ctid')} = ANY (ARRAY(`);
      w.block(() => w.line(`SELECT ${q('f')}.${q(ROW)} FROM ${fresh} AS ${q('f')} WHERE NOT EXISTS (SELECT FROM ${known} AS ${q('r')} WHERE ${digestsMatch})`));
      w.line('))');
    });
  return {
    definition: `${row} seeds 0 1, by row version`,
    createRows: `CREATE UNLOGGED TABLE IF NOT EXISTS ${rows} (${entryTypes})`,
    anyRow: `SELECT 1 AS ${q('n')} FROM ${rows} LIMIT 1`,
    available: `SELECT CASE WHEN count(DISTINCT proname) = 2 THEN 1 ELSE 0 END AS ${q('n')} FROM pg_catalog.pg_proc WHERE proname IN (${quoteLiteral('hash_record_extended')}, ${quoteLiteral('hashtidextended')})`,
    prepare: [
      ...settings,
      dropAll,
      createChanges,
      // Every row hashed once, in one scan; the set's digests of rows met again are found by the anti join.
      `CREATE UNLOGGED TABLE ${fresh} AS SELECT ${entry} FROM ${landing} AS ${q('s')}`,
      fetchChanges(rows),
      // The loads reading it are planned for its real size (a few rows: look-ups by key, not scans of the vault).
      `ANALYZE ${changes}`,
    ],
    prepareVersions: [
      ...settings,
      dropAll,
      createChanges,
      `CREATE UNLOGGED TABLE ${gone} (${q('at')} tid NOT NULL, ${q(PART)} oid NOT NULL, ${q(ROW)} tid NOT NULL, ${q(VERSION)} xid NOT NULL)`,
      `CREATE UNLOGGED TABLE ${fresh} (${entryTypes})`,
      statement((w) => {
        // One join of versions, no row hashed: the batch's versions the set lacks, and the set's
        // entries (by their own address) whose version the batch lacks.
        w.line(`WITH ${q('$diff')} AS (`);
        w.block(() => {
          w.line(
            `SELECT ${s('tableoid')} AS ${q(PART)}, ${s('ctid')} AS ${q(ROW)}, ${s('xmin')} AS ${q(VERSION)}, ${q('r')}.ctid AS ${q('at')}, ${q('r')}.${q(PART)} AS ${q('gone_part')}, ${q('r')}.${q(ROW)} AS ${q('gone_row')}, ${q('r')}.${q(VERSION)} AS ${q('gone_version')}`,
          );
          w.line(
            `FROM ${landing} AS ${q('s')} FULL JOIN ${rows} AS ${q('r')} ON ${q('r')}.${q(PART)} = ${s('tableoid')} AND ${q('r')}.${q(ROW)} = ${s('ctid')} AND ${q('r')}.${q(VERSION)} = ${s('xmin')}`,
          );
          w.line(`WHERE ${s('ctid')} IS NULL OR ${q('r')}.${q(ROW)} IS NULL`);
        });
        w.line('),');
        w.line(
          `${q('$gone')} AS (INSERT INTO ${gone} (${q('at')}, ${q(PART)}, ${q(ROW)}, ${q(VERSION)}) SELECT ${q('at')}, ${q('gone_part')}, ${q('gone_row')}, ${q('gone_version')} FROM ${q('$diff')} WHERE ${q(ROW)} IS NULL)`,
        );
        // Only the new versions are hashed, fetched by address (of every partition: the version picks the one).
        w.line(`INSERT INTO ${fresh} (${entryColumns})`);
        w.line(`SELECT ${entry} FROM ${landing} AS ${q('s')}`);
        w.line(`WHERE ${s('ctid')} = ANY (ARRAY(SELECT ${q(ROW)} FROM ${q('$diff')} WHERE ${q(ROW)} IS NOT NULL))`);
        w.line(`AND EXISTS (SELECT FROM ${q('$diff')} AS ${q('d')} WHERE ${q('d')}.${q(ROW)} = ${s('ctid')} AND ${q('d')}.${q(PART)} = ${s('tableoid')} AND ${q('d')}.${q(VERSION)} = ${s('xmin')})`);
      }),
      `ANALYZE ${fresh}`,
      // The set's digests the fresh rows have, first: one scan of the set probing the few fresh digests.
      fetchChanges(q('$seen'), `SELECT DISTINCT ${q('r')}.${q(DIGEST[0])}, ${q('r')}.${q(DIGEST[1])} FROM ${rows} AS ${q('r')} JOIN ${fresh} AS ${q('f')} ON ${digestsMatch}`),
      `ANALYZE ${changes}`,
    ],
    empty: [dropAll, createChanges, `ANALYZE ${changes}`],
    drop: [dropAll],
    // The fresh table holds every version of the batch: it becomes the set.
    apply: [`DROP TABLE IF EXISTS ${changes}, ${gone}, ${rows}`, `ALTER TABLE ${fresh} RENAME TO ${q(t.rows.name)}`],
    applyVersions: [
      // By the entry's own address, checked against its version (an address moved by a rewrite deletes nothing).
      `DELETE FROM ${rows} AS ${q('r')} USING ${gone} AS ${q('g')} WHERE ${q('r')}.ctid = ${q('g')}.${q('at')} AND ${q('r')}.${q(PART)} = ${q('g')}.${q(PART)} AND ${q('r')}.${q(ROW)} = ${q('g')}.${q(ROW)} AND ${q('r')}.${q(VERSION)} = ${q('g')}.${q(VERSION)}`,
      `INSERT INTO ${rows} (${entryColumns}) SELECT ${entryColumns} FROM ${fresh}`,
      dropAll,
    ],
    // Made anew from the select (a bulk write, about a third faster than emptying it and inserting).
    fill: [...settings, `DROP TABLE IF EXISTS ${rows}, ${changes}, ${gone}, ${fresh}`, `CREATE UNLOGGED TABLE ${rows} AS SELECT ${entry} FROM ${landing} AS ${q('s')}`],
  };
}
