/**
 * The columns of each table and view, taken from `entityColumns`: the SQL objects have exactly
 * the columns, in the order, that the manifest lists.
 */
import { METADATA_COLUMNS, type VaultEntity } from '@vault/core';
import { match } from 'ts-pattern';
import { entityColumns, type ModelColumns } from '../columns.js';
import { pgTypeOfText } from './types.js';

export interface TableColumn {
  readonly name: string;
  /** PostgreSQL type text. */
  readonly type: string;
  readonly notNull: boolean;
}

/** Columns that never hold NULL in the raw vault: hash keys and metadata. */
function requiredColumns(entity: VaultEntity): ReadonlySet<string> {
  const metadata = [METADATA_COLUMNS.loadTimestamp, METADATA_COLUMNS.recordSource];
  return new Set(
    match(entity)
      .with({ kind: 'hub' }, (h) => [h.hashKey, ...metadata])
      .with({ kind: 'link' }, (l) => [l.hashKey, ...l.hubs.map((h) => h.hashKey), ...metadata])
      .with({ kind: 'satellite' }, { kind: 'link_satellite' }, (s) => [s.parentHashKey, METADATA_COLUMNS.hashDiff, ...metadata])
      // Views: PostgreSQL does not declare nullability for them.
      .with(
        { kind: 'business_hub' }, { kind: 'business_link' }, { kind: 'business_satellite' }, { kind: 'business_link_satellite' },
        { kind: 'presentation_view' }, { kind: 'dimensional_model' }, { kind: 'reporting_view' },
        () => [],
      )
      .exhaustive(),
  );
}

/** `columns`: the SQL target's context, which holds the model's column index. */
export function tableColumns(columns: ModelColumns, entity: VaultEntity): ReadonlyArray<TableColumn> {
  const required = requiredColumns(entity);
  return entityColumns(columns, entity).map((c) => ({ name: c.name, type: pgTypeOfText(c.type), notNull: required.has(c.name) }));
}
