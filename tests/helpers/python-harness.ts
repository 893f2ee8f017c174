/**
 * Runs emitted Query DSL files as Python against the stand-in framework
 * (tests/fixtures/python/vault_framework.py) and checks the recorded chains against the manifest.
 * Models are written under one output folder, which alone goes on sys.path: each model is
 * imported as a package, as users import it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmittedFile, Manifest, ManifestEntity } from '@vault/emitters';
import { expect } from 'vitest';

export const PYTHON_DIR = fileURLToPath(new URL('../fixtures/python/', import.meta.url));
export const hasPython = spawnSync('python3', ['--version']).status === 0;

export interface Chain {
  /** `module`: where the member's enum class is defined, e.g. `ews.registry`. */
  readonly entity: { readonly enum: string; readonly module: string; readonly member: string; readonly value: string };
  readonly build: string;
  readonly start: { readonly name: string; readonly kind: string };
  readonly steps: ReadonlyArray<readonly [string, ReadonlyArray<unknown>]>;
  readonly business_key: string | ReadonlyArray<string> | null;
  readonly written: boolean;
}

/** What run_all.py reports for one model; modules are named from the model root. */
export interface RunAll {
  readonly files: ReadonlyArray<string>;
  readonly mappings: Readonly<Record<string, Readonly<Record<string, { readonly name: string; readonly kind: string }>>>>;
  readonly runs: ReadonlyArray<{ readonly module: string; readonly callable: string; readonly chains: ReadonlyArray<Chain>; readonly returned_chain: boolean }>;
  readonly chains: ReadonlyArray<Chain>;
  readonly registry: {
    readonly module: string;
    readonly hashing: unknown;
    readonly record_sources: unknown;
    /** Enum class name → the module it is defined in. */
    readonly enums: Readonly<Record<string, string>>;
  };
}

/** What run_all.py reports for one process that imported one or more models. */
export interface RunModels {
  readonly models: Readonly<Record<string, RunAll>>;
  /** Top-level names the models added to sys.modules: only the model packages. */
  readonly top_level_modules: ReadonlyArray<string>;
  /** [model, model, enum] for each enum class two models share. */
  readonly shared_enums: ReadonlyArray<readonly [string, string, string]>;
}

export interface ModelFiles {
  /** The model's folder name under the output folder: its package name. */
  readonly model: string;
  readonly files: ReadonlyArray<EmittedFile>;
}

/** Manifest list → [IR kind, enum, build method, satellite-like]. */
export const EXPECTED = {
  'raw_vault.hubs': ['hub', 'RawHub', 'build_raw_vault_hub', false],
  'raw_vault.links': ['link', 'RawLink', 'build_raw_vault_link', false],
  'raw_vault.non_historized_links': ['non_historized_link', 'RawNonHistorizedLink', 'build_raw_vault_non_historized_link', false],
  'raw_vault.satellites': ['satellite', 'RawSatellite', 'build_raw_vault_satellite', true],
  'raw_vault.link_satellites': ['link_satellite', 'RawLinkSatellite', 'build_raw_vault_link_satellite', true],
  'raw_vault.effectivity_satellites': ['effectivity_satellite', 'RawEffectivitySatellite', 'build_raw_vault_effectivity_satellite', true],
  'raw_vault.multi_active_satellites': ['multi_active_satellite', 'RawMultiActiveSatellite', 'build_raw_vault_multi_active_satellite', true],
  'raw_vault.status_tracking_satellites': ['status_tracking_satellite', 'RawStatusTrackingSatellite', 'build_raw_vault_status_tracking_satellite', true],
  'raw_vault.reference_tables': ['reference_table', 'ReferenceTable', 'build_reference_table', false],
  'business_vault.snapshot_controls': ['snapshot_control', 'SnapshotControl', 'build_snapshot_control', false],
  'business_vault.pits': ['pit', 'PointInTime', 'build_business_vault_pit', false],
  'business_vault.bridges': ['bridge', 'Bridge', 'build_business_vault_bridge', false],
  'business_vault.hubs': ['business_hub', 'BusinessHub', 'build_business_vault_hub', false],
  'business_vault.links': ['business_link', 'BusinessLink', 'build_business_vault_link', false],
  'business_vault.satellites': ['business_satellite', 'BusinessHubSatellite', 'build_business_vault_hub_satellite', true],
  'business_vault.link_satellites': ['business_link_satellite', 'BusinessLinkSatellite', 'build_business_vault_link_satellite', true],
  'access_layer.presentation_views': ['presentation_view', 'AccessView', 'build_access_layer_view', false],
  'access_layer.dimensional_models': ['dimensional_model', 'DimensionalModel', 'build_dimensional_model', false],
  'access_layer.reporting_views': ['reporting_view', 'ReportingView', 'build_reporting_view', false],
} as const;

