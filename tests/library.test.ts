import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compile, loadSpec } from '@vault/cli';
import { compileSpec, validateSpec, type Spec } from '@vault/core';
import { DEFAULT_PROFILE, buildManifest, emitQueryDsl, emitSql, manifestJson, mergeProfile, validateQueryDsl, validateSql, type FrameworkProfileOverrides } from '@vault/emitters';
import { ROOT, runVault } from './helpers/run-vault.js';

describe('the library API', () => {
  it('loadSpec gives the IR and the diagnostics; compile works on a spec object', () => {
    const { model, diagnostics } = loadSpec('specs/lgd.yaml');
    expect(diagnostics).toEqual([]);
    expect(model?.byKind.hub.map((h) => h.name)).toEqual(['business_partner', 'collateral', 'facility', 'loss_given_default_score']);
    const again = compile({ version: 1, model: 'tiny', tables: { customers: { columns: { customer_id: 'int', name: 'text' } } } });
    expect(again.model?.byKind.hub.map((h) => h.businessKeys.map((k) => k.name))).toEqual([['customer_id']]);
  });
});

describe('a spec built in code', () => {
  // Optional keys written as `key: undefined` are what a caller that copies fields from
  // elsewhere writes (`description: row.comment ?? undefined`), and the Spec type allows them.
  const plain: Spec = {
    version: 1,
    model: 'shop',
    hashing: { algorithm: 'sha256' },
    schemas: { raw_vault: 'rv' },
    tables: {
      customers: { columns: { customer_id: 'int', name: { type: 'text', nullable: false } } },
      orders: { columns: { order_id: 'int', customer_id: 'int', amount: 'decimal(12,2)' }, references: [{ columns: ['customer_id'], table: 'customers' }] },
    },
  };
  const withUndefined: Spec = {
    version: 1,
    model: 'shop',
    description: undefined,
    record_source: undefined,
    hashing: { algorithm: 'sha256', case_sensitive_keys: undefined, case_sensitive_hashdiff: undefined },
    schemas: { landing: undefined, raw_vault: 'rv', business_vault: undefined, access_layer: undefined },
    framework: undefined,
    business_vault: { rules: undefined, pits: undefined, bridges: undefined },
    access_layer: undefined,
    snapshots: undefined,
    tables: {
      customers: {
        description: undefined,
        kind: undefined,
        business_key: undefined,
        columns: { customer_id: 'int', name: { type: 'text', nullable: false, description: undefined, role: undefined } },
      },
      orders: {
        hub: undefined,
        link: undefined,
        satellites: undefined,
        duplicates: undefined,
        deletes: undefined,
        columns: { order_id: 'int', customer_id: 'int', amount: 'decimal(12,2)' },
        references: [{ columns: ['customer_id'], table: 'customers', target_columns: undefined, role: undefined, link: undefined }],
      },
    },
  };
  const output = (spec: Spec): string => {
    const { model, diagnostics } = compileSpec(spec);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const files = [...emitQueryDsl(model!, { specPath: 'shop.yaml' }), ...emitSql(model!, { specPath: 'shop.yaml' })];
    return [JSON.stringify(model), ...files.map((f) => `${f.path}\n${f.content}`), manifestJson(buildManifest(model!, { specPath: 'shop.yaml', files: files.map((f) => f.path) }))].join('\0');
  };

  it('compiles a key given as undefined as if it were left out: same model, same files, same hashing', () => {
    expect(validateSpec(withUndefined)).toEqual(validateSpec(plain));
    expect(compileSpec(withUndefined).model?.hashing).toEqual({ algorithm: 'sha256', caseSensitiveKeys: false, caseSensitiveHashdiff: true });
    expect(output(withUndefined)).toBe(output(plain));
  });

  it('leaves the caller’s spec as it was, frozen or not', () => {
    const frozen = deepFreeze(structuredClone(plain));
    const before = JSON.stringify(frozen);
    expect(output(frozen)).toBe(output(plain));
    expect(JSON.stringify(frozen)).toBe(before);
    expect(output(plain)).toBe(output(plain));
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('what the targets cannot write, as diagnostics', () => {
  // `vault check` reports these (VLT412); a library caller asks the same functions before emitting.
  const spec: Spec = { version: 1, model: 'enum', tables: { customers: { columns: { customer_id: 'int', name: 'text' } } } };

  it('validateQueryDsl names the problem that makes emitQueryDsl throw', () => {
    const { model, diagnostics } = compileSpec(spec);
    expect(diagnostics).toEqual([]);
    const problems = validateQueryDsl(model!, DEFAULT_PROFILE);
    expect(problems.map((p) => [p.code, p.path])).toEqual([['VLT412', ['model']]]);
    expect(() => emitQueryDsl(model!, { specPath: 'enum.yaml' })).toThrow(problems[0]!.message);
    expect(validateSql(model!)).toEqual([]);
  });
});

describe('a spec that names a framework profile', () => {
  it('gives the files vault compile writes when the caller reads the profile as docs/profile.md says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-library-profile-'));
    try {
      mkdirSync(join(dir, 'framework'));
      cpSync(join(ROOT, 'tests/fixtures/profiles/acme.yaml'), join(dir, 'framework/acme-profile.yaml'));
      const specPath = join(dir, 'specs/shop.yaml');
      mkdirSync(dirname(specPath));
      writeFileSync(specPath, 'version: 1\nmodel: shop\nframework:\n  profile: ../framework/acme-profile.yaml\ntables:\n  customers:\n    columns:\n      customer_id: int\n      name: text\n');
      const cli = runVault(['compile', specPath, '--out', join(dir, 'out')]);
      expect(cli.code, cli.stderr).toBe(0);

      // The recipe of docs/profile.md, "From the library".
      const { parsed, model } = loadSpec(specPath);
      const file = parsed.spec?.framework?.profile;
      const profile = file === undefined ? undefined : mergeProfile(parse(readFileSync(join(dirname(specPath), file), 'utf8')) as FrameworkProfileOverrides);
      const files = emitQueryDsl(model!, { specPath, ...(profile ? { profile } : {}) });

      expect(files.map((f) => f.content).join('')).toContain('DvQuery');
      for (const f of files) expect(f.content, f.path).toBe(readFileSync(join(dir, 'out/shop', f.path), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('from CommonJS', () => {
  it('the packages load with import(), as README.md says', () => {
    const script = "import('@vault/dsl').then(({ loadSpec }) => console.log(loadSpec('specs/lgd.yaml').model.name), (e) => { console.error(e); process.exit(1); });";
    const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('lgd\n');
  });
});
