/**
 * Test data for the landing tables of a model: deterministic for a seed, and shaped like real
 * feeds so every loader path runs: keys shared between tables, repeated rows, several versions of
 * a key in one batch, NULL attributes, a few NULL keys, unicode text. Batch 2, 3, … of the same
 * seed keep most rows, change some and bring some new keys: what an incremental load sees; a
 * table whose batches are full leaves out some keys, and delete markers mark some (deletes.ts).
 */
import type { Column, VaultModel } from '@vault/core';
import { constrainTables, type SeedConstraints } from './constraints.js';
import { withDeletes } from './deletes.js';
import { planTables, seedHubs, type TablePlan } from './plan.js';
import { rng } from './prng.js';
import { attributeValue, deltaOrderValue, keyValue, type SeedValue } from './values.js';

export type { SeedValue } from './values.js';

export interface SeedOptions {
  /** Rows per landing table. */
  readonly rows: number;
  readonly seed: number;
  /** 1 (default): the first load. 2, 3, …: the same rows with some changed and some new keys, and deletes (deletes.ts). */
  readonly batch?: number;
  /**
   * Put NULL into the business keys of a few rows even where the spec says NOT NULL, for landing
   * zones without constraints. Default false: NULL keys only in key columns the spec lets be
   * NULL (vault's landing tables are NOT NULL where the spec says so).
   */
  readonly nullKeys?: boolean;
  /**
   * Foreign keys, primary and unique keys the rows must satisfy, by landing table: with them the
   * tables come in an order that writes each after the tables it references (constraints.ts).
   */
  readonly constraints?: SeedConstraints;
}

export interface SeedTable {
  /** The landing table (source table) name, unqualified. */
  readonly table: string;
  readonly columns: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<ReadonlyArray<SeedValue>>;
}

/** How often each row shape occurs; batch-independent, so batches line up row by row. */
export const SEED_RATES = {
  nullKey: 0.02,
  duplicate: 0.05,
  version: 0.1,
  nullAttribute: 0.1,
  /** Per batch after the first: a row gets new values, or a new key. */
  change: 0.1,
  newKey: 0.05,
} as const;

type Shape =
  { readonly kind: 'fresh'; readonly index: number } | { readonly kind: 'version'; readonly of: number } | { readonly kind: 'duplicate'; readonly of: number } | { readonly kind: 'null_key' };

/**
 * Rows for every landing table of `model`, in `model.sources` order, or with `constraints` in an
 * order that respects their foreign keys.
 * @example
 * const tables = seedRows(model, { rows: 200, seed: 1 });
 * tables[0] // { table: 'early_warning_signal', columns: ['analyst_comment', …], rows: [[…], …] }
 */
export function seedRows(model: VaultModel, options: SeedOptions): ReadonlyArray<SeedTable> {
  const { rows, seed } = options;
  const batch = options.batch ?? 1;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number >= 0, not ${rows}`);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a whole number >= 1, not ${batch}`);
  const plans = planTables(model);
  const nullKeys = options.nullKeys ?? false;
  const shapes = new Map(plans.map((p) => [p.table, rowShapes(p, rows, seed, nullKeys)] as const));
  const freshCount = (table: string): number => (shapes.get(table) ?? []).filter((s) => s.kind === 'fresh').length;
  // The keys a hub has: those its owning tables enumerate (the fewest, so every reference
  // points at a key all owners carry), or a quarter of the rows when no table owns it.
  const pools = new Map(
    seedHubs(model).map((hub) => {
      const owners = plans.filter((p) => p.keys.some((k) => k.role === 'owned' && k.hub === hub));
      return [hub.name, Math.max(1, owners.length > 0 ? Math.min(...owners.map((p) => freshCount(p.table))) : Math.ceil(rows / 4))] as const;
    }),
  );
  const poolSize = (hub: string): number => pools.get(hub) ?? 1;
  const tables = plans.map((plan) => tableRows(plan, shapes.get(plan.table) ?? [], { seed, batch, rows, poolSize }));
  // Deletes come last: a key left out must be one no reference points at once references are repaired.
  if (options.constraints === undefined || options.constraints.size === 0) return withDeletes(model, tables, { seed, batch });
  const columns = new Map(plans.map((p) => [p.table, p.columns] as const));
  const constrained = constrainTables(
    tables.map((t) => ({ table: t.table, columns: columns.get(t.table) ?? [], rows: t.rows })),
    options.constraints,
    seed,
  ).map((t) => ({ table: t.table, columns: t.columns.map((c) => c.name), rows: t.rows }));
  return withDeletes(model, constrained, { seed, batch, constraints: options.constraints });
}

