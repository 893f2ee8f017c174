import { test as propTest, fc } from '@fast-check/vitest';
import type { Column, VaultModel } from '@vault/core';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { seedConstrainTables, seedRows, type SeedConstraints, type SeedForeignKey, type SeedTable, type SeedValue } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';

function compile(yaml: string): VaultModel {
  const a = analyzeSpec(parseSpecYaml(yaml, 'spec.yaml'));
  if (a.model === undefined) throw new Error(a.diagnostics.map((d) => d.message).join('; '));
  return a.model;
}

/** Customers, their demographics and the association between them, as `vault init` writes a Northwind schema. */
const NORTHWIND = compile(`
version: 1
model: nw
tables:
  customer_customer_demo:
    primary_key: [customer_id, customer_type_id]
    columns:
      customer_id: {type: varchar(5), nullable: false}
      customer_type_id: {type: varchar(10), nullable: false}
    references:
      - {columns: [customer_id], table: customers}
      - {columns: [customer_type_id], table: customer_demographics}
  customer_demographics:
    primary_key: [customer_type_id]
    columns:
      customer_type_id: {type: varchar(10), nullable: false}
  customers:
    primary_key: [customer_id]
    columns:
      customer_id: {type: varchar(5), nullable: false}
      company_name: {type: varchar(40), nullable: false}
  employees:
    primary_key: [employee_id]
    columns:
      employee_id: {type: smallint, nullable: false}
      last_name: {type: varchar(20), nullable: false}
      reports_to: smallint
    references:
      - {columns: [reports_to], table: employees, role: reports_to}
`);

const fk = (name: string, columns: string[], table: string, targetColumns: string[]): SeedForeignKey => ({ name, columns, target: { kind: 'seeded', table }, targetColumns });

/** The spec's references as the CLI passes them, plus the primary keys a database would hold. */
const NORTHWIND_CONSTRAINTS: SeedConstraints = new Map([
  [
    'customer_customer_demo',
    {
      foreignKeys: [fk('ccd_customer', ['customer_id'], 'customers', ['customer_id']), fk('ccd_type', ['customer_type_id'], 'customer_demographics', ['customer_type_id'])],
      uniqueKeys: [['customer_id', 'customer_type_id']],
    },
  ],
  ['customer_demographics', { uniqueKeys: [['customer_type_id']] }],
  ['customers', { uniqueKeys: [['customer_id']] }],
  ['employees', { foreignKeys: [fk('reports_to', ['reports_to'], 'employees', ['employee_id'])], uniqueKeys: [['employee_id']] }],
]);

function values(t: SeedTable, columns: ReadonlyArray<string>): Array<ReadonlyArray<SeedValue>> {
  const at = columns.map((c) => t.columns.indexOf(c));
  return t.rows.map((r) => at.map((i) => r[i] ?? null));
}
const key = (v: ReadonlyArray<SeedValue>): string => JSON.stringify(v);
function byName(tables: ReadonlyArray<SeedTable>, name: string): SeedTable {
  const t = tables.find((x) => x.table === name);
  if (t === undefined) throw new Error(`no table ${name}`);
  return t;
}

