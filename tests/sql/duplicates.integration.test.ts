/**
 * Duplicate keys inside one batch against a real database (docs/sql.md, "Duplicate keys"): per
 * policy, over two batches and a rerun, what the satellites hold, what the count says and what
 * `vault_duplicates` receives. A snapshot table (no delta order) and a CDC table (with one).
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type DuplicatesSpec, type Spec, type VaultModel } from '@vault/core';
import { DUPLICATES_COLUMNS, bindParameters, emitSql, validateSql, duplicatesTable, entityTable, landingTables, postgresDialect, quoteIdent, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';
import { referenceHash } from './reference-hash.js';

const db = fileDatabase();

/** Customers arrive as snapshots (`seq` orders them, kept out of the payload); events as CDC rows ordered by `changed_at`. */
function spec(customers: DuplicatesSpec | undefined, events: DuplicatesSpec | undefined): Spec {
  return {
    version: 1,
    model: 'dups',
    tables: {
      customers: {
        business_key: ['customer_id'],
        columns: { customer_id: { type: 'text', nullable: false }, name: 'text', seq: { type: 'int', role: 'technical' } },
        ...(customers === undefined ? {} : { duplicates: customers }),
      },
      events: {
        business_key: ['event_id'],
        columns: { event_id: { type: 'text', nullable: false }, status: 'text', changed_at: 'int' },
        delta_order: 'changed_at',
        ...(events === undefined ? {} : { duplicates: events }),
      },
    },
  };
}

type Customer = { customer_id: string; name: string; seq: number | null };
type Event = { event_id: string; status: string; changed_at: number | null };
interface Batch {
  readonly customers: ReadonlyArray<Customer>;
  readonly events: ReadonlyArray<Event>;
}

const hk = (id: string): string => referenceHash('md5', [id], false);
const hd = (payload: string): string => referenceHash('md5', [payload], true);
/** Of several payloads, the one with the smallest hashdiff: what `report` keeps. */
const smallest = (...payloads: string[]): string => [...payloads].sort((a, b) => (hd(a) < hd(b) ? -1 : hd(a) > hd(b) ? 1 : 0))[0]!;
const others = (...payloads: string[]): string[] => payloads.filter((p) => p !== smallest(...payloads));

interface Setup {
  readonly model: VaultModel;
  readonly sat: (name: string) => string;
}

