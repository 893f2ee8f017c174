/**
 * `multi_active_key`: the table becomes a multi-active satellite, so the settings that make a table
 * something else, and key columns that cannot tell a parent key's rows apart, are mistakes (VLT230).
 */
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { TableSpec } from './spec.js';

/**
 * Settings of a table that becomes a hub, a link or a reference table, and `duplicates` (a set's
 * rows with one multi-active key keep the smallest hashdiff, docs/sql.md): none fits a multi-active satellite.
 */
const OTHER_ROLES = ['kind', 'hub', 'link', 'satellites', 'dependent_child_keys', 'duplicates'] as const;

export function checkMultiActive(tableName: string, table: TableSpec, base: SpecPath, out: PathDiagnostic[]): void {
  const keyPath = [...base, 'multi_active_key'];
  for (const setting of OTHER_ROLES) {
    if (table[setting] !== undefined) {
      out.push(
        pathDiag(
          'VLT230',
          [...base, setting],
          `table '${tableName}' declares multi_active_key, so it becomes a multi-active satellite of the hub it references; ${setting} does not apply to it: leave one of them out`,
          {
            target: 'key',
          },
        ),
      );
    }
  }
  table.multi_active_key?.forEach((c, i) => {
    const why =
      c === table.delta_order
        ? 'the delta_order column, which orders sets instead of telling rows apart'
        : table.references?.some((r) => r.columns.includes(c))
          ? "a reference: the parent's key, not what tells its rows apart"
          : undefined;
    if (why !== undefined) out.push(pathDiag('VLT230', [...keyPath, i], `multi-active key column '${c}' of table '${tableName}' is ${why}; leave it out of multi_active_key`));
  });
}
