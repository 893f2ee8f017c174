/**
 * What a satellite load should insert for a batch, worked out from the seed rows alone: per key,
 * the distinct rows of the batch that are not the key's latest version from the batch before.
 */
import type { SeedTable, SeedValue } from '@vault/emitters';

const indexOf = (t: SeedTable, column: string): number => {
  const i = t.columns.indexOf(column);
  if (i < 0) throw new Error(`${t.table} has no column ${column}`);
  return i;
};

/** Each key's rows (as JSON, distinct), keys NULL left out. */
export function rowsByKey(t: SeedTable, key: string): Map<SeedValue, Set<string>> {
  const k = indexOf(t, key);
  const out = new Map<SeedValue, Set<string>>();
  for (const r of t.rows) {
    const v = r[k] ?? null;
    if (v === null) continue;
    out.set(v, (out.get(v) ?? new Set()).add(JSON.stringify(r)));
  }
  return out;
}

/** Each key's latest row by the delta-order column (its text sorts as it orders). */
export function latestByKey(t: SeedTable, key: string, deltaOrder: string): Map<SeedValue, string> {
  const d = indexOf(t, deltaOrder);
  const out = new Map<SeedValue, string>();
  for (const [k, rows] of rowsByKey(t, key)) {
    const sorted = [...rows].sort((a, b) => String((JSON.parse(a) as SeedValue[])[d]).localeCompare(String((JSON.parse(b) as SeedValue[])[d])));
    out.set(k, sorted[sorted.length - 1] ?? '');
  }
  return out;
}

/** Rows a satellite load of `next` should insert per key, after `previous` was loaded. */
export function expectedChanges(previous: SeedTable, next: SeedTable, key: string, deltaOrder: string): Map<SeedValue, number> {
  const latest = latestByKey(previous, key, deltaOrder);
  const out = new Map<SeedValue, number>();
  for (const [k, rows] of rowsByKey(next, key)) {
    const last = latest.get(k);
    const n = [...rows].filter((r) => r !== last).length;
    if (n > 0) out.set(k, n);
  }
  return out;
}