async function setUp(s: Spec): Promise<Setup> {
  const { model: compiled, diagnostics } = compileSpec(s);
  if (compiled === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const model: VaultModel = db.inNewSchemas(compiled, 'd');
  for (const st of sqlPlan(model).setup) await db.query(st.sql);
  return { model, sat: (name) => tableIdent(entityTable({ model, dialect: postgresDialect }, 'satellite', name)) };
}

async function tearDown(s: Setup): Promise<void> {
  await dropSchemas(db, s.model);
}

async function land(s: Setup, batch: Batch): Promise<void> {
  const tables = new Map(landingTables(s.model).map((t) => [t.source, t.sql]));
  for (const [source, rows] of [
    ['customers', batch.customers],
    ['events', batch.events],
  ] as const) {
    await db.query(`DELETE FROM ${tables.get(source)!}`);
    for (const row of rows) {
      const entries = Object.entries(row);
      await db.query(
        `INSERT INTO ${tables.get(source)!} (${entries.map(([c]) => quoteIdent(c)).join(', ')}) VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})`,
        entries.map(([, v]) => v),
      );
    }
  }
}

interface Counted {
  readonly keys: number;
  readonly example: string | null;
}

/** Runs every load as `vault run` does (count, load, route, one transaction each); each satellite's count and rows routed. */
async function load(s: Setup, ts: string): Promise<{ counts: Map<string, Counted>; routed: Map<string, number> }> {
  const counts = new Map<string, Counted>();
  const routed = new Map<string, number>();
  for (const l of sqlPlan(s.model).loads) {
    await db.query('BEGIN');
    if (l.duplicates !== undefined) {
      const r = (await db.query<Record<string, unknown>>(l.duplicates.count.sql)).rows[0]!;
      counts.set(l.entity, { keys: Number(r[DUPLICATES_COLUMNS.count]), example: (r[DUPLICATES_COLUMNS.example] as string | null) ?? null });
    }
    for (const st of l.statements) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
    const route = l.duplicates?.route;
    if (route !== undefined) {
      const before = await errorRows(s);
      await db.query(route.sql, bindParameters(route, { load_ts: ts }));
      routed.set(l.entity, (await errorRows(s)).length - before.length);
    }
    await db.query('COMMIT');
  }
  return { counts, routed };
}

/** A satellite's rows as (key, payload), in key then load_ts order. */
async function satRows(s: Setup, name: string, column: string): Promise<Array<[string, string]>> {
  const key = quoteIdent(s.model.byKind.satellite.find((x) => x.name === name)!.parentHashKey);
  const rows = await db.query<{ hk: string; v: string }>(`SELECT ${key} AS hk, ${quoteIdent(column)} AS v FROM ${s.sat(name)} WHERE ${key} <> '${'0'.repeat(32)}' ORDER BY 1, load_ts`);
  return rows.rows.map((r) => [r.hk, r.v]);
}

async function errorRows(s: Setup): Promise<Array<{ entity: string; parent_hash_key: string; delta_order: string | null; business_key: string; payload: Record<string, unknown> }>> {
  const t = tableIdent(duplicatesTable(postgresDialect, s.model.schemas.rawVault));
  const exists = (await db.query<{ r: string | null }>(`SELECT to_regclass($1)::text AS r`, [t])).rows[0]?.r;
  if (exists === null || exists === undefined) return [];
  return (
    await db.query<{ entity: string; parent_hash_key: string; delta_order: string | null; business_key: string; payload: Record<string, unknown> }>(
      `SELECT entity, parent_hash_key, delta_order, business_key, payload FROM ${t} ORDER BY entity, parent_hash_key, hashdiff`,
    )
  ).rows;
}

const c = (customer_id: string, name: string, seq: number | null): Customer => ({ customer_id, name, seq });
const e = (event_id: string, status: string, changed_at: number | null): Event => ({ event_id, status, changed_at });

/**
 * C1 has two payloads (seq 1 and 2), C2 one payload twice (not a duplicate), C3 three payloads of
 * which two tie on the greatest seq, C4 one row. E1 two real changes, E2 two payloads at one
 * delta order, E3 two payloads at a NULL delta order.
 */
const BATCH_1: Batch = {
  customers: [c('C1', 'Bob', 1), c('C1', 'Adam', 2), c('C2', 'Cy', 1), c('C2', 'Cy', 2), c('C3', 'Dee', 5), c('C3', 'Eve', 5), c('C3', 'Fay', 3), c('C4', 'Gus', null)],
  events: [e('E1', 'open', 1), e('E1', 'closed', 2), e('E2', 'open', 1), e('E2', 'held', 1), e('E3', 'x', null), e('E3', 'y', null)],
};
/** C1 settles on Adam, C5 arrives with two payloads; E2's duplicate is delivered again, E4 is new. */
const BATCH_2: Batch = {
  customers: [c('C1', 'Adam', 3), c('C5', 'Hal', 1), c('C5', 'Ida', 1)],
  events: [e('E2', 'open', 1), e('E2', 'held', 1), e('E4', 'new', 7)],
};

const sorted = (rows: Array<[string, string]>): Array<[string, string]> => [...rows].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));

