/**
 * The access layer as views over the business vault, for people and BI tools:
 * - a presentation view: one row per business key (the ghost left out), its current values;
 * - a dimensional model: a fact view `fct_<name>` over the fact link (or hub), one row per
 *   fact, and a dimension view `dim_<name>_<dimension>` per dimension. Every join is a LEFT
 *   JOIN, so no fact is lost; a fact whose member a business-hub filter removed points at the
 *   ghost, which every dimension view holds as its "unknown" member, so that even inner joins
 *   from facts to dimensions keep every fact;
 * - a reporting view: chosen columns of a business hub or link, filtered.
 */
import { linkKeyColumns } from '@vault/core/internal';
import type { AccessColumn, BusinessHub, BusinessLink, BusinessLinkSatellite, BusinessSatellite, Column, DimensionalModel, PresentationView, ReportingView } from '@vault/core';
import type { CodeWriter } from '../writer.js';
import { filterSql, offeredScope } from './business-vault.js';
import { need, type SqlContext } from './context.js';
import { dimensionTable, entityTable, type SqlTable } from './names.js';
import { commaList, type Statement } from './sql-writer.js';
import { createEntityView, createView, leftJoin } from './views.js';

/** A business hub or link with its business satellite: the base every access view reads. */
interface Offer {
  readonly entity: BusinessHub | BusinessLink;
  readonly keys: ReadonlyArray<Column>;
  readonly sat: BusinessSatellite | BusinessLinkSatellite | undefined;
}

function offer(ctx: SqlContext, kind: 'business_hub' | 'business_link', name: string): Offer {
  if (kind === 'business_hub') {
    const hub = need(ctx.businessHubs, name, 'business hub');
    return { entity: hub, keys: hub.businessKeys, sat: ctx.businessSatelliteOf.get(hub.name) };
  }
  const link = need(ctx.businessLinks, name, 'business link');
  // Over events, the attributes are columns of the business link itself, as its keys are.
  return { entity: link, keys: [...linkKeyColumns(link), ...(link.eventAttributes ?? [])], sat: ctx.businessLinkSatelliteOf.get(link.name) };
}

/** A column read from the base ("b") or its business satellite ("s"). */
function offeredColumn(ctx: SqlContext, o: Offer, c: AccessColumn): string {
  const { as, col } = ctx.sql;
  const fromBase = c.fromKind === o.entity.kind && c.from === o.entity.name;
  const fromSat = o.sat !== undefined && c.fromKind === o.sat.kind && c.from === o.sat.name;
  if (!fromBase && !fromSat) throw new Error(`vault SQL: column '${c.name}' comes from ${c.fromKind} '${c.from}', which '${o.entity.name}' does not offer`);
  return as(col(fromBase ? 'b' : 's', c.fromColumn), c.name);
}

/** `FROM <base> AS "b" LEFT JOIN <its business satellite> AS "s"`. */
function fromOffer(ctx: SqlContext, w: CodeWriter, o: Offer): void {
  const { col, quoteIdent, tableIdent } = ctx.sql;
  w.line(`FROM ${tableIdent(entityTable(ctx, o.entity.kind, o.entity.name))} AS ${quoteIdent('b')}`);
  if (o.sat !== undefined) leftJoin(ctx, w, entityTable(ctx, o.sat.kind, o.sat.name), 's', `${col('s', o.entity.hashKey)} = ${col('b', o.entity.hashKey)}`);
}

function notGhost(ctx: SqlContext, alias: string, hashKey: string): string {
  const { col, quoteLiteral } = ctx.sql;
  return `${col(alias, hashKey)} <> ${quoteLiteral(ctx.zeroHash)}`;
}

export function presentationView(ctx: SqlContext, view: PresentationView): Statement {
  const o = offer(ctx, 'business_hub', view.businessHub);
  return createEntityView(ctx, view.kind, view.name, (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(
        w,
        view.columns.map((c) => offeredColumn(ctx, o, c)),
      ),
    );
    fromOffer(ctx, w, o);
    w.line(`WHERE ${notGhost(ctx, 'b', o.entity.hashKey)}`);
  });
}

export function reportingView(ctx: SqlContext, view: ReportingView): Statement {
  const o = offer(ctx, view.fromKind, view.from);
  return createEntityView(ctx, view.kind, view.name, (w) => {
    w.line('SELECT');
    w.block(() =>
      commaList(
        w,
        view.columns.map((c) => offeredColumn(ctx, o, c)),
      ),
    );
    fromOffer(ctx, w, o);
    const filter = view.filter === undefined ? '' : ` AND ${filterSql(ctx, view.filter, offeredScope(ctx, 'b', o.keys, o.sat, 's'))}`;
    w.line(`WHERE ${notGhost(ctx, 'b', o.entity.hashKey)}${filter}`);
  });
}

