/**
 * Bridge tables in core (docs/spec.md, "Bridges"): the entity a declared path gives, and the
 * diagnostics of a path that does not hold, each at the offending path element.
 */
import { describe, expect, it } from 'vitest';
import { compile, errors, nn, ok, rules, type SpecBody } from './spec-body.js';

const tables: SpecBody['tables'] = {
  customers: { business_key: ['customer_id'], batches: 'full', columns: { customer_id: nn('int'), name: 'text' } },
  accounts: {
    business_key: ['account_id'],
    columns: { account_id: nn('int'), customer_id: 'int', branch_id: 'int' },
    references: [
      { columns: ['customer_id'], table: 'customers' },
      { columns: ['branch_id'], table: 'branches' },
    ],
  },
  branches: { business_key: ['branch_id'], columns: { branch_id: nn('int'), city: 'text' } },
  staff: {
    business_key: ['staff_id'],
    columns: { staff_id: nn('int'), manager_id: 'int', branch_id: 'int' },
    references: [
      { columns: ['manager_id'], table: 'staff', role: 'manager' },
      { columns: ['branch_id'], table: 'branches' },
    ],
  },
  payments: {
    kind: 'non_historized_link',
    business_key: ['payment_id'],
    columns: { payment_id: nn('int'), account_id: 'int', paid_at: 'timestamptz', amount: 'int' },
    references: [{ columns: ['account_id'], table: 'accounts' }],
  },
};
const snapshots = { start: '2024-01-01' };
const bridge = (...path: string[]): SpecBody => ({ tables, snapshots, business_vault: { bridges: { b: { path } } } });
const at = (i?: number): ReadonlyArray<string | number> => (i === undefined ? ['business_vault', 'bridges', 'b', 'path'] : ['business_vault', 'bridges', 'b', 'path', i]);

describe('bridges', () => {
  it('follow their path: the hash keys on the way, each link joining the hubs beside it, read from the raw vault', () => {
    const model = ok({
      tables,
      snapshots,
      business_vault: { bridges: { customer_branch: { description: 'Branches of a customer', path: ['customer', 'account_customer', 'account', 'account_branch', 'branch'] } } },
    });
    const [b] = model.byKind.bridge;
    expect(b).toMatchObject({
      name: 'customer_branch',
      description: 'Branches of a customer',
      snapshotControl: 'test',
      path: [
        { kind: 'hub', name: 'customer', hashKey: 'customer_hk' },
        { kind: 'link', name: 'account_customer', hashKey: 'account_customer_hk', from: 'customer_hk', to: 'account_hk' },
        { kind: 'hub', name: 'account', hashKey: 'account_hk' },
        { kind: 'link', name: 'account_branch', hashKey: 'account_branch_hk', from: 'account_hk', to: 'branch_hk' },
        { kind: 'hub', name: 'branch', hashKey: 'branch_hk' },
      ],
      origin: ['business_vault', 'bridges', 'customer_branch'],
    });
    expect(rules(b!)).toEqual(['bv.bridge_declared']);
    // The links' effectivity satellites and the trackers of the path's hubs and links count too, and the snapshot control whose dates it is filled for.
    expect(b!.derivedFrom.map((r) => `${r.layer}.${r.kind}.${r.name}`)).toEqual([
      'raw_vault.hub.customer',
      'raw_vault.link.account_customer',
      'raw_vault.hub.account',
      'raw_vault.link.account_branch',
      'raw_vault.hub.branch',
      'raw_vault.effectivity_satellite.account_customer',
      'raw_vault.effectivity_satellite.account_branch',
      'raw_vault.status_tracking_satellite.customers',
      'business_vault.snapshot_control.test',
    ]);
    // In canonical order: after the snapshot control and the point-in-time tables.
    expect(model.entities.findIndex((e) => e.kind === 'bridge')).toBe(model.entities.findIndex((e) => e.kind === 'snapshot_control') + 1 + model.byKind.pit.length);
  });

  it('need snapshots (VLT234), at the bridges key', () => {
    expect(errors({ tables, business_vault: { bridges: { b: { path: ['customer', 'account_customer', 'account'] } } } })).toEqual([['VLT234', ['business_vault', 'bridges']]]);
  });

  it('a path runs hub, link, …, hub (VLT235 at the element where it does not)', () => {
    expect(errors(bridge('customer', 'account_customer'))).toEqual([['VLT235', at(1)]]);
    expect(errors(bridge('customer'))).toEqual([['VLT235', at(0)]]);
    expect(errors(bridge())).toEqual([['VLT235', at()]]);
    expect(errors(bridge('customer', 'account', 'account_customer'))).toEqual([
      ['VLT235', at(1)],
      ['VLT235', at(2)],
    ]);
    // A non-historized link holds events, not relationships.
    expect(errors(bridge('account', 'payment', 'account'))).toContainEqual(['VLT235', at(1)]);
    const unknown = compile(bridge('customr', 'account_customer', 'account')).diagnostics.find((d) => d.code === 'VLT235')!;
    expect(unknown.path).toEqual(at(0));
    expect(unknown.message).toContain("did you mean 'customer'?");
  });

  it('a hub may come once (VLT235 at its second place)', () => {
    expect(errors(bridge('account', 'account_branch', 'branch', 'account_branch', 'account'))).toEqual([['VLT235', at(4)]]);
  });

  it('a link must join the hubs beside it, each once (VLT236 at the link)', () => {
    expect(errors(bridge('customer', 'account_customer', 'branch'))).toEqual([['VLT236', at(1)]]);
    // A link joining one hub under two roles cannot tell which side the path follows.
    const roles = compile(bridge('staff', 'staff_manager_staff', 'branch')).diagnostics.filter((d) => d.severity === 'error');
    expect(roles.map((d) => [d.code, d.path])).toEqual([
      ['VLT236', at(1)],
      ['VLT236', at(1)],
    ]);
  });
});
