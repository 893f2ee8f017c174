/**
 * Input limits: size, line length and nesting are checked on the raw text before any parser
 * runs, and every check after them takes time linear in the input. Sizes, not timers, make the
 * point: the inputs here are large enough that the quadratic and cubic code they replaced would
 * not finish within the test's time-out (160 KB took 25 s, 8,000 spaces a minute).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Document, isCollection, isPair } from 'yaml';
import { parseColumnType } from '@vault/core/internal';
import { analyzeSpec, checkYamlLimits, guardStack, INPUT_LIMITS, loadSpecFile, parseSpecCompact, parseSpecYaml, readTextBounded } from '@vault/dsl/internal';
import { specArb } from '../arbitraries/spec.js';

const HEAD = 'version: 1\nmodel: m\n';
const errorsOf = (text: string) => parseSpecYaml(text, 's.yaml').diagnostics.filter((d) => d.severity === 'error');

describe('input limits, checked before parsing', () => {
  it('refuses 5,000 nested flow lists with VLT008 at the bracket past the limit, no crash', () => {
    const [d, ...rest] = errorsOf(`${HEAD}tables:\n  t: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'VLT008', span: { start: { line: 4, col: 104 } } });
    expect(d!.message).toContain('more than 100 levels');
  });

  it('refuses 5,000 nested block mappings, one per line, at the line past the limit', () => {
    let text = `${HEAD}tables:\n`;
    for (let i = 1; i <= 5000; i++) text += `${' '.repeat(i)}k${i}:\n`;
    const [d] = errorsOf(text);
    expect(d).toMatchObject({ code: 'VLT008', span: { start: { line: 103, col: 101 } } });
  });

  it('refuses nested sequence entries on one line and nested flow mappings', () => {
    expect(errorsOf(`${HEAD}tables: ${'- '.repeat(3000)}x\n`)[0]?.code).toBe('VLT008');
    expect(errorsOf(`${HEAD}tables: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`)[0]?.code).toBe('VLT008');
    expect(errorsOf(`${HEAD}tables:\n${'- '.repeat(3000)}x\n`)[0]?.code).toBe('VLT008');
  });

  it('does not count brackets inside quoted strings, comments or block scalars', () => {
    const deep = '['.repeat(500);
    const text = `${HEAD}description: |\n  ${deep}\n  more ${deep}\n# ${deep}\nrecord_source: "${deep}"\ntables:\n  t:\n    description: '${deep}'\n    columns: { id: int }\n`;
    expect(checkYamlLimits(text, 'the spec')).toBeUndefined();
    expect(analyzeSpec(parseSpecYaml(text, 's.yaml')).model).toBeDefined();
  });

  it('refuses a 1 MB line with its line number, and reads nothing of it', () => {
    const [d] = errorsOf(`${HEAD}description: ${'x'.repeat(1_000_000)}\ntables: {}\n`);
    expect(d).toMatchObject({ code: 'VLT008', span: { start: { line: 3, col: INPUT_LIMITS.maxLineLength + 1 } } });
    expect(d!.message).toBe('line 3 of the spec is 1,000,013 characters long; vault reads lines of at most 65,536 characters');
  });

  it('refuses a spec larger than 16 MiB, as text and as a file, and reads a never-ending file only that far', () => {
    const big = `${HEAD}tables:\n${'  # filler line of a large spec\n'.repeat(600_000)}`;
    expect(big.length).toBeGreaterThan(INPUT_LIMITS.maxBytes);
    expect(errorsOf(big)).toMatchObject([{ code: 'VLT008', span: { start: { line: 1, col: 1 } } }]);
    const dir = mkdtempSync(join(tmpdir(), 'vault-limits-'));
    writeFileSync(join(dir, 'big.yaml'), big);
    expect(loadSpecFile(join(dir, 'big.yaml'), 'big.yaml').diagnostics).toMatchObject([{ code: 'VLT008', message: expect.stringContaining('larger than 16 MiB') }]);
    expect(readTextBounded('/dev/zero', 'the spec')).toMatchObject({ problem: { line: 1, col: 1 } });
  });

  it('limits the compact source-table string to the same size', () => {
    const text = `t:${Array.from({ length: 1_500_000 }, (_, i) => `c${i}(int)`).join(',')}`;
    expect(text.length).toBeGreaterThan(INPUT_LIMITS.maxBytes);
    expect(parseSpecCompact(text, { model: 'm' }).diagnostics.map((d) => d.code)).toEqual(['VLT008']);
  });

  it('turns a stack overflow in a parser into the nesting diagnostic instead of a crash', () => {
    const recurse = (n: number): number => recurse(n + 1) + 1;
    const r = guardStack<unknown>(
      () => recurse(0),
      (p) => p.message,
      'the spec',
    );
    expect(r).toBe('the spec nests too deeply to be read; vault reads at most 100 levels');
    expect(() =>
      guardStack(
        () => {
          throw new Error('other');
        },
        () => 0,
        'the spec',
      ),
    ).toThrow('other');
  });
});

/** Data nested `depth` levels: maps and lists, in whatever mix `path` says. */
function nested(depth: number, path: ReadonlyArray<boolean>): unknown {
  let value: unknown = 'leaf';
  for (let i = depth - 1; i >= 0; i--) value = path[i % path.length] ? { [`k${i}`]: value, other: 1 } : [value, 2];
  return value;
}

