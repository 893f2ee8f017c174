/**
 * Second inference step: the references between tables (declared, by naming, by role) and
 * the key columns of concepts no table owns (implied hubs).
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Evidence } from '../ir/common.js';
import { TYPE_FAMILY } from '../spec/column-type.js';
import { conceptOfKeyColumn, looksTechnical, prefixedKeyParts } from './naming.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

export type RefTarget = { readonly kind: 'table'; readonly table: string } | { readonly kind: 'implied'; readonly concept: string };

export interface Ref {
  /** The table holding the referencing columns. */
  readonly from: string;
  readonly columns: ReadonlyArray<string>;
  readonly target: RefTarget;
  readonly role?: string;
  /** For a declared reference, its index in the table's `references:`. */
  readonly declaredAt?: number;
  readonly evidence: Evidence;
}

export function findReferences(tables: ReadonlyArray<TableInfo>, diagnostics: PathDiagnostic[]): Ref[] {
  const byName = new Map(tables.map((t) => [t.name, t] as const));
  const refs: Ref[] = [];
  const keyIndex = keyNameIndex(tables);
  const prefixedIndex = prefixedKeyIndex(tables);
  const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

  for (const t of tables) {
    const used = new Set<string>();
    (t.spec.references ?? []).forEach((r, i) => {
      const target = byName.get(r.table);
      if (target === undefined) return; // reported by validateSpec
      const targetKey = r.target_columns ?? target.key;
      const declared = target.spec.business_key ?? target.spec.primary_key;
      if (r.target_columns === undefined && targetKey.length !== r.columns.length) {
        if (declared !== undefined) return; // validateSpec reported the mismatch
        diagnostics.push(
          pathDiag(
            'VLT211',
            ['tables', t.name, 'references', i, 'columns'],
            targetKey.length === 0
              ? `table '${r.table}' has no business key to reference; declare its business_key or give target_columns`
              : `reference has ${r.columns.length} column${r.columns.length === 1 ? '' : 's'} but the key of table '${r.table}' has ${targetKey.length} (${targetKey.join(', ')})`,
          ),
        );
        return;
      }
      // A link joins business keys: target_columns must be the target's key, in any order;
      // the reference columns are put in the key's order so hub sources line up.
      let columns: ReadonlyArray<string> = r.columns;
      if (r.target_columns !== undefined) {
        const position = target.key.map((k) => r.target_columns!.indexOf(k));
        if (target.key.length === 0 || r.target_columns.length !== target.key.length || position.some((p) => p < 0)) {
          diagnostics.push(
            pathDiag(
              'VLT221',
              ['tables', t.name, 'references', i, 'target_columns'],
              `target_columns [${r.target_columns.join(', ')}] are not the business key [${target.key.join(', ')}] of table '${r.table}'; a link joins business keys: reference the key, or declare business_key: [${r.target_columns.join(', ')}] on '${r.table}'`,
            ),
          );
          return;
        }
        columns = position.map((p) => r.columns[p]!);
      }
      r.columns.forEach((c) => used.add(c));
      refs.push({
        from: t.name,
        columns,
        target: { kind: 'table', table: r.table },
        ...(r.role ? { role: r.role } : {}),
        declaredAt: i,
        evidence: ev('link.declared_reference', `${t.name}(${r.columns.join(', ')}) → ${r.table}${r.role ? ` as ${r.role}` : ''}`),
      });
    });

    const ownKey = t.key.length === 1 ? t.key[0]!.toLowerCase() : undefined;
    for (const column of t.columns) {
      const lower = column.name.toLowerCase();
      if (used.has(column.name) || lower === ownKey || t.roles.has(column.name) || looksTechnical(column.name)) continue;
      const found = matchByName(lower, t, keyIndex);
      if (found === undefined) {
        const prefixed = matchByPrefixedName(lower, t, prefixedIndex);
        if (prefixed === undefined) continue;
        used.add(column.name);
        refs.push({
          from: t.name,
          columns: [column.name],
          target: { kind: 'table', table: prefixed.name },
          evidence: ev('link.prefixed_naming', `${t.name}.${column.name} is named like '${prefixed.key[0]}', the key of '${prefixed.name}'`),
        });
        continue;
      }
      used.add(column.name);
      refs.push({
        from: t.name,
        columns: [column.name],
        target: { kind: 'table', table: found.table.name },
        ...(found.role ? { role: found.role } : {}),
        evidence: ev(found.role ? 'link.role_named' : 'link.naming', `${t.name}.${column.name} is named like the key of '${found.table.name}'${found.role ? ` under the role '${found.role}'` : ''}`),
      });
    }
  }

  // Implied hubs: key-like columns whose concept no table owns.
  const owned = new Set(tables.map((t) => t.entity));
  const taken = new Set(refs.flatMap((r) => r.columns.map((c) => `${r.from}.${c}`)));
  for (const t of tables) {
    for (const column of t.columns) {
      const concept = conceptOfKeyColumn(column.name);
      if (concept === undefined || owned.has(concept) || concept === t.entity) continue;
      if (taken.has(`${t.name}.${column.name}`)) continue;
      if (t.roles.has(column.name) || looksTechnical(column.name)) continue;
      if (t.key.length === 1 && t.key[0] === column.name) continue;
      const family = TYPE_FAMILY[column.type.kind];
      if (family !== 'integer' && family !== 'text' && family !== 'uuid') continue;
      refs.push({
        from: t.name,
        columns: [column.name],
        target: { kind: 'implied', concept },
        evidence: ev('link.implied_hub', `${t.name}.${column.name} carries the key of '${concept}', which no table owns`),
      });
    }
  }
  return refs;
}

