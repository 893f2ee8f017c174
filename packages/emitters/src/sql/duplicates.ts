/**
 * Duplicate keys inside one batch (docs/sql.md, "Duplicate keys"): two or more landing rows of a
 * satellite's source table with the same parent key (and, with a delta order, the same
 * delta-order value) but different payloads, so different hashdiffs. Rows that repeat one
 * payload are one state and collapse silently; only keys with two states or more count.
 *
 * What the load does with them is the table's `duplicates` policy (`DuplicatePolicy`):
 * - `report` (default) and `reject`: the load keeps one row per key as it always did (without a
 *   delta order the smallest hashdiff; with one, every hashdiff in hashdiff order). `report`
 *   counts the keys, `reject` refuses the batch when there is one (vault run checks before any
 *   load, and again inside the satellite's transaction).
 * - `error_table`: the same, and the rows the satellite does not keep go to `vault_duplicates`
 *   in the raw vault schema, each once.
 * - `keep_last_by`: the row with the greatest value of the column wins (NULLs lose), ties by
 *   hashdiff; a key whose greatest value carries two payloads is counted.
 */
import { METADATA_COLUMNS, type DuplicatePolicy, type LinkSatellite, type Satellite } from '@vault/core';
export { duplicatesLiteral } from '../duplicates-literal.js';
import type { CodeWriter } from '../writer.js';
import { parentKeySource, sourceColumn, type SqlContext } from './context.js';
import type { Dialect } from './dialect/dialect.js';
import { hashSqlType } from './hashing.js';
import { parentKey } from './load-satellite.js';
import { tableEnd } from './ddl.js';
import { landingTable, type SqlTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, orderTerm, payloadHashdiff, SOURCE_ALIAS } from './staging.js';

/** The policy of a satellite's source table; `report` when the spec says none. */
export function duplicatePolicy(sat: Satellite | LinkSatellite): DuplicatePolicy {
  return sat.duplicates ?? { kind: 'report' };
}

/** The columns of `satelliteDuplicates`' one row: the number of keys, and the smallest of them as text (NULL when none). */
export const DUPLICATES_COLUMNS = { count: 'n', example: 'example' } as const;

/** Working names of the statements here: `$` never occurs in a spec's names. */
const D = {
  key: '$key',
  hashdiff: '$hashdiff',
  delta: '$delta_order',
  keep: '$keep',
  example: '$example',
  rank: '$rank',
  rows: '$rows',
  kept: '$kept',
  states: '$states',
  oneState: '$one_state',
  inState: '$in_state',
} as const;

/** `keep_last_by`: the landing column, read as its own type. */
function keepColumn(ctx: SqlContext, sat: Satellite | LinkSatellite): { readonly sql: string; readonly order: string } | undefined {
  const p = duplicatePolicy(sat);
  if (p.kind !== 'keep_last_by') return undefined;
  const type = sourceColumn(ctx, sat.source.table, p.column).type;
  return { sql: castSource(ctx.dialect, p.column, type), order: `${orderTerm(ctx.dialect, ctx.dialect.quoteIdent(D.keep), type)} DESC NULLS LAST` };
}

/**
 * What `keep_last_by` adds to a satellite load: a staged column (`staged`, the ordering value as
 * `name`) and the first term of the order in which a key's rows are ranked (the greatest value
 * first, NULLs last, before the hashdiff). Undefined under the other policies.
 */
export function keepLastByTerms(ctx: SqlContext, sat: Satellite | LinkSatellite): { readonly staged: string; readonly order: string } | undefined {
  const keep = keepColumn(ctx, sat);
  return keep === undefined ? undefined : { staged: ctx.sql.as(keep.sql, D.keep), order: keep.order };
}

/** A key's business key values as text, `customer_id=7, region=EU`, for messages. */
function keyText(ctx: SqlContext, sat: Satellite | LinkSatellite): string {
  const source = parentKeySource(ctx, sat);
  if (source === undefined) throw new Error(`vault SQL: ${sat.kind} '${sat.name}' reads ${sat.source.table}, which does not carry the key of '${sat.parent}'`);
  const d = ctx.dialect;
  const text = d.columnType({ kind: 'text' });
  return source.columns.map((c, i) => `${d.quoteLiteral(`${i === 0 ? '' : ', '}${c}=`)} || COALESCE(CAST(${d.quoteIdent(SOURCE_ALIAS)}.${d.quoteIdent(c)} AS ${text}), 'NULL')`).join(' || ');
}

