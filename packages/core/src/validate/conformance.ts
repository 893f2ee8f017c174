/**
 * Data Vault conformance of the IR: hubs carry a business key and no descriptive columns,
 * links join two or more hubs, satellites have one parent and a payload without keys,
 * names are unique per layer and kind.
 */
import { match } from 'ts-pattern';
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { VaultModel } from '../ir/model.js';
import { allEntities } from './entities.js';

export function validateConformance(m: VaultModel): PathDiagnostic[] {
  const out: PathDiagnostic[] = [];
  const at = ['model'];
  const seen = new Set<string>();
  for (const { layer, entity } of allEntities(m)) {
    const key = `${layer}.${entity.kind}.${entity.name}`;
    if (seen.has(key)) out.push(pathDiag('VLT405', at, `two ${entity.kind.replace(/_/g, ' ')}s are named '${entity.name}' in the ${layer.replace('_', ' ')}`));
    seen.add(key);
  }
  const hubNames = new Set(m.rawVault.hubs.map((h) => h.name));
  const hubByName = new Map(m.rawVault.hubs.map((h) => [h.name, h] as const));
  const linkByName = new Map(m.rawVault.links.map((l) => [l.name, l] as const));
  const withSatellite = new Set(m.rawVault.satellites.map((s) => s.parent));
  const linkNames = new Set(m.rawVault.links.map((l) => l.name));
  for (const h of m.rawVault.hubs) {
    if (h.businessKeys.length === 0 || h.hashKey === '') out.push(pathDiag('VLT407', at, `hub '${h.name}' has no business key`));
    if (!withSatellite.has(h.name)) {
      // Point at the column that carries the key: that is where a reader meets the hub.
      const first = h.sources[0];
      const path = first === undefined ? ['model'] : ['tables', first.table, 'columns', first.columns[0]!];
      out.push(pathDiag('VLT402', path, `hub '${h.name}' has no satellite: no source table carries descriptive columns for it`, { target: 'key' }));
    }
  }
  for (const l of m.rawVault.links) {
    if (l.hubs.length < 2) out.push(pathDiag('VLT403', at, `link '${l.name}' references ${l.hubs.length} hub(s); a link needs at least two`));
    for (const h of l.hubs) if (!hubNames.has(h.hub)) out.push(pathDiag('VLT502', at, `link '${l.name}' references hub '${h.hub}', which does not exist`));
  }
  for (const s of [...m.rawVault.satellites, ...m.rawVault.linkSatellites]) {
    const parents = match(s).with({ kind: 'satellite' }, () => hubNames).with({ kind: 'link_satellite' }, () => linkNames).exhaustive();
    if (!parents.has(s.parent)) out.push(pathDiag('VLT408', at, `${s.kind.replace('_', ' ')} '${s.name}' has no parent '${s.parent}'`));
    if (s.payload.length === 0) out.push(pathDiag('VLT404', sourcePath(s.source.table), `satellite '${s.name}' has an empty payload`, { target: 'key' }));
    const keyColumns = new Set(s.kind === 'satellite'
      ? hubByName.get(s.parent)?.sources.filter((x) => x.table === s.source.table).flatMap((x) => x.columns)
      : linkByName.get(s.parent)?.sources.flatMap((x) => x.columns));
    for (const c of s.payload) {
      if (keyColumns.has(c.sourceColumn)) out.push(pathDiag('VLT406', sourcePath(s.source.table), `satellite '${s.name}' carries the key column '${c.sourceColumn}' in its payload`, { target: 'key' }));
    }
  }
  return out;
}

function sourcePath(table: string | undefined): Array<string> {
  return table === undefined ? ['model'] : ['tables', table];
}