export function dimensionViews(ctx: SqlContext, model: DimensionalModel): ReadonlyArray<Statement> {
  return model.dimensions.map((d) => {
    const o = offer(ctx, 'business_hub', d.businessHub);
    const { as, col } = ctx.sql;
    return createView(ctx, dimensionTable(ctx, model.name, d.name), (w) => {
      w.line('SELECT');
      w.block(() => commaList(w, [as(col('b', o.entity.hashKey), d.hashKey), ...d.attributes.map((c) => offeredColumn(ctx, o, c))]));
      fromOffer(ctx, w, o);
    });
  });
}

/** The joins of a fact view, each once, in the order first needed. */
class FactJoins {
  private readonly joins = new Map<string, { readonly alias: string; readonly table: SqlTable; readonly on: string }>();

  constructor(private readonly ctx: SqlContext) {}

  /** The alias of `table` joined on its `hashKey` = the fact's `factColumn`. */
  alias(table: SqlTable, hashKey: string, factColumn: string): string {
    const key = `${table.schema}.${table.name}\u0000${factColumn}`;
    const hit = this.joins.get(key);
    if (hit !== undefined) return hit.alias;
    const alias = `j${this.joins.size + 1}`;
    const { col } = this.ctx.sql;
    this.joins.set(key, { alias, table, on: `${col(alias, hashKey)} = ${col('f', factColumn)}` });
    return alias;
  }

  write(w: CodeWriter): void {
    for (const j of this.joins.values()) leftJoin(this.ctx, w, j.table, j.alias, j.on);
  }
}

export function factView(ctx: SqlContext, model: DimensionalModel): Statement {
  const { as, col, quoteIdent, quoteLiteral, tableIdent } = ctx.sql;
  const fact = offer(ctx, model.factKind, model.fact);
  const slots = fact.entity.kind === 'business_link' ? fact.entity.hubs : [];
  const joins = new FactJoins(ctx);
  /** The fact's column holding the hash key of business hub `hub`: the first slot for it. */
  const keyOfHub = (hub: string): string => {
    if (fact.entity.kind === 'business_hub' && fact.entity.name === hub) return fact.entity.hashKey;
    const slot = slots.find((s) => s.hub === hub);
    if (slot === undefined) throw new Error(`vault SQL: dimensional model '${model.name}' reads hub '${hub}', which its fact '${model.fact}' does not hold`);
    return slot.hashKey;
  };
  const measure = (m: AccessColumn): string => {
    if (m.fromKind === fact.entity.kind && m.from === fact.entity.name) return as(col('f', m.fromColumn), m.name);
    if (fact.sat !== undefined && m.fromKind === fact.sat.kind && m.from === fact.sat.name) {
      return as(col(joins.alias(entityTable(ctx, fact.sat.kind, fact.sat.name), fact.entity.hashKey, fact.entity.hashKey), m.fromColumn), m.name);
    }
    if (m.fromKind === 'business_satellite') {
      const sat = need(ctx.businessSatellites, m.from, 'business satellite');
      const hub = need(ctx.businessHubs, sat.parent, 'business hub');
      return as(col(joins.alias(entityTable(ctx, sat.kind, sat.name), hub.hashKey, keyOfHub(hub.name)), m.fromColumn), m.name);
    }
    if (m.fromKind === 'business_hub') {
      const hub = need(ctx.businessHubs, m.from, 'business hub');
      return as(col(joins.alias(entityTable(ctx, hub.kind, hub.name), hub.hashKey, keyOfHub(hub.name)), m.fromColumn), m.name);
    }
    throw new Error(`vault SQL: measure '${m.name}' comes from ${m.fromKind} '${m.from}', which fact '${model.fact}' does not reach`);
  };
  const dimensionKeys = model.dimensions.map((d) => {
    const hub = need(ctx.businessHubs, d.businessHub, 'business hub');
    const alias = joins.alias(entityTable(ctx, hub.kind, hub.name), hub.hashKey, d.hashKey);
    return as(`COALESCE(${col(alias, hub.hashKey)}, ${quoteLiteral(ctx.zeroHash)})`, d.hashKey);
  });
  const measures = model.measures.map(measure);
  return createEntityView(ctx, model.kind, model.name, (w) => {
    w.line('SELECT');
    w.block(() => commaList(w, [...dimensionKeys, ...measures]));
    w.line(`FROM ${tableIdent(entityTable(ctx, fact.entity.kind, fact.entity.name))} AS ${quoteIdent('f')}`);
    joins.write(w);
    w.line(`WHERE ${notGhost(ctx, 'f', fact.entity.hashKey)}`);
  });
}
