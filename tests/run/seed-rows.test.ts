import { compileSpec, type VaultModel } from '@vault/core';
import { loadSpec } from '@vault/dsl';
import { seedInserts, seedRows, seedTablePlans, type SeedTable, type SeedValue } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';
import { latestByKey, rowsByKey } from './changes.js';

function model(path: string): VaultModel {
  const { model: m, diagnostics } = loadSpec(path);
  if (m === undefined) throw new Error(`${path}: ${diagnostics.map((d) => d.message).join('; ')}`);
  return m;
}

const ews = model('specs/ews.yaml');
const lgd = model('specs/lgd.yaml');

function table(tables: ReadonlyArray<SeedTable>, name: string): SeedTable {
  const t = tables.find((x) => x.table === name);
  if (t === undefined) throw new Error(`no table ${name}`);
  return t;
}

function column(t: SeedTable, name: string): SeedValue[] {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`${t.table} has no column ${name}`);
  return t.rows.map((r) => r[i] ?? null);
}

/** The model with every landing column nullable. */
function withNullableKeys(m: VaultModel): VaultModel {
  return { ...m, sources: m.sources.map((s) => ({ ...s, columns: s.columns.map((c) => ({ ...c, nullable: true })) })) };
}

const present = (xs: ReadonlyArray<SeedValue>): Set<SeedValue> => new Set(xs.filter((x) => x !== null));

