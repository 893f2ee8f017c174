/**
 * Reference tables: code lists (currencies, countries, US states, rating grades) keyed by
 * their code, with the history of their descriptions, instead of hubs. Which tables are code
 * lists (`kind: reference`, or the precise naming and shape rule `table.code_list`), and the
 * reference table each of them becomes.
 */
import { byName } from '../compare.js';
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Column, Evidence, SourcedColumn } from '../ir/common.js';
import type { CodeReference, ReferenceTable } from '../ir/raw-vault.js';
import { looksSensitive, looksTechnical } from './naming.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

/** Hub, link and satellite settings: a table with one is meant to be a hub or link, and a reference table has none to name. */
const NOT_FOR_REFERENCE_TABLES = ['hub', 'link', 'satellites', 'dependent_child_keys', 'multi_active_key'] as const;

/** At most this many descriptive columns: a code list describes its codes, it holds no business data. */
export const MAX_CODE_LIST_ATTRIBUTES = 4;

/**
 * Table names of code lists: a `ref_` / `lkp_` / `lookup_` prefix, a `_type(s)`, `_status(es)`,
 * `_code(s)`, `_kind(s)`, `_grade(s)` or `_lookup` suffix, `*_states`, or the name of a
 * well-known code concept (currencies, countries, regions, languages, rating grades).
 */
const CODE_LIST_NAME = /^(?:(?:ref|lkp|lookup)_.+|.+_(?:types?|status(?:es)?|codes?|kinds?|grades?|lookup|states)|currenc(?:y|ies)|countr(?:y|ies)|regions?|languages?|rating_grades?)$/;

/** Whether a table's name says it is a code list. @example looksLikeCodeListName('us_states') // true */
export function looksLikeCodeListName(table: string): boolean {
  return CODE_LIST_NAME.test(table.toLowerCase());
}

/** Names of code columns: `code`, `*_code`, `*_cd`, `*_abbr`, `*_iso*`, `iso_*`. */
const CODE_COLUMN_NAME = /^(?:code|.+_code|.+_cd|.+_abbr|.+_abbreviation|.+_iso\d*|iso_.+)$/;

/**
 * A code: a column named like one (`CODE_COLUMN_NAME`, or the entity's name or last word:
 * `rating_grade`, `grade`) holding text (`char(3)`, `varchar`, `text`), or a small integer
 * (`smallint`, `int`) named `*_code`. An `id` or an integer `*_id` / `*key` is a surrogate key, as
 * entity tables have (TPC-H's `r_regionkey`, Sakila's `language_id`): not clear evidence, so
 * such a table stays a hub.
 */
function isCode(c: Column, entity: string): boolean {
  const name = c.name.toLowerCase();
  if (['smallint', 'int'].includes(c.type.kind)) return name.endsWith('_code');
  const named = CODE_COLUMN_NAME.test(name) || name === entity.toLowerCase() || name === entity.toLowerCase().split('_').pop();
  return named && ['text', 'varchar', 'char'].includes(c.type.kind);
}

/** An integer surrogate key: `id` or `*_id` (`state_id`). */
function isSurrogateId(c: Column): boolean {
  const name = c.name.toLowerCase();
  return ['smallint', 'int', 'bigint'].includes(c.type.kind) && (name === 'id' || name.endsWith('_id'));
}

/** The descriptive columns of a table: neither key, technical nor ignored (sensitive ones included). */
function descriptiveColumns(t: TableInfo): Column[] {
  const key = new Set(t.key);
  return t.columns.filter((c) => {
    const role = t.roles.get(c.name);
    return !key.has(c.name) && !looksTechnical(c.name) && (role === undefined || role === 'sensitive') && c.name !== t.spec.delta_order;
  });
}

/**
 * The tables that are code lists, with the evidence: `kind: reference`, or (without `kind:`)
 * the rule `table.code_list`: named like a code list, one key column holding a code, at most
 * four descriptive columns, no reference to another table, no hub, link or satellite setting,
 * and no table holding its code in its own business key (an association over it stays a link,
 * so the list stays a hub). When in doubt the table stays a hub.
 */
