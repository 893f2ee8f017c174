/**
 * Every statement the SQL target emits parses with PostgreSQL's own grammar (libpg-query, no
 * database), for the example specs, the good corpus and random specs; quoting survives any
 * text; the same model gives the same bytes; and the ews setup is committed as golden output.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { loadModule, parse } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSpec, type PathDiagnostic, type VaultModel } from '@vault/core';
import { replaceEntities } from '@vault/core/internal';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { emitSql, entityColumns, modelColumns, quoteIdent, quoteLiteral, sqlManifestBlock, sqlName, sparkDialect, sqlPlan, validateSql } from '@vault/emitters/internal';
import { shuffleSpec, specArb } from '../arbitraries/spec.js';
import { shopSpec } from './shop-spec.js';

beforeAll(async () => {
  await loadModule();
});

function modelOf(path: string): VaultModel {
  const a = analyzeSpec(loadSpecFile(path));
  if (a.model === undefined) throw new Error(`${path} does not compile`);
  return a.model;
}

const compiled = (spec: Parameters<typeof compileSpec>[0]): VaultModel => {
  const { model, diagnostics } = compileSpec(spec);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return model!;
};

/** Parses every statement of the plan one by one, and each file as a whole. */
async function expectAllParse(model: VaultModel): Promise<void> {
  const plan = sqlPlan(model, undefined, { changedRows: true });
  const statements = [...plan.setup, ...plan.loads.flatMap((l) => l.statements)].map((s) => s.sql);
  for (const s of statements) {
    const parsed = await parse(s).catch((e: Error) => {
      throw new Error(`${e.message}\n${s}`);
    });
    expect(parsed.stmts).toHaveLength(1);
  }
  // vault run's ledger queries, bulk forms, late-batch probes and --replace-views (not part of the files).
  const bulk = plan.loads.flatMap((l) => (l.bulk === undefined ? [] : [l.bulk.empty, ...l.bulk.statements]));
  const ledger = [
    ...bulk,
    ...plan.loads.flatMap((l) => (l.filledAfter === undefined ? [] : [l.filledAfter])),
    plan.ledger.select,
    plan.ledger.record,
    plan.ledger.storage,
    plan.ledger.kind,
    ...(plan.ledger.keys === undefined ? [] : [plan.ledger.keys]),
    ...plan.loads.flatMap((l) => l.sources.map((t) => plan.ledger.fingerprint(t))),
    ...(plan.dropViews === undefined ? [] : [plan.dropViews]),
    ...(plan.restoreViewGrants === undefined ? [] : [plan.restoreViewGrants]),
    // Changed rows only: the loads reading the changes tables, and each landing table's statements.
    ...plan.loads.flatMap((l) => (l.changes === undefined ? [] : [...l.changes.statements, ...(l.changes.missingKeys === undefined ? [] : [l.changes.missingKeys])])),
  ]
    .map((s) => s.sql)
    .concat(plan.landingChanges.flatMap((c) => [c.createRows, c.anyRow, c.available, ...c.prepare, ...c.prepareVersions, ...c.empty, ...c.drop, ...c.apply, ...c.applyVersions, ...c.fill]));
  expect(ledger.length).toBeGreaterThan(3);
  for (const s of ledger) expect((await parse(s)).stmts, s).toHaveLength(1);
  const files = emitSql(model, { specPath: 'spec.yaml' });
  const counts = await Promise.all(files.map(async (f) => (await parse(f.content)).stmts?.length ?? 0));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(statements.length);
}

const SPEC_FILES = [
  'specs/ews.yaml',
  'specs/lgd.yaml',
  ...readdirSync(fileURLToPath(new URL('../corpus/good', import.meta.url)))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `tests/corpus/good/${f}`),
];

describe('emitted SQL parses with the PostgreSQL grammar', () => {
  it.each(SPEC_FILES)('%s', async (path) => {
    await expectAllParse(modelOf(path));
  });

  it('with names that need quoting (mixed case, key words) and every hash algorithm', async () => {
    for (const algorithm of ['md5', 'sha1', 'sha256'] as const) {
      const model = compiled(shopSpec({ algorithm, caseSensitiveKeys: false, caseSensitiveHashdiff: true }));
      await expectAllParse(model);
      const setup = sqlPlan(model)
        .setup.map((s) => s.sql)
        .join('\n');
      expect(setup).toContain('"CustomerName"');
      expect(setup).toContain('"type" varchar(20)');
    }
  });

  test.prop([specArb], { numRuns: 30 })('for random specs', async (spec) => {
    await expectAllParse(compiled(spec));
  });
});

