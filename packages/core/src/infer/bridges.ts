/**
 * Bridge tables (spec `business_vault.bridges`, docs/spec.md "Bridges"): each declared bridge
 * becomes one entity following its path of raw hubs and links (rule `bv.bridge_declared`).
 *
 * A path starts at a hub and alternates link, hub, ending at a hub; no hub comes twice (the
 * bridge names its columns after the hubs' hash keys). Every element is checked where it stands,
 * so a diagnostic points at the offending path element: not the hub or link expected there
 * (VLT235), a link that does not join the hubs beside it, or joins one of them twice under roles
 * so the side is unclear (VLT236). A bridge needs the model's snapshots (VLT234).
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { closest } from '../diagnostics/did-you-mean.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Bridge, BridgeHub, BridgeLink } from '../ir/business-vault.js';
import type { EntityRef } from '../ir/common.js';
import type { Link } from '../ir/raw-vault.js';
import type { Spec } from '../spec/spec.js';
import type { RawVault } from './layers.js';

const raw = (kind: 'hub' | 'link' | 'effectivity_satellite' | 'status_tracking_satellite', name: string): EntityRef => ({ layer: 'raw_vault', kind, name });

export function buildBridges(spec: Spec, rv: RawVault, diagnostics: PathDiagnostic[]): Bridge[] {
  const declared = spec.business_vault?.bridges ?? {};
  const names = Object.keys(declared).sort();
  if (names.length === 0) return [];
  if (spec.snapshots === undefined) {
    diagnostics.push(
      pathDiag(
        'VLT234',
        ['business_vault', 'bridges'],
        `pits and bridges need snapshots: ${names.length > 1 ? 'bridges' : 'bridge'} ${names.map((n) => `'${n}'`).join(', ')} ${names.length > 1 ? 'are' : 'is'} filled per snapshot date; add snapshots: { start: YYYY-MM-DD } to the spec`,
        {
          target: 'key',
        },
      ),
    );
    return [];
  }
  const hubs = new Map(rv.hubs.map((h) => [h.name, h]));
  const links = new Map(rv.links.map((l) => [l.name, l]));
  const out: Bridge[] = [];
  for (const name of names) {
    const bridge = buildBridge(spec.model, name, declared[name]!.path, declared[name]!.description, hubs, links, rv, diagnostics);
    if (bridge !== undefined) out.push(bridge);
  }
  return out;
}

function buildBridge(
  model: string,
  name: string,
  names: ReadonlyArray<string>,
  description: string | undefined,
  hubs: ReadonlyMap<string, { readonly hashKey: string }>,
  links: ReadonlyMap<string, Link>,
  rv: RawVault,
  diagnostics: PathDiagnostic[],
): Bridge | undefined {
  const base = ['business_vault', 'bridges', name, 'path'] as const;
  const problems = diagnostics.length;
  const fail = (code: 'VLT235' | 'VLT236', at: number | undefined, message: string): void => {
    diagnostics.push(pathDiag(code, at === undefined ? [...base] : [...base, at], `bridge '${name}': ${message}`));
  };
  if (names.length < 3 || names.length % 2 === 0) {
    fail('VLT235', names.length === 0 ? undefined : names.length - 1, `a path runs hub, link, hub, …, hub (an odd number of names, at least three); it has ${names.length}`);
  }
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const want = i % 2 === 0 ? 'hub' : 'link';
    const known = want === 'hub' ? hubs : links;
    if (known.has(n)) {
      if (want === 'hub') {
        const first = seen.get(n);
        if (first !== undefined)
          fail('VLT235', i, `hub '${n}' comes twice on the path (at ${first + 1} and ${i + 1}); each hub may appear once, the bridge names its columns after the hubs' hash keys`);
        else seen.set(n, i);
      }
      return;
    }
    const other =
      want === 'hub'
        ? links.has(n)
          ? 'a link'
          : undefined
        : hubs.has(n)
          ? 'a hub'
          : rv.nonHistorizedLinks.some((l) => l.name === n)
            ? 'a non-historized link (events, not relationships)'
            : undefined;
    const hint = other === undefined ? closest(n, known.keys()) : undefined;
    fail('VLT235', i, `path element ${i + 1}, '${n}', must be a ${want} of this model${other === undefined ? '' : `, and it is ${other}`}${hint === undefined ? '' : `; did you mean '${hint}'?`}`);
  });
  if (diagnostics.length > problems) return undefined;

  const path: Array<BridgeHub | BridgeLink> = [];
  names.forEach((n, i) => {
    if (i % 2 === 0) {
      path.push({ kind: 'hub', name: n, hashKey: hubs.get(n)!.hashKey });
      return;
    }
    const link = links.get(n)!;
    const side = (hub: string): string | undefined => {
      const at = link.hubs.filter((h) => h.hub === hub);
      if (at.length === 1) return at[0]!.hashKey;
      fail(
        'VLT236',
        i,
        at.length === 0
          ? `link '${n}' does not join hub '${hub}' (it joins ${link.hubs.map((h) => `'${h.hub}'`).join(', ')})`
          : `link '${n}' joins hub '${hub}' ${at.length} times (${at.map((h) => h.hashKey).join(', ')}); a path cannot tell which side it follows`,
      );
      return undefined;
    };
    const from = side(names[i - 1]!);
    const to = side(names[i + 1]!);
    if (from !== undefined && to !== undefined) path.push({ kind: 'link', name: n, hashKey: link.hashKey, from, to });
  });
  if (diagnostics.length > problems) return undefined;

  // What the load reads, in path order: the hubs and links, the links' effectivity satellites, the trackers of both; then the
  // snapshot control whose dates it is filled for, as a point-in-time table's.
  const derivedFrom: EntityRef[] = [
    ...path.map((e) => raw(e.kind, e.name)),
    ...path.flatMap((e) => rv.effectivitySatellites.filter((s) => e.kind === 'link' && s.parent === e.name).map((s) => raw('effectivity_satellite', s.name))),
    ...path.flatMap((e) => rv.statusTrackingSatellites.filter((s) => s.parentKind === e.kind && s.parent === e.name).map((s) => raw('status_tracking_satellite', s.name))),
    { layer: 'business_vault', kind: 'snapshot_control', name: model },
  ];
  return {
    kind: 'bridge',
    name,
    path,
    snapshotControl: model,
    ...(description === undefined ? {} : { description }),
    derivedFrom,
    evidence: [{ rule: 'bv.bridge_declared', detail: `path ${names.join(' → ')}` }],
    origin: ['business_vault', 'bridges', name],
  };
}
