/**
 * `vault docs`, `vault graph` and `vault compile --target docs`, run as a user would (the built
 * bin): files written, exit codes 0/1/2, messages.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runVault } from '../helpers/run-vault.js';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vault-docs-'));
  cpSync(join(ROOT, 'specs'), join(dir, 'specs'), { recursive: true });
  return dir;
}

const BAD_SPEC = 'version: 1\nmodel: bad\ntables:\n  orders:\n    colums: {}\n';
const DOCS = ['.vault-files', 'README.md', 'lineage.dot', 'lineage.svg', 'raw_vault_er.dot', 'raw_vault_er.svg'];

describe('vault docs', () => {
  it('writes docs-out/MODEL: README, DOT and SVG, matching the golden files; --check then finds nothing', () => {
    const dir = workspace();
    const r = runVault(['docs', 'specs/ews.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('docs-out/ews: 5 files (5 written, 0 removed)');
    expect(readdirSync(join(dir, 'docs-out/ews')).sort()).toEqual(DOCS);
    for (const f of ['README.md', 'lineage.dot', 'raw_vault_er.dot']) {
      expect(readFileSync(join(dir, 'docs-out/ews', f), 'utf8')).toBe(readFileSync(join(ROOT, 'tests/golden/docs/ews', f), 'utf8'));
    }
    expect(readFileSync(join(dir, 'docs-out/ews/lineage.svg'), 'utf8')).toContain('<svg');
    const check = runVault(['docs', 'specs/ews.yaml', '--check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('docs-out/ews: up to date (5 files)');
  });

  it('--out DIR; --check lists a changed file and exits 1; files vault did not write are kept', () => {
    const dir = workspace();
    expect(runVault(['docs', 'specs/lgd.yaml', '--out', 'site'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'site/lgd/README.md'), 'edited by hand\n');
    writeFileSync(join(dir, 'site/lgd/notes.md'), 'mine\n');
    const check = runVault(['docs', 'specs/lgd.yaml', '--out', 'site', '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('changed: site/lgd/README.md\n');
    expect(runVault(['docs', 'specs/lgd.yaml', '--out', 'site'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'site/lgd/README.md'), 'utf8')).toContain('# Model lgd');
    expect(readFileSync(join(dir, 'site/lgd/notes.md'), 'utf8')).toBe('mine\n');
  });

  it('a bad spec: diagnostics, exit 1, nothing written', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'bad.yaml'), BAD_SPEC);
    const r = runVault(['docs', 'bad.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: error VLT\d{3}/);
    expect(r.stderr).toContain('docs stopped; nothing was written');
    expect(r.stderr).not.toContain('    at ');
    expect(existsSync(join(dir, 'docs-out'))).toBe(false);
  });

  it('--json: the files written, or with --check the changes; a bad spec is a failure document', () => {
    const dir = workspace();
    const r = runVault(['docs', 'specs/ews.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'ok', model: 'ews', output_dir: 'docs-out/ews', files: DOCS.slice(1) });
    writeFileSync(join(dir, 'docs-out/ews/README.md'), 'edited by hand\n');
    const check = runVault(['docs', 'specs/ews.yaml', '--check', '--json'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ status: 'out_of_date', changes: [{ change: 'changed', path: 'docs-out/ews/README.md' }] });
    writeFileSync(join(dir, 'bad.yaml'), BAD_SPEC);
    const bad = runVault(['docs', 'bad.yaml', '--json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      status: 'failed',
      error: 'bad.yaml: docs stopped; nothing was written',
      diagnostics: [
        { file: 'bad.yaml', line: 4, code: 'VLT103' },
        { file: 'bad.yaml', line: 5, code: 'VLT101' },
      ],
    });
  });

  it('exits 2 on a usage mistake', () => {
    expect(runVault(['docs']).code).toBe(2);
    expect(runVault(['docs', 'specs/ews.yaml', '--bogus']).code).toBe(2);
  });
});

describe('vault graph', () => {
  it('prints the lineage as Mermaid by default, DOT and JSON on request', () => {
    const mermaid = runVault(['graph', 'specs/ews.yaml']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('flowchart LR\n')).toBe(true);
    const dot = runVault(['graph', 'specs/ews.yaml', '--format', 'dot']);
    expect(dot.stdout).toBe(readFileSync(join(ROOT, 'tests/golden/docs/ews/lineage.dot'), 'utf8'));
    const printed = runVault(['graph', 'specs/ews.yaml', '--format', 'json']).stdout;
    const json = JSON.parse(printed) as { status: string; model: string; nodes: unknown[]; edges: unknown[] };
    expect(json.status).toBe('ok');
    expect(json.model).toBe('ews');
    expect(runVault(['graph', 'specs/ews.yaml', '--json']).stdout).toBe(printed);
    expect(json.nodes).toHaveLength(32); // ews: one raw and one business link more (one per relationship of early_warning_signal_input), an effectivity satellite per driven link, the snapshot control and 2 PITs
    expect(json.edges).toContainEqual({ from: 'source.tables.early_warning_signal', to: 'raw_vault.hubs.business_partner' });
  });

  it('--entity with --downstream: what a change of a source table touches', () => {
    const r = runVault(['graph', 'specs/ews.yaml', '--entity', 'source.tables.early_warning_signal_input', '--downstream', '--format', 'json']);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as { focus: string; nodes: Array<{ id: string }> };
    expect(g.focus).toBe('source.tables.early_warning_signal_input');
    expect(g.nodes.map((n) => n.id)).toContain('access_layer.presentation_views.early_warning_signal_input');
    expect(g.nodes.map((n) => n.id)).not.toContain('source.tables.early_warning_signal');
  });

  it('--entity with --upstream, by a bare name that is unique', () => {
    const r = runVault(['graph', 'specs/ews.yaml', '--entity', 'high_risk_signals', '--upstream', '--format', 'dot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"access_layer.reporting_views.high_risk_signals" [label="high_risk_signals\\nreporting view"');
    expect(r.stdout).toContain('penwidth="3"');
    expect(r.stdout).not.toContain('presentation_views');
  });

  it('an unknown entity: the close matches, exit 1', () => {
    const r = runVault(['graph', 'specs/ews.yaml', '--entity', 'high_risk_signal']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("vault: model 'ews' has no entity or source table named 'high_risk_signal'; did you mean access_layer.reporting_views.high_risk_signals?");
  });

  it('an ambiguous bare name: the ids to choose from, exit 1', () => {
    const r = runVault(['graph', 'specs/ews.yaml', '--entity', 'business_partner']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "vault: 'business_partner' names 3 entities or source tables of model 'ews'; give one of: raw_vault.hubs.business_partner, business_vault.hubs.business_partner, access_layer.presentation_views.business_partner",
    );
  });

  it('takes the names vault explain prints: layer and name, kind and name', () => {
    for (const [name, id] of [
      ['raw_vault.customer_account_monitoring_batch_manifest', 'raw_vault.hubs.customer_account_monitoring_batch_manifest'],
      ['effectivity_satellite.early_warning_signal_input_batch_manifest', 'raw_vault.effectivity_satellites.early_warning_signal_input_batch_manifest'],
      ['source.early_warning_signal', 'source.tables.early_warning_signal'],
      ['satellite.early_warning_signal', 'raw_vault.satellites.early_warning_signal'],
    ] as const) {
      const r = runVault(['graph', 'specs/ews.yaml', '--entity', name, '--format', 'json']);
      expect(r.code, name).toBe(0);
      expect((JSON.parse(r.stdout) as { focus: string }).focus).toBe(id);
    }
  });

  it('--json failures: one document with the candidates, the suggestions or the diagnostics; exit 1', () => {
    const ambiguous = runVault(['graph', 'specs/ews.yaml', '--entity', 'hubs.business_partner', '--json']);
    expect(ambiguous.code).toBe(1);
    expect(JSON.parse(ambiguous.stdout)).toMatchObject({ status: 'failed', candidates: ['raw_vault.hubs.business_partner', 'business_vault.hubs.business_partner'] });
    const unknown = runVault(['graph', 'specs/ews.yaml', '--entity', 'high_risk_signal', '--format', 'json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 'failed', suggestions: ['access_layer.reporting_views.high_risk_signals'] });
    const dir = workspace();
    writeFileSync(join(dir, 'bad.yaml'), BAD_SPEC);
    const bad = runVault(['graph', 'bad.yaml', '--json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('');
    expect(JSON.parse(bad.stdout)).toMatchObject({
      status: 'failed',
      diagnostics: [
        { file: 'bad.yaml', line: 4, code: 'VLT103' },
        { file: 'bad.yaml', line: 5, code: 'VLT101' },
      ],
    });
    const both = runVault(['graph', 'specs/ews.yaml', '--json', '--format', 'dot']);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
  });

  it('a bad spec: diagnostics and exit 1; usage mistakes exit 2', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'bad.yaml'), BAD_SPEC);
    const bad = runVault(['graph', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+:\d+: error VLT\d{3}/);
    expect(bad.stdout).toBe('');
    expect(runVault(['graph']).code).toBe(2);
    expect(runVault(['graph', 'specs/ews.yaml', '--format', 'svg']).code).toBe(2);
    const flags = runVault(['graph', 'specs/ews.yaml', '--downstream']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--upstream and --downstream need --entity NAME');
  });
});

describe('vault compile --target docs', () => {
  it('adds docs/ to the model output and lists the files in the manifest', () => {
    const dir = workspace();
    const r = runVault(['compile', 'specs/ews.yaml', '--target', 'querydsl,docs'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('documentation   docs/README.md, docs/lineage.svg, docs/raw_vault_er.svg');
    expect(readdirSync(join(dir, 'generated/ews/docs')).sort()).toEqual(DOCS.slice(1));
    expect(readFileSync(join(dir, 'generated/ews/docs/README.md'), 'utf8')).toBe(readFileSync(join(ROOT, 'tests/golden/docs/ews/README.md'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(dir, 'generated/ews/manifest.json'), 'utf8')) as { files: string[] };
    for (const f of DOCS.slice(1)) expect(manifest.files).toContain(`docs/${f}`);
    expect(manifest.files).toContain('registry.py');
    expect(runVault(['compile', 'specs/ews.yaml', '--target', 'querydsl,docs', '--check'], { cwd: dir }).code).toBe(0);
  });
});
