/**
 * A business satellite's lookups in SQL: a left join to the current view of each reference
 * table whose code its columns carry (`LEFT JOIN … AS "r1" ON "r1"."code" = <column>`), and the
 * joined descriptions. A code the reference table lacks keeps its row, with NULL descriptions.
 */
import type { BusinessLinkSatellite, BusinessSatellite } from '@vault/core';
import { entitiesOf } from '@vault/core/internal';
import type { CodeWriter } from '../writer.js';
import type { SqlContext } from './context.js';
import { currentReferenceView } from './reference-tables.js';
import { leftJoin } from './views.js';

const alias = (i: number): string => `r${i + 1}`;

/** The left joins, after the raw satellites' joins; `columnSql` gives a satellite column's expression. */
export function lookupJoins(ctx: SqlContext, w: CodeWriter, sat: BusinessSatellite | BusinessLinkSatellite, columnSql: (name: string) => string): void {
  const { col } = ctx.sql;
  const byName = new Map(entitiesOf(ctx.model, 'reference_table').map((r) => [r.name, r] as const));
  const types = new Map(sat.columns.map((c) => [c.name, c.type] as const));
  (sat.lookups ?? []).forEach((l, i) => {
    const ref = byName.get(l.referenceTable);
    if (ref === undefined) throw new Error(`vault SQL: business satellite '${sat.name}' looks up '${l.referenceTable}', which is not a reference table of the model`);
    const on = ref.codes.map((code, j) => {
      const column = l.codeColumns[j]!;
      const sql = columnSql(column);
      // Compared as the reference table types its code when the satellite types it otherwise.
      const value = types.get(column)?.kind === code.type.kind ? sql : `CAST(${sql} AS ${ctx.dialect.columnType(code.type)})`;
      return `${col(alias(i), code.name)} = ${value}`;
    });
    leftJoin(ctx, w, currentReferenceView(ctx, ref.name), alias(i), on.join(' AND '));
  });
}

/** The joined descriptions, each as its name in the business satellite. */
export function lookupColumns(ctx: SqlContext, sat: BusinessSatellite | BusinessLinkSatellite): ReadonlyArray<string> {
  const { as, col } = ctx.sql;
  return (sat.lookups ?? []).flatMap((l, i) => l.columns.map((c) => as(col(alias(i), c.sourceColumn), c.name)));
}
