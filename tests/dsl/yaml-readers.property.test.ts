/**
 * The two YAML readers must agree: whenever js-yaml answers (data-reader.ts), its data equals
 * what the yaml package makes of the text, and it never answers where the yaml package finds an
 * error. Checked on every spec in the repository, on random specs and random JSON-like data
 * printed in every style the yaml package prints, on block scalars of every chomping at the end
 * of a file (with comments holding tabs), and on randomly damaged texts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { readYamlData } from '../../packages/dsl/src/yaml/data-reader.js';
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

/** js-yaml declines, or agrees; and it never answers where the yaml package has errors. */
function agrees(text: string): void {
  const fast = readYamlData(text);
  if (fast === undefined) return;
  const expected = reference(text);
  // node's comparison, not vitest's alone: vitest compares two objects' `constructor` properties,
  // which for data with a `constructor` key are two equal but distinct objects.
  if (isDeepStrictEqual(fast, expected)) return;
  expect(fast, JSON.stringify(text)).toStrictEqual(expected);
  expect.fail(`${JSON.stringify(text)}: the readers differ`);
}

/** js-yaml answers itself, and agrees. */
function reads(text: string): void {
  expect(readYamlData(text), JSON.stringify(text)).toBeDefined();
  agrees(text);
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(ROOT, dir, f));

