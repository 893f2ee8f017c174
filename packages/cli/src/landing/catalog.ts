/**
 * What the landing schema holds, read from PostgreSQL's catalogs: tables and views, their columns
 * with types, NOT NULL and comments, primary, unique and foreign keys (composite ones in key
 * order), and what the connected role may read. The catalogs are readable without any privilege
 * on the schema, so a role without access still learns what exists and why it cannot read it.
 */
import { sparkDialect } from '@vault/emitters/internal';
import type { Queryable } from '../db/index.js';

export interface CatalogColumn {
  readonly name: string;
  /**
   * As `format_type` prints it: `integer`, `character varying(40)`, `numeric(18,6)`. For a column
   * of a domain, the type the domain is over (through domains over domains): its values are
   * values of that type.
   */
  readonly type: string;
  /** NOT NULL on the column, or on its domain. */
  readonly notNull: boolean;
  /** The domain the column's type is, as `format_type` prints it, and whether it (or a domain it is over) has CHECK constraints. */
  readonly domain?: { readonly name: string; readonly checked: boolean };
  readonly comment?: string;
  /** SELECT on the column, directly or through the table. */
  readonly selectable: boolean;
}

export interface CatalogKey {
  readonly name: string;
  readonly columns: ReadonlyArray<string>;
}

export interface CatalogForeignKey extends CatalogKey {
  readonly targetSchema: string;
  readonly targetTable: string;
  readonly targetColumns: ReadonlyArray<string>;
}

export interface CatalogTable {
  readonly name: string;
  readonly kind: 'table' | 'view' | 'materialized view' | 'foreign table' | 'partitioned table';
  readonly comment?: string;
  /** In the table's column order. */
  readonly columns: ReadonlyArray<CatalogColumn>;
  readonly primaryKey?: CatalogKey;
  /** Unique constraints and valid unique indexes over plain columns, without a predicate: their key columns, not the INCLUDE ones. */
  readonly uniqueKeys: ReadonlyArray<CatalogKey>;
  readonly foreignKeys: ReadonlyArray<CatalogForeignKey>;
  /** SELECT on the table itself. */
  readonly selectable: boolean;
  /** The partitioned table whose partition this table is: its rows are read through that table too. */
  readonly partitionOf?: { readonly schema: string; readonly table: string };
  /** The tables it inherits from (`INHERITS`), in order: a read of one of them returns this table's rows too. */
  readonly inheritsFrom?: ReadonlyArray<{ readonly schema: string; readonly table: string }>;
}

export interface LandingCatalog {
  /**
   * Whose catalog: PostgreSQL's (this file) tells NOT NULL, keys and privileges, and names are
   * compared as written; Spark's (spark-catalog.ts) none of those, and names as Spark folds them.
   */
  readonly engine: 'postgres' | 'spark';
  readonly schema: string;
  readonly exists: boolean;
  /** USAGE on the schema for the connected role. */
  readonly usage: boolean;
  readonly user: string;
  readonly serverVersion: string;
  /** By name (as `catalogKey` spells it), sorted. */
  readonly tables: ReadonlyMap<string, CatalogTable>;
}

/** A spec's table or column name as `catalog` keys it: as written on PostgreSQL, folded on Spark. */
export function catalogKey(catalog: LandingCatalog, name: string): string {
  return catalog.engine === 'spark' ? sparkDialect.foldName(name) : name;
}

const KINDS = { r: 'table', v: 'view', m: 'materialized view', f: 'foreign table', p: 'partitioned table' } as const satisfies Record<string, CatalogTable['kind']>;

const SERVER_SQL = `SELECT current_user::text AS "user", current_setting('server_version') AS version,
  n.oid IS NOT NULL AS exists, coalesce(has_schema_privilege(n.oid, 'USAGE'), false) AS usage
FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $1`;

const COLUMNS_SQL = `SELECT c.relname::text AS table_name, c.relkind::text AS kind, obj_description(c.oid, 'pg_class') AS table_comment,
  has_table_privilege(c.oid, 'SELECT') AS table_select,
  pn.nspname::text AS parent_schema, pc.relname::text AS parent_table,
  ARRAY(SELECT json_build_array(hn.nspname, hc.relname)::text FROM pg_inherits h JOIN pg_class hc ON hc.oid = h.inhparent JOIN pg_namespace hn ON hn.oid = hc.relnamespace
    WHERE h.inhrelid = c.oid AND NOT c.relispartition ORDER BY h.inhseqno) AS inherits,
  a.attname::text AS column_name, format_type(d.type_oid, d.type_mod) AS type, a.attnotnull OR d.not_null AS not_null,
  CASE WHEN d.depth > 0 THEN format_type(a.atttypid, a.atttypmod) END AS domain, d.checked AS domain_checked,
  col_description(c.oid, a.attnum) AS column_comment,
  CASE WHEN a.attnum IS NULL THEN false ELSE has_column_privilege(c.oid, a.attnum, 'SELECT') END AS column_select
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits ih ON c.relispartition AND ih.inhrelid = c.oid
LEFT JOIN pg_class pc ON pc.oid = ih.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
-- A domain's column reads as the type the domain is over, through domains over domains; the
-- modifier (numeric(12,2)) is the innermost domain's.
LEFT JOIN LATERAL (
  WITH RECURSIVE b(type_oid, type_mod, depth, not_null, checked) AS (
    SELECT a.atttypid, a.atttypmod, 0, false, false
    UNION ALL
    SELECT t.typbasetype, t.typtypmod, b.depth + 1, b.not_null OR t.typnotnull,
      b.checked OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c')
    FROM b JOIN pg_type t ON t.oid = b.type_oid
    WHERE t.typtype = 'd' AND b.depth < 32
  )
  SELECT * FROM b ORDER BY depth DESC LIMIT 1
) d ON true
WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
ORDER BY c.relname, a.attnum`;

