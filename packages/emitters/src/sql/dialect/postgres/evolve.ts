/**
 * Bringing raw vault tables created by an earlier version of the spec up to date, in
 * PostgreSQL: one `DO` block that reads the catalog once for every column of every table and
 * alters a table only when a column is missing or of another type, so a setup with nothing to
 * change takes no lock stronger than a catalog read.
 *
 * A column whose stored type differs from the spec's is widened when every stored value keeps
 * its value and its canonical text (docs/hashing.md), so no hashdiff changes and no key gets a
 * new row for it: a longer `varchar`, `text` for a `varchar`, a larger integer, more digits of a
 * `numeric` of the same scale. Any other difference (narrower, another type, another scale)
 * stops setup with a message naming the column and both types: converting stored history would
 * change its rows and hash values. A view reading a column that must be widened also stops it
 * (PostgreSQL cannot retype a column a view reads): `vault run --replace-views` drops the model's
 * views before setup.
 */
import type { ColumnType, ColumnTypeKind } from '@vault/core/internal';
import type { EvolvedTable, FixedShape } from '../dialect.js';
import { statement, type Statement } from '../../sql-writer.js';
import type { CodeWriter } from '../../../writer.js';
import { quoteIdent, quoteLiteral, sqlName, tableIdent } from './quote.js';

type Of<K extends ColumnTypeKind> = Extract<ColumnType, { kind: K }>;

/** How `format_type` (the catalog) spells each type, so a stored column's type compares as text. */
const CATALOG_SPELLING = {
  smallint: () => 'smallint',
  int: () => 'integer',
  bigint: () => 'bigint',
  decimal: (t: Of<'decimal'>) => (t.precision === undefined ? 'numeric' : `numeric(${t.precision},${t.scale ?? 0})`),
  real: () => 'real',
  double: () => 'double precision',
  text: () => 'text',
  varchar: (t: Of<'varchar'>) => (t.length === undefined ? 'character varying' : `character varying(${t.length})`),
  char: (t: Of<'char'>) => `character(${t.length ?? 1})`,
  boolean: () => 'boolean',
  date: () => 'date',
  time: () => 'time without time zone',
  timestamp: () => 'timestamp without time zone',
  timestamptz: () => 'timestamp with time zone',
  interval: () => 'interval',
  uuid: () => 'uuid',
  json: () => 'json',
  jsonb: () => 'jsonb',
  bytea: () => 'bytea',
} as const satisfies { [K in ColumnTypeKind]: (t: Of<K>) => string };

/** @example catalogSpelling({ kind: 'varchar', length: 40 }) // 'character varying(40)' */
export function catalogSpelling(t: ColumnType): string {
  return (CATALOG_SPELLING[t.kind] as (t: ColumnType) => string)(t);
}

/**
 * The stored types that widen to `t` keeping every value and its canonical text, as data the
 * block tests: `from`, the types (a regtype array literal); `below`, the typmod's limit (a
 * varchar's length, a numeric's precision: the stored one must be smaller; none: any); `scale`, a
 * numeric's scale, which must be the same. A typmod is the declared length + 4; a numeric's is
 * (precision << 16 | scale) + 4.
 */
interface Widening {
  readonly from: ReadonlyArray<string>;
  readonly below?: number;
  readonly scale?: number;
}

const NONE: Widening = { from: [] };

const WIDENS_FROM = {
  smallint: () => NONE,
  int: () => ({ from: ['smallint'] }),
  bigint: () => ({ from: ['smallint', 'integer'] }),
  decimal: (t: Of<'decimal'>) => (t.precision === undefined ? NONE : { from: ['numeric'], below: t.precision, scale: t.scale ?? 0 }),
  real: () => NONE,
  double: () => NONE,
  text: () => ({ from: ['varchar'] }),
  varchar: (t: Of<'varchar'>) => (t.length === undefined ? { from: ['varchar', 'text'] } : { from: ['varchar'], below: t.length }),
  char: () => NONE,
  boolean: () => NONE,
  date: () => NONE,
  time: () => NONE,
  timestamp: () => NONE,
  timestamptz: () => NONE,
  interval: () => NONE,
  uuid: () => NONE,
  json: () => NONE,
  jsonb: () => NONE,
  bytea: () => NONE,
} as const satisfies { [K in ColumnTypeKind]: (t: Of<K>) => Widening };

const widensFrom = (t: ColumnType): Widening => (WIDENS_FROM[t.kind] as (t: ColumnType) => Widening)(t);

/** A dollar-quote tag that does not occur in `body` (a schema name may hold anything). */
function dollarTag(body: string): string {
  let tag = '$vault$';
  while (body.includes(tag)) tag = `${tag.slice(0, -1)}_$`;
  return tag;
}

/** `DO $tag$ [DECLARE <declarations>] BEGIN <body> END $tag$`: PL/pgSQL run once. */
export function proceduralBlock(body: string, declarations?: string): Statement {
  const tag = dollarTag(`${declarations ?? ''}\n${body}`);
  return statement((w) => {
    w.line(`DO ${tag}`);
    if (declarations !== undefined) {
      w.line('DECLARE');
      w.block(() => w.line(declarations));
    }
    w.line('BEGIN');
    w.block(() => body.split('\n').forEach((l) => w.line(l)));
    w.line('END');
    w.line(tag);
  });
}

