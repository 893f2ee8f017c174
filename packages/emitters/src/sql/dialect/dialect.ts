/**
 * What the SQL target asks of a database engine. The builders of sql/ (DDL, loads, views) are
 * the same for every engine and spell nothing engine-specific: quoting, type names, hashing
 * functions, row identity and every other construct one engine has and another lacks go
 * through these hooks. Each engine is a folder under dialect/ (postgres/ is the first).
 */
import type { ColumnType, ColumnTypeKind, ExprType, FunctionName, HashAlgorithm } from '@vault/core/internal';
import type { CanonicalRule } from '../../hashing-standard.js';
import type { LandingChangeStatements, LandingChangeTables } from '../landing-changes.js';
import type { LedgerStatements } from '../ledger.js';
import type { SqlTable } from '../names.js';
import type { Statement } from '../sql-writer.js';

/** What an engine can do; builders choose a portable form when a flag is false. */
export interface DialectCapabilities {
  /** A load's statements can run in one transaction, so a failed load leaves nothing behind. */
  readonly transactions: boolean;
  /** Session-level advisory locks, so two runs never set up or load the same model at once. */
  readonly advisoryLocks: boolean;
  /** `SELECT DISTINCT ON (key)`; `firstRowPerKey` uses it when present. */
  readonly distinctOn: boolean;
  /** A `WINDOW name AS (…)` clause that several `OVER name` share. */
  readonly namedWindows: boolean;
  /** Anonymous procedural blocks, so setup can read the catalog and alter tables only when needed. */
  readonly proceduralBlocks: boolean;
  /** Extensions setup may create (the sha1 digest needs one in PostgreSQL). */
  readonly extensions: boolean;
  /**
   * `PRIMARY KEY` and `UNIQUE` in `CREATE TABLE`. Without them tables are created without keys:
   * loads never rely on a key to stay idempotent (they anti-join), though `insertOnce` may.
   */
  readonly keyConstraints: boolean;
  /**
   * Numeric division (`/`, and `%` of non-integers) gives PostgreSQL's result scale, so a
   * business rule's quotient hashes alike; else validateSql refuses a hashed one (VLT441).
   */
  readonly exactDivision: boolean;
  /** A correlated scalar subquery in a join condition (`ON t.ts = (SELECT min(…) … WHERE x.k = n.k)`); else the builder joins a windowed derived table. */
  readonly correlatedJoinConditions: boolean;
  /** A data-modifying statement (`INSERT`) in a `WITH`, so one statement fills two tables from one read (a first load's bulk form, change-bulk.ts). */
  readonly writableCtes: boolean;
}

/** Writes a word of a canonical text (`infinity`) as the case policy leaves it. */
export type Spell = (word: string) => string;

/** A value of a column type, as SQL. */
export interface TypedSql {
  readonly sql: string;
  readonly type: ColumnType;
}

/** A business rule's function call: its arguments, rendered, with their types when known. */
export interface FunctionArgument {
  readonly sql: string;
  /** The argument's type family (`date` for DATE_TRUNC's value), from the type checker. */
  readonly family: ExprType | undefined;
}

/** The first row of each key: `key` columns, the rows `from`, their order within a key. */
export interface FirstRowPerKey {
  readonly key: string;
  readonly from: string;
  readonly order: ReadonlyArray<string>;
}

/** A look-up of one row per pointer by its table's key (`Dialect.keyLookup`). */
export interface KeyLookup {
  /** The table looked in, quoted and qualified. */
  readonly table: string;
  /** The columns read, quoted. */
  readonly columns: ReadonlyArray<string>;
  /** The key: each column of the table (quoted) and the pointer's value it equals (SQL). */
  readonly key: ReadonlyArray<{ readonly column: string; readonly equals: string }>;
  /** The alias (quoted) its rows take. */
  readonly alias: string;
}

/** A key's latest value in a table (`Dialect.latestValue`): a scalar subquery's body. */
export interface LatestValue {
  /** The value read (SQL over the table's alias). */
  readonly value: string;
  /** The column (SQL over the alias) whose greatest value marks the latest rows: never NULL, and a key's rows of one value of it hold one `value` (a multi-active set's rows share its hashdiff). */
  readonly latest: string;
  /**
   * Compared before `latest`, which then only breaks its ties: the greatest value marks the latest
   * rows, NULL counting as greater than any (a status's delta order, NULL for a delete found by
   * absence).
   */
  readonly first?: string;
  /** The table and its alias: `table AS alias`. */
  readonly from: string;
  /** The condition picking the key's rows. */
  readonly where: string;
}

