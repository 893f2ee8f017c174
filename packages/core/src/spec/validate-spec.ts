/**
 * Meaning checks on a spec whose shape is already valid (the JSON Schema ran first):
 * names, types, keys and references. Reports every problem, as path diagnostics.
 */
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { closest, withHintBudget } from '../diagnostics/did-you-mean.js';
import { columnTypeParser, printColumnType, TYPE_FAMILY, type ColumnTypeResult } from './column-type.js';
import { checkDeletes } from './validate-deletes.js';
import { checkEntityName, checkIdentifier, checkPlainText, checkSchemaName } from './identifiers.js';
import { checkMultiActive } from './validate-multi-active.js';
import { checkSnapshots } from './validate-snapshots.js';
import { withoutUndefined } from './without-undefined.js';
import { columnSpecObject, isSatelliteObject, satelliteColumns, type ColumnSpec, type Spec, type TableSpec } from './spec.js';

/** What names the entities of the vault, which become classes and enum members in the generated Python. */
const ENTITY_NAMES: ReadonlySet<string> = new Set(['table', 'hub', 'link', 'satellite', 'dimensional model', 'reporting view', 'bridge']);

/** The spec's meaning checks; an optional key set to `undefined` counts as left out. */
export function validateSpec(spec: Spec): PathDiagnostic[] {
  return validateReadSpec(withoutUndefined(spec));
}

/**
 * `validateSpec` of a spec read from text (YAML, JSON, the compact string), which cannot hold an
 * `undefined`: the front ends call this, and skip `withoutUndefined`'s walk of a large spec.
 */
export function validateReadSpec(spec: Spec): PathDiagnostic[] {
  return withHintBudget(() => validateAll(spec));
}

function validateAll(spec: Spec): PathDiagnostic[] {
  const out: PathDiagnostic[] = [];
  const name = (value: string, path: SpecPath, what: string, target: 'key' | 'value' = 'value'): void => {
    const problem = ENTITY_NAMES.has(what) ? checkEntityName(value, what) : checkIdentifier(value, what);
    if (problem !== undefined) out.push(pathDiag(problem.code, path, problem.message, { target }));
  };

  name(spec.model, ['model'], 'model');
  for (const [key, schema] of Object.entries(spec.schemas ?? {})) {
    const problem = checkSchemaName(schema, `${key} schema`);
    if (problem !== undefined) out.push(pathDiag(problem.code, ['schemas', key], problem.message));
  }
  if (spec.record_source !== undefined) {
    const problem = checkPlainText(spec.record_source, 'record_source');
    if (problem !== undefined) out.push(pathDiag(problem.code, ['record_source'], problem.message));
  }
  const tableNames = Object.keys(spec.tables);
  if (tableNames.length === 0) out.push(pathDiag('VLT214', ['tables'], 'the model has no source tables; add at least one under tables:'));
  checkFolded(
    tableNames,
    (n) => ['tables', n],
    'VLT205',
    (n) => `table '${n}'`,
    out,
  );
  const parseType = columnTypeParser();

  for (const [tableName, table] of Object.entries(spec.tables)) {
    name(tableName, ['tables', tableName], 'table', 'key');
    validateTable(spec, tableNames, tableName, table, out, name, parseType);
  }
  validateNamedBlocks(spec, name);
  checkSnapshots(spec, out);
  return out;
}

type NameCheck = (value: string, path: SpecPath, what: string, target?: 'key' | 'value') => void;
type TypeParser = (text: string) => ColumnTypeResult;

