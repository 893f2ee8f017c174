/**
 * `vault explain`, run as a user would: the names it takes are those `vault graph --entity`
 * takes (one resolver), the ids it prints are graph node ids, `--json` and `--source-tables`.
 */
import { describe, expect, it } from 'vitest';
import { runVault } from '../helpers/run-vault.js';

interface ExplainJson {
  status: string;
  model: string;
  entities: Array<{ id: string; kind: string; business_key?: string[]; derived_from: string[]; feeds?: string[]; evidence: Array<{ rule: string; meaning: string; detail: string }> }>;
  diagnostics: Array<{ code: string }>;
}
interface Failure {
  status: string;
  error: string;
  candidates?: string[];
  suggestions?: string[];
  diagnostics: unknown[];
}

const SOURCE_TABLES = 'orders:order_id(int),customer_id(int),amount(decimal);customers:customer_id(int),name(text)';

describe('vault explain', () => {
  it('prints why an entity exists, under its id, with the ids it is derived from and the rule ids', () => {
    const r = runVault(['explain', 'specs/ews.yaml', 'raw_vault.hubs.business_partner']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('raw_vault.hubs.business_partner (hub)\n  business key: business_partner_id\n');
    expect(r.stdout).toContain('  derived from: source.tables.early_warning_signal, source.tables.early_warning_signal_input\n');
    expect(r.stdout).toContain('  because [hub.implied_by_key_column] ');
  });

  it('shows a relationship link with its driving key and the rules that made it one link per relationship', () => {
    const r = runVault(['explain', 'specs/lgd.yaml', 'raw_vault.links.loss_given_default_score_facility']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('raw_vault.links.loss_given_default_score_facility (link)\n  hubs: loss_given_default_score, facility\n  driving key: loss_given_default_score_hk\n');
    expect(r.stdout).toContain('  because [link.per_relationship] a table that becomes a hub forms one link per reference');
    expect(r.stdout).toContain('  because [link.driving_key] ');
    const json = runVault(['explain', 'specs/lgd.yaml', 'raw_vault.links.facility_collateral', '--json']);
    const entity = (JSON.parse(json.stdout) as { entities: Array<Record<string, unknown>> }).entities[0]!;
    expect(entity['driving_key']).toBeUndefined();
    expect((entity['evidence'] as Array<{ rule: string }>).map((e) => e.rule)).toContain('link.unit_of_work');
  });

  it('takes every name vault graph --entity takes, source tables too, and resolves it to the same node', () => {
    for (const [name, id] of [
      ['hub.business_partner', 'raw_vault.hubs.business_partner'],
      ['raw_vault.business_partner', 'raw_vault.hubs.business_partner'],
      ['raw_vault.hub.business_partner', 'raw_vault.hubs.business_partner'],
      ['business_hub.business_partner', 'business_vault.hubs.business_partner'],
      ['reporting_views.high_risk_signals', 'access_layer.reporting_views.high_risk_signals'],
      ['high_risk_signals', 'access_layer.reporting_views.high_risk_signals'],
      ['source.tables.early_warning_signal_input', 'source.tables.early_warning_signal_input'],
    ] as const) {
      const explained = runVault(['explain', 'specs/ews.yaml', name, '--json']);
      expect(explained.code, `${name}: ${explained.stdout}`).toBe(0);
      expect(
        (JSON.parse(explained.stdout) as ExplainJson).entities.map((e) => e.id),
        name,
      ).toEqual([id]);
      const graph = runVault(['graph', 'specs/ews.yaml', '--entity', name, '--json']);
      expect(graph.code, `${name}: ${graph.stdout}`).toBe(0);
      expect((JSON.parse(graph.stdout) as { focus: string }).focus, name).toBe(id);
    }
  });

  it('a non-historized link: its hubs, the event id, its attributes and the evidence that made the table a table of events', () => {
    const r = runVault(['explain', 'tests/corpus/good/payments.yaml', 'non_historized_link.card_payment', '--json']);
    expect(r.code, r.stdout).toBe(0);
    const [e] = (JSON.parse(r.stdout) as { entities: Array<ExplainJson['entities'][number] & { hubs: unknown; dependent_child_keys: string[]; event_attributes: string[] }> }).entities;
    expect([e!.id, e!.kind]).toEqual(['raw_vault.non_historized_links.card_payment', 'non_historized_link']);
    expect(e!.hubs).toEqual([{ hub: 'customer' }, { hub: 'merchant' }]);
    expect(e!.dependent_child_keys).toEqual(['payment_id']);
    expect(e!.event_attributes).toEqual(['amount', 'card_number', 'currency', 'paid_at']);
    expect(e!.evidence.map((x) => x.rule)).toContain('table.event');
    const text = runVault(['explain', 'tests/corpus/good/payments.yaml', 'raw_vault.non_historized_links.card_payment']);
    expect(text.stdout).toContain(
      'raw_vault.non_historized_links.card_payment (non historized link)\n  hubs: customer, merchant\n  dependent child keys: payment_id\n  event attributes: amount, card_number, currency, paid_at\n',
    );
  });

  it('a source table: what it feeds, and what its rows hold in record_source', () => {
    const r = runVault(['explain', 'specs/ews.yaml', 'source.early_warning_signal']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'source.tables.early_warning_signal (source table)\n  feeds: raw_vault.hubs.business_partner, raw_vault.hubs.early_warning_signal, raw_vault.links.early_warning_signal_business_partner, raw_vault.satellites.early_warning_signal, raw_vault.effectivity_satellites.early_warning_signal_business_partner\n  record source: ews_core.early_warning_signal\n',
    );
    const json = JSON.parse(runVault(['explain', 'specs/ews.yaml', 'source.early_warning_signal', '--json']).stdout) as { entities: Array<{ record_source?: string }> };
    expect(json.entities.map((e) => e.record_source)).toEqual(['ews_core.early_warning_signal']);
  });

  it('a link two tables form: both sources, and the rule that merged them', () => {
    const r = runVault(['explain', 'tests/corpus/good/multi-source.yaml', 'raw_vault.links.order_customer']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  derived from: source.tables.order_history, source.tables.orders\n');
    expect(r.stdout).toContain('  because [link.same_relationship] ');
    const sat = runVault(['explain', 'tests/corpus/good/multi-source.yaml', 'raw_vault.satellites.order_customer_names']);
    expect(sat.stdout).toContain('  parent: customer\n');
    expect(sat.stdout).toContain('  because [sat.referenced_hub] ');
  });

  it('every id explain prints is a node vault graph knows', () => {
    const explained = JSON.parse(runVault(['explain', 'specs/lgd.yaml', '--json']).stdout) as ExplainJson;
    const graph = JSON.parse(runVault(['graph', 'specs/lgd.yaml', '--json']).stdout) as { nodes: Array<{ id: string }> };
    const nodes = new Set(graph.nodes.map((n) => n.id));
    const printed = explained.entities.flatMap((e) => [e.id, ...e.derived_from]);
    expect(printed.filter((id) => !nodes.has(id))).toEqual([]);
    // Every entity is explained, once; source tables only when asked for.
    expect(explained.entities.map((e) => e.id)).toEqual(graph.nodes.map((n) => n.id).filter((id) => !id.startsWith('source.')));
  });

  it('an ambiguous name lists the ids to choose from, like vault graph; exit 1', () => {
    const r = runVault(['explain', 'specs/ews.yaml', 'business_partner']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const message =
      "vault: 'business_partner' names 3 entities or source tables of model 'ews'; give one of: raw_vault.hubs.business_partner, business_vault.hubs.business_partner, access_layer.presentation_views.business_partner";
    expect(r.stderr).toContain(message);
    expect(runVault(['graph', 'specs/ews.yaml', '--entity', 'business_partner']).stderr).toContain(message);
  });

  it('an unknown name suggests close ones; exit 1', () => {
    const r = runVault(['explain', 'specs/ews.yaml', 'hub.busines_partner']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("vault: model 'ews' has no entity or source table named 'hub.busines_partner'; did you mean raw_vault.hubs.business_partner?");
    const none = runVault(['explain', 'specs/ews.yaml', 'no_such_entity']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("vault: model 'ews' has no entity or source table named 'no_such_entity'");
  });

  it('--json: the explanation as data; a name that fits none or several is a failure document, exit 1', () => {
    const r = runVault(['explain', 'specs/ews.yaml', 'hub.early_warning_signal', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as ExplainJson;
    expect(out.status).toBe('ok');
    expect(out.model).toBe('ews');
    expect(out.entities).toEqual([
      {
        id: 'raw_vault.hubs.early_warning_signal',
        layer: 'raw_vault',
        kind: 'hub',
        name: 'early_warning_signal',
        business_key: ['early_warning_signal_id'],
        derived_from: ['source.tables.early_warning_signal'],
        evidence: [
          { rule: 'bk.declared', meaning: 'the table declares business_key: those columns are the business key', detail: 'early_warning_signal: business_key [early_warning_signal_id]' },
          { rule: 'table.hub', meaning: 'a table with its own business key that is not made only of references becomes a hub', detail: 'early_warning_signal: business key [early_warning_signal_id]' },
        ],
      },
    ]);
    expect(out.diagnostics.map((d) => d.code)).toEqual(['VLT402', 'VLT402']);
    const ambiguous = runVault(['explain', 'specs/ews.yaml', 'business_partner', '--json']);
    expect(ambiguous.code).toBe(1);
    expect(JSON.parse(ambiguous.stdout)).toMatchObject({
      status: 'failed',
      candidates: ['raw_vault.hubs.business_partner', 'business_vault.hubs.business_partner', 'access_layer.presentation_views.business_partner'],
    } satisfies Partial<Failure>);
    const unknown = runVault(['explain', 'specs/ews.yaml', 'hub.busines_partner', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 'failed', suggestions: ['raw_vault.hubs.business_partner'] } satisfies Partial<Failure>);
  });

  it('--source-tables STRING [--model NAME] instead of a spec, like check and compile', () => {
    const all = runVault(['explain', '--source-tables', SOURCE_TABLES, '--model', 'shop']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('raw_vault.hubs.customer (hub)\n  business key: customer_id\n  derived from: source.tables.customers, source.tables.orders\n');
    const one = runVault(['explain', '--source-tables', SOURCE_TABLES, 'link.order_customer', '--json']);
    expect(one.code, one.stdout).toBe(0);
    const out = JSON.parse(one.stdout) as ExplainJson;
    expect(out.model).toBe('model');
    expect(out.entities.map((e) => e.id)).toEqual(['raw_vault.links.order_customer']);
    const bad = runVault(['explain', '--source-tables', 'orders:order_id(int),note(txt)', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'failed', diagnostics: [{ file: '<source-tables>', code: 'VLT201' }] });
  });

  it('usage mistakes exit 2 and print nothing on standard output', () => {
    for (const args of [
      ['explain'],
      ['explain', 'specs/ews.yaml', '--source-tables', SOURCE_TABLES],
      ['explain', 'specs/ews.yaml', 'customer', '--source-tables', SOURCE_TABLES],
      ['explain', 'specs/ews.yaml', '--bogus'],
    ]) {
      const r = runVault(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('a spec with errors: diagnostics on standard error (text) or in the failure document (--json), exit 1', () => {
    const text = runVault(['explain', 'no/such/spec.yaml']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('no/such/spec.yaml:1:1: error VLT001: cannot read the spec file: no such file');
    const json = runVault(['explain', 'no/such/spec.yaml', '--json']);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'failed', diagnostics: [{ file: 'no/such/spec.yaml', line: 1, col: 1, code: 'VLT001', severity: 'error' }] });
  });

  it("shows a link's dependent child keys, in text and in --json", () => {
    const tables = 'orders:o_orderkey(int),o_total(decimal);part:p_partkey(int),p_name(text);lineitem:l_orderkey(int),l_partkey(int),l_linenumber(int),l_quantity(int)';
    const r = runVault(['explain', '--model', 'tpch', '--source-tables', tables, 'raw_vault.links.order_part']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('raw_vault.links.order_part (link)\n  hubs: order, part\n  dependent child keys: l_linenumber\n');
    expect(r.stdout).toContain('  because [link.dependent_child_key] ');
    const json = runVault(['explain', '--json', '--model', 'tpch', '--source-tables', tables, 'raw_vault.links.order_part']);
    expect((JSON.parse(json.stdout) as { entities: Array<{ dependent_child_keys?: string[] }> }).entities[0]!.dependent_child_keys).toEqual(['l_linenumber']);
  });
});
