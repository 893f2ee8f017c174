/**
 * First inference step: per table, its columns (types parsed, sorted), its business key and
 * where that key came from. Spec order never matters: tables and columns are sorted.
 */
import type { Column, Evidence } from '../ir/common.js';
import { columnTypeParser, type ColumnTypeResult } from '../spec/column-type.js';
import { columnSpecObject, type ColumnRole, type Spec, type TableKind, type TableSpec } from '../spec/spec.js';
import { entityOf, isPrefixedKeyFor, keyNamesFor, looksTechnical, prefixedKeyParts } from './naming.js';
import type { RuleId } from './rules.js';

export interface TableInfo {
  readonly name: string;
  readonly spec: TableSpec;
  readonly entity: string;
  readonly kind?: TableKind;
  readonly columns: ReadonlyArray<Column>;
  readonly roles: ReadonlyMap<string, ColumnRole>;
  /** Business key columns (source names), in key order; empty when none was found. */
  readonly key: ReadonlyArray<string>;
  /** Why the key is what it is; for a key found and then given up (`bk.prefixed_reference`), why it is empty. */
  readonly keyEvidence?: Evidence;
  /** The `<stem>` of a key found by the prefixed naming `<p>_<stem>key`. */
  readonly keyStem?: string;
}

export function analyseTables(spec: Spec): TableInfo[] {
  const parseType = columnTypeParser();
  const tables = Object.keys(spec.tables)
    .sort()
    .map((name) => analyseTable(name, spec.tables[name]!, parseType));
  return withoutBorrowedKeys(tables);
}

/**
 * TPC-H names keys `<prefix>_<stem>key`, and `partsupp`'s `ps_partkey` abbreviates both `part`
 * and `partsupp`. When tables found keys by that prefixed naming with one stem, the key is the
 * table's whose name is closest to the stem (`part`); the others only reference it, and lose it
 * as their own key (`partsupp` becomes keyless, and a link of its references).
 */
function withoutBorrowedKeys(tables: TableInfo[]): TableInfo[] {
  const byStem = new Map<string, TableInfo[]>();
  for (const t of tables) if (t.keyStem !== undefined) byStem.set(t.keyStem, [...(byStem.get(t.keyStem) ?? []), t]);
  const borrowed = new Map<TableInfo, TableInfo>();
  for (const [stem, claimants] of byStem) {
    if (claimants.length < 2) continue;
    const distance = (t: TableInfo): number => (t.entity.replace(/_/g, '') === stem ? 0 : t.entity.length);
    const sorted = [...claimants].sort((a, b) => distance(a) - distance(b));
    if (distance(sorted[0]!) === distance(sorted[1]!)) continue; // no table is closer: keep them all
    for (const t of sorted.slice(1)) borrowed.set(t, sorted[0]!);
  }
  if (borrowed.size === 0) return tables;
  return tables.map((t) => {
    const owner = borrowed.get(t);
    if (owner === undefined) return t;
    const { keyStem: _, ...rest } = t;
    return { ...rest, key: [], keyEvidence: { rule: 'bk.prefixed_reference', detail: `${t.name}: '${t.key[0]}' carries the key of '${owner.name}' (${owner.key[0]}), not its own` } };
  });
}

function analyseTable(name: string, spec: TableSpec, parseType: (text: string) => ColumnTypeResult): TableInfo {
  const columns: Column[] = [];
  const roles = new Map<string, ColumnRole>();
  for (const columnName of Object.keys(spec.columns).sort()) {
    const c = columnSpecObject(spec.columns[columnName]!);
    const parsed = parseType(c.type);
    if (!parsed.ok) continue; // reported by validateSpec; compile never runs on such a spec
    columns.push({ name: columnName, type: parsed.type, nullable: c.nullable ?? true, ...(c.description ? { description: c.description } : {}) });
    if (c.role !== undefined) roles.set(columnName, c.role);
  }
  const entity = entityOf(name);
  const found = findKey(name, entity, spec, columns, roles);
  return {
    name,
    spec,
    entity,
    ...(spec.kind ? { kind: spec.kind } : {}),
    columns,
    roles,
    key: found?.key ?? [],
    ...(found ? { keyEvidence: found.evidence } : {}),
    ...(found?.stem !== undefined ? { keyStem: found.stem } : {}),
  };
}

function findKey(
  table: string,
  entity: string,
  spec: TableSpec,
  columns: ReadonlyArray<Column>,
  roles: ReadonlyMap<string, ColumnRole>,
): { key: ReadonlyArray<string>; evidence: Evidence; stem?: string } | undefined {
  const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });
  if (spec.business_key) return { key: spec.business_key, evidence: ev('bk.declared', `${table}: business_key [${spec.business_key.join(', ')}]`) };
  if (spec.primary_key) return { key: spec.primary_key, evidence: ev('bk.primary_key', `${table}: primary key [${spec.primary_key.join(', ')}]`) };
  const unique = spec.unique_keys?.[0];
  if (unique) return { key: unique, evidence: ev('bk.unique_key', `${table}: unique key [${unique.join(', ')}]`) };
  const usable = columns.filter((c) => roles.get(c.name) === undefined && !looksTechnical(c.name));
  const byLower = new Map(usable.map((c) => [c.name.toLowerCase(), c.name] as const));
  const entities = [...new Set([entity, ...(spec.hub ? [spec.hub.toLowerCase()] : []), table.toLowerCase()])];
  for (const e of entities) {
    for (const candidate of keyNamesFor(e)) {
      const hit = byLower.get(candidate);
      if (hit !== undefined) return { key: [hit], evidence: ev('bk.naming', `${table}: column '${hit}' is named like the key of '${e}'`) };
    }
  }
  const prefixed = usable.filter((c) => isPrefixedKeyFor(c.name, entity));
  if (prefixed.length === 1) {
    const hit = prefixed[0]!.name;
    return { key: [hit], evidence: ev('bk.naming', `${table}: column '${hit}' abbreviates '${entity}' followed by key/id`), stem: prefixedKeyParts(hit)!.stem };
  }
  return undefined;
}
