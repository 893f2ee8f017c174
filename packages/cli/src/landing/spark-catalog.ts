/**
 * What a landing schema holds on Spark (`vault validate --engine spark`), read with the
 * statements every Spark SQL endpoint answers (`SHOW SCHEMAS`, `SHOW TABLES`, `SHOW VIEWS`,
 * `DESCRIBE TABLE`), into the catalog PostgreSQL's checks read (catalog.ts). Spark's catalog
 * knows less: a Parquet table has no NOT NULL, no keys and no foreign keys, and an open-source
 * Thrift server no privileges (a read that is refused shows in the access check); names are
 * compared case-insensitively, as Spark resolves them.
 */
import { parseColumnType, type ColumnType } from '@vault/core/internal';
import { sparkDialect } from '@vault/emitters/internal';
import type { Queryable } from '../db/index.js';
import type { CatalogColumn, CatalogTable, LandingCatalog } from './catalog.js';
import { compareTypes, type TypeMatch } from './types.js';

/** Spark's spellings of the types the spec has words for; the others (arrays, maps, structs, void) have none. */
const SPARK_NAMES: Readonly<Record<string, string>> = {
  tinyint: 'smallint',
  byte: 'smallint',
  short: 'smallint',
  integer: 'int',
  long: 'bigint',
  float: 'real',
  string: 'text',
  binary: 'bytea',
  // Spark's TIMESTAMP is an instant (with local time zone), TIMESTAMP_NTZ a wall-clock time.
  timestamp: 'timestamptz',
  timestamp_ltz: 'timestamptz',
  timestamp_ntz: 'timestamp',
  decimal: 'decimal(10,0)',
  dec: 'decimal(10,0)',
  numeric: 'decimal(10,0)',
};

/**
 * The spec's type for a type as `DESCRIBE TABLE` prints it, or undefined for types the spec has
 * no word for.
 * @example sparkCatalogType('timestamp')     // { kind: 'timestamptz' }
 * @example sparkCatalogType('decimal(12,2)') // { kind: 'decimal', precision: 12, scale: 2 }
 */
export function sparkCatalogType(text: string): ColumnType | undefined {
  if (/^\s*interval\b/i.test(text)) return { kind: 'interval' };
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const named = SPARK_NAMES[t] ?? t.replace(/^(?:dec|numeric)\(/, 'decimal(');
  const parsed = parseColumnType(named);
  return parsed.ok ? parsed.type : undefined;
}

/**
 * How a spec type compares with a Spark column's type: `same` where the table is as vault's own
 * DDL makes it for that type (`sparkType`: varchar, uuid and json are STRING there), else as the
 * types compare on PostgreSQL.
 */
export function compareSparkTypes(spec: ColumnType, text: string): TypeMatch {
  const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, '');
  if (norm(sparkDialect.columnType(spec)) === norm(text)) return 'same';
  return compareTypes(spec, sparkCatalogType(text));
}

const sparkFold = (name: string): string => sparkDialect.foldName(name);

/** The first value of each row (the column's name differs between Spark versions). */
const firstValues = (rows: ReadonlyArray<Record<string, unknown>>, column: string): string[] => rows.map((r) => String(r[column] ?? Object.values(r)[0] ?? ''));

const q = (name: string): string => sparkDialect.quoteIdent(name);

/**
 * Reads landing schema `schema` on Spark. Tables and columns are keyed by their names as Spark
 * folds them; only the tables named in `wanted` (folded alike) are described, one `DESCRIBE
 * TABLE` each, the others listed by name (for "did you mean").
 */
export async function readSparkCatalog(db: Queryable, schema: string, wanted: ReadonlyArray<string>): Promise<LandingCatalog> {
  const server = (await db.query<{ user: unknown; version: unknown }>('SELECT current_user() AS `user`, version() AS `version`')).rows[0];
  const base = {
    engine: 'spark' as const,
    schema,
    usage: true,
    user: String(server?.user ?? ''),
    // version() is "3.5.1 fd86f85e181...": the release, then the commit.
    serverVersion: String(server?.version ?? '').split(' ')[0] ?? '',
  };
  const schemas = firstValues((await db.query<Record<string, unknown>>('SHOW SCHEMAS')).rows, 'namespace');
  if (!schemas.some((s) => sparkFold(s) === sparkFold(schema))) return { ...base, exists: false, tables: new Map() };
  const names = firstValues((await db.query<Record<string, unknown>>(`SHOW TABLES IN ${q(schema)}`)).rows, 'tableName');
  const views = new Set(firstValues((await db.query<Record<string, unknown>>(`SHOW VIEWS IN ${q(schema)}`)).rows, 'viewName').map(sparkFold));
  const want = new Set(wanted.map(sparkFold));
  const tables = new Map<string, CatalogTable>();
  for (const name of [...new Set(names.map(sparkFold))].sort()) {
    const columns = want.has(name) ? await describe(db, schema, name) : [];
    tables.set(name, { name, kind: views.has(name) ? 'view' : 'table', columns, uniqueKeys: [], foreignKeys: [], selectable: true });
  }
  return { ...base, exists: true, tables };
}

/** The columns of a table, in order: `DESCRIBE TABLE`'s rows up to its first blank or `#` row (partitioning, details). */
async function describe(db: Queryable, schema: string, table: string): Promise<CatalogColumn[]> {
  const rows = (await db.query<{ col_name: unknown; data_type: unknown; comment: unknown }>(`DESCRIBE TABLE ${q(schema)}.${q(table)}`)).rows;
  const columns: CatalogColumn[] = [];
  for (const r of rows) {
    const name = String(r.col_name ?? '').trim();
    if (name === '' || name.startsWith('#')) break;
    const comment = r.comment === null || r.comment === undefined || r.comment === '' ? undefined : String(r.comment);
    columns.push({ name, type: String(r.data_type ?? ''), notNull: false, selectable: true, ...(comment !== undefined ? { comment } : {}) });
  }
  return columns;
}
