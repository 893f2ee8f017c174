/**
 * The plain-YAML fast path must read a document exactly as the yaml package does, or decline.
 * Checked on every spec in the repository, on random specs and random JSON-like data printed in
 * every style the yaml package prints, and on randomly damaged texts (where it must decline
 * whenever the yaml package finds an error).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { parsePlainYaml } from '../../packages/dsl/src/yaml/plain-yaml.js';
import { specArb } from '../arbitraries/spec.js';
import { syntheticSpecYaml } from '../../scripts/bench/synthetic-spec.mjs';
import { ROOT } from '../helpers/run-vault.js';

/** What the yaml package makes of the text, the way specs are parsed; undefined on any error. */
function reference(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return undefined;
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** The fast path declines, or agrees; and it never answers where the yaml package has errors. */
function agrees(text: string): void {
  const fast = parsePlainYaml(text);
  if (fast === undefined) return;
  expect(fast).toStrictEqual(reference(text));
}

const yamlFiles = (dir: string): string[] => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, dir, f));

describe('plain-YAML fast path', () => {
  it('reads the example specs and a synthetic 50-table spec itself, the same as the yaml package', () => {
    for (const file of [...yamlFiles('specs'), ...yamlFiles('tests/corpus/good')]) {
      const text = readFileSync(file, 'utf8');
      expect(parsePlainYaml(text), file).toStrictEqual(reference(text));
    }
    const synthetic = syntheticSpecYaml(50);
    expect(parsePlainYaml(synthetic)).toBeDefined();
    expect(parsePlainYaml(synthetic)).toStrictEqual(reference(synthetic));
  });

  it('declines or agrees on every bad spec of the corpus', () => {
    for (const file of yamlFiles('tests/corpus/bad')) agrees(readFileSync(file, 'utf8'));
  });

  it('declines what it does not read exactly: anchors, tags, multi-line scalars, duplicates, unusual numbers', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: one\n  two\n', 'a: "one\n  two"\n', 'a: 1\na: 2\n', 'a: 0x1F\n', 'a: 1e3\n',
      'a: .inf\n', 'a: 007\n', 'a: 2024-01-01\n', '---\na: 1\n', 'a:\n\tb: 1\n', 'yes: 1\n', '- a\n', 'a: [1, 2,]\n', 'a: {b: 1, b: 2}\n',
      'a: |2\n   x\n', 'a: b: c\n', '? a\n: b\n', 'a: [1,\n  2]\n', '__proto__: 1\n', 'a: "\\q"\n',
    ]) {
      expect(parsePlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('reads block scalars with every chomping, nested sequences and mappings in sequences', () => {
    for (const text of [
      'a: |\n  x\n   y\n\n  z\n\n\nb: 1\n', 'a: |-\n  x\n', 'a: |+\n  x\n\n\nb: 1\n', 'a: >\n  x\n  y\n\n  z\n', 'a: >-\n  x\n  y\n# c\nb: 2\n', 'a: >\n  x\n    y\n\n  z\n  w\n',
      'a:\n- 1\n- b: 2\n  c: [x, "y", \'z\']\n- - 3\n  - 4\nd: {e: null, f: ~, g: -1.5}\n', 'a: x # c\nb: "q # not" # c\nc: \'it\'\'s\'\n',
    ]) {
      expect(parsePlainYaml(text), JSON.stringify(text)).toBeDefined();
      agrees(text);
    }
  });

  const styles = fc.record({
    defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
    defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
    collectionStyle: fc.constantFrom('any', 'block', 'flow'),
    indent: fc.integer({ min: 1, max: 4 }),
    indentSeq: fc.boolean(),
    lineWidth: fc.constantFrom(0, 20, 80),
    flowCollectionPadding: fc.boolean(),
  }) as fc.Arbitrary<Parameters<typeof stringify>[2] & object>;

  test.prop([specArb, styles], { numRuns: 150 })('random specs in any print style', (spec, options) => {
    agrees(stringify(spec, options));
  });

  test.prop([specArb], { numRuns: 100 })('random specs printed in the default block style are read by the fast path itself', (spec) => {
    const text = stringify(spec);
    expect(parsePlainYaml(text)).toStrictEqual(reference(text));
  });

  const scalar = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constantFrom('yes', 'no', '~', '#x', 'a: b', '- x', '0x10', '1e5', '.5', '-', ' lead', 'trail ', "it's", 'say "hi"', 'a\nb', 'a\n\nb\n', '\\', '[x]', '{y}'));
  const data = fc.dictionary(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('a', 'b', 'key', 'x_y', 'true', '1')), fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1 }), scalar, { maxKeys: 4 })), { minKeys: 1 });

  test.prop([data, styles], { numRuns: 300 })('random data in any print style', (value, options) => {
    agrees(stringify(value, options));
  });

  test.prop([specArb, fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '  ', '\n', ':', '- ', '#', '"', "'", '[', '{', ',', '|', '>', 'x', ': y', '\n  ', '&a', '*a', '!')), { minLength: 1, maxLength: 4 })], { numRuns: 200 })(
    'damaged texts: declines whenever the yaml package reports an error',
    (spec, edits) => {
      let text = stringify(spec);
      for (const [at, insert] of edits) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + insert + text.slice(i);
      }
      agrees(text);
    },
  );
});
