/**
 * Statements as data (packages/emitters/src/sql/statement.ts): each setup statement says what it
 * does and for which entity, each statement declares the values it takes, and binding reads
 * those declarations, not the text.
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, type VaultModel } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { bindParameters, keysRebuilt, postgresDialect, sparkDialect, sqlPlan, tableIdent, type SqlStatement } from '@vault/emitters/internal';
import { sampleModel } from '../fixtures/ir-sample.js';

const withAlgorithm = (algorithm: 'md5' | 'sha1'): VaultModel => ({ ...sampleModel, hashing: { ...sampleModel.hashing, algorithm } });

describe('setup statements', () => {
  const setup = sqlPlan(sampleModel).setup;

  it('take no parameters and come schemas, the ownership records, the hashing record, tables, the hash keys record, evolved tables, ledger, rows tables of changed rows, ghost records, then views', () => {
    expect(setup.every((s) => s.parameters.length === 0)).toBe(true);
    const kinds = setup.map((s) => s.kind).filter((k, i, all) => all[i - 1] !== k);
    // The records are checked before the tables they guard are created (ownership, hashing) or altered (hash keys).
    expect(kinds).toEqual(['schema', 'ownership', 'hashing', 'table', 'hashing', 'table', 'ledger', 'changes', 'ghost_record', 'view']);
    // One rows table per landing table whose changed rows a load can read alone, each named as its relation.
    const rows = setup.filter((s) => s.kind === 'changes');
    expect(rows.map((s) => s.relation?.name)).toEqual(sqlPlan(sampleModel).landingChanges.map((c) => `vault_rows_${c.source}`));
    for (const s of rows) expect(s.sql).toContain(tableIdent(s.relation!));
  });

  it('name the entity and relation of each entity table, ghost record and view', () => {
    const tables = setup.filter((s) => s.kind === 'table' && s.entity !== undefined);
    expect(tables.map((s) => `${s.entity!.kind} ${s.entity!.name}`)).toEqual([
      'hub early_warning_signal',
      'hub business_partner',
      `link ${sampleModel.byKind.link[0]!.name}`,
      'satellite early_warning_signal',
      `link_satellite ${sampleModel.byKind.link[0]!.name}`,
      // The register of the satellite with a delta order (docs/sql.md, "Late and out-of-order rows").
      'satellite early_warning_signal',
    ]);
    for (const s of setup.filter((x) => x.kind === 'view' || x.kind === 'ghost_record' || (x.kind === 'table' && x.entity !== undefined))) {
      expect(s.entity, s.sql).toBeDefined();
      // The relation is the object the text creates or fills.
      expect(s.sql, s.sql).toContain(tableIdent(s.relation!));
    }
    // A dimension's view belongs to its dimensional model.
    expect(setup.filter((s) => s.entity?.kind === 'dimensional_model').map((s) => s.relation!.name)).toEqual([
      'dim_early_warning_signal_star_business_partner',
      'dim_early_warning_signal_star_early_warning_signal',
      'fct_early_warning_signal_star',
    ]);
  });

  it('an extension is a statement of its own kind, for sha1 only', () => {
    const extensions = (m: VaultModel): SqlStatement[] => sqlPlan(m).setup.filter((s) => s.kind === 'extension');
    expect(extensions(withAlgorithm('md5'))).toEqual([]);
    expect(extensions(withAlgorithm('sha1')).map((s) => s.sql)).toEqual(['CREATE EXTENSION IF NOT EXISTS pgcrypto']);
  });
});

describe('registers of a load', () => {
  it('are the tables besides its own whose rows it keeps: a history with a delta order, a status tracking satellite of a CDC table with one', () => {
    const { model } = compileSpec({
      version: 1,
      model: 'registers',
      tables: {
        customers: { business_key: ['customer_id'], batches: 'full', columns: { customer_id: { type: 'int', nullable: false }, name: 'text' } },
        accounts: { business_key: ['account_id'], delta_order: 'seq', columns: { account_id: { type: 'text', nullable: false }, op: 'char(1)', seq: 'int', owner: 'text' } },
      },
    });
    expect(model).toBeDefined();
    const registers = sqlPlan(model!)
      .loads.filter((l) => l.registers.length > 0)
      .map((l) => `${l.kind} ${l.entity}: ${l.registers.map(tableIdent).join(', ')}`);
    expect(registers.sort()).toEqual(['satellite accounts: "raw_vault"."seen_sat_accounts"', 'status_tracking_satellite accounts: "raw_vault"."seen_sts_accounts"']);
    // The register's statement is among the load's own.
    const sts = sqlPlan(model!).loads.find((l) => l.kind === 'status_tracking_satellite')!;
    expect(sts.statements.some((st) => st.relation?.name === 'seen_sts_accounts')).toBe(true);
  });
});

describe('bindParameters', () => {
  const plan = sqlPlan(sampleModel);

  it('binds a load statement to the batch load timestamp', () => {
    // [0..2] are the load's settings for its transaction, which take no parameter.
    expect(bindParameters(plan.loads[0]!.statements[0]!, { load_ts: '2024-05-01T00:00:00Z' })).toBeUndefined();
    const load = plan.loads[0]!.statements[postgresDialect.loadSettings.length]!;
    expect(bindParameters(load, { load_ts: '2024-05-01T00:00:00Z', signature: 'unused' })).toEqual(['2024-05-01T00:00:00Z']);
  });

  it('orders the ledger record values as the statement declares them', () => {
    const values = { landing_rows: '{}', rows_inserted: 7, load_ts: '2024-05-01T00:00:00Z', signature: 'abc', entity_table: 'raw_vault.hub_x' };
    expect(plan.ledger.record.sql).toContain('VALUES ($1, $2, $3::timestamptz, $4, $5)');
    expect(bindParameters<string | number>(plan.ledger.record, values)).toEqual(['raw_vault.hub_x', 'abc', '2024-05-01T00:00:00Z', 7, '{}']);
  });

  it('gives no values to a statement without parameters, and refuses a missing value', () => {
    expect(bindParameters(plan.setup[0]!, { load_ts: 'x' })).toBeUndefined();
    expect(() => bindParameters(plan.ledger.kind, { load_ts: 'x' })).toThrow(/takes 'relation'/);
  });
});

describe('late-batch probes (filledAfter)', () => {
  const lgd = analyzeSpec(loadSpecFile('specs/lgd.yaml')).model!;

  it.each([
    ['PostgreSQL', postgresDialect],
    ['Spark', sparkDialect],
  ] as const)('every PIT and bridge has one on %s, reading its own table for the load timestamp; no other load has one', (_, dialect) => {
    const loads = sqlPlan(lgd, dialect).loads;
    const probed = loads.filter((l) => l.filledAfter !== undefined);
    expect(probed.map((l) => l.kind).sort()).toEqual(['bridge', 'pit', 'pit', 'pit']);
    expect(probed).toHaveLength(loads.filter((l) => l.kind === 'pit' || l.kind === 'bridge').length);
    for (const l of probed) {
      expect(l.filledAfter!.kind).toBe('probe');
      expect(l.filledAfter!.parameters).toEqual(['load_ts']);
      expect(l.filledAfter!.sql).toContain(`FROM ${dialect.quoteIdent(l.target.schema)}.${dialect.quoteIdent(l.target.name)} HAVING NOT`);
    }
  });
});

describe('keysRebuilt', () => {
  const keys = [
    { drop: 'drop pk', add: 'add pk' },
    { drop: 'drop uq', add: 'add uq' },
  ];
  it('drops every key first and adds it again after the first keysAfter statements', () => {
    expect(keysRebuilt(['set', 'fill 1', 'fill 2'], 2, keys)).toEqual(['drop pk', 'drop uq', 'set', 'fill 1', 'add pk', 'add uq', 'fill 2']);
    expect(keysRebuilt(['set', 'fill'], 2, keys)).toEqual(['drop pk', 'drop uq', 'set', 'fill', 'add pk', 'add uq']);
  });
  it('leaves the statements as they are without keys', () => {
    expect(keysRebuilt(['set', 'fill'], 1, [])).toEqual(['set', 'fill']);
  });
});
