/**
 * The Query DSL output against what docs/querydsl.md promises, for every kind of entity: the
 * keys of each field mapping and their order (read from the doc's own table), and names that
 * need care (an entity name whose class would start with a digit, one whose class is spelled
 * like an enum the file does not import).
 */
import { readFileSync } from 'node:fs';
import type { VaultModel } from '@vault/core';
import { entitiesOf, replaceEntities } from '@vault/core/internal';
import { analyzeSpec, loadSpecFile, parseSpecYaml } from '@vault/dsl';
import { DEFAULT_PROFILE, emitQueryDsl, mergeProfile, validateQueryDsl, type EmittedFile } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../helpers/compile-files.js';
import { expectChainsMatchManifest, hasPython, runPythonHarness } from '../helpers/python-harness.js';

const read = (p: string): string => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

/** The keys of docs/querydsl.md's field mapping table, in its order (a row may name several). */
function documentedKeys(): string[] {
  const doc = read('docs/querydsl.md');
  const section = doc.slice(doc.indexOf('## Field mappings'), doc.indexOf('## Hash keys, hashdiffs and record sources'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.slice(0, line.indexOf(' |', 2)).matchAll(/`(\w+)`/g)].map((m) => m[1]!));
}

/** The top-level keys of a `_fields.py` file's constant, in the order written (the printer puts each on its own line). */
function mappingKeys(content: string): string[] {
  expect(content).toMatch(/^[A-Z0-9_]+_FIELD_MAPPING = \{\n/m);
  return [...content.matchAll(/^ {4}'(\w+)': /gm)].map((m) => m[1]!);
}

const SPECS = ['specs/ews.yaml', 'specs/lgd.yaml', 'tests/fixtures/every-kind.yaml', 'tests/corpus/good/northwind-codes.yaml', 'tests/corpus/good/payments.yaml'];

describe('field mappings, as docs/querydsl.md lists their keys', () => {
  const keys = documentedKeys();

  it('the table names each key once', () => {
    expect(keys.length).toBeGreaterThan(30);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the every-kind fixture has an entity of every kind', () => {
    const kinds = new Set(compileFiles('tests/fixtures/every-kind.yaml').files.flatMap((f) => [...f.content.matchAll(/^ {4}'kind': '(\w+)',$/gm)].map((m) => m[1])));
    expect(kinds.size).toBe(Object.keys(DEFAULT_PROFILE.enums).length);
  });

  for (const spec of SPECS) {
    it(`${spec}: every mapping holds only documented keys, in the documented order, and always name, kind and columns`, () => {
      const mappings = compileFiles(spec).files.filter((f) => f.path.endsWith('_fields.py'));
      expect(mappings.length).toBeGreaterThan(0);
      for (const f of mappings) {
        const found = mappingKeys(f.content);
        expect(
          found.filter((k) => !keys.includes(k)),
          f.path,
        ).toEqual([]);
        expect(found, f.path).toEqual([...found].sort((a, b) => keys.indexOf(a) - keys.indexOf(b)));
        for (const k of ['name', 'kind', 'columns']) expect(found, `${f.path}: ${k}`).toContain(k);
      }
    });
  }
});

function model(yaml: string): VaultModel {
  const a = analyzeSpec(parseSpecYaml(yaml, 'names.yaml'));
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a.model!;
}

const tableNamed = (name: string): string => `version: 1
model: names
tables:
  ${name}:
    business_key: [${name}_id]
    columns:
      ${name}_id: { type: int, nullable: false }
      note: text
`;

function content(files: ReadonlyArray<EmittedFile>, path: string): string {
  const file = files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no file ${path}`);
  return file.content;
}

describe('class names', () => {
  it('keep the underscore before a digit that starts the name, so the class is a Python identifier', () => {
    const m = model(tableNamed('_1x'));
    expect(validateQueryDsl(m, DEFAULT_PROFILE)).toEqual([]);
    const files = emitQueryDsl(m, { specPath: 'names.yaml' });
    expect(content(files, 'raw_vault/_1x_hub.py')).toContain('\nclass _1xHub:\n');
    expect(content(files, 'business_vault/_1x_business_hub.py')).toContain('\nclass _1xBusinessHub:\n');
    expect(content(files, 'access_layer/_1x_presentation_view.py')).toContain('\nclass _1xPresentationView:\n');
    expect(content(files, 'registry.py')).toContain("\nclass RawHub(Enum):\n    _1X = '_1x'\n");
    if (hasPython) runPythonHarness(files);
  });

  it('may be spelled like an enum the file does not import: a hub named business is class BusinessHub beside the enum RawHub', () => {
    const m = model(tableNamed('business'));
    expect(validateQueryDsl(m, DEFAULT_PROFILE)).toEqual([]);
    const files = emitQueryDsl(m, { specPath: 'names.yaml' });
    const hub = content(files, 'raw_vault/business_hub.py');
    expect(hub).toContain('\nfrom ..registry import RawHub\n');
    expect(hub).toContain('\nclass BusinessHub:\n');
    expect(content(files, 'business_vault/business_business_hub.py')).toContain('\nfrom ..registry import BusinessHub\n');
    if (hasPython) {
      const result = runPythonHarness(files, 'names');
      expect(result.chains.find((c) => c.build === 'build_raw_vault_hub')?.entity).toMatchObject({ enum: 'RawHub', member: 'BUSINESS' });
    }
  });

  it('are refused when the file imports an enum of the same name: a hub named raw would be class RawHub', () => {
    expect(validateQueryDsl(model(tableNamed('raw')), DEFAULT_PROFILE).map((d) => d.message)).toEqual(["hub 'raw': its class RawHub has the name of a framework class or enum in the profile"]);
  });
});

describe('chains and settings as the contract writes them', () => {
  it("a link satellite is the framework's link satellite pattern: join the link, drop the link hash key, build on it, write; no other kind drops", () => {
    for (const spec of SPECS) {
      const files = compileFiles(spec).files;
      const linkSatellites = files.filter((f) => f.path.endsWith('_link_satellite.py') && f.path.startsWith('raw_vault/'));
      for (const f of linkSatellites) {
        const key = /BusinessKey\('(\w+)'\)/.exec(f.content)![1]!;
        expect(f.content, f.path).toMatch(
          new RegExp(`\\n {8}\\.join\\(Query\\(\\w+_LINK_FIELD_MAPPING\\), JoinCondition\\('${key}'\\)\\)\\n {8}\\.drop\\(\\['${key}'\\]\\)\\n {8}\\.build_raw_vault_link_satellite\\(`),
        );
      }
      expect(
        files.filter((f) => f.content.includes('.drop(')).map((f) => f.path),
        spec,
      ).toEqual(linkSatellites.map((f) => f.path));
    }
    expect(content(compileFiles('tests/fixtures/every-kind.yaml').files, 'raw_vault/account_product_link_satellite.py')).toContain(
      [
        '        Query(ACCOUNT_PRODUCT_LINK_SATELLITE_FIELD_MAPPING)',
        "        .join(Query(ACCOUNT_PRODUCT_LINK_FIELD_MAPPING), JoinCondition('account_product_hk'))",
        "        .drop(['account_product_hk'])",
        "        .build_raw_vault_link_satellite(RawLinkSatellite.ACCOUNT_PRODUCT, BusinessKey('account_product_hk'))",
        '        .write()',
      ].join('\n'),
    );
  });

  it("a link's mapping names its dependent child keys as the manifest does, the last of its business keys, and leaves them out when it has none", () => {
    let withChildKeys = 0;
    for (const spec of [...SPECS, 'tests/corpus/good/shop.yaml']) {
      const { files, manifest } = compileFiles(spec);
      const links = [...manifest.raw_vault.links, ...manifest.raw_vault.non_historized_links, ...manifest.business_vault.links];
      for (const link of links) {
        const mapping = content(
          files,
          link.files.find((f) => f.endsWith('_fields.py'))!,
        );
        const childKeys = link.dependent_child_keys;
        if (childKeys === undefined) {
          expect(mapping, link.files[1]).not.toContain("'dependent_child_keys'");
          continue;
        }
        withChildKeys++;
        const list = `[${childKeys.map((k) => `'${k}'`).join(', ')}]`;
        expect(mapping, link.files[1]).toContain(`\n    'dependent_child_keys': ${list},\n`);
        expect(mapping, link.files[1]).toMatch(new RegExp(`\\n {4}'business_keys': \\[.*${childKeys.map((k) => `'${k}'`).join(', ')}\\],\\n`));
      }
    }
    expect(withChildKeys).toBeGreaterThan(1);
  });

  it("a profile's name for drop is the one a link satellite calls", () => {
    const m = analyzeSpec(loadSpecFile('tests/fixtures/every-kind.yaml')).model!;
    const files = emitQueryDsl(m, { specPath: 'every-kind.yaml', profile: mergeProfile({ methods: { drop: 'remove_columns' } }) });
    expect(content(files, 'raw_vault/account_product_link_satellite.py')).toContain("\n        .remove_columns(['account_product_hk'])\n");
    expect(files.filter((f) => f.content.includes('.drop(')).map((f) => f.path)).toEqual([]);
  });

  it("registry.py's HASHING names the hashing standard docs/querydsl.md names", () => {
    const registry = content(compileFiles('specs/ews.yaml').files, 'registry.py');
    const standard = /'standard': '([^']+)'/.exec(registry)![1]!;
    const doc = read('docs/querydsl.md').replace(/\s+/g, ' ');
    expect(doc).toContain(`\`standard\` (\`'${standard}'\`)`);
  });
});

