/**
 * A bridge table in the Query DSL: a class whose chain starts from its own mapping, joins each
 * link of its path on the link's hash key, is built as of its snapshot control's dates
 * (`.as_of`), and builds with
 * the hash key of the hub the path starts from. The path and the time rule are plain literals of
 * the mapping (docs/querydsl.md, "Bridge tables").
 */
import { METADATA_COLUMNS, type Bridge } from '@vault/core';
import { AS_OF_RULE, BRIDGE_EFFECTIVE } from '../as-of.js';
import { hashType, SNAPSHOT_COLUMNS } from '../columns.js';
import { columnMap, typeText, type EntityDsl, type PyDict } from './entity-dsl.js';
import type { DslContext } from './scope.js';

export function bridgeDsl(bridge: Bridge, ctx: DslContext): EntityDsl {
  const hash = typeText(hashType(ctx.model.hashing.algorithm));
  return {
    mapping: {
      name: bridge.name,
      kind: bridge.kind,
      snapshot_control: bridge.snapshotControl,
      path: bridge.path.map((e): PyDict => (e.kind === 'hub' ? { kind: e.kind, name: e.name, hash_key: e.hashKey } : { kind: e.kind, name: e.name, hash_key: e.hashKey, from: e.from, to: e.to })),
      as_of: { ...AS_OF_RULE, effective: BRIDGE_EFFECTIVE },
      columns: columnMap([
        [SNAPSHOT_COLUMNS.date, { source_column: null, type: 'date' }],
        ...bridge.path.map((e): [string, PyDict] => [e.hashKey, { source_column: null, type: hash }]),
        [METADATA_COLUMNS.loadTimestamp, { source_column: null, type: 'timestamptz' }],
      ]),
    },
    steps: (scope) => [
      ...bridge.path.flatMap((e) => (e.kind === 'link' ? [{ method: scope.method('join'), args: [{ code: scope.query('link', e.name) }, { code: scope.joinCondition(e.hashKey) }] }] : [])),
      // Built for the dates of its snapshot control: the extension vocabulary's `.as_of`.
      { method: scope.method('as_of'), args: [{ code: scope.query('snapshot_control', bridge.snapshotControl) }] },
    ],
    businessKey: bridge.path[0]!.hashKey,
  };
}
