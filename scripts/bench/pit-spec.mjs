// The model `npm run bench:pit` loads: one hub (account) fed by three source tables, so it has
// three satellites; account_balance has a delta order (late rows are not leaders), and the
// snapshot control has 36 month ends, January 2023 to December 2025.
export const PIT_BENCH_SNAPSHOTS = { start: '2023-01-01', every: 'month_end', end: '2025-12-31' };

/** The spec, with its schemas named `<prefix>_landing`, `<prefix>_raw`, `<prefix>_bv`, `<prefix>_al`. */
export function pitBenchSpec(prefix) {
  const id = { type: 'bigint', nullable: false };
  return {
    version: 1,
    model: 'pit_bench',
    schemas: { landing: `${prefix}_landing`, raw_vault: `${prefix}_raw`, business_vault: `${prefix}_bv`, access_layer: `${prefix}_al` },
    tables: {
      account: { business_key: ['account_id'], columns: { account_id: id, name: 'text', segment: 'text' } },
      account_balance: {
        hub: 'account',
        business_key: ['account_id'],
        delta_order: 'as_of',
        columns: { account_id: id, balance: 'decimal(18,2)', as_of: { type: 'timestamptz', role: 'technical' } },
      },
      account_rating: { hub: 'account', business_key: ['account_id'], columns: { account_id: id, rating: 'text', score: 'int' } },
    },
    snapshots: PIT_BENCH_SNAPSHOTS,
  };
}
