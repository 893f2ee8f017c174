/**
 * Why a column of a hub or link is missing from the business vault and the access layer when the
 * raw vault holds it: it is sensitive (rule `sat.sensitive`), kept in a satellite the business
 * vault leaves out so it can be secured apart. A rule or view that names it is still an error,
 * but one that says so, and how to proceed, instead of calling the column unknown.
 */
import type { RawVault } from './layers.js';
import type { LinkSatellite, NonHistorizedLink, Satellite } from '../ir/raw-vault.js';
import { columnSpecObject, type Spec } from '../spec/spec.js';

/** Entity (hub or link) name → its sensitive column names → the rest of a sentence that starts with the column's name. */
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