/** A raw vault table to bring up to date with the spec (columns added or widened, a unique key added). */
export interface EvolvedTable {
  readonly table: SqlTable;
  /** Every column the spec gives the table: its name, the dialect's type text and the type it is. */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string; readonly columnType: ColumnType }>;
  readonly uniqueKey: ReadonlyArray<string> | undefined;
  /** Set for a table filled for the snapshot dates (a PIT, a bridge), whose rows mean what its columns say. */
  readonly shape?: FixedShape;
  /**
   * Where a delta order places the table's rows: its column, SQL true when the table holds a
   * loaded row (its ghost record aside), and the message with which setup refuses to add the
   * column to such a table (their NULL delta order would sort after every value: docs/sql.md, "Setup").
   */
  readonly deltaOrder?: { readonly column: string; readonly loaded: string; readonly refusal: string };
}

/**
 * What a table filled for the snapshot dates must be to be brought up to date in place: its
 * primary key, and no column the spec no longer gives it; with `exact`, no column missing either
 * (a bridge's columns are its path: rows of another path are no chains of this one). A table made
 * otherwise by an earlier spec stops setup with `message` and `hint`.
 */
export interface FixedShape {
  readonly primaryKey: ReadonlyArray<string>;
  readonly exact: boolean;
  readonly message: string;
  readonly hint: string;
}

/**
 * A date or date and time in ISO form without a zone (`2024-03-15`, `2024-03-15 10:20`,
 * `2024-03-15T10:20:00.5`), as a regular expression both engines read alike (no backslash: Spark's
 * string literals would take it as an escape): the text `textClock` reads as UTC.
 */
export const ZONELESS_ISO_TEXT = '^ *[0-9]+-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}(:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)?)?)? *$';

/** The calendar arithmetic of snapshot control (docs/sql.md, "Snapshot control"); arguments are SQL expressions of type date. */
export interface DateArithmetic {
  /** A date literal, `YYYY-MM-DD`. */
  readonly literal: (date: string) => string;
  /** The date, in UTC, of a timestamp with time zone. */
  readonly dateOf: (timestamp: string) => string;
  /** The lines of a query giving one row per date from `start` to `end`, both included, its column `column`. */
  readonly series: (start: string, end: string, column: string) => ReadonlyArray<string>;
  /** The date ends an ISO week (it is a Sunday), a month, a quarter or a year. */
  readonly isPeriodEnd: (date: string, period: 'week_end' | 'month_end' | 'quarter_end' | 'year_end') => string;
  /** Whole days from `earlier` to `later`. */
  readonly daysBetween: (later: string, earlier: string) => string;
  /** The start, in UTC, of the day after `date`: a timestamp with time zone, the cut-off of a snapshot date (docs/sql.md, "As of a snapshot"). */
  readonly dayAfterStart: (date: string) => string;
  /** A timestamp without time zone read as UTC: the instant, comparable with timestamps with time zone. */
  readonly utcInstant: (timestamp: string) => string;
  /**
   * A timestamp with time zone as its wall-clock time in UTC, a timestamp without time zone (the
   * inverse of `utcInstant`): what business rules compute with, so that their values never
   * depend on the time zone of the session that reads a view.
   */
  readonly utcClock: (instant: string) => string;
  /**
   * Text read as an instant, as its wall-clock time in UTC (what `utcClock` gives): text with a
   * zone (an offset, `Z`, a zone name) names its instant; ISO text without one
   * (`ZONELESS_ISO_TEXT`) is read as UTC, as `--load-ts` is, never in the session's zone.
   */
  readonly textClock: (text: string) => string;
  /**
   * A date's or a timestamp's (without zone) text as a rule casts it, the same in every session:
   * ISO, `2024-03-15 10:20:00.5`, whatever the session's DateStyle (PostgreSQL's to_char).
   */
  readonly isoText: (sql: string, family: 'date' | 'timestamp') => string;
  /** A window frame over rows ordered by one timestamp with time zone: the rows of the partition strictly before the current row's time. */
  readonly earlierFrame: string;
}

