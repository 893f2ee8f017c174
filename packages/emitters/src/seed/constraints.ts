/**
 * The constraints of a landing zone, made to hold for seed rows: every foreign key (a spec's
 * references, and those the database declares) points at a row that exists, and no two rows
 * share a primary or unique key the database declares. The planner (rows.ts) already draws each
 * reference from its hub's keys; this pass makes the guarantee hold for what the hub pools do
 * not cover (composite keys, keys of tables without a satellite, new keys of a later batch,
 * targets other than a business key) and puts the tables in an order a database accepts them
 * in: each after the tables it references.
 *
 * Pure and deterministic: a reference that needs a new target draws it from its own stream.
 */
import type { Column } from '@vault/core';
import { rng } from './prng.js';
import type { SeedValue } from './values.js';

/** Where a foreign key's target rows come from. */
export type SeedForeignKeyTarget =
  /** Another landing table of the model (or the same one): the rows seeded into it. */
  | { readonly kind: 'seeded'; readonly table: string }
  /** A table vault does not seed: the target column values it holds, in `targetColumns` order. */
  | { readonly kind: 'existing'; readonly label: string; readonly rows: ReadonlyArray<ReadonlyArray<SeedValue>> };

export interface SeedForeignKey {
  /** The constraint's name, or a label for a spec reference; names the random stream too. */
  readonly name: string;
  /** Columns of the referencing table, paired one by one with `targetColumns`. */
  readonly columns: ReadonlyArray<string>;
  readonly target: SeedForeignKeyTarget;
  readonly targetColumns: ReadonlyArray<string>;
}

export interface SeedTableConstraints {
  readonly foreignKeys?: ReadonlyArray<SeedForeignKey>;
  /** Primary and unique keys: no two rows may share all their values (NULL never clashes). */
  readonly uniqueKeys?: ReadonlyArray<ReadonlyArray<string>>;
}

/** By landing (source) table name. */
export type SeedConstraints = ReadonlyMap<string, SeedTableConstraints>;

export interface ConstrainedTable {
  readonly table: string;
  readonly columns: ReadonlyArray<Column>;
  readonly rows: ReadonlyArray<ReadonlyArray<SeedValue>>;
}

/** How many other targets a repaired reference tries before its row is dropped as a duplicate. */
const ATTEMPTS = 8;

const tupleKey = (values: ReadonlyArray<SeedValue>): string => JSON.stringify(values.map((v) => (v === null ? null : String(v))));

/**
 * The tables in an order that writes every referenced table first (a depth-first walk in the
 * given order, so unrelated tables keep it), and the foreign keys that close a cycle: their
 * target comes after their table.
 */
export function insertOrder(tables: ReadonlyArray<string>, constraints: SeedConstraints): { readonly order: ReadonlyArray<string>; readonly backEdges: ReadonlySet<SeedForeignKey> } {
  const known = new Set(tables);
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const backEdges = new Set<SeedForeignKey>();
  const visit = (t: string): void => {
    state.set(t, 'visiting');
    for (const fk of constraints.get(t)?.foreignKeys ?? []) {
      if (fk.target.kind !== 'seeded' || fk.target.table === t || !known.has(fk.target.table)) continue;
      const s = state.get(fk.target.table);
      if (s === undefined) visit(fk.target.table);
      else if (s === 'visiting') backEdges.add(fk);
    }
    state.set(t, 'done');
    order.push(t);
  };
  for (const t of tables) if (!state.has(t)) visit(t);
  return { order, backEdges };
}

/**
 * The tables with their rows made to satisfy `constraints`, in insert order. A reference whose
 * value has no target row gets the values of a target row drawn at random (from the rows before
 * it, for a table referencing itself, so a chunked insert never points forward), or NULL where
 * every column of the key may be NULL and no target exists. A row that repeats a unique key is
 * dropped. A foreign key that closes a cycle between tables is NULL where it may be; otherwise
 * it is repaired last, and the database must defer that constraint to accept it.
 */
export function constrainTables(tables: ReadonlyArray<ConstrainedTable>, constraints: SeedConstraints, seed: number): ReadonlyArray<ConstrainedTable> {
  const byName = new Map(tables.map((t) => [t.table, t] as const));
  const { order, backEdges } = insertOrder(
    tables.map((t) => t.table),
    constraints,
  );
  const done = new Map<string, ConstrainedTable>();
  const targets = new Map<string, Targets>();
  /** The target tuples of a finished table, computed once per column list. */
  const targetsOf = (fk: SeedForeignKey): Targets => {
    if (fk.target.kind === 'existing') return targetSet(fk.target.rows);
    const key = `${fk.target.table}\u0000${fk.targetColumns.join('\u0000')}`;
    let t = targets.get(key);
    if (t === undefined) {
      const parent = done.get(fk.target.table);
      const at = parent === undefined ? [] : fk.targetColumns.map((c) => parent.columns.findIndex((x) => x.name === c));
      t = targetSet(parent === undefined || at.some((i) => i < 0) ? [] : parent.rows.map((r) => at.map((i) => r[i] ?? null)));
      targets.set(key, t);
    }
    return t;
  };
  for (const name of order) {
    const table = byName.get(name);
    if (table === undefined) continue;
    done.set(name, constrainTable(table, constraints.get(name) ?? {}, backEdges, targetsOf, seed));
  }
  // A cycle's closing key that may not be NULL points at its target's final rows.
  for (const fk of backEdges) {
    const owner = order.find((n) => constraints.get(n)?.foreignKeys?.includes(fk));
    const table = owner === undefined ? undefined : done.get(owner);
    if (table === undefined || allNullable(table, fk)) continue;
    const at = columnIndexes(table, fk.columns);
    const found = targetsOf(fk);
    const rows = table.rows.map((row, i) => {
      const tuple = at.map((c) => row[c] ?? null);
      if (found.list.length === 0 || found.set.has(tupleKey(tuple))) return row;
      const pick = found.list[rng(seed, 'foreign key', table.table, fk.name, i).int(0, found.list.length - 1)] ?? [];
      const out = [...row];
      at.forEach((c, j) => (out[c] = pick[j] ?? null));
      return out;
    });
    done.set(table.table, { ...table, rows });
  }
  return order.flatMap((n) => {
    const t = done.get(n);
    return t === undefined ? [] : [t];
  });
}