describe('quoting', () => {
  // Any text without NUL: PostgreSQL text cannot hold it.
  const text = fc.string({ unit: 'binary', maxLength: 80 }).filter((s) => !s.includes('\u0000'));

  test.prop([text.filter((s) => s.length > 0)])('an identifier survives quoting', async (name) => {
    const parsed = await parse(`SELECT 1 AS ${quoteIdent(name)}`);
    const target = (parsed.stmts?.[0]?.stmt as { SelectStmt: { targetList: Array<{ ResTarget: { name: string } }> } }).SelectStmt.targetList[0]!;
    expect(target.ResTarget.name).toBe(sqlName(name));
  });

  test.prop([text])('a literal survives quoting', async (value) => {
    const parsed = await parse(`SELECT ${quoteLiteral(value)}`);
    const target = (parsed.stmts?.[0]?.stmt as { SelectStmt: { targetList: Array<{ ResTarget: { val: { A_Const: { sval?: { sval?: string } } } } }> } }).SelectStmt.targetList[0]!;
    expect(target.ResTarget.val.A_Const.sval?.sval ?? '').toBe(value);
  });

  it('shortens names over 63 bytes deterministically, keeping shorter ones', () => {
    const long = `sat_${'x'.repeat(70)}`;
    expect(sqlName(long)).toHaveLength(63);
    expect(sqlName(long)).toBe(`${long.slice(0, 54)}_${sqlName(long).slice(-8)}`);
    expect(sqlName(long)).not.toBe(sqlName(`${long}y`));
    expect(sqlName('x'.repeat(63))).toBe('x'.repeat(63));
    expect(sqlName(`${'é'.repeat(40)}`)).toMatch(/^(é){27}_[0-9a-f]{8}$/);
  });
});

describe('determinism', () => {
  test.prop([specArb, fc.nat()], { numRuns: 15 })('the same spec, in any key order, gives the same bytes', (spec, seed) => {
    const files = emitSql(compiled(spec), { specPath: 'spec.yaml' });
    expect(emitSql(compiled(spec), { specPath: 'spec.yaml' })).toEqual(files);
    expect(emitSql(compiled(shuffleSpec(spec, seed)), { specPath: 'spec.yaml' })).toEqual(files);
  });
});

