/**
 * The columns of each table and view, taken from `entityColumns`: the SQL objects have exactly
 * the columns, in the order, that the manifest lists.
 */
import { METADATA_COLUMNS, type LinkSatellite, type MultiActiveSatellite, type Satellite, type VaultEntity } from '@vault/core';
import { dispatch, type KindHandlers } from '@vault/core/internal';
import { entityColumns, IS_DELETED_COLUMN, pitPointerColumns, SNAPSHOT_COLUMNS, SNAPSHOT_PERIODS, type ModelColumns } from '../columns.js';
import type { SqlContext } from './context.js';

export interface TableColumn {
  readonly name: string;
  /** The dialect's type text. */
  readonly type: string;
  readonly notNull: boolean;
}

const metadata = [METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource];
const satellite = (s: Satellite | LinkSatellite | MultiActiveSatellite): ReadonlyArray<string> => [s.parentHashKey, METADATA_COLUMNS.hashDiff, ...metadata];
// Views: SQL does not declare nullability for them.
const view = (): ReadonlyArray<string> => [];

/** Columns that never hold NULL in the raw vault: hash keys and metadata. */
const REQUIRED_COLUMNS: KindHandlers<ReadonlyArray<string>> = {
  hub: (h) => [h.hashKey, ...metadata],
  link: (l) => [l.hashKey, ...l.hubs.map((h) => h.hashKey), ...metadata],
  non_historized_link: (l) => [l.hashKey, ...l.hubs.map((h) => h.hashKey), ...metadata],
  satellite,
  link_satellite: satellite,
  effectivity_satellite: (e) => [e.parentHashKey, ...e.drivingKey, ...metadata],
  // The multi-active key is part of the table's key: never NULL.
  multi_active_satellite: (s) => [...satellite(s), ...s.multiActiveKey.map((c) => c.name)],
  status_tracking_satellite: (s) => [s.parentHashKey, IS_DELETED_COLUMN, ...metadata],
  reference_table: (r) => [...r.codes.map((c) => c.name), METADATA_COLUMNS.hashDiff, ...metadata],
  snapshot_control: () => [SNAPSHOT_COLUMNS.date, ...SNAPSHOT_PERIODS.map((p) => SNAPSHOT_COLUMNS[p]), METADATA_COLUMNS.loadTimestamp],
  // Every pointer is filled: the ghost pointer when a satellite has no row valid at the snapshot.
  pit: (p) => [
    SNAPSHOT_COLUMNS.date,
    p.parentHashKey,
    ...p.satellites.flatMap((s) => {
      const pointer = pitPointerColumns(s);
      return [pointer.hashKey, pointer.loadTimestamp];
    }),
    METADATA_COLUMNS.loadTimestamp,
  ],
  business_hub: view,
  business_link: view,
  business_satellite: view,
  business_link_satellite: view,
  presentation_view: view,
  dimensional_model: view,
  reporting_view: view,
};

function requiredColumns(entity: VaultEntity): ReadonlySet<string> {
  return new Set(dispatch(entity, REQUIRED_COLUMNS));
}

/** `ctx`: the SQL target's context, which holds the model's column index and the dialect. */
export function tableColumns(ctx: ModelColumns & Pick<SqlContext, 'dialect'>, entity: VaultEntity): ReadonlyArray<TableColumn> {
  const required = requiredColumns(entity);
  return entityColumns(ctx, entity).map((c) => ({ name: c.name, type: ctx.dialect.columnType(c.type), notNull: required.has(c.name) }));
}
