/**
 * Names of the SQL objects of a model: which schema each entity lives in, its table or view
 * name (a prefix per kind), and the rule that keeps every identifier within PostgreSQL's 63 bytes.
 */
import { createHash } from 'node:crypto';
import type { EntityKind, VaultModel } from '@vault/core';
import { KINDS, type VaultLayer } from '@vault/core/internal';

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1). */
export const MAX_SQL_IDENTIFIER_BYTES = 63;
const KEPT_BYTES = 54;

/**
 * The identifier as it is created in the database. A name over 63 bytes would be truncated by
 * PostgreSQL, and two long names sharing their first 63 bytes would then collide; instead it
 * becomes its first 54 bytes, `_`, and the first 8 hex digits of the md5 of the full name
 * (63 bytes in all), the same on every run.
 * @example sqlName('sat_early_warning_signal') // 'sat_early_warning_signal'
 */
export function sqlName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= MAX_SQL_IDENTIFIER_BYTES) return name;
  const digest = createHash('md5').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${leadingBytes(name, KEPT_BYTES)}_${digest}`;
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes that does not split a character. */
function leadingBytes(s: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) break;
    bytes += n;
    out += ch;
  }
  return out;
}

type SchemaKey = keyof VaultModel['schemas'];

/** The prefix of each kind's table or view (a dimensional model's is its fact view's). */
export const TABLE_PREFIX = {
  hub: 'hub_',
  link: 'lnk_',
  satellite: 'sat_',
  link_satellite: 'lsat_',
  business_hub: 'bhub_',
  business_link: 'blnk_',
  business_satellite: 'bsat_',
  business_link_satellite: 'blsat_',
  presentation_view: 'pv_',
  dimensional_model: 'fct_',
  reporting_view: 'rv_',
} as const satisfies Record<EntityKind, string>;

/** The schema setting of each layer's entities. */
const LAYER_SCHEMA = { raw_vault: 'rawVault', business_vault: 'businessVault', access_layer: 'accessLayer' } as const satisfies Record<VaultLayer, SchemaKey>;

/** Where a table or view lives; both parts as created (shortened, not quoted). */
export interface SqlTable {
  readonly schema: string;
  readonly name: string;
}

/**
 * @example entityTable(model, 'satellite', 'early_warning_signal') // { schema: 'raw_vault', name: 'sat_early_warning_signal' }
 */
export function entityTable(model: VaultModel, kind: EntityKind, name: string): SqlTable {
  return { schema: sqlName(model.schemas[LAYER_SCHEMA[KINDS[kind].layer]]), name: sqlName(`${TABLE_PREFIX[kind]}${name}`) };
}

/** A dimension view of a dimensional model: `dim_<model>_<dimension>`. */
export function dimensionTable(model: VaultModel, dimensionalModel: string, dimension: string): SqlTable {
  return { schema: sqlName(model.schemas.accessLayer), name: sqlName(`dim_${dimensionalModel}_${dimension}`) };
}

/** A landing table: the source table's own name in the landing schema. */
export function landingTable(model: VaultModel, source: string): SqlTable {
  return { schema: sqlName(model.schemas.landing), name: sqlName(source) };
}

/** `schema.name`, unquoted: how manifests and messages name a table. */
export function tableText(t: SqlTable): string {
  return `${t.schema}.${t.name}`;
}