describe('validateQueryDsl against what the emitter writes', () => {
  const specs = [...SPECS, ...['bank-composite-keys', 'multi-source', 'orders-rules', 'shop'].map((n) => `tests/corpus/good/${n}.yaml`)];

  it('accepts every model the contract tests compile', () => {
    for (const spec of specs) expect(validateQueryDsl(analyzeSpec(loadSpecFile(spec)).model!, DEFAULT_PROFILE), spec).toEqual([]);
  });

  it('refuses entity names the generated Python cannot spell: no ASCII identifier, or an enum member Python reserves or hides', () => {
    const whole = model(tableNamed('plain'));
    const [hub] = entitiesOf(whole, 'hub');
    // The hub renamed, and its satellite's parent with it.
    const renamed = (name: string): string[] => {
      const m = replaceEntities(
        replaceEntities(whole, 'hub', [{ ...hub!, name }]),
        'satellite',
        entitiesOf(whole, 'satellite').map((sat) => ({ ...sat, parent: name })),
      );
      return validateQueryDsl(m, DEFAULT_PROFILE).map((d) => `${d.path.join('.')}: ${d.message}`);
    };
    expect(renamed('plain-x')).toEqual(["tables.plain: hub 'plain-x': the name is not a Python identifier"]);
    expect(renamed('plaín')).toEqual(["tables.plain: hub 'plaín': the name is not a Python identifier"]);
    expect(renamed('_x_')).toEqual(["tables.plain: RawHub '_x_': '_X_' cannot be a Python enum member"]);
    expect(renamed('__x')).toEqual(["tables.plain: RawHub '__x': '__X' cannot be a Python enum member"]);
    expect(renamed('x_1')).toEqual([]);
  });

  it('refuses, at the entity, a model without an entity that another one joins or is built as of, which the emitter cannot write; the model without any other entity emits', () => {
    const whole = analyzeSpec(loadSpecFile('tests/fixtures/every-kind.yaml')).model!;
    let refused = 0;
    for (const gone of whole.entities) {
      const model = replaceEntities(
        whole,
        gone.kind,
        entitiesOf(whole, gone.kind).filter((e) => e !== gone),
      );
      const problems = validateQueryDsl(model, DEFAULT_PROFILE);
      if (problems.length === 0) {
        expect(() => emitQueryDsl(model, { specPath: 'every-kind.yaml' }), `without ${gone.kind} ${gone.name}`).not.toThrow();
        continue;
      }
      refused++;
      for (const p of problems) expect(p.message, `without ${gone.kind} ${gone.name}`).toMatch(new RegExp(`its chain joins the ${gone.kind} '${gone.name}', which is not in the model$`));
      expect(() => emitQueryDsl(model, { specPath: 'every-kind.yaml' })).toThrow(problems[0]!.message);
    }
    // The fixture's 3 hubs, 2 links, 3 business hubs, the business link with a satellite and the snapshot control.
    expect(refused).toBe(10);
  });

  it('refuses, at the entity, a model without a source table that a raw vault entity is loaded from', () => {
    const whole = analyzeSpec(loadSpecFile('tests/fixtures/every-kind.yaml')).model!;
    for (const gone of whole.sources) {
      const model = { ...whole, sources: whole.sources.filter((t) => t !== gone) };
      const problems = validateQueryDsl(model, DEFAULT_PROFILE);
      expect(problems.length, `without ${gone.name}`).toBeGreaterThan(0);
      for (const p of problems) expect(p.message, `without ${gone.name}`).toMatch(new RegExp(`: it is loaded from '${gone.name}', which is not a source table of the model$`));
      expect(() => emitQueryDsl(model, { specPath: 'every-kind.yaml' })).toThrow(problems[0]!.message);
    }
  });
});

describe.skipIf(!hasPython)('the every-kind fixture as Python', () => {
  it('parses, imports and runs against the stand-in framework, one chain per manifest entity', () => {
    const compiled = compileFiles('tests/fixtures/every-kind.yaml');
    const result = runPythonHarness(
      compiled.files.filter((f) => f.path.endsWith('.py')),
      compiled.model,
    );
    expectChainsMatchManifest(result, compiled.manifest);
  });
});
