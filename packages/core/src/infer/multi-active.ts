/**
 * Multi-active satellites: tables that hold several active rows per key of a hub at once (a
 * partner's phone numbers by type, a facility's ratings by agency). Declared with
 * `multi_active_key`, or inferred conservatively (`table.multi_active`): the table's key is one
 * reference to a hub plus columns named like a type, kind or sequence, and nothing else makes it a
 * hub or a link. Such a table is no hub of its own (its key would collapse each set into hub rows
 * of its own), and forms no link.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { METADATA_COLUMNS, type Column, type Evidence, type SourcedColumn } from '../ir/common.js';
import type { MultiActiveSatellite } from '../ir/raw-vault.js';
import { looksSensitive, looksTechnical } from './naming.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

/** A table that becomes a multi-active satellite: the reference to its parent hub and its multi-active key. */
export interface MultiActiveTable {
  readonly parent: Ref;
  readonly key: ReadonlyArray<string>;
  readonly evidence: Evidence;
}

/** Settings that make a table a hub, a link or a reference table: a table with one is not inferred multi-active. */
const SETTINGS = ['kind', 'hub', 'link', 'satellites', 'dependent_child_keys', 'duplicates'] as const;

/** A column that tells the rows of one key apart by what they are: a type, kind or sequence (phone_type, seq). */
export function looksLikeMultiActiveKey(column: string): boolean {
  const lower = column.toLowerCase();
  return /(^|_)(type|kind|seq|sequence)$/.test(lower);
}

/**
 * Whether `t` becomes a multi-active satellite, and of which reference: `undefined` when it does
 * not; `'none'` when it declares `multi_active_key` but has no single parent hub (VLT430, reported).
 */
export function multiActiveTable(t: TableInfo, linkable: ReadonlyArray<Ref>, referenced: boolean, diagnostics: PathDiagnostic[]): MultiActiveTable | 'none' | undefined {
  const declared = t.spec.multi_active_key;
  if (declared !== undefined) return declaredTable(t, declared, linkable, diagnostics);
  if (referenced || t.key.length < 2 || linkable.length !== 1 || SETTINGS.some((s) => t.spec[s] !== undefined)) return undefined;
  const parent = linkable[0]!;
  const rest = t.key.filter((c) => !parent.columns.includes(c));
  if (!parent.columns.every((c) => t.key.includes(c)) || rest.length === 0 || !rest.every(looksLikeMultiActiveKey)) return undefined;
  return {
    parent,
    key: rest,
    evidence: ev('table.multi_active', `${t.name}: key [${t.key.join(', ')}] is the reference ${parent.columns.join(', ')} and ${rest.join(', ')}, named like a type or sequence`),
  };
}

function declaredTable(t: TableInfo, declared: ReadonlyArray<string>, linkable: ReadonlyArray<Ref>, diagnostics: PathDiagnostic[]): MultiActiveTable | 'none' {
  // The parent's key: the table's key less the multi-active key, or, without a key, its one reference.
  const parentKey = t.key.filter((c) => !declared.includes(c));
  const parents = parentKey.length > 0 ? linkable.filter((r) => sameColumns(r.columns, parentKey)) : linkable;
  const others = linkable.filter((r) => !parents.includes(r));
  if (parents.length === 1 && others.length === 0) {
    return { parent: parents[0]!, key: declared, evidence: ev('table.multi_active_declared', `${t.name}: multi_active_key [${declared.join(', ')}]`) };
  }
  const why =
    parents.length === 1
      ? `also references ${others.map((r) => r.columns.join(', ')).join('; ')}; a multi-active satellite describes one hub: give those columns a table of their own`
      : parentKey.length > 0
        ? `has key [${t.key.join(', ')}], whose columns other than the multi-active key (${parentKey.join(', ')}) are no reference to one hub; declare the reference, or business_key [<the hub's key columns>, ${declared.join(', ')}]`
        : `has no key and ${linkable.length === 0 ? 'no reference' : `${linkable.length} references`}; a multi-active satellite needs the key of one hub: declare business_key [<the hub's key columns>, ${declared.join(', ')}]`;
  diagnostics.push(pathDiag('VLT430', ['tables', t.name, 'multi_active_key'], `table '${t.name}' declares multi_active_key but ${why}`, { target: 'key' }));
  return 'none';
}

function sameColumns(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/** The multi-active satellite of table `t`: every column but the parent's key, the multi-active key, technical and ignored ones goes to its payload. */
export function buildMultiActiveSatellite(t: TableInfo, ma: MultiActiveTable, hub: string, diagnostics: PathDiagnostic[]): MultiActiveSatellite | undefined {
  const parentHashKey = `${hub}_hk`;
  const reserved = new Set([parentHashKey, ...Object.values(METADATA_COLUMNS)].map((n) => n.toLowerCase()));
  const payload: SourcedColumn[] = [];
  const technical: string[] = [];
  let sensitive = false;
  for (const c of t.columns) {
    const role = t.roles.get(c.name);
    if (ma.parent.columns.includes(c.name) || ma.key.includes(c.name) || role === 'ignore') continue;
    if (role === 'technical' || (role === undefined && looksTechnical(c.name)) || c.name === t.spec.delta_order) {
      technical.push(c.name);
      continue;
    }
    payload.push(sourced(t.name, c, c.nullable));
    sensitive ||= role === 'sensitive' || looksSensitive(c.name);
  }
  const keyColumns = ma.key.map((k) =>
    sourced(
      t.name,
      t.columns.find((c) => c.name === k)!,
      false,
    ),
  );
  const clash = [...keyColumns, ...payload].find((c) => reserved.has(c.name.toLowerCase()));
  if (clash !== undefined) {
    diagnostics.push(
      pathDiag(
        'VLT222',
        ['tables', t.name, 'columns', clash.name],
        `column '${clash.name}' of table '${t.name}' would go to a multi-active satellite that already has a '${clash.name}' column (Data Vault metadata); rename it, or give it role: technical or role: ignore`,
        { target: 'key' },
      ),
    );
    return undefined;
  }
  return {
    kind: 'multi_active_satellite',
    name: t.name,
    parent: hub,
    parentHashKey,
    parentKey: ma.parent.columns,
    multiActiveKey: keyColumns,
    sensitive,
    payload,
    source: { table: t.name, columns: payload.map((c) => c.sourceColumn) },
    derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
    evidence: [
      ...(t.keyEvidence !== undefined ? [t.keyEvidence] : []),
      ma.evidence,
      ma.parent.evidence,
      ...(technical.length ? [ev('sat.technical', `${t.name}: ${technical.join(', ')} kept out of the payload`)] : []),
    ],
    origin: ['tables', t.name, ...(t.spec.multi_active_key !== undefined ? ['multi_active_key'] : [])],
    ...(t.spec.description !== undefined ? { description: t.spec.description } : {}),
    ...(t.spec.delta_order !== undefined ? { deltaOrder: t.spec.delta_order } : {}),
  };
}

/** A column with its origin; a multi-active key column is never null (rows without it belong to no set). */
function sourced(table: string, c: Column, nullable: boolean): SourcedColumn {
  return { name: c.name, type: c.type, nullable, ...(c.description !== undefined ? { description: c.description } : {}), sourceTable: table, sourceColumn: c.name };
}
