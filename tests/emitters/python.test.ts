import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { CodeWriter, pascalCase, pyCommentText, pyLiteral, pyString, snakeCase, upperSnake, type PyValue } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';

describe('pyString', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`it's "both"`, `'it\\'s "both"'`],
    ['back\\slash', "'back\\\\slash'"],
    ['line\nbreak\r\ttab', "'line\\nbreak\\r\\ttab'"],
    ['nul\u0000 del\u007f nbsp\u00a0', "'nul\\x00 del\\x7f nbsp\\xa0'"],
    ['sep\u2028 rlo\u202e bom\ufeff', "'sep\\u2028 rlo\\u202e bom\\ufeff'"],
    ['lone \ud800 and \udfff', "'lone \\ud800 and \\udfff'"],
    ['é ß 漢字 😀', "'é ß 漢字 😀'"],
    ['', "''"],
  ])('%j → %s', (input, expected) => {
    expect(pyString(input)).toBe(expected);
  });
});

describe('pyLiteral', () => {
  it('writes scalars as Python does', () => {
    expect(pyLiteral(null)).toBe('None');
    expect(pyLiteral(true)).toBe('True');
    expect(pyLiteral(false)).toBe('False');
    expect(pyLiteral(42)).toBe('42');
    expect(pyLiteral(-0.5)).toBe('-0.5');
    expect(pyLiteral(1e21)).toBe('1e+21');
    expect(pyLiteral([])).toBe('[]');
    expect(pyLiteral({})).toBe('{}');
  });

  it('keeps flat containers on one line when they fit, and breaks nested ones with trailing commas', () => {
    expect(pyLiteral(['a', 1, null])).toBe("['a', 1, None]");
    expect(pyLiteral({ table: 't', columns: ['a', 'b'] })).toBe("{'table': 't', 'columns': ['a', 'b']}");
    expect(pyLiteral({ name: 'x', columns: { a: { type: 'int' } }, keys: [] })).toBe("{\n    'name': 'x',\n    'columns': {\n        'a': {'type': 'int'},\n    },\n    'keys': [],\n}");
    // "['aaaa', 'bbbb']" is 16 characters; the comma or parenthesis after it makes 17.
    expect(pyLiteral(['aaaa', 'bbbb'], { width: 16 })).toBe("[\n    'aaaa',\n    'bbbb',\n]");
    expect(pyLiteral(['aaaa', 'bbbb'], { width: 17 })).toBe("['aaaa', 'bbbb']");
    expect(pyLiteral(['aaaa', 'bbbb'], { width: 17, column: 1 })).toBe("[\n    'aaaa',\n    'bbbb',\n]");
  });

  it('keeps the key order of a Map, even for keys that look like integers', () => {
    expect(
      pyLiteral(
        new Map<string, PyValue>([
          ['b', 1],
          ['10', 2],
          ['2', 3],
        ]),
      ),
    ).toBe("{'b': 1, '10': 2, '2': 3}");
  });

  it('refuses values with no JSON-like Python literal', () => {
    expect(() => pyLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => pyLiteral({ a: undefined } as unknown as PyValue)).toThrow("pyLiteral: the value of key 'a' is undefined; use null for None");
  });
});

describe('names', () => {
  it.each([
    ['early_warning_signal', 'EarlyWarningSignal', 'EARLY_WARNING_SIGNAL', 'early_warning_signal'],
    ['businessPartner', 'BusinessPartner', 'BUSINESS_PARTNER', 'business_partner'],
    ['ews2_signal', 'Ews2Signal', 'EWS2_SIGNAL', 'ews2_signal'],
    ['_private', 'Private', '_PRIVATE', '_private'],
  ])('%s → %s, %s, %s', (name, pascal, upper, snake) => {
    expect(pascalCase(name)).toBe(pascal);
    expect(upperSnake(name)).toBe(upper);
    expect(snakeCase(name)).toBe(snake);
  });

  // The spelling the shortcuts for names without capitals (or already in snake_case) must keep.
  const splitCapitals = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  test.prop([fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{0,12}$/), fc.string(), fc.constantFrom('straße', 'ı', 'İx', 'ǅa'))])(
    'upperSnake and snakeCase spell any name as splitting capitals does',
    (name) => {
      expect(upperSnake(name)).toBe(splitCapitals(name));
      expect(snakeCase(name)).toBe(splitCapitals(name).toLowerCase());
      const words = name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .split('_')
        .filter((w) => w !== '');
      expect(pascalCase(name)).toBe(words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''));
    },
  );
});

