/**
 * A point-in-time table in the Query DSL: a class whose chain starts from its own mapping and
 * joins its hub's (link's) mapping on the hash key, the PIT's business key, as of its snapshot
 * control's dates (`.as_of`). The mapping holds
 * the snapshot control it is built for, the satellites it points into with its pointer columns,
 * the time rule (`AS_OF_RULE`) and the columns, as plain literals.
 */
import { METADATA_COLUMNS, type Pit } from '@vault/core';
import { AS_OF_RULE, PIT_NO_ROW } from '../as-of.js';
import { SNAPSHOT_COLUMNS, hashType, pitPointerColumns } from '../columns.js';
import { columnMap, typeText, type EntityDsl, type PyDict } from './entity-dsl.js';
import type { DslContext } from './scope.js';

export function pitDsl(pit: Pit, ctx: DslContext): EntityDsl {
  const hash = typeText(hashType(ctx.model.hashing.algorithm));
  const pointers = pit.satellites.map((s) => ({ satellite: s, ...pitPointerColumns(s) }));
  return {
    mapping: {
      name: pit.name,
      kind: pit.kind,
      parent: pit.parent,
      parent_kind: pit.parentKind,
      parent_hash_key: pit.parentHashKey,
      snapshot_control: pit.snapshotControl,
      satellites: pointers.map((p) => ({ name: p.satellite.name, kind: p.satellite.kind, hash_key: p.hashKey, load_ts: p.loadTimestamp })),
      as_of: { ...AS_OF_RULE, no_row: PIT_NO_ROW },
      columns: columnMap([
        [SNAPSHOT_COLUMNS.date, { source_column: null, type: 'date' }],
        [pit.parentHashKey, { source_column: null, type: hash }],
        ...pointers.flatMap((p): ReadonlyArray<[string, PyDict]> => [
          [p.hashKey, { source_column: null, type: hash }],
          [p.loadTimestamp, { source_column: null, type: 'timestamptz' }],
        ]),
        [METADATA_COLUMNS.loadTimestamp, { source_column: null, type: 'timestamptz' }],
      ]),
    },
    steps: (scope) => [
      { method: scope.method('join'), args: [{ code: scope.query(pit.parentKind, pit.parent) }, { code: scope.joinCondition(pit.parentHashKey) }] },
      // Built for the dates of its snapshot control: the extension vocabulary's `.as_of`.
      { method: scope.method('as_of'), args: [{ code: scope.query('snapshot_control', pit.snapshotControl) }] },
    ],
    businessKey: pit.parentHashKey,
  };
}
