/**
 * Load statement of a non-historized (transactional) link: insert-only, incremental, idempotent,
 * one row per event, its attributes as first loaded (docs/sql.md, "Non-historized links").
 *
 * 1. Stage every landing row the link keeps (as a link's: a missing reference is the zero key,
 *    a row with every reference missing relates nothing, `linkKeep`): the event's hash key (the
 *    hubs' keys then its id, hashed as a link's), each hub's hash key, the key columns, the
 *    attributes, and the delta-order value when the table has a delta-order column.
 * 2. Drop the rows whose hash key the link holds already (anti-join): an event is immutable, so a
 *    row of an event loaded before is never inserted again, whatever its attributes say now.
 * 3. Keep one row per new hash key: the earliest in delta order (NULLs last), then the one with
 *    the smallest hash of its attributes (an arbitrary but deterministic choice when a batch holds
 *    two versions of one event), and insert it with the batch load timestamp.
 *
 * So loading the same landing data again, in any split into batches, adds nothing.
 */
import { linkKeyColumns, METADATA_COLUMNS, type NonHistorizedLink } from '@vault/core/internal';
import { sourceColumn, type SqlContext } from './context.js';
import { hashExpression, missingKey } from './hashing.js';
import { childKeyInputs, linkInputs, linkKeep } from './load.js';
import { entityTable, landingTable } from './names.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { castSource, orderTerm, recordSourceOf, SOURCE_ALIAS, WORK } from './staging.js';

/** The working column holding the hash of a staged row's attributes, its tie-break. */
const ATTRIBUTES_HASH = '$attributes';

export function nonHistorizedLinkLoad(ctx: SqlContext, link: NonHistorizedLink): Statement {
  const { as, col, quoteIdent, quoteLiteral, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const q = quoteIdent;
  const source = link.sources[0];
  if (source === undefined || link.sources.length > 1) throw new Error(`vault SQL: non-historized link '${link.name}' needs exactly one source table, it has ${link.sources.length}`);
  const keys = linkKeyColumns(link);
  const perHub = linkInputs(ctx, link, source.columns);
  const childKeys = childKeyInputs(ctx, link, source.columns);
  // The link's own delta order (a table of events has no satellite to declare it to the context).
  const delta = link.deltaOrder === undefined ? undefined : { column: link.deltaOrder, type: sourceColumn(ctx, source.table, link.deltaOrder).type };
  const attributes = link.payload.map((c) => ({ name: c.name, sql: castSource(d, c.sourceColumn, c.type), type: c.type }));
  const zeroWhenMissing = (inputs: (typeof perHub)[number]): string =>
    `CASE WHEN ${missingKey(d, inputs)} THEN ${quoteLiteral(ctx.zeroHash)} ELSE ${hashExpression(d, ctx.model.hashing, inputs, 'key')} END`;
  const inputs = [...perHub.flat(), ...childKeys];
  const table = tableIdent(entityTable(ctx, link.kind, link.name));
  const order = [...(delta === undefined ? [] : [`${orderTerm(d, q(WORK.deltaOrder), delta.type)} NULLS LAST`]), q(ATTRIBUTES_HASH)];
  const columns = [link.hashKey, ...link.hubs.map((h) => h.hashKey), ...keys.map((k) => k.name)];
  return statement((w) => {
    w.line(`WITH ${q(WORK.staged)} AS (`);
    w.block(() => {
      w.line('SELECT');
      w.block(() =>
        commaList(w, [
          as(hashExpression(d, ctx.model.hashing, inputs, 'key'), link.hashKey),
          ...link.hubs.map((h, i) => as(zeroWhenMissing(perHub[i]!), h.hashKey)),
          ...keys.map((k, i) => as(inputs[i]!.sql, k.name)),
          ...attributes.map((a) => as(a.sql, a.name)),
          ...(delta === undefined ? [] : [as(col(SOURCE_ALIAS, delta.column), WORK.deltaOrder)]),
          as(attributes.length === 0 ? quoteLiteral('') : hashExpression(d, ctx.model.hashing, attributes, 'hashdiff'), ATTRIBUTES_HASH),
        ]),
      );
      w.line(`FROM ${tableIdent(landingTable(ctx, source.table))} AS ${q(SOURCE_ALIAS)}`);
      w.line(`WHERE ${linkKeep(ctx, perHub)}`);
    });
    // Events the link holds already are dropped before the sort: a reload sorts nothing.
    w.line(`), ${q(WORK.unseen)} AS (`);
    w.block(() => {
      w.line(`SELECT * FROM ${q(WORK.staged)} AS ${q('u')}`);
      w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table} AS ${q('t')} WHERE ${col('t', link.hashKey)} = ${col('u', link.hashKey)})`);
    });
    w.line(`), ${q(WORK.firstSeen)} AS (`);
    w.block(() => d.firstRowPerKey({ key: q(link.hashKey), from: q(WORK.unseen), order }).forEach((l) => w.line(l)));
    w.line(')');
    const all = [...columns, ...attributes.map((a) => a.name)];
    w.line(`INSERT INTO ${table} (${[...all, METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource].map(q).join(', ')})`);
    w.line(`SELECT ${[...all.map((c) => col('f', c)), d.loadTimestamp.sql, recordSourceOf(ctx, source.table)].join(', ')}`);
    w.line(`FROM ${q(WORK.firstSeen)} AS ${q('f')}`);
  });
}