function rowShapes(plan: TablePlan, rows: number, seed: number, nullKeys: boolean): ReadonlyArray<Shape> {
  const r = rng(seed, 'shape', plan.table);
  const hasIdentity = plan.keys.some((k) => k.role !== 'reference');
  const canNullKeys = plan.keys.length > 0 && (nullKeys || plan.keys.every((k) => k.columns.every((c) => c.nullable)));
  const shapes: Shape[] = [];
  let fresh = 0;
  for (let i = 0; i < rows; i++) {
    const roll = r.next();
    const earlier = i === 0 ? undefined : r.int(0, i - 1);
    let shape: Shape;
    if (earlier === undefined) shape = { kind: 'fresh', index: fresh++ };
    else if (roll < SEED_RATES.nullKey && canNullKeys) shape = { kind: 'null_key' };
    else if (roll < SEED_RATES.nullKey + SEED_RATES.duplicate) shape = { kind: 'duplicate', of: earlier };
    else if (roll < SEED_RATES.nullKey + SEED_RATES.duplicate + SEED_RATES.version && hasIdentity && plan.deltaOrder !== undefined) shape = { kind: 'version', of: earlier };
    else shape = { kind: 'fresh', index: fresh++ };
    shapes.push(shape);
  }
  return shapes;
}

interface Context {
  readonly seed: number;
  readonly batch: number;
  readonly rows: number;
  readonly poolSize: (hub: string) => number;
}

