/**
 * Point-in-time tables (spec `business_vault: pits`, docs/spec.md "Point-in-time tables"; rule
 * `bv.pit`): with `all` (the default) every hub and link with at least two satellites of any
 * kind gets one, when the model has snapshots; a listed hub or link gets one whatever its
 * satellite count, as long as it has a satellite. Asking for PITs without `snapshots:`, or for
 * a name that is no hub or link with satellites, is VLT234.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { closest } from '../diagnostics/did-you-mean.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Pit, PitSatellite, SnapshotControl } from '../ir/business-vault.js';
import type { EntityRef } from '../ir/common.js';
import type { Hub, Link } from '../ir/raw-vault.js';
import type { Spec } from '../spec/spec.js';
import type { RawVault } from './layers.js';

/** A PIT with `all` needs this many satellites: with one, the satellite itself answers as-of questions. */
const AUTOMATIC_MINIMUM = 2;

interface Candidate {
  readonly parent: Hub | Link;
  readonly satellites: ReadonlyArray<PitSatellite>;
}

/** Every hub and link with the satellites a PIT of it points into, in model order (hubs, then links). */
function candidates(rv: RawVault): ReadonlyArray<Candidate> {
  const hub = (h: Hub): Candidate => ({
    parent: h,
    satellites: [
      ...rv.satellites.filter((s) => s.parent === h.name),
      ...rv.multiActiveSatellites.filter((s) => s.parent === h.name),
      ...rv.statusTrackingSatellites.filter((s) => s.parentKind === 'hub' && s.parent === h.name),
    ].map((s) => ({ kind: s.kind, name: s.name })),
  });
  const link = (l: Link): Candidate => ({
    parent: l,
    satellites: [
      ...rv.linkSatellites.filter((s) => s.parent === l.name),
      ...rv.effectivitySatellites.filter((s) => s.parent === l.name),
      ...rv.statusTrackingSatellites.filter((s) => s.parentKind === 'link' && s.parent === l.name),
    ].map((s) => ({ kind: s.kind, name: s.name })),
  });
  return [...rv.hubs.map(hub), ...rv.links.map(link)];
}

export function buildPits(spec: Spec, rv: RawVault, controls: ReadonlyArray<SnapshotControl>, diagnostics: PathDiagnostic[]): Pit[] {
  const asked = spec.business_vault?.pits;
  const wanted = asked ?? 'all';
  if (wanted === 'none') return [];
  const control = controls[0];
  if (control === undefined) {
    // The default asks for nothing without snapshots; only a written `pits:` is a mistake.
    if (asked !== undefined)
      diagnostics.push(
        pathDiag(
          'VLT234',
          ['business_vault', 'pits'],
          'point-in-time tables are built for the snapshot dates, and the model has no snapshots; add snapshots: { start: YYYY-MM-DD, every: month_end } or write pits: none',
          { target: 'key' },
        ),
      );
    return [];
  }
  const all = candidates(rv);
  const pit = (c: Candidate, origin: Pit['origin'], why: string): Pit => ({
    kind: 'pit',
    name: c.parent.name,
    parent: c.parent.name,
    parentKind: c.parent.kind,
    parentHashKey: c.parent.hashKey,
    satellites: c.satellites,
    snapshotControl: control.name,
    derivedFrom: [
      { layer: 'raw_vault', kind: c.parent.kind, name: c.parent.name },
      ...c.satellites.map((s): EntityRef => ({ layer: 'raw_vault', kind: s.kind, name: s.name })),
      { layer: 'business_vault', kind: 'snapshot_control', name: control.name },
    ],
    evidence: [{ rule: 'bv.pit', detail: `${why}: pointers into ${c.satellites.map((s) => s.name).join(', ')} at each snapshot date of ${control.name}` }],
    origin,
  });
  if (wanted === 'all') {
    const pits = all.filter((c) => c.satellites.length >= AUTOMATIC_MINIMUM).map((c) => pit(c, c.parent.origin, `${c.parent.kind} ${c.parent.name} has ${c.satellites.length} satellites`));
    if (asked !== undefined && pits.length === 0)
      diagnostics.push(
        pathDiag(
          'VLT432',
          ['business_vault', 'pits'],
          `pits: all gives no point-in-time table: no hub or link has ${AUTOMATIC_MINIMUM} or more satellites; list the hubs or links that should get one`,
        ),
      );
    return pits;
  }
  const byName = new Map(all.map((c) => [c.parent.name, c] as const));
  const withSatellites = all.filter((c) => c.satellites.length > 0).map((c) => c.parent.name);
  const seen = new Set<string>();
  const pits: Pit[] = [];
  wanted.forEach((name, i) => {
    const at = ['business_vault', 'pits', i];
    const c = byName.get(name);
    if (seen.has(name)) diagnostics.push(pathDiag('VLT432', at, `pits lists '${name}' twice; it gets one point-in-time table`));
    else if (c === undefined || c.satellites.length === 0) {
      const hint = closest(name, withSatellites);
      const what = c === undefined ? 'not a hub or link of this model' : `a ${c.parent.kind} without satellites, so a point-in-time table of it would point at nothing`;
      diagnostics.push(pathDiag('VLT234', at, `pits: '${name}' is ${what}${hint ? `; did you mean '${hint}'?` : ''}`));
    } else pits.push(pit(c, at, `listed in business_vault.pits`));
    seen.add(name);
  });
  // Model order, whatever the list's: hubs, then links.
  const order = new Map(all.map((c, i) => [c.parent.name, i] as const));
  return pits.sort((a, b) => order.get(a.name)! - order.get(b.name)!);
}
