/**
 * The packages as a user gets them: `npm pack` of every workspace package (built by `npm test`'s
 * `tsc -b`), the tarballs installed into a fresh project outside the repository (third-party
 * dependencies from the npm registry), and vault used from there: the bin, the library, the
 * types and the JSON Schema.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-vault.js';
import { exec, ok, userEnv } from './exec.js';

const PACKAGES = ['core', 'dsl', 'emitters', 'llm-assist', 'cli'] as const;
const LICENSE = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly description?: string;
  readonly keywords?: ReadonlyArray<string>;
  readonly engines?: { readonly node?: string };
  readonly files?: ReadonlyArray<string>;
  readonly exports: Record<string, string | Record<string, string>>;
}

const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

describe('the packages, packed and installed in a fresh project', () => {
  let work: string;
  let project: string;
  const installed = (name: string): string => join(project, 'node_modules', '@vault', name);
  const vault = (args: ReadonlyArray<string>) => exec(join(project, 'node_modules', '.bin', 'vault'), args, { cwd: project });
  const node = (script: string) => exec(process.execPath, ['--input-type=module', '-e', script], { cwd: project });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'vault-pack-'));
    expect(relative(ROOT, work).startsWith('..')).toBe(true);
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    ok(await exec('npm', ['pack', '--workspaces', '--pack-destination', tarballs], { cwd: ROOT }), 'npm pack --workspaces');
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'uses-vault', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
    const files = readdirSync(tarballs)
      .filter((f) => f.endsWith('.tgz'))
      .map((f) => join(tarballs, f));
    expect(files).toHaveLength(PACKAGES.length);
    ok(await exec('npm', ['install', '--no-audit', '--no-fund', ...files], { cwd: project }), 'npm install of the tarballs');
  }, 600_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('each package is publishable: licence, metadata, exports with types, import and default', () => {
    for (const name of PACKAGES) {
      const dir = installed(name);
      const m = manifestOf(dir);
      expect(m.private, name).toBeUndefined();
      expect(m.license, name).toBe('MIT');
      expect(m.version, name).toBe(VERSION);
      expect(m.description, name).toBeTruthy();
      expect(m.keywords?.length, name).toBeGreaterThan(0);
      expect(m.engines?.node, name).toBe('>=20');
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8'), name).toBe(LICENSE);
      expect(existsSync(join(dir, 'README.md')), name).toBe(true);
      expect(m.exports['.'], name).toEqual({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
      for (const [sub, target] of Object.entries(m.exports)) {
        for (const file of typeof target === 'string' ? [target] : Object.values(target)) expect(existsSync(join(dir, file)), `${name} ${sub} → ${file}`).toBe(true);
      }
      expect(
        filesUnder(dir).filter((f) => f.endsWith('.tsbuildinfo')),
        name,
      ).toEqual([]);
    }
  });

  it('every source map and declaration map points at a file that is in the package', () => {
    let maps = 0;
    for (const name of PACKAGES) {
      const dir = installed(name);
      for (const file of filesUnder(dir).filter((f) => f.endsWith('.map'))) {
        const map = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[] };
        for (const source of map.sources) expect(existsSync(resolve(dirname(join(dir, file)), source)), `${name}/${file} → ${source}`).toBe(true);
        maps++;
      }
    }
    expect(maps).toBeGreaterThan(100);
  });

  it('vault --version, check and compile run from the installed bin', async () => {
    const version = await vault(['--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);

    mkdirSync(join(project, 'specs'), { recursive: true });
    cpSync(join(ROOT, 'specs/ews.yaml'), join(project, 'specs/ews.yaml'));
    const check = await vault(['check', 'specs/ews.yaml']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('specs/ews.yaml: ok');

    writeFileSync(join(project, 'specs/bad.yaml'), 'version: 1\nmodel: shop\ntables:\n  orders:\n    colums:\n      order_id: int\n');
    const bad = await vault(['check', 'specs/bad.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("specs/bad.yaml:4:3: error VLT103: table 'orders' is missing the required key 'columns'");

    const compile = await vault(['compile', 'specs/ews.yaml', '--target', 'querydsl,sql,docs']);
    expect(compile.code, compile.stderr).toBe(0);
    for (const f of ['manifest.json', 'registry.py', 'sql/setup.sql', 'docs/README.md', 'docs/lineage.svg']) expect(existsSync(join(project, 'generated/ews', f)), f).toBe(true);
  });

  it('the library loads and compiles a spec, and the JSON Schema is at @vault/dsl/schema.json', async () => {
    const r = await node(`
      import { createRequire } from 'node:module';
      import { readFileSync } from 'node:fs';
      import { loadSpec, SPEC_SCHEMA } from '@vault/dsl';
      import { compileSpec } from '@vault/core';
      import { emitQueryDsl, buildManifest } from '@vault/emitters';
      import { DSL_KINDS } from '@vault/emitters/internal';
      import { loadSpec as fromCli } from '@vault/cli';
      const { model, diagnostics } = loadSpec('specs/ews.yaml');
      const files = emitQueryDsl(model, { specPath: 'specs/ews.yaml' });
      const manifest = buildManifest(model, { specPath: 'specs/ews.yaml', files: files.map((f) => f.path) });
      const tiny = compileSpec({ version: 1, model: 'tiny', tables: { customers: { columns: { customer_id: 'int', name: 'text' } } } });
      const schemaFile = createRequire(import.meta.url).resolve('@vault/dsl/schema.json');
      console.log(JSON.stringify({
        errors: diagnostics.filter((d) => d.severity === 'error').length,
        hubs: model.byKind.hub.map((h) => h.name),
        files: files.length,
        manifestModel: manifest.model,
        tiny: tiny.model.byKind.hub.map((h) => h.name),
        internal: typeof DSL_KINDS,
        cli: fromCli === loadSpec,
        schemaMatches: JSON.stringify(JSON.parse(readFileSync(schemaFile, 'utf8'))) === JSON.stringify(SPEC_SCHEMA),
        schemaFile,
      }));
    `);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ errors: 0, manifestModel: 'ews', tiny: ['customer'], internal: 'object', cli: true, schemaMatches: true });
    expect(out['hubs']).toContain('business_partner');
    expect(out['files']).toBeGreaterThan(10);
    expect(out['schemaFile']).toBe(join(project, 'node_modules/@vault/dsl/schema.json'));
  });

  it('TypeScript finds the types through the exports map', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }),
    );
    writeFileSync(
      join(project, 'use.ts'),
      [
        "import { loadSpec, type Analysis } from '@vault/dsl';",
        "import type { VaultModel } from '@vault/core';",
        "import { emitQueryDsl, type EmittedFile } from '@vault/emitters';",
        "const a: Analysis = loadSpec('specs/ews.yaml');",
        'const m: VaultModel | undefined = a.model;',
        "const files: ReadonlyArray<EmittedFile> = m ? emitQueryDsl(m, { specPath: 'specs/ews.yaml' }) : [];",
        'export const count: number = files.length;',
        '// @ts-expect-error internals are not on the public entry',
        "import { DSL_KINDS } from '@vault/emitters';",
        'export { DSL_KINDS };',
        '',
      ].join('\n'),
    );
    const tsc = await exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, env: userEnv() });
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
  });

  it('vault init writes the schema modeline that points into node_modules, and the file is there', async () => {
    const seed = await vault(['seed', 'specs/ews.yaml', '--rows', '2']);
    expect(seed.code, seed.stderr).toBe(0);
    const init = await vault(['init', '--schema', 'landing', '--model', 'ews', '-o', 'specs/from-db.yaml']);
    expect(init.code, init.stderr).toBe(0);
    const first = readFileSync(join(project, 'specs/from-db.yaml'), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../node_modules/@vault/dsl/schema.json');
    expect(existsSync(join(project, 'specs', '../node_modules/@vault/dsl/schema.json'))).toBe(true);
  });
});
