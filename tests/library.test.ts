import { describe, expect, it } from 'vitest';
import { compile, loadSpec } from '@vault/cli';

describe('the library API', () => {
  it('loadSpec gives the IR and the diagnostics; compile works on a spec object', () => {
    const { model, diagnostics } = loadSpec('specs/lgd.yaml');
    expect(diagnostics).toEqual([]);
    expect(model?.byKind.hub.map((h) => h.name)).toEqual(['business_partner', 'collateral', 'facility', 'loss_given_default_score']);
    const again = compile({ version: 1, model: 'tiny', tables: { customers: { columns: { customer_id: 'int', name: 'text' } } } });
    expect(again.model?.byKind.hub.map((h) => h.businessKeys.map((k) => k.name))).toEqual([['customer_id']]);
  });
});
