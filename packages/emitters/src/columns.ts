/**
 * The full column list of each entity as it will exist: hash keys, business keys, the metadata
 * columns (`METADATA_COLUMNS`), then the descriptive columns. Hash keys and hashdiffs are the hex
 * text of the model's hash algorithm, so their type follows from it.
 */
import { METADATA_COLUMNS, printColumnType, type Column, type HashAlgorithm, type VaultEntity, type VaultModel } from '@vault/core';
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
  const satellite = (parentHashKey: string, payload: ReadonlyArray<Pick<Column, 'name' | 'type'>>): ReadonlyArray<EntityColumn> => [
    hash(parentHashKey),
    ...metadata,
    hash(METADATA_COLUMNS.hashDiff),
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
    .with({ kind: 'satellite' }, { kind: 'link_satellite' }, (s) => satellite(s.parentHashKey, s.payload))
    .with({ kind: 'business_satellite' }, { kind: 'business_link_satellite' }, (s) => satellite(s.parentHashKey, [...s.columns, ...s.derived]))
    .with({ kind: 'presentation_view' }, { kind: 'reporting_view' }, (v) => v.columns.map(plain))
    .with({ kind: 'dimensional_model' }, (d) => [...d.dimensions.map((x) => hash(x.hashKey)), ...d.measures.map(plain)])
    .exhaustive();
}