function hubNameOf(t: TableInfo): string {
  return t.spec.hub ?? t.entity;
}

/** Single-column keys by the column name that refers to them: `customer_id`, or `<entity>_id` for a table keyed by `id`. */
function keyNameIndex(tables: ReadonlyArray<TableInfo>): Map<string, TableInfo[]> {
  const index = new Map<string, TableInfo[]>();
  for (const t of tables) {
    if (t.key.length !== 1) continue;
    const key = t.key[0]!.toLowerCase();
    const name = key === 'id' ? `${t.entity}_id` : key;
    index.set(name, [...(index.get(name) ?? []), t]);
  }
  return index;
}

/** Single-column keys named `<p>_<stem>key` by `<stem>key`: TPC-H's `o_orderkey` under `orderkey`. */
function prefixedKeyIndex(tables: ReadonlyArray<TableInfo>): Map<string, TableInfo[]> {
  const index = new Map<string, TableInfo[]>();
  for (const t of tables) {
    const parts = t.key.length === 1 ? prefixedKeyParts(t.key[0]!) : undefined;
    if (parts === undefined) continue;
    const name = parts.stem + parts.suffix;
    index.set(name, [...(index.get(name) ?? []), t]);
  }
  return index;
}

/** `l_orderkey` refers to the one other table keyed `<q>_orderkey` with another prefix. */
function matchByPrefixedName(lower: string, self: TableInfo, index: ReadonlyMap<string, ReadonlyArray<TableInfo>>): TableInfo | undefined {
  const parts = prefixedKeyParts(lower);
  if (parts === undefined) return undefined;
  const hits = (index.get(parts.stem + parts.suffix) ?? []).filter((t) => t !== self && prefixedKeyParts(t.key[0]!)!.prefix !== parts.prefix);
  return hits.length === 1 ? hits[0] : undefined;
}

/** A column named like the single-column key of another table, possibly behind a role prefix. */
function matchByName(lower: string, self: TableInfo, index: ReadonlyMap<string, ReadonlyArray<TableInfo>>): { table: TableInfo; role?: string } | undefined {
  const exact = (index.get(lower) ?? []).filter((t) => t !== self);
  // Several tables may carry one hub (hub: overrides, tbl_customer and customer): not ambiguous.
  if (exact.length >= 1 && new Set(exact.map(hubNameOf)).size === 1) return { table: exact[0]! };
  if (exact.length > 1) return undefined; // ambiguous: tables of different hubs share the key name
  const roled: Array<{ table: TableInfo; role: string }> = [];
  for (let i = lower.indexOf('_'); i > 0; i = lower.indexOf('_', i + 1)) {
    const suffix = lower.slice(i + 1);
    if (suffix.length < 4) continue;
    for (const t of index.get(suffix) ?? []) roled.push({ table: t, role: lower.slice(0, i) });
  }
  return roled.length === 1 ? roled[0] : undefined;
}