describe('specs/ews.yaml', () => {
  const model = modelOf('specs/ews.yaml');
  const files = emitSql(model, { specPath: 'specs/ews.yaml' });

  it('setup matches the committed golden file', async () => {
    expect(files.map((f) => f.path)).toEqual(['sql/load.sql', 'sql/setup.sql']);
    await expect(files.find((f) => f.path === 'sql/setup.sql')!.content).toMatchFileSnapshot('../golden/sql/ews-setup.sql');
  });

  it('loads hubs, then links, then satellites and effectivity satellites, then the snapshot control and the PITs over them, each with the batch timestamp as $1', () => {
    const kinds = sqlPlan(model).loads.map((l) => l.kind);
    const order = ['hub', 'link', 'satellite', 'link_satellite', 'effectivity_satellite', 'snapshot_control', 'pit'];
    expect(new Set(kinds)).toEqual(new Set(order.filter((k) => k !== 'link_satellite')));
    expect(kinds).toEqual([...kinds].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    for (const l of sqlPlan(model).loads) {
      // Every load begins with its transaction's settings, and has statements after them.
      expect(l.statements.slice(0, 3).map((s) => s.sql)).toEqual(['SET LOCAL jit = off', 'SET LOCAL extra_float_digits = 1', "SET LOCAL IntervalStyle = 'postgres'"]);
      expect(l.statements.filter((s) => s.sql.startsWith('SET LOCAL ')).length).toBe(3);
      expect(l.statements.length).toBeGreaterThan(1);
      for (const s of l.statements) {
        // The declared parameter is the one the text uses: vault run binds by the declaration. A
        // setting for the load's transaction uses none and declares none.
        if (s.sql.startsWith('SET LOCAL ')) {
          expect(s.sql).not.toContain('$1');
          expect(s.parameters).toEqual([]);
        } else {
          expect(s.sql).toContain('$1::timestamptz');
          expect(s.parameters).toEqual(['load_ts']);
        }
        expect(s).toMatchObject({ kind: 'load', entity: { kind: l.kind, name: l.entity } });
      }
    }
  });

  it('names each table and its roles in the manifest sql block', () => {
    const hub = model.byKind.hub.find((h) => h.name === 'business_partner')!;
    expect(sqlManifestBlock(hub, model)).toEqual({ table: 'raw_vault.hub_business_partner', hash_key: 'business_partner_hk', load_ts: 'load_ts', record_source: 'record_source' });
    const link = model.byKind.link.find((l) => l.name === 'early_warning_signal_business_partner')!;
    expect(sqlManifestBlock(link, model).hub_hash_keys).toEqual({ early_warning_signal: 'early_warning_signal_hk', business_partner: 'business_partner_hk' });
    const sat = model.byKind.satellite[0]!;
    expect(sqlManifestBlock(sat, model)).toMatchObject({
      table: `raw_vault.sat_${sat.name}`,
      parent_hash_key: sat.parentHashKey,
      hashdiff: 'hashdiff',
      delta_order: 'delta_order',
      register: `raw_vault.seen_sat_${sat.name}`,
      history: `business_vault.hist_sat_${sat.name}`,
    });
    const star = model.byKind.dimensional_model[0]!;
    expect(sqlManifestBlock(star, model)).toEqual({
      table: 'access_layer.fct_early_warning_signal_star',
      dimensions: {
        early_warning_signal: 'access_layer.dim_early_warning_signal_star_early_warning_signal',
        business_partner: 'access_layer.dim_early_warning_signal_star_business_partner',
      },
    });
  });

  it('creates every raw vault table with exactly the columns the manifest lists', () => {
    const setup = sqlPlan(model).setup.map((s) => s.sql);
    for (const e of [...model.byKind.hub, ...model.byKind.link, ...model.byKind.satellite]) {
      const create = setup.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${quoteIdent('raw_vault')}.${quoteIdent(sqlManifestBlock(e, model).table.split('.')[1]!)} (`))!;
      const columns = create
        .split('\n')
        .slice(1, -1)
        .map((l) => l.trim())
        .filter((l) => l.startsWith('"'))
        .map((l) => l.slice(1, l.indexOf('"', 1)));
      expect(columns).toEqual(entityColumns(modelColumns(model), e).map((c) => c.name));
    }
  });
});

describe('a multi-active satellite with a delta order', () => {
  const phones = (sensitive: boolean) => {
    const { model, diagnostics } = compileSpec({
      version: 1,
      model: 'x',
      tables: {
        partners: { columns: { partner_id: { type: 'int', nullable: false } } },
        partner_phones: {
          primary_key: ['partner_id', 'phone_type'],
          multi_active_key: ['phone_type'],
          columns: { partner_id: { type: 'int', nullable: false }, phone_type: { type: 'text', nullable: false }, ...(sensitive ? { phone_number: 'text' } : { digits: 'text' }), seq: 'int' },
          delta_order: 'seq',
        },
      },
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return model!;
  };

  it('has a register and a history view, named in the manifest (a sensitive one only the register); its load and register statement parse', async () => {
    const model = phones(false);
    expect(sqlManifestBlock(model.byKind.multi_active_satellite[0]!, model)).toMatchObject({
      table: 'raw_vault.msat_partner_phones',
      delta_order: 'delta_order',
      register: 'raw_vault.seen_msat_partner_phones',
      history: 'business_vault.hist_msat_partner_phones',
      current_view: 'business_vault.msat_partner_phones_current',
    });
    const load = sqlPlan(model).loads.find((l) => l.kind === 'multi_active_satellite')!;
    expect(load.statements.map((s) => s.sql.split('\n').find((l) => l.startsWith('INSERT INTO') || l.startsWith('SET LOCAL')))).toEqual([
      'SET LOCAL jit = off',
      'SET LOCAL extra_float_digits = 1',
      "SET LOCAL IntervalStyle = 'postgres'",
      expect.stringContaining('"raw_vault"."msat_partner_phones"'),
      expect.stringContaining('"raw_vault"."seen_msat_partner_phones"'),
    ]);
    await expectAllParse(model);
    const sensitive = phones(true);
    expect(sensitive.byKind.multi_active_satellite[0]!.sensitive).toBe(true);
    const block = sqlManifestBlock(sensitive.byKind.multi_active_satellite[0]!, sensitive);
    expect([block.register, block.history, block.current_view]).toEqual(['raw_vault.seen_msat_partner_phones', undefined, undefined]);
    expect(
      sqlPlan(sensitive)
        .setup.map((s) => s.sql)
        .filter((s) => s.includes('hist_msat')),
    ).toEqual([]);
  });

  it('claims the names of its register and history view', () => {
    const model = phones(false);
    const shared = { ...model, schemas: { ...model.schemas, landing: model.schemas.rawVault } };
    expect(validateSql(shared)).toEqual([]);
    const clash = { ...shared, sources: [...shared.sources, { ...shared.sources[0]!, name: 'seen_msat_partner_phones' }] };
    expect(validateSql(clash).map((d) => d.message)).toEqual([
      "the register of multi_active_satellite 'partner_phones' and landing table 'seen_msat_partner_phones' would both be raw_vault.seen_msat_partner_phones",
    ]);
  });
});

describe('validateSql', () => {
  /** Where a problem points (code, spec path) and what it says. */
  const at = (d: PathDiagnostic): [string, string] => [`${d.code} ${d.path.join('.')}`, d.message];
  const table = (columns: Record<string, string>, deltaOrder = 'seq') => ({
    version: 1 as const,
    model: 'x',
    tables: { t: { business_key: ['id'], delta_order: deltaOrder, columns: { id: 'int', ...columns } } },
  });

  it('accepts a satellite with a delta order, which stores it in a delta_order column', () => {
    const model = compiled(table({ seq: 'bigint', name: 'text' }));
    expect(validateSql(model)).toEqual([]);
    expect(entityColumns(modelColumns(model), model.byKind.satellite[0]!).map((c) => c.name)).toEqual(['t_hk', 'load_ts', 'record_source', 'hashdiff', 'delta_order', 'name']);
  });

  it("refuses a table whose entities, with the columns vault's views add, would pass PostgreSQL's 1600 columns (VLT442), once per table; Spark has no limit", () => {
    const columns = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${String(i).padStart(4, '0')}`, 'text']));
    // The satellite: its parent key, load_ts, record_source, hashdiff, delta_order and the payload (the columns; seq is the delta order).
    const fits = compiled(table({ seq: 'bigint', ...columns(1590) }));
    expect(entityColumns(modelColumns(fits), fits.byKind.satellite[0]!)).toHaveLength(1595);
    expect(validateSql(fits)).toEqual([]);
    const wide = compiled(table({ seq: 'bigint', ...columns(1591) }));
    expect(validateSql(wide).map(at)).toEqual([
      [
        'VLT442 tables.t',
        "satellite 't' would have 1596 columns, and the views vault builds on it up to 1601; PostgreSQL allows at most 1600 in a table or view: leave out the columns no one reads (role: ignore in the spec; a hub's business satellite joins all its satellites' columns, so splitting them into satellites does not help there)",
      ],
    ]);
    expect(validateSql(wide, sparkDialect)).toEqual([]);
  });

  it('names a payload column that would clash with a metadata column', () => {
    // Core rejects such a spec at the column (VLT222); validateSql still guards an IR built by hand.
    const rejected = compileSpec(table({ seq: 'bigint', delta_order: 'text', hashdiff: 'text' }));
    expect(rejected.diagnostics.map((d) => [d.code, d.path.join('.')])).toEqual([
      ['VLT222', 'tables.t.columns.delta_order'],
      ['VLT222', 'tables.t.columns.hashdiff'],
    ]);
    const model = compiled(table({ seq: 'bigint', name: 'text' }));
    const sat = model.byKind.satellite[0]!;
    const clash = { ...sat, payload: [...sat.payload, { ...sat.payload[0]!, name: 'delta_order' }, { ...sat.payload[0]!, name: 'hashdiff' }] };
    expect(validateSql(replaceEntities(model, 'satellite', [clash])).map(at)).toEqual([
      ['VLT412 tables.t', "satellite 't' would have two columns named 'delta_order'"],
      ['VLT412 tables.t', "satellite 't' would have two columns named 'hashdiff'"],
    ]);
    // Names spelled alike clash on Spark in the same words, so sql and spark together say it once;
    // only names that differ in case get Spark's reason.
    expect(validateSql(replaceEntities(model, 'satellite', [clash]), sparkDialect).map(at)).toEqual([
      ['VLT412 tables.t', "satellite 't' would have two columns named 'delta_order'"],
      ['VLT412 tables.t', "satellite 't' would have two columns named 'hashdiff'"],
    ]);
    const cased = { ...sat, payload: [...sat.payload, { ...sat.payload[0]!, name: 'Name' }] };
    expect(validateSql(replaceEntities(model, 'satellite', [cased]), sparkDialect).map(at)).toEqual([
      ['VLT412 tables.t', "satellite 't' would have two columns named 'Name' (Spark SQL compares names case-insensitively)"],
    ]);
  });

  it('names a landing table that would be the load ledger of vault run', () => {
    const model = compiled(table({ seq: 'bigint', name: 'text' }));
    const shared = { ...model, schemas: { ...model.schemas, landing: model.schemas.rawVault } };
    expect(validateSql(shared)).toEqual([]);
    const ledgerNamed = { ...shared, sources: [...shared.sources, { ...shared.sources[0]!, name: 'vault_loads' }] };
    expect(validateSql(ledgerNamed).map(at)).toEqual([['VLT412 tables.vault_loads', "landing table 'vault_loads' and the load ledger of vault run would both be raw_vault.vault_loads"]]);
  });

  it("names a landing table that would be the record of the raw vault's hashing, on every engine", () => {
    const model = compiled(table({ seq: 'bigint', name: 'text' }));
    const shared = { ...model, schemas: { ...model.schemas, landing: model.schemas.rawVault } };
    const recordNamed = { ...shared, sources: [...shared.sources, { ...shared.sources[0]!, name: 'vault_hashing' }] };
    const clash = ['VLT412 tables.vault_hashing', "landing table 'vault_hashing' and the record of the raw vault's hashing would both be raw_vault.vault_hashing"];
    expect(validateSql(recordNamed).map(at)).toEqual([clash]);
    expect(validateSql(recordNamed, sparkDialect).map(at)).toEqual([clash]);
    const keysNamed = { ...shared, sources: [...shared.sources, { ...shared.sources[0]!, name: 'vault_hash_keys' }] };
    expect(validateSql(keysNamed).map(at)).toEqual([
      ['VLT412 tables.vault_hash_keys', "landing table 'vault_hash_keys' and the record of what each hash key hashes would both be raw_vault.vault_hash_keys"],
    ]);
  });

  it('names a landing table that would be the record of which model owns each object of its schema, on every engine', () => {
    const model = compiled(table({ seq: 'bigint', name: 'text' }));
    const shared = { ...model, schemas: { ...model.schemas, landing: model.schemas.rawVault } };
    const recordNamed = { ...shared, sources: [...shared.sources, { ...shared.sources[0]!, name: 'vault_objects' }] };
    const clash = ['VLT412 tables.vault_objects', "landing table 'vault_objects' and the record of which model owns each object of the schema would both be raw_vault.vault_objects"];
    expect(validateSql(recordNamed).map(at)).toEqual([clash]);
    expect(validateSql(recordNamed, sparkDialect).map(at)).toEqual([clash]);
  });

  it('names a landing table that would be the record of vault seed, on PostgreSQL (seed fills no other engine)', () => {
    const model = compiled(table({ seq: 'bigint', name: 'text' }));
    const shared = { ...model, schemas: { ...model.schemas, landing: model.schemas.rawVault } };
    const recordNamed = { ...shared, sources: [...shared.sources, { ...shared.sources[0]!, name: 'vault_seeded_tables' }] };
    expect(validateSql(recordNamed).map(at)).toEqual([
      ['VLT412 tables.vault_seeded_tables', "landing table 'vault_seeded_tables' and the record of vault seed would both be raw_vault.vault_seeded_tables"],
    ]);
    expect(validateSql(recordNamed, sparkDialect)).toEqual([]);
  });

  it('names a json delta order, which PostgreSQL cannot sort', () => {
    // The spec check refuses this first (VLT223); a model built another way meets the emitter's check.
    const jsonb = compiled(table({ seq: 'jsonb', name: 'text' }));
    const model: VaultModel = { ...jsonb, sources: jsonb.sources.map((t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'seq' ? { ...c, type: { kind: 'json' } } : c)) })) };
    expect(validateSql(model).map(at)).toEqual([['VLT412 tables.t', "satellite 't' orders its changes by 't.seq', a json column, which PostgreSQL cannot sort"]]);
    expect(() => sqlPlan(model)).toThrow(/json column/);
  });
});