describe('CodeWriter', () => {
  it('indents blocks, splits multi-line text, drops trailing spaces and ends with one newline', () => {
    const w = new CodeWriter();
    w.blank();
    w.line('class A:');
    w.block(() => {
      w.line('x = [  ');
      w.line('    1,\n]');
      w.blank();
      w.line('def f():');
      w.block(() => w.line('return x'));
    });
    w.blank(3);
    expect(w.toString()).toBe('class A:\n    x = [\n        1,\n    ]\n\n    def f():\n        return x\n');
    expect(new CodeWriter().toString()).toBe('');
    expect(() => new CodeWriter().dedent()).toThrow('CodeWriter: dedent below column 0');
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips through the real Python parser: many values per python3 process.

const hasPython = spawnSync('python3', ['--version']).status === 0;

const CHECK = String.raw`
import ast, json, sys
d = sys.argv[1]
with open(d + '/values.py', 'rb') as f:
    tree = ast.parse(f.read(), filename='values.py')
values = ast.literal_eval(tree.body[0].value)
with open(d + '/expected.json', encoding='utf-8') as f:
    expected = json.load(f)
with open(d + '/comments.py', 'rb') as f:
    comments = ast.parse(f.read(), filename='comments.py')
bad = [i for i, (v, e) in enumerate(zip(values, expected)) if json.dumps(v) != json.dumps(e)]
print(json.dumps({'count': len(values), 'bad': bad, 'comment_statements': len(comments.body)}))
`;

/**
 * Writes the literals into a Python source file (UTF-8, as the emitters' files are written),
 * parses it with python3 and compares each value with the expected JSON value: type, order and
 * content (`json.dumps` equality).
 */
function roundTrip(literals: ReadonlyArray<string>, expected: ReadonlyArray<unknown>, comments: ReadonlyArray<string> = []): { count: number; bad: number[]; comment_statements: number } {
  const dir = mkdtempSync(join(tmpdir(), 'vault-pyliteral-'));
  try {
    writeFileSync(join(dir, 'values.py'), `VALUES = [\n${literals.map((l) => `    ${l},\n`).join('')}]\n`, 'utf8');
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected), 'utf8');
    writeFileSync(join(dir, 'comments.py'), comments.map((c) => `# ${c}\n`).join(''), 'utf8');
    return JSON.parse(execFileSync('python3', ['-B', '-c', CHECK, dir], { encoding: 'utf8' })) as { count: number; bad: number[]; comment_statements: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Any code point, plus the characters that break naive quoting, plus lone surrogates. */
const nastyChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom("'", '"', '\\', '\n', '\r', '\t', '\u0000', '\u000b', '\u000c', '\u001c', '\u0085', '\u2028', '\u2029', '\ufeff', '\u202e', '"""', "'''"),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
const nastyString = fc.string({ unit: nastyChar, maxLength: 40 });

describe.skipIf(!hasPython)('round trips through python3', () => {
  test.prop([fc.array(nastyString, { minLength: 1, maxLength: 200 })], { numRuns: 25 })(
    'pyString(s) is a literal whose value is s, for any string; pyCommentText(s) stays one comment line',
    (strings) => {
      const result = roundTrip(strings.map(pyString), strings, strings.map(pyCommentText));
      expect(result).toEqual({ count: strings.length, bad: [], comment_statements: 0 });
    },
  );

  test.prop([fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 1, maxLength: 50 })], { numRuns: 15 })(
    'pyLiteral(v) is a literal whose value is v, key order included, for any JSON value',
    (values) => {
      const json = values.map((v) => JSON.parse(JSON.stringify(v)) as PyValue);
      const result = roundTrip(
        json.map((v) => pyLiteral(v, { indent: 4, column: 4 })),
        json,
      );
      expect(result).toEqual({ count: json.length, bad: [], comment_statements: 0 });
    },
  );

  it('the round trip can fail: a wrongly quoted literal is caught', () => {
    expect(roundTrip([`'it\\'s'`, `'a\\\\b'`], ["it's", 'a\\\\b']).bad).toEqual([1]);
  });
});
