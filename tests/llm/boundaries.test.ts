import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/run-vault.js';

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

it('only `vault suggest` reaches the LLM package: compile, check and the emitters never can', () => {
  const importers = ['core', 'dsl', 'emitters', 'cli']
    .flatMap((p) => sources(join(ROOT, 'packages', p, 'src')))
    .filter((f) => /from '@vault\/llm-assist(\/internal)?'|import\('@vault\/llm-assist(\/internal)?'\)|from '(ollama|groq-sdk)'/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(ROOT, f).split('\\').join('/'));
  expect(importers).toEqual(['packages/cli/src/commands/suggest.ts']);
});
