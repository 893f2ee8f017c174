/**
 * `vault seed` and deletes: a table whose batches are full leaves out some keys from batch 2 on
 * and brings each back the batch after; a delete flag or operation column marks a few keys
 * deleted, others in each batch; a key other rows reference through a foreign key is never left
 * out.
 */
import type { DeleteMarker, VaultModel } from '@vault/core';
import { loadSpec } from '@vault/dsl';
import { seedRows, type SeedConstraints, type SeedTable, type SeedValue } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';

const { model: loaded, diagnostics } = loadSpec('specs/lgd.yaml');
if (loaded === undefined) throw new Error(diagnostics.map((d) => d.message).join('; '));
const lgd: VaultModel = loaded;

/** lgd with the status tracking satellite of `table` changed. */
function tracked(table: string, change: { readonly batches?: 'full' | 'delta'; readonly deletes?: DeleteMarker }): VaultModel {
  const sts = lgd.byKind.status_tracking_satellite.map((s) => (s.source.table === table ? { ...s, ...change } : s));
  expect(sts).not.toEqual(lgd.byKind.status_tracking_satellite);
  return { ...lgd, byKind: { ...lgd.byKind, status_tracking_satellite: sts } };
}

function table(tables: ReadonlyArray<SeedTable>, name: string): SeedTable {
  const t = tables.find((x) => x.table === name);
  if (t === undefined) throw new Error(`no table ${name}`);
  return t;
}

/** Each row's values of `columns`, as one string. */
function keys(t: SeedTable, columns: ReadonlyArray<string>): string[] {
  const at = columns.map((c) => t.columns.indexOf(c));
  expect(at.every((i) => i >= 0)).toBe(true);
  return t.rows.map((r) => JSON.stringify(at.map((i) => r[i] ?? null)));
}

const PLEDGE = ['facility_id', 'collateral_code'];
const ROWS = 1000;