function validateTable(spec: Spec, tableNames: ReadonlyArray<string>, tableName: string, table: TableSpec, out: PathDiagnostic[], name: NameCheck, parseType: TypeParser): void {
  const base = ['tables', tableName] as const;
  const columnNames = Object.keys(table.columns);
  if (columnNames.length === 0) out.push(pathDiag('VLT210', [...base, 'columns'], `table '${tableName}' has no columns`));
  checkFolded(
    columnNames,
    (c) => [...base, 'columns', c],
    'VLT206',
    (c) => `column '${c}' of table '${tableName}'`,
    out,
  );

  for (const [columnName, column] of Object.entries(table.columns)) {
    const path = [...base, 'columns', columnName];
    name(columnName, path, 'column', 'key');
    const typePath = typeof column === 'string' ? path : [...path, 'type'];
    const parsed = parseType(columnSpecObject(column).type);
    if (!parsed.ok) out.push(pathDiag(parsed.error.code, typePath, parsed.error.message, { inner: parsed.error.inner }));
  }

  const has = (c: string): boolean => Object.hasOwn(table.columns, c);
  const checkKey = (cols: ReadonlyArray<string>, path: SpecPath, code: 'VLT203' | 'VLT204' | 'VLT212' | 'VLT213', what: string): void => {
    const seen = new Set<string>();
    cols.forEach((c, i) => {
      if (!has(c)) out.push(pathDiag(code, [...path, i], `${what} names column '${c}', which table '${tableName}' does not have${hint(c, columnNames)}`));
      if (seen.has(c)) out.push(pathDiag('VLT218', [...path, i], `column '${c}' appears twice in the ${what}`));
      seen.add(c);
    });
  };
  if (table.business_key) {
    checkKey(table.business_key, [...base, 'business_key'], 'VLT204', 'business key');
    table.business_key.forEach((c, i) => {
      const col = table.columns[c];
      if (col !== undefined && columnSpecObject(col).nullable === true) {
        out.push(pathDiag('VLT219', [...base, 'business_key', i], `business key column '${c}' is declared nullable; rows with a NULL key cannot be loaded into the hub`));
      }
    });
  }
  if (table.primary_key) checkKey(table.primary_key, [...base, 'primary_key'], 'VLT212', 'primary key');
  table.unique_keys?.forEach((k, i) => checkKey(k, [...base, 'unique_keys', i], 'VLT212', 'unique key'));
  if (table.dependent_child_keys) checkKey(table.dependent_child_keys, [...base, 'dependent_child_keys'], 'VLT213', 'dependent child keys');
  if (table.multi_active_key) {
    checkKey(table.multi_active_key, [...base, 'multi_active_key'], 'VLT213', 'multi-active key');
    checkMultiActive(tableName, table, base, out);
  }
  if (table.delta_order !== undefined && !has(table.delta_order)) {
    out.push(pathDiag('VLT213', [...base, 'delta_order'], `delta_order names column '${table.delta_order}', which table '${tableName}' does not have${hint(table.delta_order, columnNames)}`));
  } else if (table.delta_order !== undefined) {
    // Loads sort and compare delta-order values; PostgreSQL's json has no ordering (jsonb has).
    const parsed = parseType(columnSpecObject(table.columns[table.delta_order]!).type);
    if (parsed.ok && parsed.type.kind === 'json') {
      out.push(
        pathDiag(
          'VLT223',
          [...base, 'delta_order'],
          `delta_order names column '${table.delta_order}', a json column, which PostgreSQL cannot sort; order by a timestamp or sequence column (or store it as jsonb)`,
        ),
      );
    }
  }
  checkDuplicates(tableName, table, base, columnNames, parseType, out);
  checkDeletes(tableName, table, base, parseType, out);
  if (table.hub !== undefined) name(table.hub, [...base, 'hub'], 'hub');
  if (table.link !== undefined) name(table.link, [...base, 'link'], 'link');

  const assigned = new Map<string, string>();
  if (table.record_source !== undefined) {
    const problem = checkPlainText(table.record_source, `the record_source of table '${tableName}'`);
    if (problem !== undefined) out.push(pathDiag(problem.code, [...base, 'record_source'], problem.message));
  }
  for (const [satName, entry] of Object.entries(table.satellites ?? {})) {
    name(satName, [...base, 'satellites', satName], 'satellite', 'key');
    const object = isSatelliteObject(entry);
    // parent: names a hub or link inference builds (checked there, VLT408), not a new name.
    satelliteColumns(entry).forEach((c, i) => {
      const path = [...base, 'satellites', satName, ...(object ? ['columns'] : []), i];
      if (!has(c)) out.push(pathDiag('VLT213', path, `satellite '${satName}' names column '${c}', which table '${tableName}' does not have${hint(c, columnNames)}`));
      const previous = assigned.get(c);
      if (previous === satName) out.push(pathDiag('VLT216', path, `column '${c}' is listed twice in satellite '${satName}'; remove the second`));
      else if (previous !== undefined) out.push(pathDiag('VLT216', path, `column '${c}' is assigned to satellite '${previous}' and to satellite '${satName}'; a column belongs to one satellite`));
      else assigned.set(c, satName);
    });
  }

  table.references?.forEach((ref, i) => {
    const path = [...base, 'references', i];
    checkKey(ref.columns, [...path, 'columns'], 'VLT203', 'reference');
    if (ref.role !== undefined) name(ref.role, [...path, 'role'], 'role');
    if (ref.link !== undefined) name(ref.link, [...path, 'link'], 'link');
    const target = spec.tables[ref.table];
    if (target === undefined) {
      out.push(pathDiag('VLT202', [...path, 'table'], `reference to table '${ref.table}', which the spec does not define${hint(ref.table, tableNames)}`));
      return;
    }
    const targetColumns = Object.keys(target.columns);
    ref.target_columns?.forEach((c, j) => {
      if (!Object.hasOwn(target.columns, c)) {
        out.push(pathDiag('VLT215', [...path, 'target_columns', j], `reference target column '${c}' does not exist in table '${ref.table}'${hint(c, targetColumns)}`));
      }
    });
    const targetKey = ref.target_columns ?? target.business_key ?? target.primary_key;
    if (targetKey !== undefined && targetKey.length !== ref.columns.length) {
      out.push(
        pathDiag(
          'VLT211',
          [...path, 'columns'],
          `reference has ${ref.columns.length} column${ref.columns.length === 1 ? '' : 's'} but the key of table '${ref.table}' has ${targetKey.length} (${targetKey.join(', ')})`,
        ),
      );
    } else if (targetKey !== undefined) {
      ref.columns.forEach((c, j) => {
        const from = familyOf(table.columns[c], parseType);
        const to = familyOf(target.columns[targetKey[j]!], parseType);
        if (from !== undefined && to !== undefined && from.family !== to.family) {
          out.push(
            pathDiag('VLT220', [...path, 'columns', j], `reference column '${c}' is ${from.text} but '${targetKey[j]}' of table '${ref.table}' is ${to.text}; their hash keys would never match`),
          );
        }
      });
    }
  });
}

