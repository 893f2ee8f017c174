/**
 * The snapshot control in the Query DSL: a class whose chain starts from its own mapping, which
 * holds the settings (start, end, every, keep) and the columns as plain literals.
 */
import type { SnapshotControl } from '@vault/core';
import { SNAPSHOT_COLUMNS, SNAPSHOT_PERIODS } from '../columns.js';
import { columnMap, type EntityDsl, type PyDict } from './entity-dsl.js';

export function snapshotControlDsl(control: SnapshotControl): EntityDsl {
  return {
    mapping: {
      name: control.name,
      kind: control.kind,
      start: control.start,
      end: control.end,
      every: control.every,
      keep: control.keep === undefined ? null : control.keep.map((r) => ({ every: r.every, for_days: r.for_days ?? null })),
      columns: columnMap([
        [SNAPSHOT_COLUMNS.date, { source_column: null, type: 'date' }],
        ...SNAPSHOT_PERIODS.map((p): [string, PyDict] => [SNAPSHOT_COLUMNS[p], { source_column: null, type: 'boolean' }]),
      ]),
    },
    steps: () => [],
    businessKey: undefined,
  };
}