describe('seedRows and deletes', () => {
  const delta = tracked('facility_collateral', { batches: 'delta' });
  const pledges = (m: VaultModel, batch: number, constraints?: SeedConstraints): SeedTable =>
    table(seedRows(m, { rows: ROWS, seed: 1, batch, ...(constraints ? { constraints } : {}) }), 'facility_collateral');

  it('a full batch leaves out about one key in twenty from batch 2 on, and brings each back the batch after', () => {
    expect(pledges(lgd, 1)).toEqual(pledges(delta, 1));
    const leftOut: Array<Set<string>> = [];
    for (const batch of [2, 3, 4]) {
      const all = pledges(delta, batch);
      const full = pledges(lgd, batch);
      const kept = new Set(keys(full, PLEDGE));
      // The full batch is the delta batch without the rows of some keys: every row of a key or none.
      expect(full.rows).toEqual(all.rows.filter((_, i) => kept.has(keys(all, PLEDGE)[i] ?? '')));
      const gone = new Set(keys(all, PLEDGE).filter((k) => !kept.has(k)));
      const share = gone.size / new Set(keys(all, PLEDGE)).size;
      expect(share, `batch ${batch}`).toBeGreaterThan(0.02);
      expect(share, `batch ${batch}`).toBeLessThan(0.09);
      leftOut.push(gone);
    }
    // A key left out in batch b is back in batch b+1 wherever the delta batch has it.
    for (const [i, gone] of leftOut.slice(0, -1).entries()) {
      const next = new Set(keys(pledges(lgd, i + 3), PLEDGE));
      const nextAll = new Set(keys(pledges(delta, i + 3), PLEDGE));
      const back = [...gone].filter((k) => nextAll.has(k));
      expect(back.length).toBeGreaterThan(10);
      for (const k of back) expect(next.has(k), `${k} in batch ${i + 3}`).toBe(true);
    }
  });

  it('never leaves out a key that rows of a landing table reference through a foreign key', () => {
    const constraints: SeedConstraints = new Map([
      ['loss_given_default_score', { foreignKeys: [{ name: 'score_pledge', columns: ['facility_id'], target: { kind: 'seeded', table: 'facility_collateral' }, targetColumns: ['facility_id'] }] }],
    ]);
    for (const batch of [2, 3]) {
      const tables = seedRows(lgd, { rows: ROWS, seed: 1, batch, constraints });
      const full = table(tables, 'facility_collateral');
      const facilities = new Set(keys(full, ['facility_id']));
      for (const k of keys(table(tables, 'loss_given_default_score'), ['facility_id'])) expect(facilities.has(k), k).toBe(true);
      // Keys nobody references are still left out.
      const all = table(seedRows(delta, { rows: ROWS, seed: 1, batch, constraints }), 'facility_collateral');
      expect(full.rows.length).toBeLessThan(all.rows.length);
    }
  });

  const partners = (m: VaultModel, batch: number): SeedTable => table(seedRows(m, { rows: ROWS, seed: 1, batch }), 'business_partner');
  /** Each partner's marker value in a batch; every row of a partner has the same. */
  function markers(t: SeedTable, column: string): Map<SeedValue, SeedValue> {
    const [id, marker] = ['business_partner_id', column].map((c) => t.columns.indexOf(c));
    const out = new Map<SeedValue, SeedValue>();
    for (const r of t.rows) {
      const k = r[id!] ?? null;
      const v = r[marker!] ?? null;
      if (out.has(k)) expect(out.get(k), `partner ${String(k)}`).toBe(v);
      out.set(k, v);
    }
    return out;
  }

  it('a delete flag (lgd business_partner.is_deleted, inferred) is true for about one key in twenty, others in each batch', () => {
    expect(lgd.byKind.status_tracking_satellite.find((s) => s.source.table === 'business_partner')?.deletes).toEqual({ kind: 'flag', column: 'is_deleted' });
    const batches = [1, 2, 3].map((b) => markers(partners(lgd, b), 'is_deleted'));
    for (const flags of batches) {
      const share = [...flags.values()].filter((v) => v === true).length / flags.size;
      expect(share).toBeGreaterThan(0.02);
      expect(share).toBeLessThan(0.09);
      expect([...flags.values()].every((v) => typeof v === 'boolean')).toBe(true);
    }
    for (const [b, before] of batches.slice(0, -1).entries()) {
      const after = batches[b + 1] ?? new Map<SeedValue, SeedValue>();
      const both = [...before.keys()].filter((k) => after.has(k));
      // A key flagged in one batch is unflagged in the next: it comes back.
      const back = both.filter((k) => before.get(k) === true);
      expect(back.length).toBeGreaterThan(10);
      for (const k of back) expect(after.get(k), `partner ${String(k)}`).toBe(false);
      expect(both.filter((k) => before.get(k) === false && after.get(k) === true).length).toBeGreaterThan(10);
    }
  });

  it("an operation column holds 'I' in batch 1 and after a delete, 'U' otherwise, and the first delete value for a few keys", () => {
    const m = tracked('business_partner', { deletes: { kind: 'operation', column: 'partner_type', values: ['D', 'X'] } });
    const [one, two] = [1, 2].map((b) => markers(partners(m, b), 'partner_type'));
    const count = (ops: Map<SeedValue, SeedValue>, v: string): number => [...ops.values()].filter((x) => x === v).length;
    expect(count(one!, 'U')).toBe(0);
    expect(count(one!, 'D') / one!.size).toBeGreaterThan(0.02);
    expect(count(one!, 'D') / one!.size).toBeLessThan(0.09);
    expect(count(one!, 'I')).toBe(one!.size - count(one!, 'D'));
    expect(count(two!, 'X')).toBe(0);
    for (const [k, op] of two!) {
      const before = one!.get(k);
      if (before === 'D') expect(op, `partner ${String(k)}`).toBe('I');
      else if (op !== 'D') expect(op, `partner ${String(k)}`).toBe('U');
    }
    expect(count(two!, 'D')).toBeGreaterThan(10);
    // The flag's draws are the operation's: the same keys are deleted.
    const flags = markers(partners(lgd, 2), 'is_deleted');
    expect(new Set([...two!].filter(([, v]) => v === 'D').map(([k]) => k))).toEqual(new Set([...flags].filter(([, v]) => v === true).map(([k]) => k)));
  });
});
