/**
 * The full column list of each entity as it will exist: hash keys, business keys, the metadata
 * columns (`METADATA_COLUMNS`, and a raw satellite's `DELTA_ORDER_COLUMN`), then the descriptive
 * columns. Hash keys and hashdiffs are the hex text of the model's hash algorithm, so their type
 * follows from it.
 */
import {
  METADATA_COLUMNS, printColumnType, type Column, type HashAlgorithm, type LinkSatellite, type Satellite, type SourceTable, type VaultEntity, type VaultModel,
} from '@vault/core';
import { match } from 'ts-pattern';

export interface EntityColumn {
  readonly name: string;
  /** Canonical type text (`printColumnType`). */
  readonly type: string;
}

/** Hex digits of each digest: md5 128 bits, sha1 160, sha256 256. */
const HASH_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const satisfies Record<HashAlgorithm, number>;

/**
 * The type of hash keys and hashdiffs.
 * @example hashType('md5') // 'char(32)'
 */
export function hashType(algorithm: HashAlgorithm): string {
  return printColumnType({ kind: 'char', length: HASH_HEX_LENGTH[algorithm] });
}

const LOAD_TIMESTAMP_TYPE = printColumnType({ kind: 'timestamptz' });
const RECORD_SOURCE_TYPE = printColumnType({ kind: 'text' });

/**
 * The column of a raw satellite (or link satellite) whose source table has a `delta_order`
 * column: that column's value for each stored change, so that a load recognises a change it holds
 * already whatever the load timestamp (docs/sql.md, "Loads"). Same type as the source column.
 */
export const DELTA_ORDER_COLUMN = METADATA_COLUMNS.deltaOrder;

/** Landing columns by table, built once per model: models reach 10,000 tables. */
const SOURCE_COLUMNS = new WeakMap<ReadonlyArray<SourceTable>, ReadonlyMap<string, ReadonlyMap<string, Column>>>();

/**
 * The delta-order column a raw satellite stores, with the source column's type; undefined when
 * its source table has none.
 * @example deltaOrderColumn(model, sat) // { name: 'delta_order', type: 'timestamptz' }
 */
export function deltaOrderColumn(model: VaultModel, sat: Satellite | LinkSatellite): EntityColumn | undefined {
  if (sat.deltaOrder === undefined) return undefined;
  let tables = SOURCE_COLUMNS.get(model.sources);
  if (tables === undefined) {
    tables = new Map(model.sources.map((t) => [t.name, new Map(t.columns.map((c) => [c.name, c] as const))] as const));
    SOURCE_COLUMNS.set(model.sources, tables);
  }
  const source = tables.get(sat.source.table)?.get(sat.deltaOrder);
  if (source === undefined) throw new Error(`vault: ${sat.kind} '${sat.name}' orders its changes by ${sat.source.table}.${sat.deltaOrder}, which is not a column of its source`);
  return { name: DELTA_ORDER_COLUMN, type: printColumnType(source.type) };
}

/**
 * @example
 * entityColumns(model, hub)
 * // [{ name: 'business_partner_hk', type: 'char(32)' }, { name: 'business_partner_id', type: 'int' },
 * //  { name: 'load_ts', type: 'timestamptz' }, { name: 'record_source', type: 'text' }]
 */
export function entityColumns(model: VaultModel, entity: VaultEntity): ReadonlyArray<EntityColumn> {
  const hash = (name: string): EntityColumn => ({ name, type: hashType(model.hashing.algorithm) });
  const plain = (c: Pick<Column, 'name' | 'type'>): EntityColumn => ({ name: c.name, type: printColumnType(c.type) });
  const metadata: ReadonlyArray<EntityColumn> = [
    { name: METADATA_COLUMNS.loadTimestamp, type: LOAD_TIMESTAMP_TYPE },
    { name: METADATA_COLUMNS.recordSource, type: RECORD_SOURCE_TYPE },
  ];
  const satellite = (parentHashKey: string, payload: ReadonlyArray<Pick<Column, 'name' | 'type'>>, deltaOrder?: EntityColumn): ReadonlyArray<EntityColumn> => [
    hash(parentHashKey),
    ...metadata,
    hash(METADATA_COLUMNS.hashDiff),
    ...(deltaOrder === undefined ? [] : [deltaOrder]),
    ...payload.map(plain),
  ];
  return match(entity)
    .with({ kind: 'hub' }, { kind: 'business_hub' }, (h) => [hash(h.hashKey), ...h.businessKeys.map(plain), ...metadata])
    .with({ kind: 'link' }, { kind: 'business_link' }, (l) => [
      hash(l.hashKey),
      ...l.hubs.map((h) => hash(h.hashKey)),
      ...l.hubs.flatMap((h) => h.businessKeys).map(plain),
      ...metadata,
    ])
    .with({ kind: 'satellite' }, { kind: 'link_satellite' }, (s) => satellite(s.parentHashKey, s.payload, deltaOrderColumn(model, s)))
    .with({ kind: 'business_satellite' }, { kind: 'business_link_satellite' }, (s) => satellite(s.parentHashKey, [...s.columns, ...s.derived]))
    .with({ kind: 'presentation_view' }, { kind: 'reporting_view' }, (v) => v.columns.map(plain))
    .with({ kind: 'dimensional_model' }, (d) => [...d.dimensions.map((x) => hash(x.hashKey)), ...d.measures.map(plain)])
    .exhaustive();
}