/** The delta-order value of a landing row, when the satellite has a delta order. */
function deltaOf(ctx: SqlContext, sat: Satellite | LinkSatellite): string | undefined {
  return sat.deltaOrder === undefined ? undefined : `${ctx.dialect.quoteIdent(SOURCE_ALIAS)}.${ctx.dialect.quoteIdent(sat.deltaOrder)}`;
}

/**
 * The landing rows a satellite's load reads that share their state (key, and delta-order value)
 * with another row, with what tells duplicates apart: parent hash key, hashdiff, delta order, the
 * `keep_last_by` value, the key as text, and `more` columns. A row alone in its state has no rival
 * (under `keep_last_by`, which never comes with a delta order, the state is the key: its rank
 * is among the key's rows), so the rows are first counted per state by a window over the key's
 * hash, and only the others have their payload hashed: in a batch without duplicates, none.
 * Hashing every payload was most of the count's time, and the load hashes them again.
 */
function stagedRows(w: CodeWriter, ctx: SqlContext, sat: Satellite | LinkSatellite, more: ReadonlyArray<string> = []): void {
  const { as, col, quoteIdent, tableIdent } = ctx.sql;
  const key = parentKey(ctx, sat);
  const delta = deltaOf(ctx, sat);
  const keep = keepColumn(ctx, sat);
  const s = quoteIdent(SOURCE_ALIAS);
  const from = (): void => {
    w.line('FROM (');
    w.block(() => {
      w.line(`SELECT ${s}.*, ${as(`count(*) OVER (PARTITION BY ${[key.hash, ...(delta === undefined ? [] : [delta])].join(', ')})`, D.inState)}`);
      w.line(`FROM ${tableIdent(landingTable(ctx, sat.source.table))} AS ${s}`);
      w.line(`WHERE ${key.keep}`);
    });
    w.line(`) AS ${s}`);
    w.line(`WHERE ${col(SOURCE_ALIAS, D.inState)} > 1`);
  };
  w.line('SELECT');
  w.block(() =>
    commaList(w, [
      as(key.hash, D.key),
      as(payloadHashdiff(ctx, sat.payload), D.hashdiff),
      ...(delta === undefined ? [] : [as(delta, D.delta)]),
      ...(keep === undefined ? [] : [as(keep.sql, D.keep)]),
      as(keyText(ctx, sat), D.example),
      ...more,
    ]),
  );
  from();
}

/**
 * The rows that compete for a key: all of a key's rows (with a delta order, all of one key and
 * delta-order value); under `keep_last_by` only those with the key's greatest value (`rank()`).
 */
function competing(w: CodeWriter, ctx: SqlContext, sat: Satellite | LinkSatellite, more: ReadonlyArray<string> = []): void {
  const q = ctx.sql.quoteIdent;
  const keep = keepColumn(ctx, sat);
  if (keep === undefined) return stagedRows(w, ctx, sat, more);
  w.line(`SELECT * FROM (`);
  w.block(() => {
    w.line(`SELECT ${q(D.rows)}.*, ${ctx.sql.as(`rank() OVER (PARTITION BY ${q(D.key)} ORDER BY ${keep.order})`, D.rank)}`);
    w.line('FROM (');
    w.block(() => stagedRows(w, ctx, sat, more));
    w.line(`) AS ${q(D.rows)}`);
  });
  w.line(`) AS ${q(D.kept)}`);
  w.line(`WHERE ${q(D.rank)} = 1`);
}

/** `PARTITION BY` / `GROUP BY` of one state: the key, and the delta-order value when there is one. */
function stateKey(ctx: SqlContext, sat: Satellite | LinkSatellite): string {
  const q = ctx.sql.quoteIdent;
  return sat.deltaOrder === undefined ? q(D.key) : `${q(D.key)}, ${q(D.delta)}`;
}

/**
 * Counts a satellite's duplicate keys in the batch: keys with two payloads or more among the
 * rows that compete for one state (`competing`); one row, `n` and `example` (the smallest such
 * key as text, in code-point order). Kind `count`: `vault run` reports it, and refuses the batch
 * under `reject`.
 */
