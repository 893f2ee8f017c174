/**
 * Where each column of an entity comes from: a column of a source table or of an upstream
 * entity, a hash the loader computes, load metadata, or a business rule. The columns are
 * `entityColumns`' (the manifest's), in the same order.
 */
import { METADATA_COLUMNS, type AccessColumn, type VaultEntity, type VaultModel } from '@vault/core';
import { match } from 'ts-pattern';
import { DELTA_ORDER_COLUMN, entityColumns, modelColumns, type ModelColumns } from '../columns.js';
import { qualifiedName } from '../entity-kinds.js';

/** A column of a source table or an entity, by the node id of the lineage graph. */
export interface ColumnRef {
  readonly entity: string;
  readonly column: string;
}

export type ColumnOrigin =
  /** Copied from these columns (a hub's key: one per source table that carries it). */
  | { readonly kind: 'copied'; readonly from: ReadonlyArray<ColumnRef> }
  /** The hash of these columns of the same entity. */
  | { readonly kind: 'hash'; readonly columns: ReadonlyArray<string> }
  /** The hash key of that entity (a satellite's parent, a dimension's business hub). */
  | { readonly kind: 'hash_key_of'; readonly entity: string }
  /** The hash of the descriptive columns, to detect changes. */
  | { readonly kind: 'hashdiff' }
  /** Set by the load: load timestamp or record source. */
  | { readonly kind: 'load_metadata' }
  /** A business rule, in canonical form. */
  | { readonly kind: 'rule'; readonly text: string };

export interface ColumnLineage {
  readonly name: string;
  readonly type: string;
  readonly origin: ColumnOrigin;
}

type Origins = ReadonlyArray<readonly [string, ColumnOrigin]>;

const table = (name: string): string => qualifiedName({ kind: 'source_table', name });
const copied = (entity: string, column: string): ColumnOrigin => ({ kind: 'copied', from: [{ entity, column }] });
const fromAccess = (c: AccessColumn): readonly [string, ColumnOrigin] => [c.name, copied(qualifiedName({ kind: c.fromKind, name: c.from }), c.fromColumn)];

/**
 * `columns` is the model's column index, which a caller asking for many entities builds once.
 * @example
 * columnLineage(model, hub)[1]
 * // { name: 'business_partner_id', type: 'int', origin: { kind: 'copied', from: [{ entity: 'source.tables.early_warning_signal', column: 'business_partner_id' }, ...] } }
 */
export function columnLineage(model: VaultModel, entity: VaultEntity, columns: ModelColumns = modelColumns(model)): ReadonlyArray<ColumnLineage> {
  const metadata: Origins = [
    [METADATA_COLUMNS.loadTimestamp, { kind: 'load_metadata' }],
    [METADATA_COLUMNS.recordSource, { kind: 'load_metadata' }],
    [METADATA_COLUMNS.hashDiff, { kind: 'hashdiff' }],
  ];
  const keyed = (keys: ReadonlyArray<string>, sources: ReadonlyArray<{ readonly table: string; readonly columns: ReadonlyArray<string> }>): Origins =>
    keys.map((k, i) => [k, { kind: 'copied', from: sources.flatMap((s) => (s.columns[i] === undefined ? [] : [{ entity: table(s.table), column: s.columns[i] }])) }]);
  const origins = match<VaultEntity, Origins>(entity)
    .with({ kind: 'hub' }, (h) => [[h.hashKey, { kind: 'hash', columns: h.businessKeys.map((k) => k.name) }], ...keyed(h.businessKeys.map((k) => k.name), h.sources)])
    .with({ kind: 'link' }, (l) => [
      [l.hashKey, { kind: 'hash', columns: l.hubs.flatMap((h) => h.businessKeys.map((k) => k.name)) }],
      ...l.hubs.map((h): readonly [string, ColumnOrigin] => [h.hashKey, { kind: 'hash', columns: h.businessKeys.map((k) => k.name) }]),
      ...keyed(l.hubs.flatMap((h) => h.businessKeys.map((k) => k.name)), l.sources),
    ])
    .with({ kind: 'satellite' }, { kind: 'link_satellite' }, (s) => [
      [s.parentHashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: s.kind === 'satellite' ? 'hub' : 'link', name: s.parent }) }],
      ...(s.deltaOrder === undefined ? [] : [[DELTA_ORDER_COLUMN, copied(table(s.source.table), s.deltaOrder)] as const]),
      ...s.payload.map((c): readonly [string, ColumnOrigin] => [c.name, copied(table(c.sourceTable), c.sourceColumn)]),
    ])
    .with({ kind: 'business_hub' }, (h) => {
      const raw = qualifiedName({ kind: 'hub', name: h.hub });
      return [h.hashKey, ...h.businessKeys.map((k) => k.name)].map((c) => [c, copied(raw, c)] as const);
    })
    .with({ kind: 'business_link' }, (l) => {
      const raw = qualifiedName({ kind: 'link', name: l.link });
      return [l.hashKey, ...l.hubs.map((h) => h.hashKey), ...l.hubs.flatMap((h) => h.businessKeys.map((k) => k.name))].map((c) => [c, copied(raw, c)] as const);
    })
    .with({ kind: 'business_satellite' }, { kind: 'business_link_satellite' }, (s) => {
      const raw = s.kind === 'business_satellite' ? 'satellite' : 'link_satellite';
      return [
        [s.parentHashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: s.kind === 'business_satellite' ? 'business_hub' : 'business_link', name: s.parent }) }],
        ...s.columns.map((c): readonly [string, ColumnOrigin] => [c.name, copied(qualifiedName({ kind: raw, name: c.satellite }), c.sourceColumn)]),
        ...s.derived.map((d): readonly [string, ColumnOrigin] => [d.name, { kind: 'rule', text: d.text }]),
      ];
    })
    .with({ kind: 'presentation_view' }, { kind: 'reporting_view' }, (v) => v.columns.map(fromAccess))
    .with({ kind: 'dimensional_model' }, (d) => [
      ...d.dimensions.map((x): readonly [string, ColumnOrigin] => [x.hashKey, { kind: 'hash_key_of', entity: qualifiedName({ kind: 'business_hub', name: x.businessHub }) }]),
      ...d.measures.map(fromAccess),
    ])
    .exhaustive();
  // The entity's own entries come last and win: a payload column named like metadata (which
  // VLT222 forbids anyway) keeps its real origin.
  const byName = new Map<string, ColumnOrigin>([...metadata, ...origins]);
  return entityColumns(columns, entity).map((c) => {
    const origin = byName.get(c.name);
    if (origin === undefined) throw new Error(`vault: no origin for column ${c.name} of ${qualifiedName(entity)}`);
    return { name: c.name, type: c.type, origin };
  });
}