function validateNamedBlocks(spec: Spec, name: NameCheck): void {
  // Rule targets name existing hubs and links (checked by inference, VLT307); they define nothing.
  for (const [entity, rules] of Object.entries(spec.business_vault?.rules ?? {})) {
    for (const attr of Object.keys(rules.derive ?? {})) {
      name(attr, ['business_vault', 'rules', entity, 'derive', attr], 'derived attribute', 'key');
    }
  }
  for (const bridge of Object.keys(spec.business_vault?.bridges ?? {})) {
    name(bridge, ['business_vault', 'bridges', bridge], 'bridge', 'key');
  }
  for (const model of Object.keys(spec.access_layer?.dimensional_models ?? {})) {
    name(model, ['access_layer', 'dimensional_models', model], 'dimensional model', 'key');
  }
  for (const view of Object.keys(spec.access_layer?.reporting_views ?? {})) {
    name(view, ['access_layer', 'reporting_views', view], 'reporting view', 'key');
  }
}

/**
 * `duplicates: { keep_last_by: column }`: the column must exist (VLT213), sort like a delta order
 * (not json, VLT224), stay out of every satellite (it orders rows, like delta_order), and the
 * table must have no delta_order (which keeps every change in order instead of one row, VLT224).
 */
function checkDuplicates(tableName: string, table: TableSpec, base: SpecPath, columnNames: ReadonlyArray<string>, parseType: TypeParser, out: PathDiagnostic[]): void {
  const policy = table.duplicates;
  if (policy === undefined || typeof policy === 'string') return;
  const column = policy.keep_last_by;
  const path = [...base, 'duplicates', 'keep_last_by'];
  if (!Object.hasOwn(table.columns, column)) {
    out.push(pathDiag('VLT213', path, `duplicates keep_last_by names column '${column}', which table '${tableName}' does not have${hint(column, columnNames)}`));
    return;
  }
  if (table.delta_order !== undefined) {
    out.push(
      pathDiag('VLT224', path, `table '${tableName}' has a delta_order, which keeps every change of a key in order; keep_last_by keeps one row per key, for tables without one: use one or the other`),
    );
  }
  const parsed = parseType(columnSpecObject(table.columns[column]!).type);
  if (parsed.ok && parsed.type.kind === 'json') {
    out.push(pathDiag('VLT224', path, `duplicates keep_last_by names column '${column}', a json column, which PostgreSQL cannot sort; order by a timestamp or sequence column (or store it as jsonb)`));
  }
  for (const [satName, cols] of Object.entries(table.satellites ?? {})) {
    if (satelliteColumns(cols).includes(column)) {
      out.push(pathDiag('VLT224', path, `duplicates keep_last_by names column '${column}', which satellite '${satName}' lists; the ordering column is kept out of satellites, like delta_order`));
    }
  }
}

function checkFolded(names: ReadonlyArray<string>, pathOf: (n: string) => SpecPath, code: 'VLT205' | 'VLT206', what: (n: string) => string, out: PathDiagnostic[]): void {
  const first = new Map<string, string>();
  for (const n of names) {
    const folded = n.toLowerCase();
    const previous = first.get(folded);
    if (previous !== undefined) {
      out.push(pathDiag(code, pathOf(n), `${what(n)} differs from '${previous}' only in case; names must be unique ignoring case`, { target: 'key' }));
    } else first.set(folded, n);
  }
}

function familyOf(c: ColumnSpec | undefined, parseType: TypeParser): { family: string; text: string } | undefined {
  if (c === undefined) return undefined;
  const parsed = parseType(columnSpecObject(c).type);
  return parsed.ok ? { family: TYPE_FAMILY[parsed.type.kind], text: printColumnType(parsed.type) } : undefined;
}

function hint(name: string, candidates: ReadonlyArray<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : `; did you mean '${c}'?`;
}