interface Targets {
  readonly list: ReadonlyArray<ReadonlyArray<SeedValue>>;
  readonly set: ReadonlySet<string>;
}

/** Distinct tuples without NULL, in first-seen order: a row with a NULL in its key is no target. */
function targetSet(rows: ReadonlyArray<ReadonlyArray<SeedValue>>): Targets {
  const set = new Set<string>();
  const list: Array<ReadonlyArray<SeedValue>> = [];
  for (const r of rows) {
    if (r.some((v) => v === null)) continue;
    const k = tupleKey(r);
    if (set.has(k)) continue;
    set.add(k);
    list.push(r);
  }
  return { list, set };
}

function columnIndexes(table: ConstrainedTable, names: ReadonlyArray<string>): number[] {
  return names.map((n) => {
    const i = table.columns.findIndex((c) => c.name === n);
    if (i < 0) throw new Error(`seed constraint names column ${n}, which landing table ${table.table} does not have`);
    return i;
  });
}

const allNullable = (table: ConstrainedTable, fk: SeedForeignKey): boolean => fk.columns.every((n) => table.columns.find((c) => c.name === n)?.nullable === true);

function constrainTable(
  table: ConstrainedTable,
  constraints: SeedTableConstraints,
  backEdges: ReadonlySet<SeedForeignKey>,
  targetsOf: (fk: SeedForeignKey) => Targets,
  seed: number,
): ConstrainedTable {
  const fks = (constraints.foreignKeys ?? []).map((fk) => ({
    fk,
    at: columnIndexes(table, fk.columns),
    nullable: allNullable(table, fk),
    self: fk.target.kind === 'seeded' && fk.target.table === table.table,
    back: backEdges.has(fk),
  }));
  const uniques = (constraints.uniqueKeys ?? []).map((k) => columnIndexes(table, k));
  if (fks.length === 0 && uniques.length === 0) return table;
  const used = uniques.map(() => new Set<string>());
  const uniqueKeysOf = (row: ReadonlyArray<SeedValue>): Array<string | undefined> =>
    uniques.map((at) => {
      const tuple = at.map((i) => row[i] ?? null);
      return tuple.some((v) => v === null) ? undefined : tupleKey(tuple);
    });
  const clashes = (row: ReadonlyArray<SeedValue>): boolean => uniqueKeysOf(row).some((k, u) => k !== undefined && (used[u]?.has(k) ?? false));
  // Targets of the table's own earlier rows, per self-referencing key.
  const selfTargets = fks.map((f) => (f.self ? { list: [] as Array<ReadonlyArray<SeedValue>>, set: new Set<string>() } : undefined));

  const kept: Array<ReadonlyArray<SeedValue>> = [];
  table.rows.forEach((original, i) => {
    const row = [...original];
    let drop = false;
    for (const [j, f] of fks.entries()) {
      const set = (values: ReadonlyArray<SeedValue> | null): void => f.at.forEach((c, k) => (row[c] = values === null ? null : (values[k] ?? null)));
      const tuple = f.at.map((c) => row[c] ?? null);
      if (f.back) {
        // Repaired once every table is done (constrainTables), or cut here where it may be NULL.
        if (f.nullable) set(null);
        continue;
      }
      if (f.nullable && tuple.every((v) => v === null)) continue;
      const own = selfTargets[j];
      const found = own ?? targetsOf(f.fk);
      if (!tuple.some((v) => v === null) && found.set.has(tupleKey(tuple))) continue;
      if (found.list.length === 0) {
        if (f.nullable) set(null);
        else if (f.self && !f.fk.targetColumns.some((c) => f.fk.columns.includes(c))) {
          // The first row of a table whose key to itself may not be NULL points at itself.
          set(columnIndexes(table, f.fk.targetColumns).map((c) => row[c] ?? null));
        } else drop = true;
        continue;
      }
      const r = rng(seed, 'foreign key', table.table, f.fk.name, i);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        set(found.list[r.int(0, found.list.length - 1)] ?? null);
        if (!clashes(row)) break;
      }
    }
    if (drop || clashes(row)) return;
    uniqueKeysOf(row).forEach((k, u) => {
      if (k !== undefined) used[u]?.add(k);
    });
    fks.forEach((f, j) => {
      const own = selfTargets[j];
      if (own === undefined) return;
      const tuple = columnIndexes(table, f.fk.targetColumns).map((c) => row[c] ?? null);
      const k = tupleKey(tuple);
      if (tuple.some((v) => v === null) || own.set.has(k)) return;
      own.set.add(k);
      own.list.push(tuple);
    });
    kept.push(row);
  });
  return { ...table, rows: kept };
}
