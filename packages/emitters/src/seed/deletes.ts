/**
 * Deletes in test data, for the tables a status tracking satellite reads: a table whose batches
 * are full leaves out some keys it had, and a delete marker (a flag, or an operation column)
 * marks some keys deleted. A key marked in batch b is never marked in batch b+1, so it comes
 * back: a run records deletes and re-appearances. Read off the compiled model, so a delete
 * marker the compiler inferred (`is_deleted`, `op`) is exercised as much as a declared one.
 *
 * Pure and deterministic: whether a key is marked depends on `seed`, the table, the key's
 * values and the batch only, so every row of a key agrees and batches line up.
 */
import type { DeleteMarker, StatusTrackingSatellite, VaultModel } from '@vault/core';
import { entitiesOf } from '@vault/core/internal';
import type { SeedConstraints } from './constraints.js';
import { rng } from './prng.js';
import type { SeedTable } from './rows.js';
import type { SeedValue } from './values.js';

/** How often a key is drawn to be left out (full batches) or marked deleted (a delete marker), per batch. */
export const DELETE_RATE = 0.05;

/** Operation values of a key present: in batch 1 and after a delete, an insert; otherwise an update. */
const INSERT = 'I';
const UPDATE = 'U';

const TEXT_KINDS: ReadonlySet<string> = new Set(['text', 'varchar', 'char']);

/**
 * Whether `key` is marked in `batch`: drawn in that batch and not marked in the batch before
 * (from `first` on), so a marked key always comes back the next batch.
 */
function marked(seed: number, stream: string, table: string, key: string, batch: number, first: number): boolean {
  let m = false;
  for (let b = first; b <= batch; b++) m = !m && rng(seed, stream, table, key, b).chance(DELETE_RATE);
  return m;
}

const tupleKey = (values: ReadonlyArray<SeedValue>): string => JSON.stringify(values.map((v) => (v === null ? null : String(v))));

interface Options {
  readonly seed: number;
  readonly batch: number;
  readonly constraints?: SeedConstraints | undefined;
}

/**
 * The tables with their delete markers set and, in full batches from batch 2 on, some keys left
 * out; a key that rows of a landing table reference through a foreign key (`constraints`) stays,
 * so the rows keep satisfying it.
 */
export function withDeletes(model: VaultModel, tables: ReadonlyArray<SeedTable>, options: Options): ReadonlyArray<SeedTable> {
  const tracked = new Map<string, StatusTrackingSatellite>(entitiesOf(model, 'status_tracking_satellite').map((s) => [s.source.table, s] as const));
  if (tracked.size === 0) return tables;
  return tables.map((t) => {
    const sts = tracked.get(t.table);
    if (sts === undefined) return t;
    const at = sts.source.columns.map((c) => t.columns.indexOf(c));
    if (at.some((i) => i < 0)) return t;
    const keyOf = (row: ReadonlyArray<SeedValue>): ReadonlyArray<SeedValue> => at.map((i) => row[i] ?? null);
    let rows = t.rows;
    if (sts.deletes !== undefined) rows = markDeletes(model, t, sts.deletes, rows, keyOf, options);
    if (sts.batches === 'full' && options.batch >= 2) {
      const kept = referencedKeys(t, tables, keyOf, options.constraints);
      rows = rows.filter((row) => {
        const key = keyOf(row);
        if (key.some((v) => v === null)) return true;
        const k = tupleKey(key);
        return kept.has(k) || !marked(options.seed, 'left out', t.table, k, options.batch, 2);
      });
    }
    return rows === t.rows ? t : { ...t, rows };
  });
}

function markDeletes(
  model: VaultModel,
  t: SeedTable,
  marker: DeleteMarker,
  rows: ReadonlyArray<ReadonlyArray<SeedValue>>,
  keyOf: (row: ReadonlyArray<SeedValue>) => ReadonlyArray<SeedValue>,
  { seed, batch }: Options,
): ReadonlyArray<ReadonlyArray<SeedValue>> {
  const i = t.columns.indexOf(marker.column);
  const type = model.sources.find((s) => s.name === t.table)?.columns.find((c) => c.name === marker.column)?.type;
  if (i < 0 || type === undefined) return rows;
  const deleted = (row: ReadonlyArray<SeedValue>, b: number): boolean => marked(seed, 'delete marker', t.table, tupleKey(keyOf(row)), b, 1);
  const value = (row: ReadonlyArray<SeedValue>): SeedValue | undefined => {
    if (marker.kind === 'flag') return type.kind === 'boolean' ? deleted(row, batch) : undefined;
    const del = marker.values[0];
    if (!TEXT_KINDS.has(type.kind) || del === undefined) return undefined;
    if (deleted(row, batch)) return del;
    return batch === 1 || deleted(row, batch - 1) ? INSERT : UPDATE;
  };
  return rows.map((row) => {
    const v = value(row);
    if (v === undefined) return row;
    const out = [...row];
    out[i] = v;
    return out;
  });
}

/** Keys of `t` (as `tupleKey`s) that rows of a landing table reference through a foreign key. */
function referencedKeys(
  t: SeedTable,
  tables: ReadonlyArray<SeedTable>,
  keyOf: (row: ReadonlyArray<SeedValue>) => ReadonlyArray<SeedValue>,
  constraints: SeedConstraints | undefined,
): ReadonlySet<string> {
  const out = new Set<string>();
  for (const [name, c] of constraints ?? []) {
    const from = tables.find((x) => x.table === name);
    for (const fk of c.foreignKeys ?? []) {
      if (from === undefined || fk.target.kind !== 'seeded' || fk.target.table !== t.table) continue;
      const refAt = fk.columns.map((col) => from.columns.indexOf(col));
      const targetAt = fk.targetColumns.map((col) => t.columns.indexOf(col));
      if (refAt.some((x) => x < 0) || targetAt.some((x) => x < 0)) continue;
      const references = new Set(from.rows.map((r) => tupleKey(refAt.map((x) => r[x] ?? null))));
      for (const row of t.rows) if (references.has(tupleKey(targetAt.map((x) => row[x] ?? null)))) out.add(tupleKey(keyOf(row)));
    }
  }
  return out;
}