function tableRows(plan: TablePlan, shapes: ReadonlyArray<Shape>, cx: Context): SeedTable {
  const { seed, batch } = cx;
  const at = new Map(plan.columns.map((c, i) => [c.name, i] as const));
  const keyColumns = new Set(plan.keys.flatMap((k) => k.columns.map((c) => c.name)));
  const fresh = shapes.filter((s) => s.kind === 'fresh').length;
  const hasIdentity = plan.keys.some((k) => k.role !== 'reference');
  // The fresh row that brought each row's key; undefined for NULL keys and tables without one.
  const keyRow: Array<number | undefined> = [];
  shapes.forEach((s, i) => keyRow.push(!hasIdentity || s.kind === 'null_key' ? undefined : s.kind === 'fresh' ? i : keyRow[s.of]));
  // The row holding each key's last version (a repeat only copies an earlier row).
  const lastRow = new Map<number, number>();
  keyRow.forEach((f, i) => {
    if (f !== undefined && shapes[i]?.kind !== 'duplicate') lastRow.set(f, i);
  });
  const isNew = (f: number, b: number): boolean => b >= 2 && rng(seed, 'new', plan.table, f, b).chance(SEED_RATES.newKey);
  const changedIn = (x: number, b: number): boolean => rng(seed, 'change', plan.table, x, b).chance(SEED_RATES.change);
  /**
   * Which row's values, of which batch, row `i` carries. A key that changes in this batch gets
   * new values in all its rows (several versions when it has several rows); a key that did not
   * change repeats its latest version, the last row of the batch it last changed in, so a loader
   * that compares with what it holds finds nothing new. Batch 1 is the first delivery: every
   * row its own values.
   */
  const source = (i: number): { readonly row: number; readonly version: number } => {
    const f = keyRow[i];
    if (f === undefined) {
      for (let b = batch; b >= 2; b--) if (changedIn(i, b)) return { row: i, version: b };
      return { row: i, version: 1 };
    }
    if (isNew(f, batch)) return { row: i, version: batch };
    for (let b = batch; b >= 2; b--) {
      if (changedIn(f, b) && !isNew(f, b)) return b === batch ? { row: i, version: b } : { row: lastRow.get(f) ?? i, version: b };
    }
    return batch === 1 ? { row: i, version: 1 } : { row: lastRow.get(f) ?? i, version: 1 };
  };
  const usedCombinations = new Set<string>();
  /** Key indexes of the identity groups of fresh row `i`, the `index`th fresh row (per group, in `plan.keys` order). */
  const identity = (index: number, i: number): ReadonlyArray<number | undefined> => {
    const newKey = isNew(i, batch);
    const ownedIndex = newKey ? fresh + (batch - 2) * cx.rows + index : index;
    const combo = (attempt: number): Array<number | undefined> => {
      const r = rng(seed, 'identity', plan.table, index, newKey ? batch : 1, attempt);
      return plan.keys.map((k) => (k.role === 'owned' ? ownedIndex : k.role === 'identity' ? r.int(0, cx.poolSize(k.hub.name) - 1) : undefined));
    };
    // A multi-active satellite's rows: consecutive rows share a parent key, a set of several rows.
    const perKey = plan.rowsPerKey;
    if (perKey !== undefined) return plan.keys.map((k) => (k.role === 'identity' ? Math.floor(ownedIndex / perKey) % cx.poolSize(k.hub.name) : undefined));
    if (!plan.keys.some((k) => k.role === 'identity')) return combo(0);
    // Link-satellite tables: rows are distinct combinations of hub keys, as their key demands.
    for (let attempt = 0; attempt < 20; attempt++) {
      const c = combo(attempt);
      const id = c.join(',');
      if (!usedCombinations.has(id)) {
        usedCombinations.add(id);
        return c;
      }
    }
    return combo(0);
  };

  const out: Array<ReadonlyArray<SeedValue>> = [];
  shapes.forEach((shape, i) => {
    if (shape.kind === 'duplicate') {
      out.push(out[shape.of] ?? []);
      return;
    }
    const { row: from, version } = source(i);
    const row: SeedValue[] = plan.columns.map(() => null);
    const set = (c: Column, value: SeedValue): void => {
      row[at.get(c.name) ?? -1] = value;
    };
    const payload = rng(seed, 'payload', plan.table, from, version);
    for (const c of plan.columns) {
      if (keyColumns.has(c.name) || c === plan.deltaOrder) continue;
      set(c, c.nullable && payload.chance(SEED_RATES.nullAttribute) ? null : attributeValue(c.type, payload));
    }
    if (plan.deltaOrder !== undefined) set(plan.deltaOrder, deltaOrderValue(plan.deltaOrder.type, version, from, cx.rows));
    const ids = shape.kind === 'fresh' ? identity(shape.index, i) : undefined;
    const refs = rng(seed, 'reference', plan.table, from, version);
    plan.keys.forEach((k, g) => {
      // Named by the hub's key column, so a role-named reference (home_branch_code) carries the
      // very values of the key it references (branch_code).
      const keys = (index: number): void => k.columns.forEach((c, j) => set(c, keyValue(k.hub.businessKeys[j]?.name ?? c.name, c.type, index)));
      const nulls = (): void => k.columns.forEach((c) => set(c, null));
      if (k.role === 'reference') {
        if (shape.kind === 'null_key' || (k.columns.every((c) => c.nullable) && refs.chance(SEED_RATES.nullKey))) nulls();
        else keys(refs.int(0, cx.poolSize(k.hub.name) - 1));
        return;
      }
      if (shape.kind === 'null_key') return nulls();
      if (shape.kind === 'version') {
        const earlier = out[shape.of];
        for (const c of k.columns) set(c, earlier?.[at.get(c.name) ?? -1] ?? null);
        return;
      }
      keys(ids?.[g] ?? 0);
    });
    out.push(row);
  });
  return { table: plan.table, columns: plan.columns.map((c) => c.name), rows: out };
}