/** A database engine's SQL. Hooks are properties (not methods) so builders may destructure them. */
export interface Dialect {
  /** The engine, as messages name it: `PostgreSQL`. */
  readonly name: string;
  /** The engine, as file headers name it: `PostgreSQL 11 or later`. */
  readonly title: string;
  readonly capabilities: DialectCapabilities;

  /** An identifier, quoted so that case and key words survive (and shortened first: `identifier`). */
  readonly quoteIdent: (name: string) => string;
  /** A string literal whose value is exactly `value`, on one line. */
  readonly quoteLiteral: (value: string) => string;
  /** A number literal from a business rule (digits only). */
  readonly numericLiteral: (text: string) => string;

  /** Identifiers longer than this many UTF-8 bytes are shortened. */
  readonly maxIdentifierBytes: number;
  /** The most columns a table or view may have (PostgreSQL: 1600); undefined where the engine has no such limit. */
  readonly maxColumns: number | undefined;
  /** The identifier as created in the database: shortened when over `maxIdentifierBytes`. */
  readonly identifier: (name: string) => string;
  /** How the engine compares two (quoted) names: two names with the same fold are one name (Spark: case-insensitively). */
  readonly foldName: (name: string) => string;

  /** The engine's name of a column type. */
  readonly columnType: (t: ColumnType) => string;
  /**
   * Why a landing column of this type cannot be stored or hashed as the hashing standard says,
   * and what to declare instead (validateSql reports it, VLT440); undefined when it can.
   */
  readonly columnTypeProblem: (t: ColumnType) => string | undefined;
  /**
   * A business rule's number as an exact decimal of its own scale (a rule's `decimal` has no
   * declared precision): PostgreSQL `CAST(x AS numeric)`. `family` is the value's type family
   * when known (`integer`: whole numbers, which an engine may otherwise divide as floats).
   */
  readonly exactNumber: (sql: string, family?: ExprType) => string;
  /** The ghost record's placeholder of a column type, as SQL: a value of that type (docs/sql.md lists them). */
  readonly ghostValue: (t: ColumnType) => string;

  /** The batch load timestamp: the placeholder as it appears in SQL, and as docs name it. */
  readonly loadTimestamp: { readonly sql: string; readonly name: string };

  /** Step 1 of the hashing standard: a value's canonical text under `rule`. */
  readonly canonicalText: (rule: CanonicalRule, value: TypedSql, spell: Spell) => string;
  /** Upper-cases a-z only, whatever the database's locale (step 3). */
  readonly upperAscii: (text: string) => string;
  /** Removes leading and trailing spaces (step 2). */
  readonly trimSpaces: (text: string) => string;
  /** Step 7: the lower-case hex digest of `text`'s UTF-8 bytes, as the engine's text. */
  readonly digest: (algorithm: HashAlgorithm, text: string) => string;
  /** Setup statements the algorithm needs (an extension), before any table. */
  readonly digestSetup: (algorithm: HashAlgorithm) => ReadonlyArray<Statement>;

  /** An ORDER BY or GROUP BY term that orders text by code point, whatever the locale. */
  readonly byteOrder: (sql: string) => string;
  /** An aggregate: the group's texts in `byteOrder`'s order, joined by `separator` (a SQL literal); a multi-active set's hashdiff hashes it. */
  readonly joinedInOrder: (sql: string, separator: string) => string;
  /** Whether `min()` exists for values of the type, in `byteOrder`'s order. */
  readonly hasMin: (kind: ColumnTypeKind) => boolean;
  /** Whether values of the type can be sorted (a delta order must be). */
  readonly sortable: (kind: ColumnTypeKind) => boolean;
  /** The lines of a query giving each key's first row: every column of `from` (a portable form may add its own, `FIRST_ROW_COLUMN`). */
  readonly firstRowPerKey: (q: FirstRowPerKey) => ReadonlyArray<string>;
  /** A JSON object of the entries, in order, as the engine's JSON type (`columnType({ kind: 'jsonb' })`); `{}` for none. */
  readonly jsonObject: (entries: ReadonlyArray<{ readonly key: string; readonly sql: string }>) => string;
  /** `timestamp` plus `count` microseconds (the spacing of a batch's changes). */
  readonly addMicroseconds: (timestamp: string, count: string) => string;

  /** A business rule's function, its arguments rendered. */
  readonly callFunction: (name: FunctionName, args: ReadonlyArray<FunctionArgument>) => string;

