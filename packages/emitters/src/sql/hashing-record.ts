/**
 * The record of the hashing a raw vault's hash keys and hashdiffs were made with (docs/sql.md,
 * "Setup"): `vault_hashing` in the raw vault schema, one row written by the first setup. Every
 * later setup compares the spec's hashing with it and stops when they differ: a change of
 * algorithm, key case or hashdiff case gives the same business key another hash key (a hub would
 * hold it twice, its links and satellites split between the two) and the same payload another
 * hashdiff (states stored again). The hashing standard's version is recorded but not compared:
 * every version so far hashes each value an earlier one could represent alike (docs/hashing.md,
 * "Versions").
 *
 * Beside it, `vault_hash_keys`: per hub, link and non-historized link table, what its hash key
 * hashes (the business key columns in key order; a link's hubs' in link order, then its dependent
 * child keys), written when the table is first set up. A later spec that makes the key of other
 * columns (a key column added, dropped, renamed or moved, a hub added to a link) stops setup too:
 * the same business keys would get other hash keys, and the table would hold each twice.
 */
import type { Link, NonHistorizedLink } from '@vault/core';
import { dispatch, type KindHandlers } from '@vault/core/internal';
import { hashingSettings } from '../hashing-settings.js';
import type { SqlContext } from './context.js';
import { tableEnd } from './ddl.js';
import { entityTable } from './names.js';
import { hashKeysRecordTable, hashingRecordTable } from './ledger.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { commaList, statement, type Statement } from './sql-writer.js';

/** The settings compared, as the text recorded: `name: value` pairs in a fixed order, as the spec writes them (no quote: Spark SQL text). */
export function recordedHashing(ctx: Pick<SqlContext, 'model'>): string {
  const h = hashingSettings(ctx.model);
  return (
    [
      ['algorithm', h.algorithm],
      ['case_sensitive_keys', h.case_sensitive_keys],
      ['case_sensitive_hashdiff', h.case_sensitive_hashdiff],
      ['delimiter', h.delimiter],
      ['null_token', h.null_token],
    ] as const
  )
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(', ');
}

/** A record's table: text columns, none NULL. */
function recordTable(ctx: SqlContext, table: string, columns: ReadonlyArray<string>): Statement {
  const text = ctx.dialect.columnType({ kind: 'text' });
  return statement((w) => {
    w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
    w.block(() =>
      commaList(
        w,
        columns.map((c) => `${ctx.sql.quoteIdent(c)} ${text} NOT NULL`),
      ),
    );
    w.line(tableEnd(ctx.dialect));
  });
}

