/**
 * What the generated rows must satisfy, from the spec and from the database: the references the
 * spec declares, and for landing tables that already exist their foreign keys, primary and
 * unique keys, column types and NOT NULL. The rows are generated for the model as the existing
 * tables really are, so they fit them.
 */
import type { Column, Spec, VaultModel } from '@vault/core';
import { entitiesOf } from '@vault/core/internal';
import type { SeedConstraints, SeedForeignKey, SeedTableConstraints } from '@vault/emitters/internal';
import { compareTypes } from '../landing/types.js';
import { seedableType, type SeedTarget } from './judge.js';
import { outsideKey, type LandingState } from './inspect.js';

/**
 * The model with each existing landing table's columns typed and NULL-able as the database has
 * them. A column of a type the spec has no word for (an array, an enum) is left out, so the
 * seed writes no value there (NULL, or its default), unless it carries a key; a generated column
 * is left out always, since the database computes it.
 */
export function modelAsInDatabase(model: VaultModel, targets: ReadonlyArray<SeedTarget>, state: LandingState): VaultModel {
  const byName = new Map(targets.map((t) => [t.source, t] as const));
  const keyColumns = new Set([
    ...[...entitiesOf(model, 'hub'), ...entitiesOf(model, 'link'), ...entitiesOf(model, 'non_historized_link')].flatMap((e) => e.sources.flatMap((s) => s.columns.map((c) => `${s.table}.${c}`))),
    ...[...entitiesOf(model, 'satellite'), ...entitiesOf(model, 'link_satellite')].flatMap((s) => (s.deltaOrder !== undefined ? [`${s.source.table}.${s.deltaOrder}`] : [])),
  ]);
  return {
    ...model,
    sources: model.sources.map((s) => {
      const found = state.existing.get(byName.get(s.name)?.name ?? '');
      if (found === undefined) return s;
      const db = new Map(found.catalog.columns.map((c) => [c.name, c] as const));
      return {
        ...s,
        columns: s.columns.flatMap((c): Column[] => {
          const d = db.get(c.name);
          if (d === undefined) return [c];
          // The database computes a generated column; it refuses any value for it.
          if (found.generated.has(c.name)) return [];
          const type = seedableType(d);
          if (type === undefined && !keyColumns.has(`${s.name}.${c.name}`)) return [];
          return [
            {
              ...c,
              ...(type !== undefined && compareTypes(c.type, type) !== 'incompatible' ? { type } : {}),
              nullable: c.nullable && !d.notNull,
            },
          ];
        }),
      };
    }),
  };
}

/**
 * The constraints of every landing table, by source table name: the spec's references (a
 * target's key as inference chose it unless `target_columns` says otherwise), and where the
 * table exists, the database's foreign keys (those to a table vault seed does not write point at
 * the rows it holds), primary and unique keys. A key over a column the spec does not have is
 * left out: vault seed writes no value there.
 */
export function seedConstraints(spec: Spec, keys: ReadonlyMap<string, ReadonlyArray<string>>, targets: ReadonlyArray<SeedTarget>, state: LandingState, landingSchema: string): SeedConstraints {
  const sourceOf = new Map(targets.map((t) => [t.name, t.source] as const));
  const written = new Map(targets.map((t) => [t.source, new Set(t.columns.map((c) => c.name))] as const));
  const writes = (source: string, columns: ReadonlyArray<string>): boolean => columns.every((c) => written.get(source)?.has(c) === true);
  const out = new Map<string, SeedTableConstraints>();
  for (const t of targets) {
    const has = (columns: ReadonlyArray<string>): boolean => writes(t.source, columns);
    const foreignKeys: SeedForeignKey[] = [];
    const uniqueKeys: Array<ReadonlyArray<string>> = [];
    const found = state.existing.get(t.name);
    for (const fk of found?.catalog.foreignKeys ?? []) {
      if (!has(fk.columns)) continue;
      const seeded = fk.targetSchema === landingSchema ? sourceOf.get(fk.targetTable) : undefined;
      if (seeded !== undefined) {
        // A target column vault seed does not write gets its values from the database: nothing to match here.
        if (!writes(seeded, fk.targetColumns)) continue;
        foreignKeys.push({ name: fk.name, columns: fk.columns, target: { kind: 'seeded', table: seeded }, targetColumns: fk.targetColumns });
      } else {
        const rows = state.outside.get(outsideKey(fk)) ?? [];
        foreignKeys.push({ name: fk.name, columns: fk.columns, target: { kind: 'existing', label: `${fk.targetSchema}.${fk.targetTable}`, rows }, targetColumns: fk.targetColumns });
      }
    }
    for (const [i, r] of (spec.tables[t.source]?.references ?? []).entries()) {
      const targetColumns = r.target_columns ?? keys.get(r.table) ?? [];
      if (targetColumns.length !== r.columns.length || !has(r.columns) || !writes(r.table, targetColumns)) continue;
      const same = foreignKeys.some((k) => k.target.kind === 'seeded' && k.target.table === r.table && k.columns.length === r.columns.length && r.columns.every((c) => k.columns.includes(c)));
      if (!same) foreignKeys.push({ name: `references[${i}]`, columns: r.columns, target: { kind: 'seeded', table: r.table }, targetColumns });
    }
    if (found !== undefined) {
      for (const k of [...(found.catalog.primaryKey !== undefined ? [found.catalog.primaryKey] : []), ...found.catalog.uniqueKeys]) {
        if (has(k.columns)) uniqueKeys.push(k.columns);
      }
    }
    if (foreignKeys.length > 0 || uniqueKeys.length > 0) out.set(t.source, { foreignKeys, uniqueKeys });
  }
  return out;
}