describe('seed rows that satisfy foreign keys', () => {
  it('a Northwind-shaped schema: referenced tables come first, every reference finds its row, keys stay unique', () => {
    // Without constraints the tables come in spec order: the association before what it references.
    expect(seedRows(NORTHWIND, { rows: 40, seed: 1 }).map((t) => t.table)).toEqual(['customer_customer_demo', 'customer_demographics', 'customers', 'employees']);
    const tables = seedRows(NORTHWIND, { rows: 40, seed: 1, constraints: NORTHWIND_CONSTRAINTS });
    const order = tables.map((t) => t.table);
    expect(order.indexOf('customer_demographics')).toBeLessThan(order.indexOf('customer_customer_demo'));
    expect(order.indexOf('customers')).toBeLessThan(order.indexOf('customer_customer_demo'));
    const ccd = byName(tables, 'customer_customer_demo');
    expect(ccd.rows.length).toBeGreaterThan(20);
    const types = new Set(values(byName(tables, 'customer_demographics'), ['customer_type_id']).map(key));
    const customers = new Set(values(byName(tables, 'customers'), ['customer_id']).map(key));
    for (const [c, t] of values(ccd, ['customer_id', 'customer_type_id'])) {
      expect(customers.has(key([c ?? null])), `customer ${String(c)}`).toBe(true);
      expect(types.has(key([t ?? null])), `customer type ${String(t)}`).toBe(true);
    }
    for (const [t, cols] of [
      ['customers', ['customer_id']],
      ['customer_demographics', ['customer_type_id']],
      ['customer_customer_demo', ['customer_id', 'customer_type_id']],
    ] as const) {
      const keys = values(byName(tables, t), cols).map(key);
      expect(new Set(keys).size, `${t} unique`).toBe(keys.length);
    }
    // A table referencing itself points at an earlier row (a chunked insert never points forward).
    const employees = values(byName(tables, 'employees'), ['employee_id', 'reports_to']);
    expect(employees.filter(([, boss]) => boss !== null).length).toBeGreaterThan(10);
    employees.forEach(([, boss], i) => {
      if (boss !== null)
        expect(
          employees.slice(0, i).some(([id]) => id === boss),
          `row ${i} reports to ${String(boss)}`,
        ).toBe(true);
    });
    expect(seedRows(NORTHWIND, { rows: 40, seed: 1, constraints: NORTHWIND_CONSTRAINTS })).toEqual(tables);
  });

  it('a role-named reference carries the values of the key it references (home_branch_code → branch_code)', () => {
    const model = compile(`
version: 1
model: bank
tables:
  branch:
    primary_key: [branch_code]
    columns: {branch_code: {type: varchar(8), nullable: false}, branch_name: text}
  customer:
    primary_key: [customer_id]
    columns: {customer_id: {type: int, nullable: false}, home_branch_code: varchar(8), full_name: text}
    references:
      - {columns: [home_branch_code], table: branch, role: home}
`);
    const tables = seedRows(model, { rows: 60, seed: 4 });
    const branches = new Set(values(byName(tables, 'branch'), ['branch_code']).map(([v]) => v));
    const homes = values(byName(tables, 'customer'), ['home_branch_code'])
      .map(([v]) => v)
      .filter((v) => v !== null);
    expect(homes.length).toBeGreaterThan(30);
    for (const h of homes) expect(branches.has(h), `home_branch_code ${String(h)}`).toBe(true);
  });

  it('composite keys, targets in a table vault does not seed, a cycle between two tables', () => {
    const col = (name: string, nullable = false): Column => ({ name, type: { kind: 'int' }, nullable });
    const account = {
      table: 'account',
      columns: [col('country'), col('number'), col('holder_id', true)],
      rows: [
        [1, 1, 9],
        [1, 2, 1],
        [2, 1, 2],
        [1, 1, 3],
      ],
    };
    const holder = {
      table: 'holder',
      columns: [col('holder_id'), col('country'), col('number'), col('branch')],
      rows: [
        [1, 1, 2, 5],
        [2, 3, 3, 6],
        [3, 2, 2, 7],
        [4, 2, 1, 8],
      ],
    };
    const constraints: SeedConstraints = new Map([
      ['account', { foreignKeys: [fk('account_holder', ['holder_id'], 'holder', ['holder_id'])], uniqueKeys: [['country', 'number']] }],
      [
        'holder',
        {
          foreignKeys: [
            // Listed in another order than the target's key: the pairs are what count.
            fk('holder_account', ['number', 'country'], 'account', ['number', 'country']),
            { name: 'holder_branch', columns: ['branch'], target: { kind: 'existing', label: 'other.branch', rows: [['5'], ['7']] }, targetColumns: ['code'] },
          ],
          uniqueKeys: [['holder_id']],
        },
      ],
    ]);
    const out = seedConstrainTables([holder, account], constraints, 1);
    // holder → account → holder is a cycle: the walk starts at holder, so account's key back to it closes it.
    expect(out.map((t) => t.table)).toEqual(['account', 'holder']);
    const [a, h] = out;
    // The duplicate account (1, 1) is dropped; the cycle's closing key may be NULL, so it is.
    expect(a?.rows).toEqual([
      [1, 1, null],
      [1, 2, null],
      [2, 1, null],
    ]);
    const accounts = new Set(a?.rows.map((r) => key([r[1] ?? null, r[0] ?? null])));
    for (const r of h?.rows ?? []) {
      expect(accounts.has(key([r[2] ?? null, r[1] ?? null])), `holder ${String(r[0])}`).toBe(true);
      expect(['5', '7']).toContain(String(r[3]));
    }
    expect(h?.rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(h?.rows[0]).toEqual([1, 1, 2, 5]); // already valid: untouched

    // The same cycle with a closing key that may not be NULL points at the final rows of its target.
    const strict = seedConstrainTables([holder, { ...account, columns: [col('country'), col('number'), col('holder_id')] }], constraints, 1);
    const holders = new Set(strict.find((t) => t.table === 'holder')?.rows.map((r) => r[0]));
    for (const r of strict.find((t) => t.table === 'account')?.rows ?? []) expect(holders.has(r[2] ?? null)).toBe(true);
  });

  it('a key that may not be NULL and has no target row drops the row; a table referencing itself starts with itself', () => {
    const col = (name: string, nullable = false): Column => ({ name, type: { kind: 'int' }, nullable });
    const orphan = {
      table: 'orders',
      columns: [col('id'), col('shipper')],
      rows: [
        [1, 1],
        [2, 2],
      ],
    };
    const empty: SeedForeignKey = { name: 'ship', columns: ['shipper'], target: { kind: 'existing', label: 'x.shippers', rows: [] }, targetColumns: ['id'] };
    expect(seedConstrainTables([orphan], new Map([['orders', { foreignKeys: [empty] }]]), 1)[0]?.rows).toEqual([]);
    const tree = {
      table: 'node',
      columns: [col('id'), col('parent')],
      rows: [
        [10, 99],
        [11, 99],
        [12, 10],
      ],
    };
    const rows = seedConstrainTables([tree], new Map([['node', { foreignKeys: [fk('parent', ['parent'], 'node', ['id'])] }]]), 1)[0]?.rows;
    expect(rows?.[0]).toEqual([10, 10]);
    expect(rows?.[1]?.[1]).toBe(10);
    expect(rows?.[2]).toEqual([12, 10]);
  });

  propTest.prop(
    [
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), nullable: fc.boolean() }), { maxLength: 6 }),
      fc.array(fc.array(fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }), { minLength: 8, maxLength: 8 }), { minLength: 0, maxLength: 30 }),
      fc.nat(),
    ],
    { numRuns: 200 },
  )('any tables and foreign keys: every reference holds, keys stay unique, referenced tables come first', (n, edges, rows, seed) => {
    // Table i: id (unique, never NULL) and one column per foreign key it holds.
    const fks = edges.filter((e) => e.from < n && e.to < n).map((e, j) => ({ ...e, column: `ref${j}` }));
    const tables = Array.from({ length: n }, (_, i) => {
      const mine = fks.filter((f) => f.from === i);
      const columns: Column[] = [{ name: 'id', type: { kind: 'int' }, nullable: false }, ...mine.map((f) => ({ name: f.column, type: { kind: 'int' } as const, nullable: f.nullable }))];
      return { table: `t${i}`, columns, rows: rows.map((r, k) => [r[0] === null ? k : (r[0] ?? 0) + i, ...mine.map((f, m) => r[m + 1] ?? (f.nullable ? null : 0))]) };
    });
    const constraints: SeedConstraints = new Map(
      tables.map((t, i) => [
        t.table,
        {
          uniqueKeys: [['id']],
          foreignKeys: fks.filter((f) => f.from === i).map((f) => fk(f.column, [f.column], `t${f.to}`, ['id'])),
        },
      ]),
    );
    const out = seedConstrainTables(tables, constraints, seed);
    expect(out.map((t) => t.table).sort()).toEqual(tables.map((t) => t.table).sort());
    const result = new Map(out.map((t) => [t.table, t]));
    const position = new Map(out.map((t, i) => [t.table, i]));
    for (const t of out) {
      const ids = t.rows.map((r) => r[0]);
      expect(new Set(ids).size).toBe(ids.length);
    }
    for (const f of fks) {
      const from = result.get(`t${f.from}`)!;
      const to = result.get(`t${f.to}`)!;
      const at = from.columns.findIndex((c) => c.name === f.column);
      const targets = to.rows.map((r) => r[0]);
      // A cycle of keys that may not be NULL into a table left without rows cannot hold: the insert fails.
      if (targets.length === 0) continue;
      from.rows.forEach((r, i) => {
        const v = r[at] ?? null;
        if (v === null) return expect(f.nullable).toBe(true);
        // Self references point at the same or an earlier row.
        expect((f.from === f.to ? targets.slice(0, i + 1) : targets).includes(v), `t${f.from}.${f.column} = ${v}`).toBe(true);
      });
      // A key into a table written later closes a cycle; only a NOT NULL one does so with values.
      if (f.from !== f.to && (position.get(`t${f.to}`) ?? 0) > (position.get(`t${f.from}`) ?? 0) && f.nullable) {
        expect(from.rows.every((r) => r[at] === null)).toBe(true);
      }
    }
  });
});