/** Setup's statements: the record's table, the check against it, and the record, written once. */
export function hashingRecordStatements(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const relation = hashingRecordTable(d, ctx.model.schemas.rawVault);
  const table = tableIdent(relation);
  const settings = recordedHashing(ctx);
  const create = recordTable(ctx, table, ['settings', 'standard']);
  const message = [
    quoteLiteral(`the raw vault in schema ${q(ctx.model.schemas.rawVault)} holds hash keys and hashdiffs made with hashing (`),
    ctx.sql.col('r', 'settings'),
    quoteLiteral(
      `); the spec makes them with (${settings}), which would give the same business keys other hash keys and the same payloads other hashdiffs. Keep the vault's hashing in the spec (hashing: in docs/spec.md), or load a new raw vault`,
    ),
  ].join(' || ');
  const check = d.failIfAny(`SELECT ${q('settings')} FROM ${table} WHERE ${q('settings')} <> ${quoteLiteral(settings)}`, message);
  const record = statement((w) => {
    w.line(`INSERT INTO ${table} (${q('settings')}, ${q('standard')})`);
    w.line(`SELECT ${quoteLiteral(settings)}, ${quoteLiteral(hashingSettings(ctx.model).standard)}`);
    w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table})`);
  });
  return [sqlStatement('hashing', create, { relation, creates: { kind: 'relation', relation } }), sqlStatement('hashing', check, { relation }), sqlStatement('hashing', record, { relation })];
}

const names = (columns: ReadonlyArray<{ readonly name: string }>): string => columns.map((c) => c.name).join(', ');
/** A link's (non-historized link's) hubs' keys in link order, then its dependent child keys. */
const linkKey = (e: Link | NonHistorizedLink): string => {
  const hubs = e.hubs.map((h) => `${h.hub}${h.role === undefined ? '' : ` as ${h.role}`} (${names(h.businessKeys)})`).join(', ');
  return e.dependentChildKeys === undefined || e.dependentChildKeys.length === 0 ? hubs : `${hubs}; dependent child keys (${names(e.dependentChildKeys)})`;
};
const none = (): undefined => undefined;

/** What each kind's hash key hashes, as recorded; undefined for a kind without a hash key of its own (a satellite's is its parent's). */
const HASH_KEY_DEFINITIONS: KindHandlers<string | undefined> = {
  hub: (h) => names(h.businessKeys),
  link: linkKey,
  non_historized_link: linkKey,
  satellite: none,
  link_satellite: none,
  effectivity_satellite: none,
  multi_active_satellite: none,
  status_tracking_satellite: none,
  reference_table: none,
  snapshot_control: none,
  pit: none,
  bridge: none,
  business_hub: none,
  business_link: none,
  business_satellite: none,
  business_link_satellite: none,
  presentation_view: none,
  dimensional_model: none,
  reporting_view: none,
};

/** Setup's statements for what each hash key hashes: the record's table, the check against it, and each table's row, written once. */
export function hashKeysRecordStatements(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const { col } = ctx.sql;
  const definitions = ctx.model.entities.flatMap((e) => {
    const key = dispatch(e, HASH_KEY_DEFINITIONS);
    // The table's name alone: the record is in its schema (the raw vault's), which may be renamed.
    return key === undefined ? [] : [{ kind: e.kind, table: entityTable(ctx, e.kind, e.name).name, key }];
  });
  if (definitions.length === 0) return [];
  const relation = hashKeysRecordTable(d, ctx.model.schemas.rawVault);
  const table = tableIdent(relation);
  const create = recordTable(ctx, table, ['entity_table', 'hash_key']);
  const spec = `(VALUES ${definitions.map((x) => `(${quoteLiteral(x.kind)}, ${quoteLiteral(x.table)}, ${quoteLiteral(x.key)})`).join(', ')}) AS ${q('v')}(${q('kind')}, ${q('entity_table')}, ${q('hash_key')})`;
  const differing = `SELECT ${col('v', 'kind')}, ${col('v', 'entity_table')}, ${col('k', 'hash_key')} AS ${q('stored')}, ${col('v', 'hash_key')} AS ${q('spec')} FROM ${table} AS ${q('k')} JOIN ${spec} ON ${col('k', 'entity_table')} = ${col('v', 'entity_table')} WHERE ${col('k', 'hash_key')} <> ${col('v', 'hash_key')}`;
  const r = (column: string): string => col('r', column);
  const message = [
    quoteLiteral('the hash keys of '),
    r('kind'),
    quoteLiteral(' '),
    r('entity_table'),
    quoteLiteral(' hash ('),
    r('stored'),
    quoteLiteral('); the spec makes them hash ('),
    r('spec'),
    quoteLiteral('), which would give the same business keys other hash keys: the table would hold each twice. Keep the key as it is in the spec, or model the new key as an entity of another name'),
  ].join(' || ');
  const check = d.failIfAny(differing, message);
  const record = statement((w) => {
    w.line(`INSERT INTO ${table} (${q('entity_table')}, ${q('hash_key')})`);
    w.line(`SELECT ${col('v', 'entity_table')}, ${col('v', 'hash_key')} FROM ${spec}`);
    w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table} AS ${q('k')} WHERE ${col('k', 'entity_table')} = ${col('v', 'entity_table')})`);
  });
  return [sqlStatement('hashing', create, { relation, creates: { kind: 'relation', relation } }), sqlStatement('hashing', check, { relation }), sqlStatement('hashing', record, { relation })];
}