describe('js-yaml and the yaml package agree', () => {
  it('on the example specs and a synthetic 50-table spec, which js-yaml reads itself', () => {
    for (const file of [...yamlFiles('specs'), ...yamlFiles('tests/corpus/good')]) reads(readFileSync(file, 'utf8'));
    reads(syntheticSpecYaml(50));
  });

  it('on every bad spec of the corpus (js-yaml declines or agrees)', () => {
    for (const file of yamlFiles('tests/corpus/bad')) agrees(readFileSync(file, 'utf8'));
  });

  it('js-yaml declines where the two differ or the yaml package reports: directives, tags, huge numbers, aliases, duplicates, null keys, odd white space', () => {
    for (const text of [
      '%YAML 1.1\n---\na: yes\n',
      '%TAG !e! tag:example.com,2000:\n---\na: 1\n',
      'a: !!float 1\n',
      'a: !!str 1\n',
      'a: !!binary aGk=\n',
      'a: !!timestamp 2001-01-01\n',
      'a: !local x\n',
      'a: 1e400\n',
      `a: ${'9'.repeat(400)}\n`,
      'a: &x 1\nb: *x\n',
      'a: 1\na: 2\n',
      '1: a\n"1": b\n',
      'a: {b: 1, b: 2}\n',
      '---\na: 1\n---\nb: 2\n',
      'a:\n\tb: 1\n',
      '? [a, b]\n: c\n',
      '- a\n',
      'a\n',
      '',
      '# only a comment\n',
      'a: "\\q"\n',
      'a: b: c\n',
      ': c\n',
      'a:\n  ~: c\n',
      'null: 1\n',
      'a:\n  b: 1\n  :  c: d\n',
      'a: "x\\\n\n  y"\n',
      'a: |+\n  x\n\t\n',
      'a: |\n  x\n\t',
      'a: |2+\n   x\n\n',
      'a: |1\n   \n',
      'a: >+\n\n  ',
      'a: |\n  x\n ',
    ]) {
      expect(readYamlData(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('on the core schema: what is a number, a boolean, null or a string', () => {
    reads(
      'a: 0b11\nb: 1_000\nc: 0o17\nd: +12\ne: .5\nf: 1e3\ng: 2001-01-01\nh: yes\ni: 017\nj: -.inf\nk: 0x_1F\nl: 0x1F\nm: 1:30\nn: +.5\no: 1.\np: -0\nq: 0O17\nr: +0x1F\ns: .NaN\nt: NULL\nu: True\nv: tRue\nw: 12e\nx: ~\ny:\nz: 12345678901234567890\n<<: {x: 1}\n',
    );
    reads('"null": 1\ntrue: 2\n1.0: 3\n.inf: 4\n"~": 5\n__proto__: {x: 1}\n0x10: 6\n');
  });

  it('on block scalars of every chomping, also at the end of the file and before comments with tabs', () => {
    for (const text of [
      'a: |\n  x\n   y\n\n  z\n\n\nb: 1\n',
      'a: |-\n  x\n',
      'a: |+\n  x\n\n\nb: 1\n',
      'a: >\n  x\n  y\n\n  z\n',
      'a: >-\n  x\n  y\n# c\nb: 2\n',
      'a: >\n  x\n    y\n\n  z\n  w\n',
      'a: |+\n  x\n',
      'a: |+\n  x\n\n',
      'a: |+\n  x\n\n\n',
      'a: >+\n  x\n\n',
      'a: >+\n  x\n  y\n\n\n',
      'a: |+\n  x',
      'a: >+\n  x\n\n# c\twith a tab\n',
      'a: |+\n  x\n\n# c\t\n\n',
      'a: |+\n  x\n  \n \n',
      'a: >+\n  x\n\n  # content, not a comment\n\n',
      'b: 1\na: |+\n  x\n \n#\t\n',
      'a:\n- 1\n- b: 2\n  c: [x, "y", \'z\']\n- - 3\n  - 4\nd: {e: null, f: ~, g: -1.5}\n',
      "a: x # c\nb: \"q # not\" # c\nc: 'it''s'\n",
      'a: x\t# c\tc\n',
    ]) {
      if (reference(text) === undefined) agrees(text);
      else reads(text);
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

  test.prop([specArb], { numRuns: 100 })('random specs printed in the default block style are read by js-yaml itself', (spec) => {
    reads(stringify(spec));
  });

  const scalar = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      'yes',
      'no',
      '~',
      '#x',
      'a: b',
      '- x',
      '0x10',
      '1e5',
      '.5',
      '-',
      ' lead',
      'trail ',
      "it's",
      'say "hi"',
      'a\nb',
      'a\n\nb\n',
      '\\',
      '[x]',
      '{y}',
      'x\n\n',
      'x\n\n\n',
      ' x\n\n',
      'x\n \n',
      'tab\there\n\n',
      '\n\n',
    ),
  );
  const key = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('a', 'b', 'key', 'x_y', 'true', '1', 'null', '~', '1.0', '0x1', '.inf', '__proto__'));
  const data = fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1 }), scalar, { maxKeys: 4 })), { minKeys: 1 });

  test.prop([data, styles], { numRuns: 300 })('random data in any print style, with LF and with CRLF line ends', (value, options) => {
    const text = stringify(value, options);
    agrees(text);
    agrees(text.replace(/\n/g, '\r\n'));
  });

  /** A block scalar as the last value of a file: its header, content lines, then blank, space-only and comment lines. */
  const blockAtEnd = fc.record({
    header: fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|2+', '>1+', '|+ # c\tt'),
    lines: fc.array(fc.constantFrom('x', ' y', '', 'a b', '\tz', '# not a comment', 'w\t'), { minLength: 1, maxLength: 5 }),
    trailing: fc.array(fc.constantFrom('', ' ', '  ', '   ', '\t', '# c\tt', '#\t', ' # c', '  # c\t'), { maxLength: 5 }),
    finalNewline: fc.boolean(),
  });

  test.prop([specArb, blockAtEnd], { numRuns: 300 })('a spec ending in a block scalar of any chomping, with trailing blank lines and comments holding tabs', (spec, b) => {
    const body = b.lines.map((l) => (l === '' ? '' : `  ${l}`)).join('\n');
    const text = `${stringify(spec)}zz_last: ${b.header}\n${body}\n${b.trailing.join('\n')}${b.finalNewline ? '\n' : ''}`;
    agrees(text);
    agrees(text.replace(/\n/g, '\r\n'));
    // js-yaml must answer itself whenever the text is good YAML outside what it declines by design
    // (a tab in a line's leading white space, an indentation indicator, a white-space-only last line).
    if (reference(text) !== undefined && !/^ *\t/m.test(text) && !/[0-9]/.test(b.header) && !/(?:^|\n)[ \t]+$/.test(text)) reads(text);
  });

  test.prop(
    [
      specArb,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '  ', '\n', ':', '- ', '#', '"', "'", '[', '{', ',', '|', '>', '|+', '>+', '\t', 'x', ': y', '\n  ', '&a', '*a', '!', '%')), {
        minLength: 1,
        maxLength: 4,
      }),
    ],
    { numRuns: 300 },
  )('damaged texts: js-yaml declines whenever the yaml package reports an error', (spec, edits) => {
    let text = stringify(spec);
    for (const [at, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i);
    }
    agrees(text);
  });
});
