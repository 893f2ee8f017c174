/**
 * Runs emitted Query DSL files as Python against the stand-in framework
 * (tests/fixtures/python/vault_framework.py) and checks the recorded chains against the manifest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmittedFile, Manifest, ManifestEntity } from '@vault/emitters';
import { expect } from 'vitest';

export const PYTHON_DIR = fileURLToPath(new URL('../fixtures/python/', import.meta.url));
export const hasPython = spawnSync('python3', ['--version']).status === 0;

export interface Chain {
  readonly entity: { readonly enum: string; readonly member: string; readonly value: string };
  readonly build: string;
  readonly start: { readonly name: string; readonly kind: string };
  readonly steps: ReadonlyArray<readonly [string, ReadonlyArray<unknown>]>;
  readonly business_key: string | ReadonlyArray<string> | null;
  readonly written: boolean;
}

export interface RunAll {
  readonly files: ReadonlyArray<string>;
  readonly mappings: Readonly<Record<string, Readonly<Record<string, { readonly name: string; readonly kind: string }>>>>;
  readonly runs: ReadonlyArray<{ readonly module: string; readonly callable: string; readonly chains: ReadonlyArray<Chain>; readonly returned_chain: boolean }>;
  readonly chains: ReadonlyArray<Chain>;
}

/** Manifest list → [IR kind, enum, build method, satellite-like]. */
export const EXPECTED = {
  'raw_vault.hubs': ['hub', 'RawHub', 'build_raw_vault_hub', false],
  'raw_vault.links': ['link', 'RawLink', 'build_raw_vault_link', false],
  'raw_vault.satellites': ['satellite', 'RawSatellite', 'build_raw_vault_satellite', true],
  'raw_vault.link_satellites': ['link_satellite', 'RawLinkSatellite', 'build_raw_vault_link_satellite', true],
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


/** Writes `files` to a temporary model directory and runs every module and builder in it. */
export function runPythonHarness(files: ReadonlyArray<EmittedFile>): RunAll {
  const dir = mkdtempSync(join(tmpdir(), 'vault-querydsl-'));
  try {
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    const out = execFileSync('python3', ['-B', join(PYTHON_DIR, 'run_all.py'), dir], {
      env: { ...process.env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(out) as RunAll;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every manifest entity has exactly one recorded chain, ending in its build method with its enum member. */
export function expectChainsMatchManifest(result: RunAll, manifest: Manifest): void {
  const entities = manifestEntities(manifest);
  expect(result.chains).toHaveLength(entities.length);
  for (const { list, entity: e } of entities) {
    const [kind, enumName, build, satelliteLike] = EXPECTED[list];
    const matching = result.chains.filter((c) => c.entity.enum === enumName && c.entity.value === e.name);
    expect(matching, `${list}.${e.name}`).toHaveLength(1);
    const chain = matching[0]!;
    expect(chain.build).toBe(build);
    expect(chain.start).toEqual({ name: e.name, kind });
    expect(chain.written, `${list}.${e.name}`).toBe(satelliteLike);
    if (satelliteLike) expect(chain.business_key).toBe(e.columns[0]!.name);
    if (e.business_keys !== undefined) expect(chain.business_key).toEqual(e.business_keys);
  }
  for (const run of result.runs) {
    expect(run.chains, `${run.module} ${run.callable}`).toHaveLength(1);
    expect(run.returned_chain, run.callable).toBe(run.callable !== 'main');
  }
}
