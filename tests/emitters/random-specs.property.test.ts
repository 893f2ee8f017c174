/**
 * The emitter over random valid specs: every generated model's Python parses, imports and runs
 * against the stand-in framework, with exactly one chain per manifest entity.
 */
import { test, fc } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { compileSpec } from '@vault/core';
import { buildManifest, emitQueryDsl, manifestJson, manifestJsonChunks } from '@vault/emitters/internal';
import { specArb } from '../arbitraries/spec.js';
import { expectChainsMatchManifest, hasPython, runPythonHarness } from '../helpers/python-harness.js';

describe.skipIf(!hasPython)('Query DSL for random specs', () => {
  test.prop([specArb], { numRuns: 15 })('runs against the stand-in framework and agrees with the manifest', (spec) => {
    const { model, diagnostics } = compileSpec(spec);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const files = emitQueryDsl(model!, { specPath: 'spec.yaml' });
    const manifest = buildManifest(model!, { specPath: 'spec.yaml', files: files.map((f) => f.path) });
    expectChainsMatchManifest(runPythonHarness(files, model!.name), manifest);
  });

  test('the arbitrary generates varied models', () => {
    const sizes = fc.sample(specArb, { numRuns: 30, seed: 7 }).map((s) => Object.keys(s.tables).length);
    expect(new Set(sizes).size).toBeGreaterThan(3);
  });
});

describe('manifestJsonChunks', () => {
  test.prop([specArb], { numRuns: 40 })('joins to exactly the bytes of manifestJson', (spec) => {
    const model = compileSpec(spec).model!;
    const options = { specPath: 'spec.yaml', files: emitQueryDsl(model, { specPath: 'spec.yaml' }).map((f) => f.path) };
    expect([...manifestJsonChunks(model, options)].join('')).toBe(manifestJson(buildManifest(model, options)));
  });
});