describe('seedRows', () => {
  it('is deterministic: the same seed gives the same rows, another seed other rows', () => {
    const a = seedRows(lgd, { rows: 300, seed: 7 });
    expect(seedRows(lgd, { rows: 300, seed: 7 })).toEqual(a);
    expect(JSON.stringify(seedRows(lgd, { rows: 300, seed: 8 }))).not.toBe(JSON.stringify(a));
    expect(a.map((t) => t.table)).toEqual(lgd.sources.map((s) => s.name));
    for (const t of a) expect(t.rows).toHaveLength(300);
  });

  it('draws every reference from the keys of the table it references', () => {
    const tables = seedRows(lgd, { rows: 300, seed: 3 });
    const partners = present(column(table(tables, 'business_partner'), 'business_partner_id'));
    const facilities = present(column(table(tables, 'facility'), 'facility_id'));
    const collateral = present(column(table(tables, 'collateral'), 'collateral_code'));
    const within = (t: string, c: string, keys: Set<SeedValue>): void => {
      const refs = present(column(table(tables, t), c));
      expect(refs.size, `${t}.${c}`).toBeGreaterThan(1);
      for (const v of refs) expect(keys.has(v), `${t}.${c} = ${String(v)}`).toBe(true);
    };
    within('facility', 'business_partner_id', partners);
    within('loss_given_default_score', 'business_partner_id', partners);
    within('loss_given_default_score', 'facility_id', facilities);
    within('facility_collateral', 'facility_id', facilities);
    within('facility_collateral', 'collateral_code', collateral);
  });

  it('shares keys between tables that carry the same hub and no table owns (ews business_partner_id)', () => {
    const tables = seedRows(ews, { rows: 200, seed: 1 });
    const a = present(column(table(tables, 'early_warning_signal'), 'business_partner_id'));
    const b = present(column(table(tables, 'early_warning_signal_input'), 'business_partner_id'));
    expect([...a].filter((x) => b.has(x)).length).toBeGreaterThan(10);
  });

  it('has repeated rows, versions of a key ordered by the delta column, NULL attributes, NULL keys and unicode', () => {
    const t = table(seedRows(ews, { rows: 400, seed: 1, nullKeys: true }), 'early_warning_signal');
    const ids = column(t, 'early_warning_signal_id');
    const updated = column(t, 'updated_at');
    const rows = t.rows.map((r) => JSON.stringify(r));
    expect(new Set(rows).size).toBeLessThan(rows.length); // exact repeats
    const byKey = new Map<SeedValue, number[]>();
    ids.forEach((id, i) => {
      if (id !== null) byKey.set(id, [...(byKey.get(id) ?? []), i]);
    });
    const versioned = [...byKey.values()].filter((is) => new Set(is.map((i) => rows[i])).size > 1);
    expect(versioned.length).toBeGreaterThan(5);
    for (const is of versioned) {
      // Each new version is later than the one before (an exact repeat resends an old one).
      const firsts = is.filter((i, n) => is.findIndex((j) => rows[j] === rows[i]) === n);
      const times = firsts.map((i) => String(updated[i]));
      expect([...times].sort()).toEqual(times);
    }
    expect(ids.filter((x) => x === null).length).toBeGreaterThan(0);
    expect(ids.filter((x) => x === null).length).toBeLessThan(20);
    expect(column(t, 'analyst_comment').filter((x) => x === null).length).toBeGreaterThan(10);
    expect(column(t, 'analyst_comment').some((x) => typeof x === 'string' && /[^\u0000-\u007f]/.test(x))).toBe(true);
    // By default NULL keys only where the spec allows them: ews's keys are NOT NULL.
    expect(column(table(seedRows(ews, { rows: 400, seed: 1 }), 'early_warning_signal'), 'early_warning_signal_id')).not.toContain(null);
    const nullable = seedRows(withNullableKeys(ews), { rows: 400, seed: 1 });
    expect(column(table(nullable, 'early_warning_signal'), 'early_warning_signal_id')).toContain(null);
  });

  it('respects column types: varchar lengths in characters, decimal scale, char length', () => {
    const tables = seedRows(lgd, { rows: 200, seed: 5 });
    const bp = table(tables, 'business_partner');
    for (const v of present(column(bp, 'rating_grade'))) expect(Array.from(String(v)).length).toBeLessThanOrEqual(5);
    for (const v of present(column(bp, 'country_code'))) expect(String(v)).toMatch(/^[A-Z]{2}$/);
    for (const v of present(column(table(tables, 'loss_given_default_score'), 'lgd_rate'))) expect(String(v)).toMatch(/^\d{1,3}\.\d{6}$/);
  });

  it('fits every decimal(p,s), keys and delta orders included, whatever its precision and scale (up to 1000)', () => {
    const { model: m, diagnostics } = compileSpec({
      version: 1,
      model: 'decimals',
      tables: {
        // A rate keyed by itself (no whole digit), a delta order with few whole digits, and scales past 100.
        rates: {
          business_key: ['rate'],
          columns: {
            rate: { type: 'decimal(3,3)', nullable: false },
            seq: 'decimal(6,2)',
            price: 'decimal(5,2)',
            fraction: 'decimal(6,6)',
            fine: 'decimal(1000,999)',
            wide: 'decimal(1000,120)',
          },
          delta_order: 'seq',
        },
        lots: { business_key: ['lot'], columns: { lot: { type: 'decimal(4,1)', nullable: false }, size: 'int' } },
      },
    });
    expect(m, diagnostics.map((d) => d.message).join('; ')).toBeDefined();
    const types = new Map(m!.sources.flatMap((src) => src.columns.map((c) => [`${src.name}.${c.name}`, c.type] as const)));
    for (const batch of [1, 2]) {
      const tables = seedRows(m!, { rows: 1200, seed: 3, batch });
      for (const t of tables) {
        for (const name of t.columns) {
          const type = types.get(`${t.table}.${name}`);
          if (type?.kind !== 'decimal' || type.precision === undefined) continue;
          const scale = type.scale ?? 0;
          for (const v of present(column(t, name))) {
            const [whole = '', fraction = ''] = String(v).replace(/^-/, '').split('.');
            expect(String(v), `${t.table}.${name}`).toMatch(/^-?\d+(\.\d+)?$/);
            expect(fraction.length, `${t.table}.${name} = ${String(v)}`).toBeLessThanOrEqual(scale);
            expect(whole.replace(/^0+/, '').length, `${t.table}.${name} = ${String(v)}`).toBeLessThanOrEqual(type.precision - scale);
          }
        }
      }
      // A key without a whole digit runs 0.001, 0.002, ...: distinct while decimal(3,3) has room (999 values).
      const rates = present(column(table(tables, 'rates'), 'rate'));
      for (const v of rates) expect(String(v)).toMatch(/^0\.\d{3}$/);
      expect(rates.size).toBeGreaterThan(900);
    }
  });

  it('a delta order of a small type (smallint, short text, time, a decimal with few whole digits) puts batch 2 after batch 1', () => {
    const orders = { small: 'smallint', short: 'varchar(4)', fixed: 'char(6)', clock: 'time', tight: 'decimal(6,2)' } as const;
    const { model: m, diagnostics } = compileSpec({
      version: 1,
      model: 'orders',
      tables: Object.fromEntries(
        Object.entries(orders).map(([name, type]) => [name, { business_key: ['id'], columns: { id: { type: 'int', nullable: false }, status: 'text', seq: type }, delta_order: 'seq' }]),
      ),
    });
    expect(m, diagnostics.map((d) => d.message).join('; ')).toBeDefined();
    const [first, second] = [1, 2].map((batch) => seedRows(m!, { rows: 300, seed: 4, batch }));
    for (const [name, type] of Object.entries(orders)) {
      const numeric = type === 'smallint' || type.startsWith('decimal');
      const value = (v: SeedValue): string | number => (numeric ? Number(v) : String(v));
      const before = present(column(table(first!, name), 'seq'));
      const after = [...present(column(table(second!, name), 'seq'))].filter((v) => !before.has(v));
      expect(after.length, name).toBeGreaterThan(0);
      const latest = [...before].map(value).reduce((a, b) => (a > b ? a : b));
      // Batch 2's new versions come after everything batch 1 delivered, as the next delivery's do.
      for (const v of after) expect(value(v) > latest, `${name}: ${String(v)} after ${String(latest)}`).toBe(true);
      // And within batch 1, the versions of a key are in row order: distinct values, in order.
      const sequence = column(table(first!, name), 'seq')
        .filter((v) => v !== null)
        .map(value);
      expect(new Set(sequence).size, name).toBeGreaterThan(sequence.length / 2);
    }
  });

  it('link-satellite tables get distinct key combinations', () => {
    const t = table(seedRows(lgd, { rows: 300, seed: 2 }), 'facility_collateral');
    expect(
      seedTablePlans(lgd)
        .find((p) => p.table === 'facility_collateral')
        ?.keys.map((k) => k.role),
    ).toEqual(['identity', 'identity']);
    const f = column(t, 'facility_id');
    const c = column(t, 'collateral_code');
    const combos = new Map<string, Set<string>>();
    t.rows.forEach((r, i) => {
      if (f[i] === null) return;
      const key = `${String(f[i])}|${String(c[i])}`;
      combos.set(key, new Set([...(combos.get(key) ?? []), JSON.stringify(r)]));
    });
    // No delta order here, so a combination never has two different payloads in one batch.
    for (const payloads of combos.values()) expect(payloads.size).toBe(1);
  });

  it('batch 2: a key repeats its latest version, or comes with new versions only; some keys are new', () => {
    const one = table(seedRows(ews, { rows: 400, seed: 1 }), 'early_warning_signal');
    const two = table(seedRows(ews, { rows: 400, seed: 1, batch: 2 }), 'early_warning_signal');
    const latest = latestByKey(one, 'early_warning_signal_id', 'updated_at');
    let unchanged = 0;
    let changed = 0;
    let fresh = 0;
    for (const [key, rows] of rowsByKey(two, 'early_warning_signal_id')) {
      const last = latest.get(key);
      if (last === undefined) fresh++;
      else if (rows.size === 1 && rows.has(last)) unchanged++;
      else {
        expect(rows.has(last), `key ${String(key)}`).toBe(false);
        changed++;
      }
    }
    // About one key in ten changes, one in twenty is new (SEED_RATES).
    const keys = unchanged + changed + fresh;
    expect(changed / keys).toBeGreaterThan(0.05);
    expect(changed / keys).toBeLessThan(0.15);
    expect(fresh / keys).toBeGreaterThan(0.02);
    expect(fresh / keys).toBeLessThan(0.09);
    expect(seedRows(ews, { rows: 400, seed: 1, batch: 2 })).toEqual(seedRows(ews, { rows: 400, seed: 1, batch: 2 }));
  });

  it('batch 2 of a table without a delta order (lgd business_partner): repeats stay repeats', () => {
    // Its delete flag changes apart from the values (seed-deletes.test.ts): left out here.
    const withoutFlag = (t: SeedTable): SeedTable => {
      const flag = t.columns.indexOf('is_deleted');
      expect(flag).toBeGreaterThanOrEqual(0);
      return { ...t, rows: t.rows.map((r) => r.filter((_, i) => i !== flag)), columns: t.columns.filter((_, i) => i !== flag) };
    };
    const one = withoutFlag(table(seedRows(lgd, { rows: 1000, seed: 1 }), 'business_partner'));
    const two = withoutFlag(table(seedRows(lgd, { rows: 1000, seed: 1, batch: 2 }), 'business_partner'));
    const first = rowsByKey(one, 'business_partner_id');
    let changed = 0;
    for (const [key, rows] of rowsByKey(two, 'business_partner_id')) {
      expect(rows.size, `one state per key in batch 2 (${String(key)})`).toBe(1);
      const before = first.get(key);
      if (before !== undefined && !before.has([...rows][0] ?? '')) changed++;
    }
    expect(changed / first.size).toBeGreaterThan(0.05);
    expect(changed / first.size).toBeLessThan(0.15);
  });
});

describe('seedInserts', () => {
  it('numbers the parameters of multi-row INSERTs and splits big tables', () => {
    const tables = seedRows(ews, { rows: 3, seed: 1 });
    const [first] = seedInserts(ews, tables);
    expect(first?.sql).toMatch(/^INSERT INTO "landing"."early_warning_signal" \("analyst_comment", "business_partner_id", .*\) VALUES \(\$1, \$2, .*\$11\), \(\$12, .*\$33\)$/);
    expect(first?.params).toEqual(table(tables, 'early_warning_signal').rows.flat());
    const big = seedInserts(ews, seedRows(ews, { rows: 1200, seed: 1 }), { batchRows: 500 });
    expect(big.map((i) => i.rows)).toEqual([500, 500, 200, 500, 500, 200]);
    expect(big.every((i) => i.params.length === i.rows * (i.table === 'early_warning_signal' ? 11 : 8))).toBe(true);
  });
});
