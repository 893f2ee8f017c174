/**
 * Effectivity satellites (rule `link.effectivity`): every link with a driving key gets one, which
 * records when each driving key's relationship starts (docs/inference.md, "Effectivity
 * satellites"). Its source is the link's first source table (the table whose own hub drives it,
 * or the link table that declares `driving_key:`); that table's `effectivity: false` switches it off.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Evidence } from '../ir/common.js';
import type { EffectivitySatellite, Link } from '../ir/raw-vault.js';
import type { TableInfo } from './tables.js';

export function buildEffectivitySatellites(links: ReadonlyArray<Link>, tableByName: ReadonlyMap<string, TableInfo>, diagnostics: PathDiagnostic[]): ReadonlyArray<EffectivitySatellite> {
  return links.flatMap((link): EffectivitySatellite[] => {
    const source = link.sources[0];
    const table = source === undefined ? undefined : tableByName.get(source.table);
    if (link.drivingKey === undefined || source === undefined || table === undefined || table.spec.effectivity === false) return [];
    // The starts come from the first table only: a relationship only another table brings is
    // stored in the link but never effective, so the business link, facts and bridges leave it out.
    for (const other of link.sources.slice(1))
      if (other.table !== source.table)
        diagnostics.push(
          pathDiag(
            'VLT436',
            ['tables', other.table],
            `table '${other.table}' also feeds link '${link.name}', whose effectivity satellite follows table '${source.table}' only: a relationship only '${other.table}' brings is stored in the link but never effective, so the business link, the facts and the bridges leave it out; give this table's relationship a link of its own (link: on its reference), or set effectivity: false on table '${source.table}' to offer every relationship ever loaded`,
          ),
        );
    const evidence: Evidence = {
      rule: 'link.effectivity',
      detail: `link '${link.name}' of table '${table.name}' is driven by ${link.drivingKey.join(', ')}: when each relationship starts and ends`,
    };
    const deltaOrder = table.spec.delta_order;
    return [
      {
        kind: 'effectivity_satellite',
        name: link.name,
        parent: link.name,
        parentHashKey: link.hashKey,
        drivingKey: link.drivingKey,
        source,
        ...(deltaOrder !== undefined ? { deltaOrder } : {}),
        derivedFrom: [{ layer: 'source', kind: 'source_table', name: source.table }],
        evidence: [evidence],
        origin: ['tables', table.name],
      },
    ];
  });
}