export function satelliteDuplicates(ctx: SqlContext, sat: Satellite | LinkSatellite): Statement {
  const { quoteIdent: q } = ctx.sql;
  const d = ctx.dialect;
  return statement((w) => {
    w.line(`SELECT count(DISTINCT ${q(D.key)}) AS ${q(DUPLICATES_COLUMNS.count)}, min(${d.byteOrder(q(D.example))}) AS ${q(DUPLICATES_COLUMNS.example)} FROM (`);
    w.block(() => {
      w.line(`SELECT ${q(D.key)}, min(${d.byteOrder(q(D.example))}) AS ${q(D.example)} FROM (`);
      w.block(() => competing(w, ctx, sat));
      w.line(`) AS ${q('c')}`);
      w.line(`GROUP BY ${stateKey(ctx, sat)}`);
      w.line(`HAVING count(DISTINCT ${q(D.hashdiff)}) > 1`);
    });
    w.line(`) AS ${q('g')}`);
  });
}

/** The error table's name in the raw vault schema; entity tables carry a kind prefix, so it meets none. */
export const DUPLICATES_TABLE_NAME = 'vault_duplicates';

export function duplicatesTable(d: Dialect, rawVaultSchema: string): SqlTable {
  return { schema: d.identifier(rawVaultSchema), name: DUPLICATES_TABLE_NAME };
}

/** The error table's columns, in order. */
const ERROR_COLUMNS = {
  loadTs: METADATA_COLUMNS.loadTimestamp,
  entityKind: 'entity_kind',
  entity: 'entity',
  sourceTable: 'source_table',
  parentHashKey: 'parent_hash_key',
  hashdiff: METADATA_COLUMNS.hashDiff,
  deltaOrder: 'delta_order',
  businessKey: 'business_key',
  payload: 'payload',
} as const;

/**
 * `vault_duplicates`: the rows `duplicates: error_table` keeps out of satellites, one table for
 * the model. Which satellite (`entity_kind`, `entity`) and landing table, the key (its hash and
 * its business key as text), the row's hashdiff, delta-order value (as text) and payload (the
 * payload columns as a JSON object), and the batch that first brought it.
 */
