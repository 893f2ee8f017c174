/**
 * Reference tables in the business vault: a business satellite whose columns carry a
 * reference table's code gets the code's current descriptions joined in (a lookup).
 *
 * Naming, predictable and collision-free: an attribute that already starts with the reference
 * table's name keeps its name (`currency_name`); one that starts with the last word of that
 * name has that word replaced by the name (`us_state` + `state_name` → `us_state_name`); any
 * other is prefixed with the name (`us_state` + `abbr` → `us_state_abbr`). When one entity carries the same reference table's code in
 * several columns (`billing_country_code`, `shipping_country_code`), every name is prefixed
 * with the code columns instead (`billing_country_code_country_name`). A name still taken by a
 * column of the entity is VLT420 and that description is not joined. Sensitive descriptions
 * (`role: sensitive`, or named so) are never joined.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { BusinessColumn, Lookup, LookupColumn } from '../ir/business-vault.js';
import type { Column } from '../ir/common.js';
import type { LinkSatellite, ReferenceTable, Satellite } from '../ir/raw-vault.js';

/**
 * The lookups of one business satellite: for each reference table whose code columns (in the
 * tables that carry it) reach the satellite's columns, the joined descriptions.
 */
export function lookupsOf(
  sats: ReadonlyArray<Satellite | LinkSatellite>,
  columns: ReadonlyArray<BusinessColumn>,
  taken: ReadonlyArray<Column>,
  referenceTables: ReadonlyArray<ReferenceTable>,
  diagnostics: PathDiagnostic[],
): Lookup[] {
  // Which business column holds a source table's column.
  const satByName = new Map(sats.map((s) => [s.name, s] as const));
  const columnOf = new Map<string, string>();
  for (const c of columns) {
    const sat = satByName.get(c.satellite);
    const p = sat?.payload.find((x) => x.name === c.sourceColumn);
    if (p !== undefined) columnOf.set(`${p.sourceTable}\u0000${p.sourceColumn}`, c.name);
  }
  const found: Array<{ rt: ReferenceTable; codeColumns: string[] }> = [];
  for (const rt of referenceTables) {
    for (const u of rt.usedBy) {
      const codeColumns = u.columns.map((c) => columnOf.get(`${u.table}\u0000${c}`));
      if (codeColumns.every((c) => c !== undefined)) found.push({ rt, codeColumns: codeColumns as string[] });
    }
  }
  const uses = new Map<string, number>();
  for (const f of found) uses.set(f.rt.name, (uses.get(f.rt.name) ?? 0) + 1);
  const names = new Set(taken.map((c) => c.name.toLowerCase()));
  const lookups: Lookup[] = [];
  for (const { rt, codeColumns } of found) {
    const joined: LookupColumn[] = [];
    const sensitive = new Set(rt.sensitive);
    for (const a of rt.attributes) {
      // A sensitive description stays in the reference table, as sensitive satellites stay out of the business vault.
      if (sensitive.has(a.name)) continue;
      const name = (uses.get(rt.name) ?? 0) > 1 ? `${codeColumns.join('_')}_${a.name}` : joinedName(rt.name, a.name);
      if (names.has(name.toLowerCase())) {
        diagnostics.push(
          pathDiag(
            'VLT420',
            rt.origin,
            `description '${a.name}' of reference table '${rt.name}' would be joined as '${name}', a column that '${sats[0]?.parent ?? rt.name}' already has; it is not joined (rename one of them)`,
          ),
        );
        continue;
      }
      names.add(name.toLowerCase());
      joined.push({ name, type: a.type, nullable: true, sourceColumn: a.name, ...(a.description !== undefined ? { description: a.description } : {}) });
    }
    if (joined.length > 0) lookups.push({ referenceTable: rt.name, codeColumns, columns: joined });
  }
  return lookups;
}

/**
 * The name of a joined description when the entity carries the code once.
 * @example joinedName('currency', 'currency_name') // 'currency_name'
 * @example joinedName('us_state', 'state_name')    // 'us_state_name'
 * @example joinedName('us_state', 'abbr')          // 'us_state_abbr'
 */
export function joinedName(referenceTable: string, attribute: string): string {
  const lower = attribute.toLowerCase();
  if (lower.startsWith(`${referenceTable.toLowerCase()}_`)) return attribute;
  const stem = referenceTable.split('_').pop()!.toLowerCase();
  if (stem !== referenceTable.toLowerCase() && lower.startsWith(`${stem}_`)) return `${referenceTable}_${attribute.slice(stem.length + 1)}`;
  return `${referenceTable}_${attribute}`;
}
