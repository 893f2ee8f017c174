/**
 * The corpus of bad specs: each file in `tests/corpus/bad` has exactly one mistake and a
 * first line `# expect: VLTnnn <what is wrong>`; its `.expected` file holds the diagnostics
 * exactly as `vault check` prints them. The good specs must compile without an error.
 *
 * Regenerate the goldens with `UPDATE_GOLDEN=1 npx vitest run tests/corpus`, then review
 * every changed line by hand: the position must point at the offending key or value, and the
 * message must say where and what. Cases whose diagnostics are wrong today are not goldens:
 * they are described in `tests/corpus/bad/KNOWN_ISSUES.md`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '@vault/core';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { describe, expect, it } from 'vitest';

const BAD_DIR = fileURLToPath(new URL('./bad/', import.meta.url));
const GOOD_DIR = fileURLToPath(new URL('./good/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const EXPECT_LINE = /^# expect: (VLT\d{3}) \S/;

const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const badFiles = yamlFiles(BAD_DIR);
const goodFiles = yamlFiles(GOOD_DIR);

/** What `vault check` prints for a spec, one diagnostic a line, with a final newline. */
function printed(text: string, file: string): { readonly output: string; readonly codes: ReadonlyArray<string>; readonly errors: number } {
  const { diagnostics } = analyzeSpec(parseSpecYaml(text, file));
  return {
    output: diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join(''),
    codes: diagnostics.map((d) => d.code),
    errors: diagnostics.filter((d) => d.severity === 'error').length,
  };
}

describe('bad spec corpus', () => {
  it('has at least 40 cases, numbered 001, 002, ... without gaps', () => {
    expect(badFiles.length).toBeGreaterThanOrEqual(40);
    expect(badFiles.map((f) => f.slice(0, 4))).toEqual(badFiles.map((_, i) => `${String(i + 1).padStart(3, '0')}-`));
  });

  it('has no golden without its spec', () => {
    const stale = readdirSync(BAD_DIR)
      .filter((f) => f.endsWith('.expected'))
      .filter((f) => !existsSync(`${BAD_DIR}${f.replace(/\.expected$/, '.yaml')}`));
    expect(stale).toEqual([]);
  });

  it.each(badFiles)('%s', (name) => {
    const text = readFileSync(`${BAD_DIR}${name}`, 'utf8');
    const expectLine = EXPECT_LINE.exec(text.split('\n')[0] ?? '');
    expect(expectLine, `${name}: the first line must be '# expect: VLTnnn <what is wrong>'`).not.toBeNull();
    const expectedCode = expectLine![1]!;

    const actual = printed(text, `tests/corpus/bad/${name}`);
    const goldenPath = `${BAD_DIR}${name.replace(/\.yaml$/, '.expected')}`;
    if (UPDATE) writeFileSync(goldenPath, actual.output);
    expect(existsSync(goldenPath), `${name}: missing golden; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual.output).toBe(readFileSync(goldenPath, 'utf8'));

    expect(actual.errors).toBeGreaterThan(0);
    expect(actual.codes).toContain(expectedCode);
  });
});

describe('good spec corpus', () => {
  it('has good specs', () => {
    expect(goodFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(goodFiles)('%s compiles without an error', (name) => {
    const text = readFileSync(`${GOOD_DIR}${name}`, 'utf8');
    const analysis = analyzeSpec(parseSpecYaml(text, `tests/corpus/good/${name}`));
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(errors).toEqual([]);
    expect(analysis.model).toBeDefined();
  });
});