/**
 * The SQLSTATE with which setup refuses to give a loaded table a delta order
 * (`EvolvedTable.deltaOrder`): `object_not_in_prerequisite_state`.
 */
export const DELTA_ORDER_REFUSED = '55000';

/** `NULL` or the number, as SQL. */
const orNull = (n: number | undefined): string => (n === undefined ? 'NULL' : String(n));

/**
 * In the loop over columns `c`: the views that read column `c.c` of table `c.t` directly, as
 * `schema.view`, comma-separated in name order (a view's rewrite rule depends on each column it reads).
 */
const READERS =
  "(SELECT string_agg(DISTINCT quote_ident(vn.nspname) || '.' || quote_ident(vc.relname), ', ' ORDER BY quote_ident(vn.nspname) || '.' || quote_ident(vc.relname)) FROM pg_catalog.pg_depend AS d " +
  'JOIN pg_catalog.pg_rewrite AS r ON r.oid = d.objid JOIN pg_catalog.pg_class AS vc ON vc.oid = r.ev_class JOIN pg_catalog.pg_namespace AS vn ON vn.oid = vc.relnamespace ' +
  "JOIN pg_catalog.pg_attribute AS da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid WHERE d.classid = CAST('pg_catalog.pg_rewrite' AS regclass) AND d.refobjid = CAST(c.t AS regclass) AND da.attname = c.c AND vc.oid <> CAST(c.t AS regclass))";

const WIDENS_HINT =
  'vault widens a stored column (a longer varchar, text for a varchar, a larger integer, more digits of a numeric of the same scale) but never narrows or converts one: its stored rows and hash values would change. Keep the stored type in the spec, give the new type to a column of a new name, or load a new raw vault';

/**
 * Every column of every table, in one catalog read: those missing or of another type than the
 * spec's, in the spec's order, each added, widened or stopping setup. A long name is looked up as
 * it was created: shortened (`sqlName`), as `quoteIdent` writes it.
 */
function evolveColumns(w: CodeWriter, tables: ReadonlyArray<EvolvedTable>): void {
  const rows = tables.flatMap((e) =>
    // A table of an exact shape (a bridge) never gains a column: its check stopped setup first.
    e.shape?.exact === true
      ? []
      : e.columns.map((c) => {
          const widening = widensFrom(c.columnType);
          return [
            quoteLiteral(tableIdent(e.table)),
            quoteLiteral(sqlName(c.name)),
            quoteLiteral(quoteIdent(c.name)),
            quoteLiteral(c.type),
            quoteLiteral(catalogSpelling(c.columnType)),
            quoteLiteral(`{${widening.from.join(',')}}`),
            orNull(widening.below),
            orNull(widening.scale),
          ];
        }),
  );
  if (rows.length === 0) return;
  const typmod = '(a.atttypmod - 4)';
  w.line('DECLARE');
  w.block(() => w.line('c record;'));
  w.line('BEGIN');
  w.block(() => {
    w.line('FOR c IN');
    w.block(() => {
      w.line(`SELECT v.t, v.c, v.qc, v.type, v.spelled, format_type(a.atttypid, a.atttypmod) AS stored,`);
      w.block(() =>
        w.line(
          `a.atttypid = ANY (CAST(v.widens AS regtype[])) AND (v.below IS NULL OR (a.atttypmod >= 4 AND CASE WHEN v.scale IS NULL THEN ${typmod} < CAST(v.below AS integer) ELSE (${typmod} >> 16) < CAST(v.below AS integer) AND (${typmod} & 65535) = CAST(v.scale AS integer) END)) AS widens`,
        ),
      );
      w.line('FROM (VALUES');
      w.block(() => rows.forEach((r, i) => w.line(`(${[String(i + 1), ...r].join(', ')})${i < rows.length - 1 ? ',' : ''}`)));
      w.line(') AS v(n, t, c, qc, type, spelled, widens, below, scale)');
      w.line('LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = CAST(v.t AS regclass) AND a.attname = v.c AND NOT a.attisdropped');
      w.line('WHERE a.attname IS NULL OR format_type(a.atttypid, a.atttypmod) <> v.spelled');
      w.line('ORDER BY v.n');
    });
    w.line('LOOP');
    w.block(() => {
      w.line('IF c.stored IS NULL THEN');
      w.block(() => w.line(`EXECUTE 'ALTER TABLE ' || c.t || ' ADD COLUMN IF NOT EXISTS ' || c.qc || ' ' || c.type;`));
      w.line('ELSIF c.widens THEN');
      w.block(() => {
        w.line('BEGIN');
        w.block(() => w.line(`EXECUTE 'ALTER TABLE ' || c.t || ' ALTER COLUMN ' || c.qc || ' TYPE ' || c.type;`));
        // 0A000: a view reads the column (PostgreSQL retypes no column a view reads).
        w.line('EXCEPTION WHEN feature_not_supported THEN');
        w.block(() =>
          w.line(
            `RAISE EXCEPTION USING ERRCODE = 'dependent_objects_still_exist', MESSAGE = 'the spec widens column ' || c.qc || ' of ' || c.t || ' from ' || c.stored || ' to ' || c.spelled || ${quoteLiteral(
              ', and a view reads it (',
            )} || ${READERS} || ${quoteLiteral(
              "): drop the views that read it first (vault run --replace-views drops the model's own views before setup; a view of another model that shares the table is that model's), then run setup again",
            )};`,
          ),
        );
        w.line('END;');
      });
      w.line('ELSE');
      w.block(() =>
        w.line(
          `RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch', MESSAGE = 'column ' || c.qc || ' of ' || c.t || ' is ' || c.stored || '; the spec makes it ' || c.spelled || ${quoteLiteral(`. ${WIDENS_HINT}`)};`,
        ),
      );
      w.line('END IF;');
    });
    w.line('END LOOP;');
  });
  w.line('END;');
}

