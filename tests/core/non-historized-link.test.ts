/**
 * Non-historized links: when inference makes a table of events one (`table.event`, only with
 * every piece of evidence) and when it leaves the table as it was, the spec's
 * `kind: non_historized_link`, the diagnostics, and what the business vault and access layer
 * make of the events.
 */
import { describe, expect, test } from 'vitest';
import type { ColumnSpec, TableSpec } from '@vault/core';
import { analyzeSpec, parseSpecCompact } from '@vault/dsl';
import { compile, errors, nn, ok, type SpecBody } from './spec-body.js';

const HUBS = {
  customers: { business_key: ['customer_id'], columns: { customer_id: nn('text'), name: 'text' } },
  accounts: { business_key: ['account_id'], columns: { account_id: nn('text'), opened: 'date' } },
} as const;

/** A payments table with every piece of evidence; each test takes one away. */
const payments = (over: Partial<TableSpec> = {}, columns: Record<string, ColumnSpec> = {}): TableSpec => ({
  business_key: ['payment_id'],
  columns: { payment_id: nn('text'), customer_id: 'text', account_id: 'text', paid_at: 'timestamptz', amount: 'decimal(12,2)', ...columns },
  references: [
    { columns: ['customer_id'], table: 'customers' },
    { columns: ['account_id'], table: 'accounts' },
  ],
  ...over,
});

describe('non-historized links: inference', () => {
  test('a payments table with an id, references, a payment time and nothing that updates rows is a non-historized link, with its evidence', () => {
    const m = ok({ tables: { ...HUBS, payments: payments() } });
    expect(m.byKind.non_historized_link.map((l) => l.name)).toEqual(['payment']);
    const l = m.byKind.non_historized_link[0]!;
    expect(l.hubs.map((h) => [h.hub, h.hashKey])).toEqual([
      ['customer', 'customer_hk'],
      ['account', 'account_hk'],
    ]);
    expect(l.dependentChildKeys?.map((c) => c.name)).toEqual(['payment_id']);
    expect(l.payload.map((c) => c.name)).toEqual(['amount', 'paid_at']);
    expect(l.sources).toEqual([{ table: 'payments', columns: ['customer_id', 'account_id', 'payment_id'] }]);
    expect(l.evidence.map((e) => e.rule)).toEqual(['bk.declared', 'table.event', 'link.declared_reference', 'link.declared_reference', 'link.event_id', 'nhl.attributes', 'nhl.name']);
    expect(l.evidence[1]!.detail).toBe("payments: named like events, id [payment_id], 2 references, event time 'paid_at', no column that updates rows, nothing references it");
    // No hub, satellite or link of its own: the events are the link.
    expect(m.byKind.hub.map((h) => h.name)).toEqual(['account', 'customer']);
    expect(m.byKind.link).toEqual([]);
    expect(m.byKind.satellite.map((s) => s.source.table)).not.toContain('payments');
  });

  test.each([
    ['*_transactions', 'card_transactions'],
    ['*_events', 'login_events'],
    ['*_log', 'access_log'],
    ['payments', 'payments'],
  ])('named %s: an event table', (_, name) => {
    const m = ok({ tables: { ...HUBS, [name]: payments({ business_key: ['payment_id'] }) } });
    expect(m.byKind.non_historized_link).toHaveLength(1);
  });

  test.each<[string, SpecBody]>([
    ['not named like events', { tables: { ...HUBS, orders: payments() } }],
    ['an update timestamp', { tables: { ...HUBS, payments: payments({}, { updated_at: 'timestamptz' }) } }],
    ['a deletion flag', { tables: { ...HUBS, payments: payments({}, { is_deleted: 'boolean' }) } }],
    ['a validity end', { tables: { ...HUBS, payments: payments({}, { valid_to: 'date' }) } }],
    ['no event date or time', { tables: { ...HUBS, payments: payments({ columns: { payment_id: nn('text'), customer_id: 'text', account_id: 'text', amount: 'int' } }) } }],
    ['only a technical time', { tables: { ...HUBS, payments: payments({ columns: { payment_id: nn('text'), customer_id: 'text', account_id: 'text', created_at: 'timestamptz' } }) } }],
    ['a delta order', { tables: { ...HUBS, payments: payments({ delta_order: 'paid_at' }) } }],
    ['satellites named by the spec', { tables: { ...HUBS, payments: payments({ satellites: { payment_detail: ['amount'] } }) } }],
    ['a hub named by the spec', { tables: { ...HUBS, payments: payments({ hub: 'payment' }) } }],
    ['no id of its own (its key is its references)', { tables: { ...HUBS, payments: payments({ business_key: ['customer_id', 'account_id'] }) } }],
    ['no reference', { tables: { payments: { business_key: ['payment_id'], columns: { payment_id: nn('text'), paid_at: 'date' } } } }],
    [
      'another table referencing it',
      {
        tables: {
          ...HUBS,
          payments: payments(),
          refunds: { business_key: ['refund_id'], columns: { refund_id: nn('text'), payment_id: 'text' }, references: [{ columns: ['payment_id'], table: 'payments' }] },
        },
      },
    ],
    ['another table of the same concept', { tables: { ...HUBS, payments: payments(), tbl_payment: { business_key: ['code'], columns: { code: nn('text'), label: 'text' } } } }],
  ])('stays as it was with %s', (_, body) => {
    const m = ok(body);
    expect(m.byKind.non_historized_link).toEqual([]);
  });

  test('an event column named like a hub key column of the link keeps the table as it was (no clash to report)', () => {
    const m = ok({
      tables: {
        invoices: { columns: { id: nn('int'), total: 'int' } },
        payment: { columns: { id: nn('int'), amount: 'date', invoice_id: 'int' } },
      },
    });
    expect(m.byKind.non_historized_link).toEqual([]);
    expect(m.byKind.hub.map((h) => h.name)).toContain('payment');
  });

  test('from the compact source-table string too', () => {
    const spec = parseSpecCompact(
      'customer: customer_id(int), name(text); account: account_id(int), opened(date); payment: payment_id(int), customer_id(int), account_id(int), paid_at(timestamptz), amount(int)',
      { model: 'm' },
    );
    const { model } = analyzeSpec(spec);
    expect(model?.byKind.non_historized_link.map((l) => l.name)).toEqual(['payment']);
  });
});

