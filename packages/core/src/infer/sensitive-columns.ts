/**
 * Why a column of a hub or link is missing from the business vault and the access layer when the
 * raw vault holds it: it is sensitive (rule `sat.sensitive`), kept in a satellite the business
 * vault leaves out so it can be secured apart; or, a column of one of its tables, it is the
 * table's `delta_order` or has `role: technical` or `role: ignore`, and no satellite carries it. A
 * rule or view that names it is still an error, but one that says so, and how to proceed, instead
 * of calling the column unknown.
 */
import type { RawVault } from './layers.js';
import type { LinkSatellite, NonHistorizedLink, Satellite } from '../ir/raw-vault.js';
import { columnSpecObject, type Spec } from '../spec/spec.js';

/**
 * Entity (hub or link) name → the column names it holds, or its tables have, without offering them
 * (sensitive ones; a table's delta order, technical and ignored columns) → the rest of a sentence
 * that starts with the column's name.
 */
export type SensitiveColumns = (entity: string) => ReadonlyMap<string, string>;

const NONE: ReadonlyMap<string, string> = new Map();

/**
 * @example
 * sensitiveColumns(spec, raw)('employee').get('salary')
 * // "of 'employee' is sensitive (rule sat.sensitive: its name looks sensitive): …"
 */
export function sensitiveColumns(spec: Spec, rv: RawVault): SensitiveColumns {
  const byEntity = new Map<string, Map<string, string>>();
  const at = (entity: string): Map<string, string> => {
    let m = byEntity.get(entity);
    if (m === undefined) byEntity.set(entity, (m = new Map()));
    return m;
  };
  const hasRole = (table: string, column: string): boolean => {
    const c = spec.tables[table]?.columns[column];
    return c !== undefined && columnSpecObject(c).role === 'sensitive';
  };
  for (const s of [...rv.satellites, ...rv.linkSatellites]) {
    if (!s.sensitive) continue;
    for (const c of s.payload) if (!at(s.parent).has(c.name)) at(s.parent).set(c.name, satelliteReason(spec, s, c.sourceTable, c.sourceColumn, hasRole));
  }
  // A table's delta order and its technical or ignored columns are in no satellite's payload:
  // naming one is as much a mistake, and the message says what the column is instead of
  // calling a column of the table unknown.
  for (const s of [...rv.satellites, ...rv.linkSatellites]) {
    const table = s.source.table;
    const offered = new Set(s.payload.map((c) => c.name));
    const withhold = (column: string, why: string): void => {
      if (!offered.has(column) && !at(s.parent).has(column)) at(s.parent).set(column, `of table '${table}' ${why}`);
    };
    if (s.deltaOrder !== undefined)
      withhold(
        s.deltaOrder,
        `is its delta_order: it orders the changes of one key and is kept out of every satellite's payload, so the business vault and the access layer do not offer it (the raw satellite '${s.name}' keeps it in its delta_order column)`,
      );
    for (const [column, c] of Object.entries(spec.tables[table]?.columns ?? {})) {
      const role = columnSpecObject(c).role;
      if (role === 'technical') withhold(column, `has role: technical: it is kept out of every satellite's payload, so the business vault and the access layer do not offer it`);
      else if (role === 'ignore') withhold(column, `has role: ignore: it is not loaded`);
    }
  }
  for (const l of rv.nonHistorizedLinks)
    for (const name of l.sensitiveColumns ?? []) {
      const c = l.payload.find((x) => x.name === name);
      if (c !== undefined) at(l.name).set(name, eventReason(l, c.sourceTable, c.sourceColumn, hasRole(c.sourceTable, c.sourceColumn)));
    }
  return (entity) => byEntity.get(entity) ?? NONE;
}

function satelliteReason(spec: Spec, s: Satellite | LinkSatellite, table: string, column: string, hasRole: (table: string, column: string) => boolean): string {
  const held = `it is held in satellite '${s.name}', which the business vault leaves out so it can be secured apart`;
  const head = `of '${s.parent}' is sensitive`;
  if (hasRole(table, column)) return `${head} (role: sensitive on column '${column}' of table '${table}'): ${held}; if it is not sensitive, remove its role: sensitive`;
  const named = spec.tables[table]?.satellites ?? {};
  if (!Object.hasOwn(named, s.name))
    return `${head} (rule sat.sensitive: its name looks sensitive): ${held}; if it is not sensitive, name a satellite for it on table '${table}' (satellites: { <name>: [${column}] }): a satellite the spec names is sensitive only through role: sensitive`;
  // A named satellite is sensitive through another of its columns.
  const marked = s.payload.filter((c) => hasRole(c.sourceTable, c.sourceColumn)).map((c) => `'${c.sourceColumn}'`);
  return `${head}: ${held}, as its column${marked.length === 1 ? '' : 's'} ${marked.join(', ')} ha${marked.length === 1 ? 's' : 've'} role: sensitive; if it is not sensitive, list it in another satellite of table '${table}'`;
}

function eventReason(l: NonHistorizedLink, table: string, column: string, role: boolean): string {
  const why = role ? `role: sensitive on column '${column}' of table '${table}'` : 'rule sat.sensitive: its name looks sensitive';
  return `of '${l.name}' is sensitive (${why}): non-historized link '${l.name}' stores it, and its business link leaves it out so it can be secured apart${role ? '; if it is not sensitive, remove its role: sensitive' : ''}`;
}