/** Writes the query giving a row when the table has an index (`flag`: unique, or its primary key) on exactly `key`, in order (long names as created, `sqlName`). */
function writeKeyQuery(w: CodeWriter, regclass: string, key: ReadonlyArray<string>, flag: 'indisunique' | 'indisprimary'): void {
  w.line(`SELECT 1 FROM pg_catalog.pg_index AS i WHERE i.indrelid = ${regclass} AND i.${flag} AND CAST(i.indkey AS text) = array_to_string(ARRAY(`);
  w.block(() => {
    w.line(`SELECT a.attnum FROM unnest(ARRAY[${key.map((k) => quoteLiteral(sqlName(k))).join(', ')}]) WITH ORDINALITY AS u(name, n)`);
    w.line(`JOIN pg_catalog.pg_attribute AS a ON a.attrelid = ${regclass} AND a.attname = u.name ORDER BY u.n`);
  });
  w.line(`), ' ')`);
}

/** A table filled for the snapshot dates (a PIT, a bridge) made for another shape: a column the spec does not give, one missing (exact), or another primary key, stops setup. */
function checkShape(w: CodeWriter, e: EvolvedTable, shape: FixedShape): void {
  const regclass = `CAST(${quoteLiteral(tableIdent(e.table))} AS regclass)`;
  // The catalog holds a long name as it was created: shortened (sqlName), as quoteIdent writes it.
  const names = e.columns.map((c) => quoteLiteral(sqlName(c.name))).join(', ');
  const missing = `(SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = ${regclass} AND NOT attisdropped AND attname IN (${names})) < ${e.columns.length}`;
  w.line(`IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ${regclass} AND attnum > 0 AND NOT attisdropped AND attname NOT IN (${names}))`);
  w.block(() => {
    if (shape.exact) w.line(`OR ${missing}`);
    w.line('OR NOT EXISTS (');
    w.block(() => writeKeyQuery(w, regclass, shape.primaryKey, 'indisprimary'));
    w.line(') THEN');
    w.line(`RAISE EXCEPTION USING MESSAGE = ${quoteLiteral(shape.message)}, HINT = ${quoteLiteral(shape.hint)};`);
  });
  w.line('END IF;');
}

export function evolveTables(tables: ReadonlyArray<EvolvedTable>): ReadonlyArray<Statement> {
  if (tables.length === 0) return [];
  const body = statement((w) => {
    // Every refusal before any table is altered.
    for (const e of tables) {
      if (e.deltaOrder === undefined) continue;
      const regclass = `CAST(${quoteLiteral(tableIdent(e.table))} AS regclass)`;
      const missing = `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ${regclass} AND NOT attisdropped AND attname = ${quoteLiteral(e.deltaOrder.column)})`;
      const { loaded, refusal } = e.deltaOrder;
      // Nested, so that the table itself is read only when the column is missing.
      w.line(`IF ${missing} THEN`);
      w.block(() => {
        w.line(`IF ${loaded} THEN`);
        w.block(() => w.line(`RAISE EXCEPTION USING ERRCODE = ${quoteLiteral(DELTA_ORDER_REFUSED)}, MESSAGE = ${quoteLiteral(refusal)};`));
        w.line('END IF;');
      });
      w.line('END IF;');
    }
    // The tables of a fixed shape first: one made otherwise stops setup before any table is altered.
    for (const e of tables) if (e.shape !== undefined) checkShape(w, e, e.shape);
    evolveColumns(w, tables);
    for (const e of tables) {
      if (e.uniqueKey === undefined) continue;
      const table = tableIdent(e.table);
      const regclass = `CAST(${quoteLiteral(table)} AS regclass)`;
      const key = e.uniqueKey;
      w.line('IF NOT EXISTS (');
      w.block(() => writeKeyQuery(w, regclass, key, 'indisunique'));
      w.line(') THEN');
      w.block(() => w.line(`ALTER TABLE ${table} ADD UNIQUE (${key.map(quoteIdent).join(', ')});`));
      w.line('END IF;');
    }
  });
  return [proceduralBlock(body)];
}
