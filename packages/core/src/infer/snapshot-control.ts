/**
 * The snapshot control of a model (spec `snapshots:`, docs/spec.md "Snapshots"): one entity,
 * named `snapshot_control`, holding the settings with their defaults filled in.
 */
import type { SnapshotControl } from '../ir/business-vault.js';
import type { Spec } from '../spec/spec.js';

/** The snapshot control's entity name (its table is `<prefix>snapshot_control`). */
export const SNAPSHOT_CONTROL_NAME = 'snapshot_control';

export function snapshotControls(spec: Spec): SnapshotControl[] {
  const s = spec.snapshots;
  if (s === undefined) return [];
  const end = s.end ?? 'today';
  const every = s.every ?? 'day';
  return [
    {
      kind: 'snapshot_control',
      name: SNAPSHOT_CONTROL_NAME,
      start: s.start,
      end,
      every,
      ...(s.keep === undefined ? {} : { keep: s.keep.map((r) => ({ ...r })) }),
      derivedFrom: [],
      evidence: [
        {
          rule: 'bv.snapshot_control',
          detail: `snapshots from ${s.start} to ${end}, every ${every}${s.keep === undefined ? '' : `, keeping ${s.keep.map((r) => (r.for_days === undefined ? r.every : `${r.every} for ${r.for_days} days`)).join(', then ')}`}`,
        },
      ],
      origin: ['snapshots'],
    },
  ];
}
