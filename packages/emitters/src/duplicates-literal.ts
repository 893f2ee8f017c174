/**
 * A satellite's `duplicates` policy as plain data, for `manifest.json` and the Query DSL's field
 * mappings: what a framework's load must do with duplicate keys in one batch, the SQL target's
 * way (docs/sql.md, "Duplicate keys").
 */
import type { LinkSatellite, Satellite } from '@vault/core';

/** `'report'`, `'reject'`, `'error_table'` or `{ keep_last_by: column }`, as in the spec. */
export type DuplicatesLiteral = 'report' | 'reject' | 'error_table' | { readonly keep_last_by: string };

/** @example duplicatesLiteral(sat) // 'report' */
export function duplicatesLiteral(sat: Satellite | LinkSatellite): DuplicatesLiteral {
  const p = sat.duplicates ?? { kind: 'report' };
  return p.kind === 'keep_last_by' ? { keep_last_by: p.column } : p.kind;
}
