/**
 * The idempotent part of setup that creates storage: schemas, landing tables (so `vault seed`
 * can fill them), raw vault tables with their primary keys, and the ghost records. Every
 * statement can run again without effect: `IF NOT EXISTS`, `ON CONFLICT DO NOTHING`.
 */
import { METADATA_COLUMNS, type Hub, type Link, type LinkSatellite, type Satellite } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import { GHOST_RECORD_SOURCE } from '../hashing-settings.js';
import type { SqlContext } from './context.js';
import { needsPgcrypto } from './hashing.js';
import { entityTable, landingTable, sqlName } from './names.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
import { commaList, statement, type Statement } from './sql-writer.js';
import { tableColumns, type TableColumn } from './table-columns.js';
import { ghostKeyValue, pgType } from './types.js';

export { GHOST_RECORD_SOURCE } from '../hashing-settings.js';
/** The load timestamp of ghost records: before any real load. */
export const GHOST_LOAD_TIMESTAMP = '0001-01-01 00:00:00+00';

export function schemaStatements(ctx: SqlContext): ReadonlyArray<Statement> {
  const s = ctx.model.schemas;
  const schemas = [...new Set([s.landing, s.rawVault, s.businessVault, s.accessLayer].map(sqlName))];
  return [
    ...schemas.map((name) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}`),
    // sha1 comes from pgcrypto; md5 and sha256 are built in (PostgreSQL 11+).
    ...(needsPgcrypto(ctx.model.hashing.algorithm) ? ['CREATE EXTENSION IF NOT EXISTS pgcrypto'] : []),
  ];
}

export function landingStatements(ctx: SqlContext): ReadonlyArray<Statement> {
  return ctx.model.sources.map((t) =>
    createTable(
      tableIdent(landingTable(ctx.model, t.name)),
      t.columns.map((c) => ({ name: c.name, type: pgType(c.type), notNull: !c.nullable })),
      [],
    ),
  );
}

type RawEntity = Hub | Link | Satellite | LinkSatellite;

function primaryKey(e: RawEntity): ReadonlyArray<string> {
  return e.kind === 'hub' || e.kind === 'link' ? [e.hashKey] : [e.parentHashKey, METADATA_COLUMNS.loadTimestamp];
}

/**
 * A satellite with a delta order stores each change once: (parent hash key, delta-order value,
 * hashdiff) identifies it, and the index behind this key serves the load's anti-join and its
 * look-up of the stored row before a change (load-satellite.ts). NULL delta-order values (the
 * ghost record's among them) never conflict.
 */
function uniqueKeys(e: RawEntity): ReadonlyArray<ReadonlyArray<string>> {
  return (e.kind === 'satellite' || e.kind === 'link_satellite') && e.deltaOrder !== undefined
    ? [[e.parentHashKey, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff]]
    : [];
}

export function rawVaultTables(ctx: SqlContext): ReadonlyArray<Statement> {
  const rv = ctx.model.rawVault;
  return [...rv.hubs, ...rv.links, ...rv.satellites, ...rv.linkSatellites].map((e) =>
    createTable(tableIdent(entityTable(ctx.model, e.kind, e.name)), tableColumns(ctx, e), primaryKey(e), uniqueKeys(e)),
  );
}

function createTable(table: string, columns: ReadonlyArray<TableColumn>, key: ReadonlyArray<string>, unique: ReadonlyArray<ReadonlyArray<string>> = []): Statement {
  const list = (names: ReadonlyArray<string>): string => names.map(quoteIdent).join(', ');
  return statement((w) => {
    w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
    w.block(() =>
      commaList(w, [
        ...columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`),
        ...(key.length > 0 ? [`PRIMARY KEY (${list(key)})`] : []),
        ...unique.map((u) => `UNIQUE (${list(u)})`),
      ]),
    );
    w.line(')');
  });
}

/**
 * The ghost ("unknown") records: one per hub and link (all-zero hash keys, business keys the
 * type's placeholder) and one per satellite (all-zero parent hash key, load timestamp
 * 0001-01-01, all-zero hashdiff, NULL payload), so that joins from any table find a row.
 */
export function ghostRecords(ctx: SqlContext): ReadonlyArray<Statement> {
  const rv = ctx.model.rawVault;
  const zero = quoteLiteral(ctx.zeroHash);
  const loadTs = `CAST(${quoteLiteral(GHOST_LOAD_TIMESTAMP)} AS timestamptz)`;
  const recordSource = quoteLiteral(GHOST_RECORD_SOURCE);
  const insert = (e: RawEntity, values: ReadonlyArray<readonly [string, string]>): Statement =>
    statement((w) => {
      w.line(`INSERT INTO ${tableIdent(entityTable(ctx.model, e.kind, e.name))} (${values.map(([c]) => quoteIdent(c)).join(', ')})`);
      w.line(`VALUES (${values.map(([, v]) => v).join(', ')})`);
      w.line('ON CONFLICT DO NOTHING');
    });
  const metadata = [[METADATA_COLUMNS.loadTimestamp, loadTs], [METADATA_COLUMNS.recordSource, recordSource]] as const;
  return [
    ...rv.hubs.map((h) => insert(h, [[h.hashKey, zero], ...h.businessKeys.map((k) => [k.name, ghostKeyValue(k.type)] as const), ...metadata])),
    ...rv.links.map((l) =>
      insert(l, [
        [l.hashKey, zero],
        ...l.hubs.map((h) => [h.hashKey, zero] as const),
        ...l.hubs.flatMap((h) => h.businessKeys).map((k) => [k.name, ghostKeyValue(k.type)] as const),
        ...metadata,
      ]),
    ),
    ...[...rv.satellites, ...rv.linkSatellites].map((s) =>
      insert(s, [[s.parentHashKey, zero], ...metadata, [METADATA_COLUMNS.hashDiff, zero]]),
    ),
  ];
}
