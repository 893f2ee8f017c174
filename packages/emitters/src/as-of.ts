/**
 * The one time rule of the model's as-of tables (docs/sql.md, "As of a snapshot"), as the
 * literals the manifest and the Query DSL mappings carry. The SQL lives in sql/validity.ts.
 */
export const AS_OF_RULE = {
  cutoff: 'snapshot_date + 1 day, 00:00 UTC',
  counts: 'rows with load_ts < cutoff; of a satellite, the row valid at the cutoff',
  filled_by: 'the first load whose batch load timestamp is at or after the cutoff',
} as const;

/** When a bridge holds a chain at a snapshot (docs/sql.md, "Bridge tables"). */
export const BRIDGE_EFFECTIVE =
  "every link row on the chain counts and is not the zero key; a link with an effectivity satellite: the driving key's valid start row points at it; a link or path hub with status tracking: its valid status is not deleted";

/** What a point-in-time table holds for a satellite with no row valid at a snapshot (docs/sql.md, "Point-in-time tables"). */
export const PIT_NO_ROW = 'the ghost pointer: the zero key and load_ts 0001-01-01';
