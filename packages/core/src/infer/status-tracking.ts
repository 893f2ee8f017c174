/**
 * Status tracking (docs/inference.md, "Deletes and status tracking"): how a table marks deletes,
 * and the status tracking satellite of each table whose deletes vault can see: a table whose
 * batches are the whole source (`batches: full`), or that marks deletes.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { EntityRef, Evidence } from '../ir/common.js';
import type { DeleteMarker, Link, StatusTrackingSatellite } from '../ir/raw-vault.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

/** Names of a soft-delete flag: is_deleted, deleted, deleted_flag, is_removed, delete_flag, del_ind, ... */
const FLAG_NAME = /^((is_)?(deleted|removed)(_(flag|ind|indicator))?|(delete|deletion|del|removed)_(flag|ind|indicator))$/;
/** Names of a CDC operation column: op, operation, cdc_operation, op_type, change_type, dml_type, ... */
const OPERATION_NAME = /^(op|operation|cdc_op|cdc_operation|op_type|operation_type|op_code|change_type|cdc_change_type|dml_type|dml_operation)$/;
const TEXT_KINDS: ReadonlySet<string> = new Set(['text', 'varchar', 'char']);
/** The values of an operation column that mean delete, unless the spec says others. */
export const DEFAULT_DELETE_VALUES: ReadonlyArray<string> = ['D', 'DELETE'];

export interface DeleteFinding {
  readonly marker: DeleteMarker;
  readonly evidence: Evidence;
}

/** The table's delete marker: the spec's `deletes:`, else a column named and typed like one (`deletes: none` switches inference off). */
export function deleteMarker(t: TableInfo): DeleteFinding | undefined {
  const spec = t.spec.deletes;
  if (spec === 'none') return undefined;
  if (spec !== undefined && 'flag' in spec) return { marker: { kind: 'flag', column: spec.flag }, evidence: ev('table.delete_flag', `${t.name}: deletes: { flag: ${spec.flag} }`) };
  if (spec !== undefined) {
    // Upper-cased as the loads upper-case the column: ASCII letters only, whatever the engine's
    // locale (toUpperCase would make 'gelöscht' 'GELÖSCHT', which the column's 'gelöscht' never becomes).
    const values = (spec.delete_values ?? DEFAULT_DELETE_VALUES).map((v) => v.replace(/[a-z]+/g, (w) => w.toUpperCase()));
    return { marker: { kind: 'operation', column: spec.operation, values }, evidence: ev('table.cdc_operation', `${t.name}: deletes: { operation: ${spec.operation} }`) };
  }
  // A column the spec gives a role (ignore, technical, sensitive) is not guessed at.
  const free = t.columns.filter((c) => !t.roles.has(c.name) && c.name !== t.spec.delta_order && !t.key.includes(c.name));
  const flag = free.find((c) => c.type.kind === 'boolean' && FLAG_NAME.test(c.name.toLowerCase()));
  if (flag !== undefined) return { marker: { kind: 'flag', column: flag.name }, evidence: ev('table.delete_flag', `${t.name}.${flag.name}: a boolean column named like a delete flag`) };
  const op = free.find((c) => TEXT_KINDS.has(c.type.kind) && OPERATION_NAME.test(c.name.toLowerCase()));
  if (op !== undefined) {
    return {
      marker: { kind: 'operation', column: op.name, values: DEFAULT_DELETE_VALUES },
      evidence: ev('table.cdc_operation', `${t.name}.${op.name}: a text column named like a CDC operation; ${DEFAULT_DELETE_VALUES.join(', ')} mean delete`),
    };
  }
  return undefined;
}

/** The table's operation column, which is technical: kept out of every payload, but honoured. */
export function operationColumn(found: DeleteFinding | undefined): string | undefined {
  return found?.marker.kind === 'operation' ? found.marker.column : undefined;
}

/** The table's delete flag, which stays payload of its satellite even when it is named like a technical column. */
export function flagColumn(found: DeleteFinding | undefined): string | undefined {
  return found?.marker.kind === 'flag' ? found.marker.column : undefined;
}

/** The status tracking satellite of a table that becomes a hub or a link, when its deletes can be seen. */
export function statusTrackingSatellite(
  t: TableInfo,
  found: DeleteFinding | undefined,
  parent: { readonly name: string; readonly kind: 'hub' | 'link'; readonly hashKey: string; readonly keyColumns: ReadonlyArray<string> },
  name: string,
): StatusTrackingSatellite | undefined {
  const batches = t.spec.batches ?? 'delta';
  if (batches === 'delta' && found === undefined) return undefined;
  const why = [...(batches === 'full' ? [`batches: full (a key missing from a batch was deleted)`] : []), ...(found !== undefined ? [`deletes marked by ${found.marker.column}`] : [])];
  return {
    kind: 'status_tracking_satellite',
    name,
    parent: parent.name,
    parentKind: parent.kind,
    parentHashKey: parent.hashKey,
    source: { table: t.name, columns: parent.keyColumns },
    batches,
    ...(found !== undefined ? { deletes: found.marker } : {}),
    ...(t.spec.delta_order !== undefined ? { deltaOrder: t.spec.delta_order } : {}),
    derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
    evidence: [ev('sat.status_tracking', `${t.name}: ${why.join('; ')}: the status of each ${parent.kind} key over time`), ...(found !== undefined ? [found.evidence] : [])],
    origin: ['tables', t.name, ...(t.spec.batches !== undefined ? ['batches'] : t.spec.deletes !== undefined ? ['deletes'] : [])],
  };
}

/**
 * The status tracking satellites a current view of the business vault reads to leave deleted keys
 * out (docs/sql.md, "Status tracking"): a hub's, and for a link its own and its driving hubs'.
 */
export function statusSources(tracked: ReadonlyArray<StatusTrackingSatellite>): {
  readonly hub: (name: string) => ReadonlyArray<EntityRef>;
  readonly link: (link: Link) => ReadonlyArray<EntityRef>;
} {
  const ref = (s: StatusTrackingSatellite): EntityRef => ({ layer: 'raw_vault', kind: s.kind, name: s.name });
  const of = (kind: 'hub' | 'link', name: string): ReadonlyArray<EntityRef> => tracked.filter((s) => s.parentKind === kind && s.parent === name).map(ref);
  return {
    hub: (name) => of('hub', name),
    link: (link) => {
      const driving = new Set(link.drivingKey ?? []);
      return [...of('link', link.name), ...link.hubs.filter((h) => driving.has(h.hashKey)).flatMap((h) => of('hub', h.hub))];
    },
  };
}

/** `batches: full` or a `deletes:` marker on a table that gets no status tracking satellite (an event table, a code list, a table left out): said, not silently dropped. */
export function unusedStatusSettings(tables: ReadonlyArray<TableInfo>, tracked: ReadonlyArray<StatusTrackingSatellite>, diagnostics: PathDiagnostic[]): void {
  const has = new Set(tracked.map((s) => s.source.table));
  for (const t of tables) {
    if (has.has(t.name)) continue;
    const key = t.spec.batches === 'full' ? 'batches' : t.spec.deletes !== undefined && t.spec.deletes !== 'none' ? 'deletes' : undefined;
    if (key === undefined) continue;
    diagnostics.push(
      pathDiag(
        'VLT431',
        ['tables', t.name, key],
        `table '${t.name}' becomes no hub or link of its own (an event table, a code list, or a table left out), so vault tracks no status of its keys; ${key} has no effect here`,
      ),
    );
  }
}
