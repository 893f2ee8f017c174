import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseDocument, isMap, type YAMLMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, runVault } from '../helpers/run-vault.js';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-compile-'));
  cpSync(join(ROOT, 'specs'), join(dir, 'specs'), { recursive: true });
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Reverses the order of every mapping's keys: a spec that means the same. */
function reverseKeys(text: string): string {
  const doc = parseDocument(text);
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      (node as YAMLMap).items.reverse();
      for (const item of (node as YAMLMap).items) visit(item.value);
    }
  };
  visit(doc.contents);
  return doc.toString();
}

describe('vault compile', () => {
  it('writes generated/ews with a manifest, the same bytes every time and for any key order', () => {
    const dir = workspace();
    const first = runVault(['compile', 'specs/ews.yaml'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('generated/ews: 66 files (66 written, 0 removed)');
    const a = snapshot(join(dir, 'generated'));
    expect(Object.keys(a)).toContain('ews/manifest.json');
    expect(Object.keys(a)).toContain('ews/raw_vault/business_partner_hub.py');
    expect(JSON.parse(a['ews/manifest.json']!).spec).toBe('ews.yaml');

    writeFileSync(join(dir, 'specs/ews.yaml'), reverseKeys(readFileSync(join(dir, 'specs/ews.yaml'), 'utf8')));
    const again = runVault(['compile', 'specs/ews.yaml'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('generated/ews: 66 files (0 written, 0 removed)');
    expect(snapshot(join(dir, 'generated'))).toEqual(a);
  });

  it('--check after compile reports nothing; after a spec change it lists the files and exits 1', () => {
    const dir = workspace();
    expect(runVault(['compile', 'specs/lgd.yaml'], { cwd: dir }).code).toBe(0);
    const clean = runVault(['compile', 'specs/lgd.yaml', '--check'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
    const spec = readFileSync(join(dir, 'specs/lgd.yaml'), 'utf8').replace('      haircut_pct: decimal(5,2)\n', '');
    writeFileSync(join(dir, 'specs/lgd.yaml'), spec.replace('COALESCE(haircut_pct, 0)', '0'));
    const before = snapshot(join(dir, 'generated'));
    const stale = runVault(['compile', 'specs/lgd.yaml', '--check'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('changed: generated/lgd/raw_vault/collateral_satellite_fields.py');
    expect(snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('a failed compile leaves the previous output as it was', () => {
    const dir = workspace();
    expect(runVault(['compile', 'specs/ews.yaml'], { cwd: dir }).code).toBe(0);
    const before = snapshot(join(dir, 'generated'));
    writeFileSync(join(dir, 'specs/ews.yaml'), readFileSync(join(dir, 'specs/ews.yaml'), 'utf8').replace("risk_band = 'HIGH'", 'risk_bnd = 1'));
    const r = runVault(['compile', 'specs/ews.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/specs\/ews\.yaml:\d+:\d+: error VLT302: unknown column 'risk_bnd'/);
    expect(r.stderr).toContain('nothing was written');
    expect(snapshot(join(dir, 'generated'))).toEqual(before);
    // Nothing beside the output either; .vault holds the render cache of the first compile.
    expect(readdirSync(dir).sort()).toEqual(['.vault', 'generated', 'specs']);
  });

  it('removes files it generated before and no longer produces, and keeps files it did not generate', () => {
    const dir = workspace();
    expect(runVault(['compile', 'specs/ews.yaml'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'generated/ews/NOTES.md'), 'my notes\n');
    writeFileSync(join(dir, 'specs/ews.yaml'), readFileSync(join(dir, 'specs/ews.yaml'), 'utf8').replace(/ {2}reporting_views:[\s\S]*$/, ''));
    expect(runVault(['compile', 'specs/ews.yaml'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'generated/ews/access_layer/high_risk_signals_reporting_view.py'))).toBe(false);
    expect(readFileSync(join(dir, 'generated/ews/NOTES.md'), 'utf8')).toBe('my notes\n');
    expect(existsSync(join(dir, 'generated/ews/raw_vault/business_partner_hub.py'))).toBe(true);
  });

  it('--stage raw builds only the raw vault', () => {
    const dir = workspace();
    const r = runVault(['compile', 'specs/ews.yaml', '--stage', 'raw', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { business_vault: { hubs: string[] }; metadata: { pipeline_stages_completed: string[]; total_files_generated: number } };
    expect(result.business_vault.hubs).toEqual([]);
    expect(result.metadata.pipeline_stages_completed).toEqual(['source_validation', 'raw_vault', 'framework_integration']);
    expect(readdirSync(join(dir, 'generated/ews')).sort()).toEqual(['.vault-files', '__init__.py', 'manifest.json', 'raw_vault', 'registry.py']);
  });

  it('prints the result object with --json', () => {
    const dir = workspace();
    const r = runVault(['compile', 'specs/ews.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['status', 'model_name', 'source_validation', 'raw_vault', 'business_vault', 'access_layer', 'framework_integration', 'metadata', 'diagnostics']);
    expect(result['status']).toBe('ok');
    // The spec's warnings are in the document, not on standard error.
    expect((result['diagnostics'] as Array<{ code: string }>).map((d) => d.code)).toEqual(['VLT402', 'VLT402']);
    expect(r.stderr).toBe('');
    expect(result['raw_vault']).toMatchObject({ hubs: ['business_partner', 'customer_account_monitoring_batch_manifest', 'early_warning_signal', 'early_warning_signal_input'] });
    expect(result['metadata']).toEqual({
      model_name: 'ews',
      output_dir: 'generated/ews',
      total_files_generated: 66, // early_warning_signal_input forms a link per reference: 2 raw and 2 business links; each of the 3 links an effectivity satellite; the snapshot control and 2 PITs
      pipeline_stages_completed: ['source_validation', 'raw_vault', 'business_vault', 'access_layer', 'framework_integration'],
    });
    expect(result['framework_integration']).toEqual({ files: ['__init__.py', 'manifest.json', 'registry.py'] });
  });

  it('--json on a spec with errors: one JSON document with status and the diagnostics, exit 1, nothing written', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'specs/ews.yaml'), readFileSync(join(dir, 'specs/ews.yaml'), 'utf8').replace("risk_band = 'HIGH'", 'risk_bnd = 1'));
    const r = runVault(['compile', 'specs/ews.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { status: string; error: string; diagnostics: Array<Record<string, unknown>> };
    expect(out.status).toBe('failed');
    expect(out.error).toBe('specs/ews.yaml: compile stopped; nothing was written');
    const error = out.diagnostics.find((d) => d['severity'] === 'error');
    expect(error).toMatchObject({ file: 'specs/ews.yaml', code: 'VLT302', severity: 'error', message: expect.stringContaining("unknown column 'risk_bnd'") });
    expect(error?.['line']).toBeGreaterThan(1);
    expect(error?.['col']).toBeGreaterThan(1);
    expect(existsSync(join(dir, 'generated'))).toBe(false);
    // The same for a file that cannot be read, and for the spec-less form.
    expect(JSON.parse(runVault(['compile', 'specs/none.yaml', '--json'], { cwd: dir }).stdout)).toMatchObject({ status: 'failed', diagnostics: [{ code: 'VLT001' }] });
    const compact = runVault(['compile', '--model', 'm', '--source-tables', 'orders:order_id(int),note(txt)', '--json'], { cwd: dir });
    expect(compact.code).toBe(1);
    expect(JSON.parse(compact.stdout)).toMatchObject({ status: 'failed', diagnostics: [{ file: '<source-tables>', code: 'VLT201' }] });
  });

  it('--check --json: the changes as a document, exit 1 when there are any', () => {
    const dir = workspace();
    const missing = runVault(['compile', 'specs/lgd.yaml', '--check', '--json'], { cwd: dir });
    expect(missing.code).toBe(1);
    const out = JSON.parse(missing.stdout) as { status: string; output_dir: string; changes: Array<{ change: string; path: string }> };
    expect(out.status).toBe('out_of_date');
    expect(out.output_dir).toBe('generated/lgd');
    expect(out.changes).toContainEqual({ change: 'added', path: 'generated/lgd/manifest.json' });
    expect(existsSync(join(dir, 'generated'))).toBe(false);
    expect(runVault(['compile', 'specs/lgd.yaml'], { cwd: dir }).code).toBe(0);
    const clean = runVault(['compile', 'specs/lgd.yaml', '--check', '--json'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ status: 'up_to_date', model_name: 'lgd', changes: [] });
  });

  it('--json with a usage mistake: exit 2, the message on standard error, nothing on standard output', () => {
    const r = runVault(['compile', 'specs/ews.yaml', '--json', '--target', 'cobol']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown target 'cobol'");
  });

  it('keeps the spec-less form (--model and the compact source-table string) working', () => {
    const dir = workspace();
    const r = runVault(
      [
        'compile',
        '--model',
        'ews',
        '--source-tables',
        'early_warning_signal:early_warning_signal_id(int),business_partner_id(int),two_month_window_behavioural_score_average(decimal);early_warning_signal_input:early_warning_signal_input_id(int),customer_account_monitoring_batch_manifest_id(int),business_partner_id(int)',
        '--business-context',
        'Early Warning Signal model',
        '--out',
        'generated/ews_complete',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'generated/ews_complete/ews/manifest.json'), 'utf8')) as { raw_vault: { hubs: Array<{ name: string }>; links: Array<{ name: string }> } };
    expect(manifest.raw_vault.hubs.map((h) => h.name)).toEqual(['business_partner', 'customer_account_monitoring_batch_manifest', 'early_warning_signal', 'early_warning_signal_input']);
    expect(manifest.raw_vault.links.map((l) => l.name)).toEqual(['early_warning_signal_business_partner', 'early_warning_signal_input_batch_manifest', 'early_warning_signal_input_business_partner']);
  });

  it('refuses a model whose package would hide the framework module, at the model name, writing nothing', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'specs/fw.yaml'), 'version: 1\nmodel: vault_framework\ntables:\n  customers:\n    columns:\n      customer_id: { type: int, nullable: false }\n      name: text\n');
    const r = runVault(['compile', 'specs/fw.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "specs/fw.yaml:2:8: error VLT412: model 'vault_framework': the model's package would hide the framework module 'vault_framework' the generated files import; rename the model",
    );
    expect(existsSync(join(dir, 'generated'))).toBe(false);
    // The SQL target alone has no Python package, so the name is fine there.
    expect(runVault(['compile', 'specs/fw.yaml', '--target', 'sql'], { cwd: dir }).code).toBe(0);
  });

  it('rejects usage mistakes with exit 2', () => {
    expect(runVault(['compile']).code).toBe(2);
    expect(runVault(['compile', 'specs/ews.yaml', '--target', 'cobol']).code).toBe(2);
    expect(runVault(['compile', 'specs/ews.yaml', '--stage', 'gold']).code).toBe(2);
  });

  it('--validate-db before the spec takes it as its URL: the message says so and how to write it (exit 2)', () => {
    const swallowed = runVault(['compile', '--validate-db', 'specs/ews.yaml']);
    expect(swallowed.code).toBe(2);
    expect(swallowed.stderr).toBe(
      "vault: vault compile needs a spec file, or --model and --source-tables: --validate-db took 'specs/ews.yaml' as its database URL; put the spec first (vault compile specs/ews.yaml --validate-db) or write --validate-db=URL\n",
    );
    // A URL is a URL: only the spec is missing.
    const url = runVault(['compile', '--validate-db', 'postgres://app@127.0.0.1:1/test']);
    expect(url.code).toBe(2);
    expect(url.stderr).toBe('vault: vault compile needs a spec file, or --model and --source-tables\n');
  });

  it('a malformed --validate-db URL is named as --validate-db, the option compile has (it has no --db), password masked (exit 2)', () => {
    const dir = workspace();
    const cases: ReadonlyArray<[string, string]> = [
      [
        'postgres://app:pa/ss@db/vault',
        'vault: --validate-db=postgres://app:***@db/vault: the password contains / ? or #, which must be percent-encoded (/ as %2F, ? as %3F, # as %23); so must an @ in the path or query (%40)\n',
      ],
      ['mysql://db/vault', 'vault: --validate-db=mysql://db/vault: expected a postgres:// or postgresql:// URL, not mysql://\n'],
    ];
    for (const [url, message] of cases) {
      const r = runVault(['compile', 'specs/lgd.yaml', `--validate-db=${url}`], { cwd: dir });
      expect(r.code, url).toBe(2);
      expect(r.stderr, url).toBe(message);
      expect(existsSync(join(dir, 'generated')), url).toBe(false);
    }
  });
});

describe('vault compile with a framework profile', () => {
  it('renames the module, names, enums and methods the profile names', () => {
    const dir = workspace();
    cpSync(join(ROOT, 'tests/fixtures/profiles/acme.yaml'), join(dir, 'specs/acme.yaml'));
    writeFileSync(join(dir, 'specs/lgd.yaml'), `${readFileSync(join(dir, 'specs/lgd.yaml'), 'utf8')}framework:\n  profile: acme.yaml\n`);
    expect(runVault(['compile', 'specs/lgd.yaml'], { cwd: dir }).code).toBe(0);
    const sat = readFileSync(join(dir, 'generated/lgd/raw_vault/collateral_satellite.py'), 'utf8');
    expect(sat).toContain('from acme.datavault import BusinessKey, DvQuery, JoinCondition');
    expect(sat).toContain('        .save()\n');
    expect(readFileSync(join(dir, 'generated/lgd/registry.py'), 'utf8')).toContain('class Hubs(Enum):');
  });

  it('reports a bad profile at its own file, line and column, and writes nothing', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'specs/acme.yaml'), 'module: acme.dv\nmethds:\n  write: save\n');
    writeFileSync(join(dir, 'specs/lgd.yaml'), `${readFileSync(join(dir, 'specs/lgd.yaml'), 'utf8')}framework:\n  profile: acme.yaml\n`);
    const r = runVault(['compile', 'specs/lgd.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("specs/acme.yaml:2:1: error VLT101: unknown key 'methds' in the framework profile; did you mean 'methods'?");
    expect(existsSync(join(dir, 'generated'))).toBe(false);
  });
});

describe('vault compile --target sql', () => {
  it('writes sql/setup.sql and sql/load.sql and an sql block per manifest entity, naming the same entities as the Query DSL', () => {
    const dir = workspace();
    const r = runVault(['compile', 'specs/lgd.yaml', '--target', 'querydsl,sql'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('postgresql      sql/setup.sql, sql/load.sql');
    const manifest = JSON.parse(readFileSync(join(dir, 'generated/lgd/manifest.json'), 'utf8')) as Record<
      string,
      Record<string, Array<{ name: string; files: string[]; sql: { table: string; hash_key?: string; hub_hash_keys?: Record<string, string> } }>>
    > & { files: string[] };
    expect(manifest.files).toContain('sql/setup.sql');
    expect(manifest.files).toContain('sql/load.sql');
    const setup = readFileSync(join(dir, 'generated/lgd/sql/setup.sql'), 'utf8');
    let entities = 0;
    for (const layer of ['raw_vault', 'business_vault', 'access_layer']) {
      for (const list of Object.values(manifest[layer]!)) {
        for (const e of list) {
          entities++;
          expect(e.files.length, e.name).toBe(2);
          const [schema, table] = e.sql.table.split('.');
          expect(setup, e.sql.table).toMatch(new RegExp(`CREATE (TABLE IF NOT EXISTS|OR REPLACE VIEW) "${schema}"\\."${table}"`));
        }
      }
    }
    expect(entities).toBe(46); // 22 raw vault (a reference table, a multi-active satellite, 3 effectivity and 2 status tracking satellites among them), 18 business vault (the snapshot control, 3 PITs and a bridge among them), 6 access layer
    expect(manifest['raw_vault']!['links']!.find((l) => l.name === 'facility_collateral')!.sql.hub_hash_keys).toEqual({ facility: 'facility_hk', collateral: 'collateral_hk' });
  });

  it('--target sql alone writes only the SQL and the manifest', () => {
    const dir = workspace();
    expect(runVault(['compile', 'specs/ews.yaml', '--target', 'sql'], { cwd: dir }).code).toBe(0);
    expect(readdirSync(join(dir, 'generated/ews')).sort()).toEqual(['.vault-files', 'manifest.json', 'sql']);
  });
});

describe('vault compile --target spark', () => {
  it('writes spark/setup.sql and spark/load.sql, the Spark statements of the model', () => {
    const dir = workspace();
    const r = runVault(['compile', 'specs/ews.yaml', '--target', 'spark'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('spark/setup.sql, spark/load.sql');
    expect(readdirSync(join(dir, 'generated/ews')).sort()).toEqual(['.vault-files', 'manifest.json', 'spark']);
    expect(readFileSync(join(dir, 'generated/ews/spark/setup.sql'), 'utf8')).toBe(readFileSync(join(ROOT, 'tests/golden/sql/ews-spark-setup.sql'), 'utf8'));
    expect(readFileSync(join(dir, 'generated/ews/spark/load.sql'), 'utf8')).toBe(readFileSync(join(ROOT, 'tests/golden/sql/ews-spark-load.sql'), 'utf8'));
  });

  it('refuses a column type Spark cannot hash as PostgreSQL (VLT440) at its line; vault check reports it only when asked for spark', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'specs/t.yaml'), 'version: 1\nmodel: t\ntables:\n  visits:\n    columns:\n      visit_id: { type: int, nullable: false }\n      took: interval\n');
    const compiled = runVault(['compile', 'specs/t.yaml', '--target', 'spark'], { cwd: dir });
    expect(compiled.code).toBe(1);
    expect(compiled.stderr).toContain("specs/t.yaml:7:13: error VLT440: column 'visits.took' is interval, which the Spark SQL target cannot take");
    expect(existsSync(join(dir, 'generated/t'))).toBe(false);
    expect(runVault(['compile', 'specs/t.yaml', '--target', 'sql'], { cwd: dir }).code).toBe(0);
    expect(runVault(['check', 'specs/t.yaml'], { cwd: dir }).code).toBe(0);
    const checked = runVault(['check', 'specs/t.yaml', '--target', 'sql,spark'], { cwd: dir });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('error VLT440');
    expect(runVault(['check', 'specs/t.yaml', '--target', 'cobol'], { cwd: dir }).code).toBe(2);
  });
});

describe('vault run on a spec the SQL target cannot emit', () => {
  it('reports the clash as a diagnostic and does not touch the database', () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'specs/clash.yaml'),
      'version: 1\nmodel: clash\nschemas: { landing: raw_vault }\ntables:\n  vault_loads:\n    columns:\n      vault_loads_id: { type: int, nullable: false }\n      name: text\n',
    );
    const r = runVault(['run', 'specs/clash.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    // At the table that takes the ledger's name (line 5, `  vault_loads:`), not at the model.
    expect(r.stderr).toContain("specs/clash.yaml:5:3: error VLT412: landing table 'vault_loads' and the load ledger of vault run would both be raw_vault.vault_loads");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, '.vault'))).toBe(false);
    // vault compile asks the same validator and prints the problem at the same place.
    const compiled = runVault(['compile', 'specs/clash.yaml', '--target', 'sql'], { cwd: dir });
    expect(compiled.code).toBe(1);
    expect(compiled.stderr).toContain("specs/clash.yaml:5:3: error VLT412: landing table 'vault_loads' and the load ledger");
  });

  it('a json delta_order column is refused where the spec names it, before the SQL target is asked', () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'specs/clash.yaml'),
      'version: 1\nmodel: clash\ntables:\n  customers:\n    delta_order: change_doc\n    columns:\n      customer_id: { type: int, nullable: false }\n      name: text\n      change_doc: json\n',
    );
    const r = runVault(['run', 'specs/clash.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("specs/clash.yaml:5:18: error VLT223: delta_order names column 'change_doc', a json column, which PostgreSQL cannot sort");
    expect(existsSync(join(dir, '.vault'))).toBe(false);
  });
});

describe('a name two entities would share', () => {
  it('is reported once, however many targets or files find it', () => {
    const dir = workspace();
    // Dimensional models a (dimension b_x) and a_b (dimension x): both dimension views are dim_a_b_x.
    writeFileSync(
      join(dir, 'specs/dims.yaml'),
      [
        'version: 1',
        'model: shop',
        'tables:',
        '  b_x: { business_key: [b_x_id], columns: { b_x_id: { type: int, nullable: false }, label: text } }',
        '  x: { business_key: [x_id], columns: { x_id: { type: int, nullable: false }, label: text } }',
        '  orders: { business_key: [order_id], columns: { order_id: { type: int, nullable: false }, b_x_id: int, x_id: int, amount: int } }',
        'access_layer:',
        '  dimensional_models:',
        '    a: { fact: order, measures: [amount], dimensions: [b_x] }',
        '    a_b: { fact: order, measures: [amount], dimensions: [x] }',
        '',
      ].join('\n'),
    );
    const dims = runVault(['check', 'specs/dims.yaml', '--target', 'querydsl,sql,spark'], { cwd: dir });
    expect(dims.code).toBe(1);
    expect(dims.stderr).toBe("specs/dims.yaml:10:5: error VLT412: dimension 'x' of 'a_b' and dimension 'b_x' of 'a' would both be access_layer.dim_a_b_x\nspecs/dims.yaml: 1 error, 0 warnings\n");
    // Satellite x_link and the link satellite of link x: both Query DSL files of each are one path.
    writeFileSync(
      join(dir, 'specs/files.yaml'),
      [
        'version: 1',
        'model: shop',
        'tables:',
        '  customers: { business_key: [customer_id], columns: { customer_id: { type: int, nullable: false }, name: text }, satellites: { x_link: [name] } }',
        '  products: { business_key: [product_id], columns: { product_id: { type: int, nullable: false }, label: text } }',
        '  holdings: { link: x, columns: { customer_id: { type: int, nullable: false }, product_id: { type: int, nullable: false }, qty: int } }',
        '',
      ].join('\n'),
    );
    const files = runVault(['check', 'specs/files.yaml'], { cwd: dir });
    expect(files.code).toBe(1);
    expect(files.stderr).toBe(
      "specs/files.yaml:6:3: error VLT412: link_satellite 'x' and satellite 'x_link' would both be written to raw_vault/x_link_satellite.py and raw_vault/x_link_satellite_fields.py\nspecs/files.yaml: 1 error, 0 warnings\n",
    );
  });
});