  /**
   * Drops the views that exist among `views` (quoted and qualified), in one statement (keeping
   * their grants for `restoreViewGrants` where the drop takes them); undefined
   * when the engine's `CREATE OR REPLACE VIEW` replaces a view whatever its columns, so nothing needs dropping.
   */
  readonly dropViews: (views: ReadonlyArray<string>) => Statement | undefined;
  /**
   * After `dropViews` and the setup that creates the views again, in the same transaction: gives
   * the views their grants back, where the engine's drop takes them; undefined where it does not.
   */
  readonly restoreViewGrants: () => Statement | undefined;
  /** `INSERT … VALUES …` that does nothing when the row's key is there already. */
  readonly insertOnce: (table: string, columns: ReadonlyArray<string>, values: ReadonlyArray<string>) => Statement;
  /** Setup statements that add what the spec added since a table was created; none to do nothing. */
  readonly evolveTables: (tables: ReadonlyArray<EvolvedTable>) => ReadonlyArray<Statement>;
  /**
   * A statement that fails with the text `message` (an SQL expression over the columns of `rows`,
   * alias `r`) when the query `rows` gives a row, and does nothing otherwise: a check in setup.
   */
  readonly failIfAny: (rows: string, message: string) => Statement;
  /** A procedural block running `body` (statements of the engine's procedural language). */
  readonly proceduralBlock: (body: string) => Statement;
  /** The load ledger's statements, its table `table` (row identity for landing fingerprints). */
  readonly ledger: (table: SqlTable) => LedgerStatements;
  /**
   * The statements of a landing table's changed rows (sql/landing-changes.ts); undefined where
   * loads always read whole landing tables (an engine without fingerprints never skips a load either).
   */
  readonly landingChanges?: (tables: LandingChangeTables) => LandingChangeStatements;
  readonly dates: DateArithmetic;
  /**
   * Statements every load runs first: settings for the rest of its transaction, none to keep the
   * session's. PostgreSQL: `SET LOCAL jit = off`, as compiling a load plan's expressions (hashing,
   * sorts, window passes over a whole batch) costs more than they run: 0.4–0.6 s per load; and
   * `extra_float_digits = 1`, `IntervalStyle = 'postgres'`, under which the texts of floats and
   * intervals are the canonical texts they hash by.
   */
  readonly loadSettings: ReadonlyArray<Statement>;
  /**
   * What a load of changed rows only (sql/landing-changes.ts) runs after `loadSettings`. Such a
   * load looks a few keys up in vault tables a running vault keeps in memory. PostgreSQL: the
   * cost of a random page read at most 1.1 (its default, 4, is a spinning disk's), as at 4 the
   * planner hashed a whole register of 455,000 rows to compare 5,000 changed rows with it.
   */
  readonly changedRowsSettings: ReadonlyArray<Statement>;
  /** What follows a `CREATE TABLE`'s column list: the storage format (Spark: `USING PARQUET`); empty for the engine's own. */
  readonly tableStorage: string;
  /**
   * The join clause after `FROM pointers AS p` giving each pointer's row of `q.table` (found by
   * its key) as `q.alias`, its columns `q.columns`. PostgreSQL: a lateral subquery kept a probe of
   * the primary key; engines without one join.
   */
  readonly keyLookup: (q: KeyLookup) => string;
  /**
   * The lines of a correlated scalar subquery giving `q.value` of the row with the greatest
   * `q.latest` (after `q.first`) among the rows `q.where` picks, NULL when it picks none.
   * PostgreSQL: `ORDER BY … DESC LIMIT 1`, a probe of the key's index. Spark: `max_by` (by a
   * struct of the terms when there are two), an aggregate per key, as Spark
   * turns a correlated `ORDER BY … LIMIT 1` whose order column is not selected into a sort of the
   * whole table and a numbering of each key's rows that does not keep that order.
   */
  readonly latestValue: (q: LatestValue) => ReadonlyArray<string>;
  /**
   * Setup's index `name` on `table`'s `column`, a load timestamp its loads append rows in the
   * order of, so that an incremental load finds the rows loaded in a range of it without reading
   * the table (a PIT's satellites); none when the engine needs none. PostgreSQL: a BRIN index,
   * a few pages that appending rows barely changes.
   */
  readonly loadOrderIndex: (table: string, name: string, column: string) => Statement | undefined;
}
