/**
 * The time rule of every as-of structure (docs/sql.md, "As of a snapshot"), as literals that the
 * manifest and the Query DSL field mappings carry, so that a framework can check it agrees.
 */

/** Knowledge time: what the vault knew at the end of each snapshot date. */
export const AS_OF_RULE = {
  cut_off: 'snapshot_date + 1 day, 00:00 UTC',
  counts: 'load_ts < cut_off',
  valid_row: 'latest in change order among the rows known before the cut-off; late rows never replace what was known',
  filled: 'by the first load whose batch load timestamp is at or after the cut-off; insert-only',
  no_row: 'ghost pointer: zero key, load_ts 0001-01-01',
} as const;
