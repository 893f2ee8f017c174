/**
 * Data Vault conformance of the IR: hubs carry a business key and no descriptive columns,
 * links join two or more hubs, satellites have one parent and a payload without keys,
 * names are unique per layer and kind.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { allEntities, entitiesOf } from '../ir/entities.js';
import type { VaultModel } from '../ir/model.js';

export function validateConformance(m: VaultModel): PathDiagnostic[] {
  const out: PathDiagnostic[] = [];
  const at = ['model'];
  const seen = new Set<string>();
  for (const { layer, entity } of allEntities(m)) {
    const key = `${layer}.${entity.kind}.${entity.name}`;
    if (seen.has(key)) out.push(pathDiag('VLT405', at, `two ${entity.kind.replace(/_/g, ' ')}s are named '${entity.name}' in the ${layer.replace('_', ' ')}`));
    seen.add(key);
  }
  const hubs = entitiesOf(m, 'hub');
  const links = entitiesOf(m, 'link');
  const hubNames = new Set(hubs.map((h) => h.name));
  const hubByName = new Map(hubs.map((h) => [h.name, h] as const));
  const linkByName = new Map(links.map((l) => [l.name, l] as const));
  const withSatellite = new Set([...entitiesOf(m, 'satellite'), ...entitiesOf(m, 'multi_active_satellite')].map((s) => s.parent));
  const linkNames = new Set(links.map((l) => l.name));
  for (const h of hubs) {
    if (h.businessKeys.length === 0 || h.hashKey === '') out.push(pathDiag('VLT407', at, `hub '${h.name}' has no business key`));
    if (!withSatellite.has(h.name)) {
      // Point at the column that carries the key: that is where a reader meets the hub.
      const first = h.sources[0];
      const path = first === undefined ? ['model'] : ['tables', first.table, 'columns', first.columns[0]!];
      out.push(pathDiag('VLT402', path, `hub '${h.name}' has no satellite: no source table carries descriptive columns for it`, { target: 'key' }));
    }
  }
  for (const l of links) {
    if (l.hubs.length < 2) out.push(pathDiag('VLT403', at, `link '${l.name}' references ${l.hubs.length} hub(s); a link needs at least two`));
    for (const h of l.hubs) if (!hubNames.has(h.hub)) out.push(pathDiag('VLT502', at, `link '${l.name}' references hub '${h.hub}', which does not exist`));
  }
  for (const l of entitiesOf(m, 'non_historized_link')) {
    if (l.hubs.length === 0) out.push(pathDiag('VLT403', at, `non-historized link '${l.name}' references no hub`));
    for (const h of l.hubs) if (!hubNames.has(h.hub)) out.push(pathDiag('VLT502', at, `non-historized link '${l.name}' references hub '${h.hub}', which does not exist`));
  }
  for (const s of [...entitiesOf(m, 'satellite'), ...entitiesOf(m, 'link_satellite')]) {
    const parents = s.kind === 'satellite' ? hubNames : linkNames;
    if (!parents.has(s.parent)) out.push(pathDiag('VLT408', at, `${s.kind.replace('_', ' ')} '${s.name}' has no parent '${s.parent}'`));
    if (s.payload.length === 0) out.push(pathDiag('VLT404', sourcePath(s.source.table), `satellite '${s.name}' has an empty payload`, { target: 'key' }));
    const keyColumns = new Set(
      s.kind === 'satellite'
        ? hubByName
            .get(s.parent)
            ?.sources.filter((x) => x.table === s.source.table)
            .flatMap((x) => x.columns)
        : linkByName.get(s.parent)?.sources.flatMap((x) => x.columns),
    );
    for (const c of s.payload) {
      if (keyColumns.has(c.sourceColumn))
        out.push(pathDiag('VLT406', sourcePath(s.source.table), `satellite '${s.name}' carries the key column '${c.sourceColumn}' in its payload`, { target: 'key' }));
    }
  }
  for (const s of entitiesOf(m, 'multi_active_satellite')) {
    if (!hubNames.has(s.parent)) out.push(pathDiag('VLT408', at, `multi-active satellite '${s.name}' has no parent '${s.parent}'`));
  }
  return out;
}

function sourcePath(table: string | undefined): Array<string> {
  return table === undefined ? ['model'] : ['tables', table];
}