describe('non-historized links: the spec declares them', () => {
  test('kind: non_historized_link on a table inference would leave a hub: one hub and an id are enough', () => {
    const m = ok({
      tables: {
        ...HUBS,
        signals: {
          kind: 'non_historized_link',
          link: 'signal',
          business_key: ['signal_id'],
          columns: { signal_id: nn('int'), customer_id: 'text', score: 'int', reason: 'text', updated_at: 'timestamptz' },
          references: [{ columns: ['customer_id'], table: 'customers' }],
        },
      },
    });
    const l = m.byKind.non_historized_link.find((x) => x.name === 'signal')!;
    expect(l.origin).toEqual(['tables', 'signals', 'link']);
    expect(l.hubs.map((h) => h.hub)).toEqual(['customer']);
    expect(l.dependentChildKeys?.map((c) => c.name)).toEqual(['signal_id']);
    // updated_at is technical: kept out of the attributes.
    expect(l.payload.map((c) => c.name)).toEqual(['reason', 'score']);
    expect(l.evidence.map((e) => e.rule)).toContain('table.non_historized_link_override');
  });

  test('declared dependent_child_keys are the grain of a key-less event table', () => {
    const m = ok({
      tables: {
        ...HUBS,
        transfers: {
          kind: 'non_historized_link',
          dependent_child_keys: ['transfer_no'],
          columns: { transfer_no: 'int', customer_id: 'text', account_id: 'text', amount: 'int' },
          references: [
            { columns: ['customer_id'], table: 'customers' },
            { columns: ['account_id'], table: 'accounts' },
          ],
        },
      },
    });
    const l = m.byKind.non_historized_link[0]!;
    expect(l.dependentChildKeys?.map((c) => c.name)).toEqual(['transfer_no']);
    expect(l.evidence.map((e) => e.rule)).toContain('link.dependent_child_key_declared');
  });

  test('a declared event table with one hub and no id, or no hub, is VLT403 at the table', () => {
    const one = { kind: 'non_historized_link', columns: { customer_id: 'text', score: 'int' }, references: [{ columns: ['customer_id'], table: 'customers' }] } as const;
    expect(errors({ tables: { ...HUBS, signals: one } })).toEqual([['VLT403', ['tables', 'signals']]]);
    expect(errors({ tables: { ...HUBS, signals: { kind: 'non_historized_link', business_key: ['signal_id'], columns: { signal_id: 'int', score: 'int' } } } })).toEqual([
      ['VLT403', ['tables', 'signals']],
    ]);
    expect(compile({ tables: { ...HUBS, signals: one } }).diagnostics.find((d) => d.code === 'VLT403')?.message).toBe(
      "table 'signals' is declared kind: non_historized_link but references one hub and has no id of its own; an event needs a reference to a hub and an id (business_key or dependent_child_keys), or references to two hubs",
    );
  });

  test('satellites: on an event table is VLT406 at satellites', () => {
    expect(errors({ tables: { ...HUBS, payments: payments({ kind: 'non_historized_link', satellites: { detail: ['amount'] } }) } })).toEqual([['VLT406', ['tables', 'payments', 'satellites']]]);
  });

  test('an attribute named like Data Vault metadata is VLT222 at the column', () => {
    expect(errors({ tables: { ...HUBS, payments: payments({ kind: 'non_historized_link' }, { customer_hk: 'text' }) } })).toEqual([['VLT222', ['tables', 'payments', 'columns', 'customer_hk']]]);
  });

  test('business rules for a non-historized link are VLT406 at the rule set', () => {
    expect(errors({ tables: { ...HUBS, payments: payments() }, business_vault: { rules: { payment: { filter: 'amount > 0' } } } })).toEqual([['VLT406', ['business_vault', 'rules', 'payment']]]);
  });
});

describe('non-historized links: business vault and access layer', () => {
  test('a business link per non-historized link offers the attributes, sensitive ones left out', () => {
    const m = ok({ tables: { ...HUBS, payments: payments({}, { iban: 'text' }) } });
    expect(m.byKind.non_historized_link[0]!.sensitiveColumns).toEqual(['iban']);
    const b = m.byKind.business_link.find((x) => x.name === 'payment')!;
    expect(b.link).toBe('payment');
    expect(b.derivedFrom).toEqual([{ layer: 'raw_vault', kind: 'non_historized_link', name: 'payment' }]);
    expect(b.eventAttributes?.map((c) => c.name)).toEqual(['amount', 'paid_at']);
  });

  test('a dimensional model over the events: a fact row per event, measures from its attributes, dimensions from its hubs', () => {
    const m = ok({ tables: { ...HUBS, payments: payments() }, access_layer: { dimensional_models: { payment_star: { fact: 'payment', measures: ['amount', 'payment_id'] } } } });
    const d = m.byKind.dimensional_model[0]!;
    expect([d.fact, d.factKind]).toEqual(['payment', 'business_link']);
    expect(d.measures.map((c) => [c.name, c.from, c.fromKind])).toEqual([
      ['amount', 'payment', 'business_link'],
      ['payment_id', 'payment', 'business_link'],
    ]);
    expect(d.dimensions.map((x) => x.name)).toEqual(['customer', 'account']);
  });
});