export function findCodeLists(tables: ReadonlyArray<TableInfo>, refs: ReadonlyArray<Ref>): ReadonlyMap<string, Evidence> {
  const found = new Map<string, Evidence>();
  const refsFrom = new Set(refs.map((r) => r.from));
  const keyOf = new Map(tables.map((t) => [t.name, new Set(t.key)] as const));
  const inSomeKey = new Set(refs.flatMap((r) => (r.target.kind === 'table' && r.columns.some((c) => keyOf.get(r.from)?.has(c)) ? [r.target.table] : [])));
  for (const t of tables) {
    if (t.kind === 'reference') {
      found.set(t.name, ev('table.reference_override', `${t.name}: kind: reference`));
      continue;
    }
    if (t.kind !== undefined || t.key.length !== 1 || !looksLikeCodeListName(t.name)) continue;
    const code = t.columns.find((c) => c.name === t.key[0])!;
    const described = descriptiveColumns(t);
    // A surrogate id is a code list's key only beside a code column of its own (Northwind's
    // us_states: state_id and state_abbr); alone it is the key of an entity table.
    const codeColumn = isCode(code, t.entity) ? undefined : isSurrogateId(code) ? described.find((c) => isCode(c, t.entity)) : undefined;
    if (!isCode(code, t.entity) && codeColumn === undefined) continue;
    if (described.length > MAX_CODE_LIST_ATTRIBUTES || refsFrom.has(t.name) || inSomeKey.has(t.name) || NOT_FOR_REFERENCE_TABLES.some((k) => t.spec[k] !== undefined)) continue;
    const keyed = codeColumn === undefined ? `keyed by code '${code.name}' (${code.type.kind})` : `keyed by '${code.name}' (${code.type.kind}) beside its code column '${codeColumn.name}'`;
    found.set(t.name, ev('table.code_list', `${t.name}: named like a code list, ${keyed}, ${described.length} descriptive column${described.length === 1 ? '' : 's'}, no references`));
  }
  return found;
}

/**
 * The reference table of each code list, with the columns of other tables that carry its code
 * (references to it: never links). A code list without a key is VLT413, like any keyless table.
 */
export function buildReferenceTables(tables: ReadonlyArray<TableInfo>, refs: ReadonlyArray<Ref>, codeLists: ReadonlyMap<string, Evidence>, diagnostics: PathDiagnostic[]): ReferenceTable[] {
  const result: ReferenceTable[] = [];
  for (const t of tables) {
    const why = codeLists.get(t.name);
    if (why === undefined) continue;
    if (t.kind === 'reference') overrideConflicts(t, refs, codeLists, diagnostics);
    if (t.key.length === 0) {
      diagnostics.push(
        pathDiag(
          'VLT413',
          ['tables', t.name],
          `reference table '${t.name}' has no code column, so it is left out of the vault: declare business_key (or primary_key), or name its code like ${t.entity}_code`,
          {
            target: 'key',
          },
        ),
      );
      continue;
    }
    const usedBy: CodeReference[] = refs.filter((r) => r.target.kind === 'table' && r.target.table === t.name).map((r) => ({ table: r.from, columns: r.columns }));
    const attributes: SourcedColumn[] = descriptiveColumns(t).map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      ...(c.description !== undefined ? { description: c.description } : {}),
      sourceTable: t.name,
      sourceColumn: c.name,
    }));
    result.push({
      kind: 'reference_table',
      name: t.entity,
      codes: t.key.map((k) => {
        const c = t.columns.find((x) => x.name === k)!;
        return { name: c.name, type: c.type, nullable: false, ...(c.description !== undefined ? { description: c.description } : {}) };
      }),
      attributes,
      sensitive: attributes.filter((a) => t.roles.get(a.name) === 'sensitive' || looksSensitive(a.name)).map((a) => a.name),
      source: { table: t.name, columns: t.key },
      ...(t.spec.delta_order !== undefined ? { deltaOrder: t.spec.delta_order } : {}),
      usedBy: [...usedBy].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0)),
      derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
      evidence: [t.keyEvidence!, why, ...(usedBy.length > 0 ? [ev('ref.code_reference', `code carried by ${usedBy.map((u) => `${u.table}(${u.columns.join(', ')})`).join(', ')}`)] : [])],
      origin: ['tables', t.name],
      ...(t.spec.description !== undefined ? { description: t.spec.description } : {}),
    });
  }
  return result.sort(byName);
}

/**
 * VLT406 for what a `kind: reference` table cannot keep: a hub, link or satellite setting, or a
 * reference to a table that is no code list (a reference table has no links, so it would be lost).
 */
function overrideConflicts(t: TableInfo, refs: ReadonlyArray<Ref>, codeLists: ReadonlyMap<string, Evidence>, diagnostics: PathDiagnostic[]): void {
  for (const key of NOT_FOR_REFERENCE_TABLES) {
    if (t.spec[key] !== undefined) {
      diagnostics.push(
        pathDiag(
          'VLT406',
          ['tables', t.name, key],
          `table '${t.name}' is declared kind: reference, a reference table, which has no ${key.replaceAll('_', ' ')}; leave ${key} out, or declare another kind`,
          { target: 'key' },
        ),
      );
    }
  }
  (t.spec.references ?? []).forEach((r, i) => {
    if (codeLists.has(r.table) || !refs.some((x) => x.from === t.name && x.target.kind === 'table' && x.target.table === r.table)) return;
    diagnostics.push(
      pathDiag(
        'VLT406',
        ['tables', t.name, 'references', i],
        `table '${t.name}' is declared kind: reference, a reference table, which keeps no link to '${r.table}'; leave the reference out, or declare the table a hub`,
      ),
    );
  });
}
