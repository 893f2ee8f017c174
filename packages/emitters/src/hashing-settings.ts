/**
 * The facts a framework needs to compute the same hash keys, hashdiffs and metadata values as
 * the SQL target (docs/hashing.md): written into each model's `registry.py` and `manifest.json`
 * from this one place, and used by the SQL target itself, so the three cannot disagree.
 */
import type { HashAlgorithm, VaultModel } from '@vault/core';
import { byName } from '@vault/core/internal';

/**
 * The version of the hashing standard: the one place it is written. v2 gave infinite, BC and
 * far-future dates and timestamps a canonical text of their own; every value v1 could represent
 * hashes as in v1 (docs/hashing.md, "Versions").
 */
export const HASHING_STANDARD_VERSION = 2;
/** The name and version of the hashing rules (with `CANONICAL_TEXT`, hashing-standard.ts); it changes whenever a rule does. */
export const HASHING_STANDARD = `vault hashing standard v${HASHING_STANDARD_VERSION}`;
/** What a NULL or blank value contributes. */
export const NULL_TOKEN = '^^';
/** Between two values. */
export const HASH_DELIMITER = '||';
/** The record source of ghost records. */
export const GHOST_RECORD_SOURCE = 'SYSTEM';

/**
 * What a link load does with a missing reference (one hub's key columns all NULL or blank), as
 * the link's field mapping and `manifest.json` say it: `zero_key`, the hub's column holds
 * `zero_key` (its ghost record) and the link hash key hashes the NULL token for that hub; a row
 * whose every hub key is missing is not loaded (docs/hashing.md, "Missing keys").
 */
export const MISSING_REFERENCES = 'zero_key';

/** Hex digits of each digest: md5 128 bits, sha1 160, sha256 256. */
export const HASH_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const satisfies Record<HashAlgorithm, number>;

/** The model's hashing settings, spelled as `manifest.json` and `registry.py` spell them. */
export interface HashingSettings {
  readonly standard: string;
  readonly algorithm: HashAlgorithm;
  /** Business keys keep their case (else a-z are upper-cased before hashing). */
  readonly case_sensitive_keys: boolean;
  /** Satellite payloads keep their case in the hashdiff. */
  readonly case_sensitive_hashdiff: boolean;
  readonly delimiter: string;
  readonly null_token: string;
  /** The all-zero hash of ghost records (their hash keys and hashdiff). */
  readonly zero_key: string;
}

/** What the `record_source` column holds. */
export interface RecordSources {
  /** The source system: the spec's `record_source` (default: the model name), the first part of each table's default. */
  readonly system: string;
  /** Per source table, what the rows a load writes from it hold: its `record_source`, default `<system>.<table>`. */
  readonly tables: Readonly<Record<string, string>>;
  /** The ghost ("unknown") records. */
  readonly ghost_records: string;
}

/**
 * @example hashingSettings(model).delimiter // '||'
 */
export function hashingSettings(model: VaultModel): HashingSettings {
  const h = model.hashing;
  return {
    standard: HASHING_STANDARD,
    algorithm: h.algorithm,
    case_sensitive_keys: h.caseSensitiveKeys,
    case_sensitive_hashdiff: h.caseSensitiveHashdiff,
    delimiter: HASH_DELIMITER,
    null_token: NULL_TOKEN,
    zero_key: zeroHash(h.algorithm),
  };
}

/** @example recordSources(model) // { system: 'ews', tables: { customers: 'ews.customers' }, ghost_records: 'SYSTEM' } */
export function recordSources(model: VaultModel): RecordSources {
  const tables = [...model.sources].sort(byName);
  return { system: model.recordSource, tables: Object.fromEntries(tables.map((t) => [t.name, t.recordSource])), ghost_records: GHOST_RECORD_SOURCE };
}

/** The ghost record's hash key: as many zeros as the digest has hex digits. */
export function zeroHash(algorithm: HashAlgorithm): string {
  return '0'.repeat(HASH_HEX_LENGTH[algorithm]);
}
