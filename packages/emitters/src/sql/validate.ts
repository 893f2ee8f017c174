/**
 * What must hold for the SQL of a model to be valid. Models the compiler builds satisfy all of
 * it; this names a problem instead of emitting SQL that fails in the database.
 */
import type { VaultModel } from '@vault/core';
import { allEntities } from '@vault/core/internal';
import { parentKeySource, sqlContext } from './context.js';
import { ledgerTable } from './ledger.js';
import { dimensionTable, entityTable, landingTable, tableText, type SqlTable } from './names.js';
import { tableColumns } from './table-columns.js';

/**
 * Problems that would make the SQL of `model` invalid; empty when it can be emitted.
 * @example validateSql(model) // []
 */
export function validateSql(model: VaultModel): ReadonlyArray<string> {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (t: SqlTable, what: string): void => {
    const key = tableText(t);
    const other = owners.get(key);
    if (other !== undefined) problems.push(`${what} and ${other} would both be ${key}`);
    else owners.set(key, what);
  };
  claim(ledgerTable(model.schemas.rawVault), 'the load ledger of vault run');
  for (const t of model.sources) claim(landingTable(model, t.name), `landing table '${t.name}'`);
  for (const { entity } of allEntities(model)) {
    claim(entityTable(model, entity.kind, entity.name), `${entity.kind} '${entity.name}'`);
    if (entity.kind === 'dimensional_model') {
      for (const d of entity.dimensions) claim(dimensionTable(model, entity.name, d.name), `dimension '${d.name}' of '${entity.name}'`);
    }
  }
  const ctx = sqlContext(model);
  for (const s of [...model.rawVault.satellites, ...model.rawVault.linkSatellites]) {
    if (!ctx.sourceColumns.has(s.source.table)) problems.push(`${s.kind} '${s.name}' reads '${s.source.table}', which is not a landing table of the model`);
    else if (parentKeySource(ctx, s) === undefined) problems.push(`${s.kind} '${s.name}' reads '${s.source.table}', which does not carry the key of '${s.parent}'`);
  }
  for (const e of [...model.rawVault.hubs, ...model.rawVault.links]) {
    for (const s of e.sources) if (!ctx.sourceColumns.has(s.table)) problems.push(`${e.kind} '${e.name}' reads '${s.table}', which is not a landing table of the model`);
  }
  for (const e of [...model.rawVault.hubs, ...model.rawVault.links, ...model.rawVault.satellites, ...model.rawVault.linkSatellites]) {
    if (e.kind === 'satellite' || e.kind === 'link_satellite') {
      const columns = ctx.sourceColumns.get(e.source.table);
      if (columns === undefined) continue; // reported above
      if (e.deltaOrder !== undefined) {
        const type = columns.get(e.deltaOrder)?.type;
        const where = `${e.kind} '${e.name}' orders its changes by '${e.source.table}.${e.deltaOrder}'`;
        if (type === undefined) {
          problems.push(`${where}, which is not a column of that table`);
          continue;
        }
        // Loads sort and compare delta-order values; PostgreSQL's json has no ordering (jsonb has).
        if (type.kind === 'json') problems.push(`${where}, a json column, which PostgreSQL cannot sort`);
      }
    }
    const seen = new Set<string>();
    for (const c of tableColumns(ctx, e)) {
      if (seen.has(c.name)) problems.push(`${e.kind} '${e.name}' would have two columns named '${c.name}'`);
      seen.add(c.name);
    }
  }
  return problems;
}
