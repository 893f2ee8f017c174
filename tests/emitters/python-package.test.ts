/**
 * A generated model is a Python package: its modules import each other relatively and the
 * framework absolutely, so with only the output folder on sys.path `ews.raw_vault.…` imports,
 * the model works under any folder name, and two models live side by side in one process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { VaultModel } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { DEFAULT_PROFILE, emitQueryDsl, mergeProfile, validateQueryDsl, type EmittedFile } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';
import { relativeModule } from '../../packages/emitters/src/querydsl/kinds.js';
import { compileFiles } from '../helpers/compile-files.js';
import { PYTHON_DIR, expectChainsMatchManifest, hasPython, runPythonHarness, runPythonModels } from '../helpers/python-harness.js';
import { sampleModel } from '../fixtures/ir-sample.js';

const ews = compileFiles('specs/ews.yaml');
const lgd = compileFiles('specs/lgd.yaml');
const python = (files: ReadonlyArray<EmittedFile>) => files.filter((f) => f.path.endsWith('.py'));

describe('imports in the generated files', () => {
  it('are relative for the model’s own modules and absolute only for the framework and enum', () => {
    for (const { files } of [ews, lgd]) {
      for (const f of python(files)) {
        for (const [, module] of f.content.matchAll(/^from (\S+) import /gm)) {
          if (!module!.startsWith('.')) expect(['vault_framework', 'enum'], `${f.path}: from ${module}`).toContain(module);
        }
        expect(f.content, f.path).not.toMatch(/^import /m);
      }
    }
  });

  it('reach the registry one package up and a field mapping in the same or another layer', () => {
    expect(relativeModule('raw_vault', 'raw_vault.business_partner_hub_fields')).toBe('.business_partner_hub_fields');
    expect(relativeModule('raw_vault', 'registry')).toBe('..registry');
    expect(relativeModule('business_vault', 'raw_vault.business_partner_hub_fields')).toBe('..raw_vault.business_partner_hub_fields');
    expect(relativeModule('', 'registry')).toBe('.registry');
  });
});

describe('model names as package names', () => {
  const named = (name: string): VaultModel => ({ ...sampleModel, name });

  it('refuses a model whose package would hide the framework module or the enum module, or is no identifier', () => {
    expect(validateQueryDsl(named('vault_framework'), DEFAULT_PROFILE).map((d) => d.message)).toEqual([
      "model 'vault_framework': the model's package would hide the framework module 'vault_framework' the generated files import; rename the model",
    ]);
    expect(validateQueryDsl(named('acme'), mergeProfile({ module: 'acme.datavault' })).map((d) => d.message)).toEqual([
      "model 'acme': the model's package would hide the framework module 'acme.datavault' the generated files import; rename the model",
    ]);
    expect(validateQueryDsl(named('enum'), DEFAULT_PROFILE).map((d) => d.message)).toEqual([
      "model 'enum': the model's package would hide the standard library's 'enum', which registry.py imports; rename the model",
    ]);
    expect(validateQueryDsl(named('my-model'), DEFAULT_PROFILE).map((d) => d.message)).toEqual(["model 'my-model': the model folder is a Python package, and 'my-model' is not a Python identifier"]);
    expect(validateQueryDsl(named('acme'), DEFAULT_PROFILE)).toEqual([]);
  });

  it('allows a framework module named like a module of the model: the model’s own are imported relatively', () => {
    expect(validateQueryDsl(sampleModel, mergeProfile({ module: 'registry' }))).toEqual([]);
    expect(validateQueryDsl(sampleModel, mergeProfile({ module: 'raw_vault.framework' }))).toEqual([]);
  });
});

describe.skipIf(!hasPython)('generated models imported as packages', () => {
  it('imports every module of ews and lgd in one Python process, each model with its own registry', () => {
    const result = runPythonModels([ews, lgd].map((c) => ({ model: c.model, files: c.files })));
    // Only the two packages were added: no top-level `registry`, `raw_vault`, … as before.
    expect(result.top_level_modules).toEqual(['ews', 'lgd']);
    expect(result.shared_enums).toEqual([]);
    for (const c of [ews, lgd]) {
      const r = result.models[c.model]!;
      expect(r.files).toEqual(python(c.files).map((f) => f.path));
      expect(r.registry.module).toBe(`${c.model}.registry`);
      expect(Object.values(r.registry.enums)).toEqual(Array(18).fill(`${c.model}.registry`));
      expectChainsMatchManifest(r, c.manifest);
    }
    expect(result.models.ews!.registry.enums.RawHub).toBe('ews.registry');
    expect(result.models.lgd!.registry.enums.RawHub).toBe('lgd.registry');
  });

  it('imports a model with non-historized links: each event link a class whose chain ends in build_raw_vault_non_historized_link', () => {
    const payments = compileFiles('tests/corpus/good/payments.yaml');
    const r = runPythonHarness(payments.files, 'payments');
    expectChainsMatchManifest(r, payments.manifest);
    expect(r.chains.filter((c) => c.build === 'build_raw_vault_non_historized_link').map((c) => [c.entity.enum, c.entity.value, c.business_key])).toEqual([
      ['RawNonHistorizedLink', 'card_payment', ['customer_id', 'merchant_id', 'payment_id']],
      ['RawNonHistorizedLink', 'fraud_signal', ['customer_id', 'signal_id']],
    ]);
  });

  it('imports under any folder name: the package is the folder', () => {
    const result = runPythonModels([{ model: 'ews_copy', files: ews.files }]);
    expect(result.top_level_modules).toEqual(['ews_copy']);
    expectChainsMatchManifest(result.models.ews_copy!, ews.manifest);
    expect(result.models.ews_copy!.registry.module).toBe('ews_copy.registry');
  });

  it('imports with a framework profile that renames the module and a class', () => {
    const profile = mergeProfile({ module: 'acme.datavault', names: { Query: 'DvQuery' } });
    const model = analyzeSpec(loadSpecFile('specs/lgd.yaml')).model!;
    const files = emitQueryDsl(model, { specPath: 'specs/lgd.yaml', profile });
    expect(files.find((f) => f.path === 'raw_vault/collateral_satellite.py')!.content).toContain('from acme.datavault import BusinessKey, DvQuery, JoinCondition\n');
    const shim = mkdtempSync(join(tmpdir(), 'vault-acme-'));
    try {
      // The renamed framework: the stand-in under the profile's names.
      mkdirSync(join(shim, 'acme'));
      writeFileSync(join(shim, 'acme/__init__.py'), '');
      writeFileSync(join(shim, 'acme/datavault.py'), 'from vault_framework import BusinessKey, JoinCondition\nfrom vault_framework import Query as DvQuery\n');
      const result = runPythonModels([{ model: 'lgd', files }], [shim]);
      expect(result.top_level_modules).toEqual(['acme', 'lgd']);
      expectChainsMatchManifest(result.models.lgd!, lgd.manifest);
    } finally {
      rmSync(shim, { recursive: true, force: true });
    }
  });

  it('runs a satellite with `python -m MODEL.raw_vault.<name>_satellite` from the output folder', () => {
    const out = mkdtempSync(join(tmpdir(), 'vault-run-'));
    try {
      for (const f of ews.files) {
        mkdirSync(dirname(join(out, 'ews', f.path)), { recursive: true });
        writeFileSync(join(out, 'ews', f.path), f.content);
      }
      // The stand-in raises on any call outside the vocabulary, so a clean exit means the chain was built and written.
      const r = spawnSync('python3', ['-B', '-W', 'error', '-m', 'ews.raw_vault.early_warning_signal_satellite'], {
        cwd: out,
        env: { ...process.env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1' },
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // Run as a file, a module of the package cannot find its relatives: the old layout's way no longer works.
      const asFile = spawnSync('python3', ['-B', 'ews/raw_vault/early_warning_signal_satellite.py'], { cwd: out, env: { ...process.env, PYTHONPATH: PYTHON_DIR }, encoding: 'utf8' });
      expect(asFile.status).not.toBe(0);
      expect(asFile.stderr).toContain('ImportError: attempted relative import with no known parent package');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