/**
 * Key columns in key order, as text[] so both drivers return plain string arrays; the first
 * `count` only when given (an index's INCLUDE columns follow its key columns in `indkey`).
 */
const keyColumns = (rel: string, keys: string, count?: string): string =>
  `(SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(${keys}) WITH ORDINALITY AS k(attnum, i) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum${count !== undefined ? ` WHERE k.i <= ${count}` : ''})`;

const KEYS_SQL = `SELECT c.relname::text AS table_name, con.conname::text AS name, con.contype::text AS type,
  ${keyColumns('con.conrelid', 'con.conkey')} AS columns,
  rn.nspname::text AS target_schema, rc.relname::text AS target_table,
  ${keyColumns('con.confrelid', 'con.confkey')} AS target_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
-- A foreign key to a partitioned table is one constraint on it and, in the catalog, a clone per
-- partition on the same table (conparentid its parent's): the clones are PostgreSQL's
-- implementation, not foreign keys of their own. A partition's own copies of its partitioned
-- table's keys are on the partition, and stay.
WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint pcon WHERE pcon.oid = con.conparentid AND pcon.conrelid = con.conrelid)
UNION ALL
SELECT c.relname::text, ic.relname::text, 'i', ${keyColumns('i.indrelid', 'i.indkey::int2[]', 'i.indnkeyatts')}, NULL, NULL, NULL
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- An index that is not valid (a CREATE UNIQUE INDEX CONCURRENTLY that failed on duplicates) is no key.
WHERE n.nspname = $1 AND i.indisunique AND i.indisvalid AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
ORDER BY 1, 3, 2`;

interface ColumnRow {
  table_name: string;
  kind: string;
  table_comment: string | null;
  table_select: boolean;
  parent_schema: string | null;
  parent_table: string | null;
  /** `["schema","table"]` per table inherited from, as JSON text so both drivers return plain strings. */
  inherits: string[] | null;
  column_name: string | null;
  type: string | null;
  not_null: boolean | null;
  domain: string | null;
  domain_checked: boolean | null;
  column_comment: string | null;
  column_select: boolean;
}

interface KeyRow {
  table_name: string;
  name: string;
  type: 'p' | 'u' | 'f' | 'i';
  columns: string[] | null;
  target_schema: string | null;
  target_table: string | null;
  target_columns: string[] | null;
}

/** Reads the landing schema `schema`; a schema that does not exist gives `exists: false` and no tables. */
export async function readCatalog(q: Queryable, schema: string): Promise<LandingCatalog> {
  const server = (await q.query<{ user: string; version: string; exists: boolean; usage: boolean }>(SERVER_SQL, [schema])).rows[0];
  if (server === undefined) throw new Error('the server returned no row for the catalog query');
  const base = { engine: 'postgres' as const, schema, exists: server.exists, usage: server.usage, user: server.user, serverVersion: server.version };
  if (!server.exists) return { ...base, tables: new Map() };
  const columnRows = (await q.query<ColumnRow>(COLUMNS_SQL, [schema])).rows;
  const keyRows = (await q.query<KeyRow>(KEYS_SQL, [schema])).rows;
  return { ...base, tables: assemble(columnRows, keyRows) };
}

function assemble(columnRows: ReadonlyArray<ColumnRow>, keyRows: ReadonlyArray<KeyRow>): ReadonlyMap<string, CatalogTable> {
  const keysOf = byTableName(keyRows);
  const byTable = byTableName(columnRows);
  const tables = new Map<string, CatalogTable>();
  for (const name of [...byTable.keys()].sort()) {
    const rows = byTable.get(name) ?? [];
    const first = rows[0];
    if (first === undefined) continue;
    const keys = keysOf.get(name) ?? [];
    const key = (k: KeyRow): CatalogKey => ({ name: k.name, columns: k.columns ?? [] });
    const primary = keys.find((k) => k.type === 'p');
    tables.set(name, {
      name,
      kind: KINDS[first.kind as keyof typeof KINDS] ?? 'table',
      ...(first.table_comment !== null ? { comment: first.table_comment } : {}),
      columns: rows.flatMap((r) =>
        r.column_name === null || r.type === null
          ? []
          : [
              {
                name: r.column_name,
                type: r.type,
                notNull: r.not_null === true,
                selectable: r.column_select,
                ...(r.domain !== null ? { domain: { name: r.domain, checked: r.domain_checked === true } } : {}),
                ...(r.column_comment !== null ? { comment: r.column_comment } : {}),
              },
            ],
      ),
      ...(primary !== undefined ? { primaryKey: key(primary) } : {}),
      uniqueKeys: keys.filter((k) => k.type === 'u' || k.type === 'i').map(key),
      foreignKeys: keys.filter((k) => k.type === 'f').map((k) => ({ ...key(k), targetSchema: k.target_schema ?? '', targetTable: k.target_table ?? '', targetColumns: k.target_columns ?? [] })),
      selectable: first.table_select,
      ...(first.parent_schema !== null && first.parent_table !== null ? { partitionOf: { schema: first.parent_schema, table: first.parent_table } } : {}),
      ...(first.inherits !== null && first.inherits.length > 0
        ? {
            inheritsFrom: first.inherits.map((text) => {
              const [schema, table] = JSON.parse(text) as [string, string];
              return { schema, table };
            }),
          }
        : {}),
    });
  }
  return tables;
}

function byTableName<R extends { readonly table_name: string }>(rows: ReadonlyArray<R>): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(r.table_name);
    if (list === undefined) out.set(r.table_name, [r]);
    else list.push(r);
  }
  return out;
}