export function manifestEntities(m: Manifest): Array<{ list: keyof typeof EXPECTED; entity: ManifestEntity }> {
  const layers = { raw_vault: m.raw_vault, business_vault: m.business_vault, access_layer: m.access_layer };
  return Object.entries(layers).flatMap(([layer, lists]) =>
    Object.entries(lists).flatMap(([plural, list]) => (list as ReadonlyArray<ManifestEntity>).map((entity) => ({ list: `${layer}.${plural}` as keyof typeof EXPECTED, entity }))),
  );
}

/**
 * Writes each model's files to `OUT/<model>/` in a temporary folder and imports and runs all of
 * them in one Python process, with only OUT on sys.path. `extraPath` folders (stand-in framework
 * modules) go on PYTHONPATH after the stand-in framework's own folder.
 */
export function runPythonModels(models: ReadonlyArray<ModelFiles>, extraPath: ReadonlyArray<string> = []): RunModels {
  const out = mkdtempSync(join(tmpdir(), 'vault-querydsl-'));
  try {
    for (const { model, files } of models) {
      for (const f of files) {
        mkdirSync(dirname(join(out, model, f.path)), { recursive: true });
        writeFileSync(join(out, model, f.path), f.content);
      }
    }
    const stdout = execFileSync('python3', ['-B', join(PYTHON_DIR, 'run_all.py'), out, ...models.map((m) => m.model)], {
      env: { ...process.env, PYTHONPATH: [PYTHON_DIR, ...extraPath].join(delimiter), PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(stdout) as RunModels;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One model's files, imported as package `model` and run; fails if it leaves any other top-level module. */
export function runPythonHarness(files: ReadonlyArray<EmittedFile>, model = 'model'): RunAll {
  const result = runPythonModels([{ model, files }]);
  expect(result.top_level_modules).toEqual([model]);
  return result.models[model]!;
}

/** Every manifest entity has exactly one recorded chain, ending in its build method with its enum member. */
export function expectChainsMatchManifest(result: RunAll, manifest: Manifest): void {
  const entities = manifestEntities(manifest);
  // The model's own registry, whatever its package is called.
  const registry = result.registry.module;
  expect(registry).toMatch(/\.registry$/);
  // The registry publishes the same hashing settings and record sources as the manifest.
  expect(result.registry.hashing).toEqual(manifest.hashing);
  expect(result.registry.record_sources).toEqual(manifest.record_sources);
  // With snapshots, each presentation and reporting view has a second chain: its as-of view, the
  // same chain with `.as_of(Query(<the snapshot control's mapping>))` before the build call.
  const control = manifest.business_vault.snapshot_controls[0];
  const asOf = (list: keyof typeof EXPECTED): boolean => control !== undefined && (list === 'access_layer.presentation_views' || list === 'access_layer.reporting_views');
  const isAsOf = (c: Chain): boolean => c.steps.some(([method]) => method === 'as_of');
  expect(result.chains).toHaveLength(entities.length + entities.filter((e) => asOf(e.list)).length);
  for (const { list, entity: e } of entities) {
    const [kind, enumName, build, satelliteLike] = EXPECTED[list];
    const all = result.chains.filter((c) => c.entity.enum === enumName && c.entity.value === e.name);
    // A PIT's or bridge's one chain is built as of the snapshot control's dates: `.as_of` is its last step.
    const builtAsOf = list === 'business_vault.pits' || list === 'business_vault.bridges';
    const matching = builtAsOf ? all : all.filter((c) => !isAsOf(c));
    expect(matching, `${list}.${e.name}`).toHaveLength(1);
    const chain = matching[0]!;
    if (builtAsOf) expect(chain.steps.at(-1), `${list}.${e.name}`).toEqual(['as_of', [{ query: { name: control!.name, kind: 'snapshot_control' }, steps: [] }]]);
    const asOfChains = builtAsOf ? [] : all.filter(isAsOf);
    expect(asOfChains, `${list}.${e.name} as of`).toHaveLength(asOf(list) ? 1 : 0);
    for (const a of asOfChains) {
      expect(a.build).toBe(build);
      expect(a.start).toEqual(chain.start);
      // The as-of step comes last, after the view's own steps.
      expect(a.steps).toEqual([...chain.steps, ['as_of', [{ query: { name: control!.name, kind: 'snapshot_control' }, steps: [] }]]]);
    }
    expect(chain.build).toBe(build);
    expect(chain.entity.module, `${list}.${e.name}`).toBe(registry);
    expect(chain.start).toEqual({ name: e.name, kind });
    expect(chain.written, `${list}.${e.name}`).toBe(satelliteLike);
    if (satelliteLike) expect(chain.business_key).toBe(e.columns[0]!.name);
    // A link's BusinessKey is its key columns: its hubs' keys, then its dependent child keys (an event's id).
    if (e.business_keys !== undefined) expect(chain.business_key).toEqual([...e.business_keys, ...(e.dependent_child_keys ?? [])]);
  }
  for (const run of result.runs) {
    expect(run.chains, `${run.module} ${run.callable}`).toHaveLength(1);
    expect(run.returned_chain, run.callable).toBe(run.callable !== 'main');
  }
}
