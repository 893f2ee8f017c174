/**
 * Golden output: what `vault compile` writes for every example spec, byte for byte. The files
 * under tests/golden/ are committed and reviewed in diffs like code; after an intended change,
 * `npx vitest run tests/golden.test.ts -u` rewrites them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFiles } from './helpers/compile-files.js';
import { expectChainsMatchManifest, hasPython, runPythonHarness } from './helpers/python-harness.js';

const SPECS = readdirSync(fileURLToPath(new URL('../specs', import.meta.url)))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const GOLDEN = fileURLToPath(new URL('./golden', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

describe.each(SPECS)('specs/%s', (name) => {
  const compiled = compileFiles(`specs/${name}`);

  it('matches the committed golden output byte for byte', async () => {
    for (const f of compiled.files) await expect(f.content).toMatchFileSnapshot(join(GOLDEN, compiled.model, f.path));
  });

  it('has no stale golden files', () => {
    const golden = listFiles(join(GOLDEN, compiled.model))
      .map((p) => relative(join(GOLDEN, compiled.model), p).split('\\').join('/'))
      .sort();
    expect(golden).toEqual(compiled.files.map((f) => f.path).sort());
  });

  it('is the same bytes when compiled again', () => {
    expect(compileFiles(`specs/${name}`).files).toEqual(compiled.files);
  });

  it.skipIf(!hasPython)('parses, imports and runs against the stand-in framework, one chain per manifest entity', () => {
    expectChainsMatchManifest(runPythonHarness(compiled.files, compiled.model), compiled.manifest);
  });
});
