import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES, RULES } from '@vault/core';
import { KINDS, kindsOfLayer, VAULT_LAYERS } from '@vault/core/internal';
import { SPEC_SCHEMA } from '@vault/dsl';
import { ENUM_NAMES, FRAMEWORK_NAMES, METHOD_NAMES } from '@vault/emitters/internal';
import { runVault } from './helpers/run-vault.js';

const read = (p: string): string => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

describe('documentation stays in step with the code', () => {
  it('docs/diagnostics.md lists every diagnostic code with its severity and meaning', () => {
    const doc = read('docs/diagnostics.md');
    for (const [code, { severity, title }] of Object.entries(CODES)) {
      expect(doc).toContain(`| ${code} | ${severity} | ${title} |`);
    }
    const documented = [...doc.matchAll(/^\| (VLT\d{3}) \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(CODES));
  });

  it("docs/manifest.md's example and docs/cli.md's --json keys list every kind's plural, in the registry's order", () => {
    const plurals = (layer: (typeof VAULT_LAYERS)[number]): string[] => kindsOfLayer(layer).map((k) => KINDS[k].plural);
    const manifest = read('docs/manifest.md');
    for (const layer of VAULT_LAYERS) {
      const line = manifest.split('\n').find((l) => l.trimStart().startsWith(`"${layer}":`));
      expect(line, layer).toBeDefined();
      expect(
        [...line!.slice(line!.indexOf('{')).matchAll(/"(\w+)": \[\]/g)].map((m) => m[1]),
        layer,
      ).toEqual(plurals(layer));
    }
    const cli = read('docs/cli.md');
    for (const layer of ['raw_vault', 'access_layer'] as const) {
      const row = cli.split('\n').find((l) => l.startsWith(`| \`${layer}\` | \`{`));
      expect(row, layer).toBeDefined();
      expect(
        [...row!.slice(row!.indexOf('{'), row!.indexOf('}')).matchAll(/"(\w+)"/g)].map((m) => m[1]),
        layer,
      ).toEqual([...plurals(layer), 'files']);
    }
  });

  it('docs/inference.md lists every inference rule', () => {
    const doc = read('docs/inference.md');
    for (const [id, text] of Object.entries(RULES)) expect(doc).toContain(`| \`${id}\` | ${text} |`);
  });

  it("every option of every command's --help is documented, and every option a page gives a command is in its --help", () => {
    const COMMANDS = ['check', 'compile', 'explain', 'seed', 'run', 'validate', 'init', 'suggest', 'docs', 'graph'] as const;
    const pages = ['README.md', ...readdirSync(new URL('../docs', import.meta.url)).map((f) => `docs/${f}`)];
    const text = pages.map((p) => read(p)).join('\n');
    const options = new Map(
      COMMANDS.map((c) => {
        const help = runVault([c, '--help']);
        expect(help.code, c).toBe(0);
        return [c, new Set([...help.stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!))] as const;
      }),
    );
    // `vault seed --engine spark` is refused with a message of its own (exit 2): seed has no --engine to offer.
    options.get('seed')!.add('--engine');
    const undocumented = [...options].flatMap(([c, opts]) => [...opts].filter((o) => o !== '--help' && !new RegExp(`${o}(?![\\w-])`).test(text)).map((o) => `vault ${c} ${o}`));
    expect(undocumented).toEqual([]);
    const unknown = pages.flatMap((p) =>
      [...read(p).matchAll(/(?:`|^\s*(?:npx )?)vault (check|compile|explain|seed|run|validate|init|suggest|docs|graph)\b([^`\n]*)/gm)].flatMap((m) =>
        [...m[2]!.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)]
          .map((f) => f[1]!)
          .filter((f) => f !== '--help' && !options.get(m[1] as (typeof COMMANDS)[number])!.has(f))
          .map((f) => `${p}: vault ${m[1]} ${f}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('packages/dsl/schema.json (@vault/dsl/schema.json) is the schema vault validates against', () => {
    expect(JSON.parse(read('packages/dsl/schema.json'))).toEqual(SPEC_SCHEMA);
  });
});

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', '.vault', 'generated', 'docs-out']);
const TEXT = /\.(md|ts|mts|js|mjs|py|ya?ml|json|sql|dot)$/;

/** Every text file of the project a user or contributor reads: docs, specs, sources, tests, scripts. */
function projectFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      if (SKIP.has(name) || name === 'package-lock.json') return [];
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : TEXT.test(name) ? [relative(ROOT, p).split('\\').join('/')] : [];
    });
  return ['README.md', ...['docs', 'specs', 'scripts', 'bin', 'packages', 'tests'].flatMap((d) => walk(join(ROOT, d)))];
}

describe('the project stands on its own', () => {
  // Built from parts, so that this file does not match itself.
  const outside = new RegExp(['\\.\\./', 'shared', '/'].join(''));
  const plan = new RegExp(['implementation', '[ -]plan'].join(''), 'i');
  const seedDocument = new RegExp(['\\bthe seed\\b(?! (rows|data|command))', "\\bseed's\\b", '\\bseed \\d+\\.\\d'].join('|'), 'i');

  it('refers to no file outside the repository and to no planning document', () => {
    const files = projectFiles();
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) =>
      read(f)
        .split('\n')
        .flatMap((line, i) => (outside.test(line) || plan.test(line) || seedDocument.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('docs/querydsl.md names every name of the default framework profile and of registry.py', () => {
    const doc = read('docs/querydsl.md');
    for (const name of [...FRAMEWORK_NAMES, ...ENUM_NAMES, 'HASHING', 'RECORD_SOURCES', 'vault_framework']) expect(doc).toContain(`\`${name}`);
    for (const method of METHOD_NAMES) expect(doc).toContain(`.${method}(`);
    for (const key of ['standard', 'algorithm', 'case_sensitive_keys', 'case_sensitive_hashdiff', 'delimiter', 'null_token', 'zero_key', 'system', 'tables', 'ghost_records']) {
      expect(doc).toContain(`\`${key}\``);
    }
  });

  it("docs/querydsl.md's two examples are what vault compile writes", () => {
    const doc = read('docs/querydsl.md');
    const examples = [...doc.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^#.*\n/gm, '').trimStart());
    expect(examples).toHaveLength(2);
    expect(read('tests/golden/lgd/raw_vault/facility_collateral_link.py')).toContain(examples[0]);
    expect(read('tests/golden/ews/raw_vault/early_warning_signal_satellite.py')).toContain(examples[1]);
  });
});
