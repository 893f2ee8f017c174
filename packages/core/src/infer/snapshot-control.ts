/**
 * The snapshot control of a model (spec `snapshots:`, docs/spec.md "Snapshots"): one entity,
 * named after the model (its table `snapshot_control_<model>`, so models sharing a schema keep
 * their own dates), holding the settings with their defaults filled in.
 */
import type { SnapshotControl } from '../ir/business-vault.js';
import type { Spec } from '../spec/spec.js';

export function snapshotControls(spec: Spec): SnapshotControl[] {
  const s = spec.snapshots;
  if (s === undefined) return [];
  const end = s.end ?? 'today';
  const every = s.every ?? 'day';
  return [
    {
      kind: 'snapshot_control',
      name: spec.model,
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