describe(`duplicate keys in one batch (${process.env.VAULT_TEST_DATABASE_URL ? 'server' : 'PGlite'})`, () => {
  it('report: keeps the smallest hashdiff per key (every payload of one delta order, in hashdiff order), counts keys with two payloads; a rerun adds nothing', async () => {
    const s = await setUp(spec(undefined, undefined));
    try {
      await land(s, BATCH_1);
      const first = await load(s, '2024-01-01T00:00:00Z');
      expect(first.counts.get('customers')).toEqual({ keys: 2, example: 'customer_id=C1' });
      expect(first.counts.get('events')).toEqual({ keys: 2, example: 'event_id=E2' });
      expect(first.routed.size).toBe(0);
      expect(sorted(await satRows(s, 'customers', 'name'))).toEqual(
        sorted([
          [hk('C1'), smallest('Bob', 'Adam')],
          [hk('C2'), 'Cy'],
          [hk('C3'), smallest('Dee', 'Eve', 'Fay')],
          [hk('C4'), 'Gus'],
        ]),
      );
      // With a delta order both payloads of one delta-order value are stored, as before: counted, not resolved.
      const events = await satRows(s, 'events', 'status');
      expect(events.filter(([k]) => k === hk('E2')).map(([, v]) => v)).toEqual([smallest('open', 'held'), ...others('open', 'held')]);
      expect(events).toHaveLength(6);
      const before = [await satRows(s, 'customers', 'name'), events];
      await load(s, '2024-01-02T00:00:00Z');
      expect([await satRows(s, 'customers', 'name'), await satRows(s, 'events', 'status')]).toEqual(before);
      await land(s, BATCH_2);
      const second = await load(s, '2024-01-03T00:00:00Z');
      expect(second.counts.get('customers')).toEqual({ keys: 1, example: 'customer_id=C5' });
      expect(second.counts.get('events')).toEqual({ keys: 1, example: 'event_id=E2' });
    } finally {
      await tearDown(s);
    }
  });

  it('keep_last_by: keeps the row with the greatest value of the column; only ties there count', async () => {
    const s = await setUp(spec({ keep_last_by: 'seq' }, undefined));
    try {
      expect(s.model.byKind.satellite.find((x) => x.name === 'customers')!.payload.map((p) => p.name)).toEqual(['name']);
      await land(s, BATCH_1);
      const first = await load(s, '2024-01-01T00:00:00Z');
      expect(first.counts.get('customers')).toEqual({ keys: 1, example: 'customer_id=C3' });
      expect(sorted(await satRows(s, 'customers', 'name'))).toEqual(
        sorted([
          [hk('C1'), 'Adam'],
          [hk('C2'), 'Cy'],
          [hk('C3'), smallest('Dee', 'Eve')],
          [hk('C4'), 'Gus'],
        ]),
      );
      await land(s, BATCH_2);
      const second = await load(s, '2024-01-02T00:00:00Z');
      expect(second.counts.get('customers')).toEqual({ keys: 1, example: 'customer_id=C5' });
      const rows = await satRows(s, 'customers', 'name');
      expect(rows.filter(([k]) => k === hk('C1')).map(([, v]) => v)).toEqual(['Adam']);
      expect(rows.filter(([k]) => k === hk('C5')).map(([, v]) => v)).toEqual([smallest('Hal', 'Ida')]);
    } finally {
      await tearDown(s);
    }
  });

  it('error_table: the satellites keep one row per key (and delta order), vault_duplicates gets exactly the others, once', async () => {
    const s = await setUp(spec('error_table', 'error_table'));
    try {
      await land(s, BATCH_1);
      const first = await load(s, '2024-01-01T00:00:00Z');
      expect(first.counts.get('customers')?.keys).toBe(2);
      expect(first.routed.get('customers')).toBe(3);
      expect(first.routed.get('events')).toBe(2);
      expect(sorted(await satRows(s, 'customers', 'name'))).toEqual(
        sorted([
          [hk('C1'), smallest('Bob', 'Adam')],
          [hk('C2'), 'Cy'],
          [hk('C3'), smallest('Dee', 'Eve', 'Fay')],
          [hk('C4'), 'Gus'],
        ]),
      );
      // One row per key and delta order: E2 and E3 keep their smallest hashdiff only.
      expect(sorted(await satRows(s, 'events', 'status'))).toEqual(
        sorted([
          [hk('E1'), 'open'],
          [hk('E1'), 'closed'],
          [hk('E2'), smallest('open', 'held')],
          [hk('E3'), smallest('x', 'y')],
        ]),
      );
      const expected = [
        ...others('Bob', 'Adam').map((n) => ({ entity: 'customers', parent_hash_key: hk('C1'), delta_order: null, business_key: 'customer_id=C1', payload: { name: n } })),
        ...others('Dee', 'Eve', 'Fay').map((n) => ({ entity: 'customers', parent_hash_key: hk('C3'), delta_order: null, business_key: 'customer_id=C3', payload: { name: n } })),
        ...others('open', 'held').map((v) => ({ entity: 'events', parent_hash_key: hk('E2'), delta_order: '1', business_key: 'event_id=E2', payload: { status: v } })),
        ...others('x', 'y').map((v) => ({ entity: 'events', parent_hash_key: hk('E3'), delta_order: null, business_key: 'event_id=E3', payload: { status: v } })),
      ];
      const byRow = (rows: ReadonlyArray<unknown>): string[] => rows.map((r) => JSON.stringify(r)).sort();
      expect(byRow(await errorRows(s))).toEqual(byRow(expected));
      // A rerun, with another load timestamp, routes nothing again.
      const again = await load(s, '2024-01-02T00:00:00Z');
      expect([...again.routed.values()]).toEqual([0, 0]);
      await land(s, BATCH_2);
      const second = await load(s, '2024-01-03T00:00:00Z');
      expect(second.routed.get('customers')).toBe(1);
      expect(second.routed.get('events')).toBe(0);
      expect((await errorRows(s)).filter((r) => r.parent_hash_key === hk('C5')).map((r) => r.payload)).toEqual(others('Hal', 'Ida').map((n) => ({ name: n })));
      expect(await errorRows(s)).toHaveLength(expected.length + 1);
    } finally {
      await tearDown(s);
    }
  });

  it('reject: the count names the table, the key count and the smallest key; a clean batch counts none', async () => {
    const s = await setUp(spec('reject', 'reject'));
    try {
      const plan = sqlPlan(s.model);
      const customer = plan.loads.find((l) => l.entity === 'customers')!;
      expect(customer.duplicates).toMatchObject({ policy: 'reject', table: 'customers' });
      await land(s, BATCH_1);
      const r = (await db.query<Record<string, unknown>>(customer.duplicates!.count.sql)).rows[0]!;
      expect([Number(r[DUPLICATES_COLUMNS.count]), r[DUPLICATES_COLUMNS.example]]).toEqual([2, 'customer_id=C1']);
      await land(s, { customers: [c('C1', 'Bob', 1), c('C1', 'Bob', 2)], events: [e('E1', 'open', 1), e('E1', 'closed', 2)] });
      const { counts } = await load(s, '2024-01-01T00:00:00Z');
      expect([...counts.values()].map((x) => x.keys)).toEqual([0, 0]);
    } finally {
      await tearDown(s);
    }
  });
});

