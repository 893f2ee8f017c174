/**
 * The documentation of a model with non-historized links (tests/corpus/good/payments.yaml): the
 * lineage runs source table → hubs and non-historized link → business link → fact; the ER
 * diagram draws each event link off its hubs; every column's origin is named, the events'
 * attributes copied from their table.
 */
import { describe, expect, it } from 'vitest';
import { columnLineage, emitDocs, lineageGraph, rawVaultErMermaid } from '@vault/emitters';
import { modelOf } from './helpers.js';

const SPEC = 'tests/corpus/good/payments.yaml';
const model = modelOf(SPEC);

describe('docs of non-historized links', () => {
  it('lineage: the event table feeds its hubs and its non-historized link, which feeds the business link and the star', () => {
    const g = lineageGraph(model);
    const edges = g.edges.map((e) => `${e.from} -> ${e.to}`);
    expect(g.nodes.find((n) => n.id === 'raw_vault.non_historized_links.card_payment')).toMatchObject({ layer: 'raw_vault', kind: 'non_historized_link', name: 'card_payment' });
    expect(edges).toEqual(
      expect.arrayContaining([
        'source.tables.card_payments -> raw_vault.hubs.customer',
        'source.tables.card_payments -> raw_vault.hubs.merchant',
        'source.tables.card_payments -> raw_vault.non_historized_links.card_payment',
        'raw_vault.non_historized_links.card_payment -> business_vault.links.card_payment',
        'business_vault.links.card_payment -> access_layer.dimensional_models.payment_star',
      ]),
    );
    // No satellite or hub of the payments themselves.
    expect(edges.filter((e) => e.startsWith('source.tables.card_payments -> raw_vault.satellites'))).toEqual([]);
  });

  it('ER diagram: the event link hangs off each of its hubs and lists its attributes', () => {
    const er = rawVaultErMermaid(model);
    expect(er).toContain('  nhl_card_payment {\n    char(32) card_payment_hk PK\n    char(32) customer_hk FK\n    char(32) merchant_hk FK\n');
    expect(er).toContain('    decimal amount "decimal(12,2)"\n');
    expect(er).toContain('  hub_customer ||--o{ nhl_card_payment : "events of"\n');
    expect(er).toContain('  hub_merchant ||--o{ nhl_card_payment : "events of"\n');
  });

  it('column lineage: keys copied from the table, the hash key over the hubs then the id, attributes copied as they are', () => {
    const nhl = model.byKind.non_historized_link.find((l) => l.name === 'card_payment')!;
    const origins = new Map(columnLineage(model, nhl).map((c) => [c.name, c.origin] as const));
    expect(origins.get('card_payment_hk')).toEqual({ kind: 'hash', columns: ['customer_id', 'merchant_id', 'payment_id'] });
    expect(origins.get('amount')).toEqual({ kind: 'copied', from: [{ entity: 'source.tables.card_payments', column: 'amount' }] });
    const blnk = model.byKind.business_link.find((l) => l.name === 'card_payment')!;
    const bOrigins = new Map(columnLineage(model, blnk).map((c) => [c.name, c.origin] as const));
    expect(bOrigins.get('amount')).toEqual({ kind: 'copied', from: [{ entity: 'raw_vault.non_historized_links.card_payment', column: 'amount' }] });
    // The sensitive card number stays in the raw vault.
    expect(bOrigins.has('card_number')).toBe(false);
  });

  it('README: the kind is named in the entity tables', () => {
    const readme = emitDocs(model, { specPath: SPEC }).files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('| `card_payment` | non-historized link | `customer_id`, `merchant_id`, `payment_id` | hub `customer`<br>hub `merchant` |');
    expect(readme).toContain('| `card_payment` | business link (events) |');
  });
});