/** `data` as YAML, collections from `flowLevel` levels down written in flow style (-1: none). */
function yamlText(data: unknown, s: { flowLevel: number; indentSeq: boolean; indent: number }): string {
  const doc = new Document(data);
  const walk = (node: unknown, level: number): void => {
    if (isPair(node)) return walk(node.value, level);
    if (!isCollection(node)) return;
    if (s.flowLevel >= 0 && level >= s.flowLevel) node.flow = true;
    for (const item of node.items) walk(item, level + 1);
  };
  walk(doc.contents, 0);
  return doc.toString({ indentSeq: s.indentSeq, indent: s.indent, lineWidth: 0 });
}

describe('the nesting count against real nesting, whatever the YAML style', () => {
  const style = fc.record({ flowLevel: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 300 })), indentSeq: fc.boolean(), indent: fc.integer({ min: 1, max: 4 }) });

  test.prop([fc.integer({ min: 1, max: 50 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), style], { numRuns: 200, seed: 14 })('text nested up to 50 levels is read', (depth, path, s) => {
    const text = yamlText({ tables: nested(depth, path) }, s);
    expect(checkYamlLimits(text, 'the spec')).toBeUndefined();
  });

  test.prop([fc.integer({ min: 201, max: 600 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), style], { numRuns: 60, seed: 14 })(
    'text nested deeper than 200 levels is refused, never parsed',
    (depth, path, s) => {
      const text = yamlText({ tables: nested(depth, path) }, s);
      expect(errorsOf(text).map((d) => d.code)).toEqual(['VLT008']);
    },
  );

  test.prop([specArb], { numRuns: 50, seed: 14 })('no valid spec, in any style, is refused', (spec) => {
    for (const flowLevel of [-1, 2, 4]) {
      expect(checkYamlLimits(yamlText(spec, { flowLevel, indentSeq: flowLevel === 2, indent: 2 }), 'the spec')).toBeUndefined();
    }
  });
});

describe('column types are parsed in linear time', () => {
  const MB = 1_000_000;
  it.each([
    ['a run of spaces after the name', `int${' '.repeat(MB)}x!`],
    ['spaces between words', `double${' '.repeat(MB)}precision${' '.repeat(MB)}x`],
    ['spaces before the parenthesis', `varchar${' '.repeat(MB)}(40`],
    ['spaces inside the parentheses', `decimal(${' '.repeat(MB)}18,${' '.repeat(MB)}x`],
    ['many words', `${'a '.repeat(MB)}(`],
  ])('%s (1 MB): an error, in bounded time, quoting an excerpt', (_, text) => {
    const r = parseColumnType(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message.length).toBeLessThan(200);
  });

  it('still reads every spelling as before', () => {
    expect(parseColumnType('  double   precision ')).toEqual({ ok: true, type: { kind: 'double' } });
    expect(parseColumnType('decimal( 18 , 2 )')).toEqual({ ok: true, type: { kind: 'decimal', precision: 18, scale: 2 } });
    expect(parseColumnType('varchar (40)')).toEqual({ ok: true, type: { kind: 'varchar', length: 40 } });
    expect(parseColumnType('int()')).toMatchObject({ ok: false, error: { code: 'VLT217' } });
    expect(parseColumnType('varchar(4))')).toMatchObject({ ok: false, error: { code: 'VLT201' } });
    expect(parseColumnType('intt')).toMatchObject({ ok: false, error: { message: "unknown column type 'intt'; did you mean 'int'?" } });
  });

  it('a spec whose type is a 60,000-character line is checked, with one short diagnostic', () => {
    const text = `${HEAD}tables:\n  t:\n    columns:\n      id: int${' '.repeat(60_000)}x!\n`;
    const errors = errorsOf(text);
    expect(errors).toMatchObject([{ code: 'VLT201', span: { start: { line: 6 } } }]);
  });
});