describe('the error table in the SQL files', () => {
  const compiled = (s: Spec): VaultModel => compileSpec(s).model!;
  it('exists only when a table routes its duplicates there, and load.sql routes them after the satellite', () => {
    const files = (m: VaultModel): string =>
      emitSql(m, { specPath: 'dups.yaml' })
        .map((f) => f.content)
        .join('\n');
    expect(files(compiled(spec(undefined, 'reject')))).not.toContain('vault_duplicates');
    const routed = emitSql(compiled(spec(undefined, 'error_table')), { specPath: 'dups.yaml' });
    expect(routed.find((f) => f.path === 'sql/setup.sql')!.content).toContain('CREATE TABLE IF NOT EXISTS "raw_vault"."vault_duplicates"');
    const load = routed.find((f) => f.path === 'sql/load.sql')!.content;
    expect(load.indexOf('-- satellite events: rows of duplicate keys -> raw_vault.vault_duplicates')).toBeGreaterThan(load.indexOf('-- satellite events -> raw_vault.sat_events'));
  });

  it('a landing table named vault_duplicates in the raw vault schema clashes only when a table routes there', () => {
    const clash = (events: DuplicatesSpec | undefined): Spec => {
      const base = spec(undefined, events);
      return { ...base, schemas: { landing: 'raw_vault' }, tables: { ...base.tables, vault_duplicates: { business_key: ['id'], columns: { id: 'int', note: 'text' } } } };
    };
    expect(validateSql(compiled(clash(undefined)))).toEqual([]);
    expect(validateSql(compiled(clash('error_table'))).map((d) => [d.code, d.message])).toEqual([
      ['VLT412', "landing table 'vault_duplicates' and the error table of duplicates: error_table would both be raw_vault.vault_duplicates"],
    ]);
  });
});