export function duplicatesTableStatement(ctx: SqlContext): Statement {
  const { quoteIdent: q, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const text = d.columnType({ kind: 'text' });
  const hash = hashSqlType(d, ctx.model.hashing.algorithm);
  const columns = [
    `${q(ERROR_COLUMNS.loadTs)} ${d.columnType({ kind: 'timestamptz' })} NOT NULL`,
    `${q(ERROR_COLUMNS.entityKind)} ${text} NOT NULL`,
    `${q(ERROR_COLUMNS.entity)} ${text} NOT NULL`,
    `${q(ERROR_COLUMNS.sourceTable)} ${text} NOT NULL`,
    `${q(ERROR_COLUMNS.parentHashKey)} ${hash} NOT NULL`,
    `${q(ERROR_COLUMNS.hashdiff)} ${hash} NOT NULL`,
    `${q(ERROR_COLUMNS.deltaOrder)} ${text}`,
    `${q(ERROR_COLUMNS.businessKey)} ${text} NOT NULL`,
    `${q(ERROR_COLUMNS.payload)} ${d.columnType({ kind: 'jsonb' })} NOT NULL`,
  ];
  return statement((w) => {
    w.line(`CREATE TABLE IF NOT EXISTS ${tableIdent(duplicatesTable(d, ctx.model.schemas.rawVault))} (`);
    w.block(() => commaList(w, columns));
    w.line(tableEnd(d));
  });
}

/**
 * `error_table`: inserts into `vault_duplicates` the rows of the batch the satellite does not
 * keep: in each state (key, and delta-order value) the rows whose payload is not the smallest
 * hashdiff's, one per payload. A row is identified by the satellite, its key, delta-order value
 * and hashdiff: one found there already is not inserted again, whatever the load timestamp, so a
 * rerun adds nothing. Takes `load_ts`.
 */
export function routeDuplicates(ctx: SqlContext, sat: Satellite | LinkSatellite): Statement {
  const { as, col, quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const text = d.columnType({ kind: 'text' });
  const table = tableIdent(duplicatesTable(d, ctx.model.schemas.rawVault));
  const payload = as(d.jsonObject(sat.payload.map((c) => ({ key: c.name, sql: castSource(d, c.sourceColumn, c.type) }))), ERROR_COLUMNS.payload);
  const x = (c: string): string => col('x', c);
  const delta = sat.deltaOrder === undefined ? `CAST(NULL AS ${text})` : `CAST(${x(D.delta)} AS ${text})`;
  return statement((w) => {
    w.line(`WITH ${q(D.rows)} AS (`);
    w.block(() => competing(w, ctx, sat, [payload]));
    w.line(`), ${q(D.states)} AS (`);
    w.block(() => {
      // One row per payload, ranked within its state: the first is the one the satellite keeps.
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          ...stateColumns(ctx, sat),
          q(D.hashdiff),
          as(`min(${d.byteOrder(q(D.example))})`, D.example),
          as(`min(CAST(${q(ERROR_COLUMNS.payload)} AS ${text}))`, ERROR_COLUMNS.payload),
          as(`rank() OVER (PARTITION BY ${stateKey(ctx, sat)} ORDER BY ${q(D.hashdiff)})`, D.rank),
        ]),
      );
      w.line(`FROM ${q(D.rows)}`);
      w.line(`GROUP BY ${stateKey(ctx, sat)}, ${q(D.hashdiff)}`);
    });
    w.line(')');
    const columns = Object.values(ERROR_COLUMNS);
    w.line(`INSERT INTO ${table} (${columns.map(q).join(', ')})`);
    w.line('SELECT');
    w.block(() =>
      commaList(w, [
        d.loadTimestamp.sql,
        quoteLiteral(sat.kind),
        quoteLiteral(sat.name),
        quoteLiteral(sat.source.table),
        x(D.key),
        x(D.hashdiff),
        delta,
        x(D.example),
        `CAST(${x(ERROR_COLUMNS.payload)} AS ${d.columnType({ kind: 'jsonb' })})`,
      ]),
    );
    w.line(`FROM ${q(D.states)} AS ${q('x')}`);
    w.line(`WHERE ${x(D.rank)} > 1 AND NOT EXISTS (`);
    w.block(() => {
      const t = (c: string): string => col('t', c);
      w.line(`SELECT 1 FROM ${table} AS ${q('t')}`);
      w.line(
        `WHERE ${t(ERROR_COLUMNS.entityKind)} = ${quoteLiteral(sat.kind)} AND ${t(ERROR_COLUMNS.entity)} = ${quoteLiteral(sat.name)} AND ${t(ERROR_COLUMNS.parentHashKey)} = ${x(D.key)} AND ${t(ERROR_COLUMNS.hashdiff)} = ${x(D.hashdiff)} AND ${t(ERROR_COLUMNS.deltaOrder)} IS NOT DISTINCT FROM ${delta}`,
      );
    });
    w.line(')');
  });
}

/** The columns naming one state, for a SELECT list. */
function stateColumns(ctx: SqlContext, sat: Satellite | LinkSatellite): ReadonlyArray<string> {
  const q = ctx.sql.quoteIdent;
  return sat.deltaOrder === undefined ? [q(D.key)] : [q(D.key), q(D.delta)];
}

/**
 * `error_table` on a table with a delta order: the satellite keeps one row per key and
 * delta-order value, the smallest hashdiff (what it keeps without a delta order), since the
 * others go to the error table. Writes a CTE `$one_state` reading `from` (rows with the parent
 * hash key `key`, `hashdiff` and `delta`) and returns its name; undefined when there is nothing to pick.
 */
export function oneStatePerDelta(
  w: CodeWriter,
  ctx: SqlContext,
  sat: Satellite | LinkSatellite,
  from: string,
  columns: { readonly key: string; readonly hashdiff: string; readonly delta: string },
): string | undefined {
  if (sat.deltaOrder === undefined || duplicatePolicy(sat).kind !== 'error_table') return undefined;
  const q = ctx.sql.quoteIdent;
  w.line(`), ${q(D.oneState)} AS (`);
  w.block(() => {
    w.line(`SELECT * FROM (`);
    w.block(() => {
      w.line(`SELECT ${q('o')}.*, ${ctx.sql.as(`rank() OVER (PARTITION BY ${columns.key}, ${columns.delta} ORDER BY ${columns.hashdiff})`, D.rank)}`);
      w.line(`FROM ${q(from)} AS ${q('o')}`);
    });
    w.line(`) AS ${q('r')}`);
    w.line(`WHERE ${q(D.rank)} = 1`);
  });
  return D.oneState;
}
