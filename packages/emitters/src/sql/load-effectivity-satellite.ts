/**
 * Load statement of an effectivity satellite: the change engine (change-engine.ts) over the
 * driving key (the driving hubs' hash keys), comparing the link hash key the driving key points
 * at, with no payload (docs/sql.md, "Effectivity satellites"). A row is stored each time a driving
 * key starts pointing at another link row, in change order, so multi-delta batches, reruns and
 * late rows are right as they are for satellites.
 *
 * The staged rows are the landing rows whose driving key is present. A missing other reference
 * is hashed as the link hashes it (the zero key): a start row of that link row is the end of the
 * relationship before it.
 */
import type { EffectivitySatellite } from '@vault/core';
import { historyTables } from './change-history.js';
import { changeLoad, type ChangeLoad } from './change-engine.js';
import { need, type SqlContext } from './context.js';
import { hashExpression, missingKey } from './hashing.js';
import { childKeyInputs, linkInputs } from './load.js';

export function effectivitySatelliteLoad(ctx: SqlContext, eff: EffectivitySatellite): ChangeLoad {
  const d = ctx.dialect;
  const link = need(ctx.links, eff.parent, 'link');
  const perHub = linkInputs(ctx, link, eff.source.columns);
  const driving = link.hubs.flatMap((h, i) => (eff.drivingKey.includes(h.hashKey) ? [{ column: h.hashKey, inputs: perHub[i] ?? [] }] : []));
  if (driving.length !== eff.drivingKey.length)
    throw new Error(`vault SQL: effectivity satellite '${eff.name}' is driven by ${eff.drivingKey.join(', ')}, not all hash key columns of link '${link.name}'`);
  return changeLoad(ctx, {
    keys: driving.map((h) => ({ column: h.column, sql: hashExpression(d, ctx.model.hashing, h.inputs, 'key') })),
    keep: driving.map((h) => `NOT ${missingKey(d, h.inputs)}`).join(' AND '),
    compared: { column: eff.parentHashKey, sql: hashExpression(d, ctx.model.hashing, [...perHub.flat(), ...childKeyInputs(ctx, link, eff.source.columns)], 'key') },
    payload: [],
    ...historyTables(ctx, eff),
    rank: undefined,
  });
}