describe('the duplicate count in the SQL', () => {
  it('hashes the payloads of those rows only that share their state (key, and delta-order value) with another', () => {
    const { model } = compileSpec(spec(undefined, undefined));
    const count = (entity: string): string => sqlPlan(model!).loads.find((l) => l.kind === 'satellite' && l.entity === entity)!.duplicates!.count.sql;
    for (const [entity, delta] of [
      ['customers', ''],
      ['events', ', "s"."changed_at"'],
    ] as const) {
      const sql = count(entity);
      // The key's hash, as the rows counted are grouped by it.
      const key = /^ *(.+) AS "\$key",$/m.exec(sql)![1]!;
      // One read of the landing table: a window counting the rows of each state, every row hashed by its key only.
      expect(sql.match(/FROM "landing"\./g)).toHaveLength(1);
      expect(sql).toContain(`SELECT "s".*, count(*) OVER (PARTITION BY ${key}${delta}) AS "$in_state"\n      FROM "landing"."${entity}" AS "s"`);
      // The payload's hashdiff in the query above it, after the rows alone in their state are left out.
      const filter = sql.indexOf(`) AS "s"\n    WHERE "s"."$in_state" > 1\n`);
      expect(filter).toBeGreaterThan(sql.indexOf(`AS "$in_state"`));
      expect(sql.indexOf(`AS "$hashdiff"`)).toBeGreaterThan(-1);
      expect(sql.indexOf(`AS "$hashdiff"`)).toBeLessThan(sql.indexOf(`AS "$in_state"`));
    }
  });
});

/** A batch of customers: keys C0..C3, names from a small set, seq 0..3 or NULL. */
const batchArb = fc.array(
  fc.record({ customer_id: fc.constantFrom('C0', 'C1', 'C2', 'C3'), name: fc.constantFrom('a', 'b', 'c', 'A'), seq: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }),
  { minLength: 1, maxLength: 12 },
);

/** What the policy keeps per key, and the keys it counts, computed in TypeScript. */
function expected(rows: ReadonlyArray<Customer>, keepLast: boolean): { kept: Array<[string, string]>; duplicates: number } {
  const byKey = new Map<string, Customer[]>();
  for (const r of rows) byKey.set(r.customer_id, [...(byKey.get(r.customer_id) ?? []), r]);
  const kept: Array<[string, string]> = [];
  let duplicates = 0;
  for (const [id, group] of byKey) {
    let competing = group;
    if (keepLast) {
      const present = group.filter((g) => g.seq !== null).map((g) => g.seq!);
      const top = present.length === 0 ? null : Math.max(...present);
      competing = group.filter((g) => g.seq === top);
    }
    const payloads = [...new Set(competing.map((g) => g.name))];
    if (payloads.length > 1) duplicates++;
    kept.push([hk(id), smallest(...payloads)]);
  }
  return { kept: sorted(kept), duplicates };
}

describe('duplicate keys, property', () => {
  test.prop([batchArb, fc.constantFrom('report', 'keep_last_by', 'error_table')], { numRuns: 15 })(
    'the satellite holds one row per key, the kept row is the policy’s, the count is the number of keys with several payloads, the error table holds the others once',
    async (rows, policy) => {
      const keepLast = policy === 'keep_last_by';
      const s = await setUp(spec(keepLast ? { keep_last_by: 'seq' } : policy, undefined));
      try {
        await land(s, { customers: rows, events: [] });
        const { counts, routed } = await load(s, '2024-01-01T00:00:00Z');
        const want = expected(rows, keepLast);
        expect(counts.get('customers')?.keys).toBe(want.duplicates);
        expect(sorted(await satRows(s, 'customers', 'name'))).toEqual(want.kept);
        if (policy === 'error_table') {
          // Every payload of a key but the kept one, once; a rerun adds none.
          const extra = [...new Set(rows.map((r) => `${r.customer_id}\u0000${r.name}`))].length - want.kept.length;
          expect(routed.get('customers')).toBe(extra);
          const stored = (await errorRows(s)).map((r) => [r.parent_hash_key, r.payload['name']]);
          expect(stored.filter(([k, v]) => want.kept.some(([kk, kv]) => kk === k && kv === v))).toEqual([]);
          expect((await load(s, '2024-01-02T00:00:00Z')).routed.get('customers')).toBe(0);
        }
      } finally {
        await tearDown(s);
      }
    },
  );
});
