/**
 * Python quoting and naming: the one place that decides how a value or a name is spelled in
 * generated Python. Nothing else in the emitters writes a quote or an escape.
 */

/** A plain JSON-like value as it is printed into Python: dict, list, str, int/float, bool, None. */
export type PyValue = string | number | boolean | null | ReadonlyArray<PyValue> | ReadonlyMap<string, PyValue> | { readonly [key: string]: PyValue };

/**
 * Characters written as escapes: those that end a line or cannot appear in a source file (C0,
 * DEL), and the invisible ones that make a literal read differently from what it holds (C1,
 * no-break and other odd spaces, zero-width and bidirectional controls, separators, BOM).
 * A fixed list, not Unicode categories, so the output never depends on the Node version.
 */
const ESCAPED = /[\u0000-\u001f\u007f-\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb]/;

/** Printable ASCII except `'` and `\`: written between single quotes as they are. */
const PLAIN = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A Python string literal for any string: the same quote choice as Python's `repr` (single
 * quotes unless the text holds a single quote and no double quote), backslashes, quotes and
 * line ends escaped, invisible and control characters as `\xNN`/`\uNNNN`, lone surrogates as
 * `\uNNNN`, everything else as itself (the file is UTF-8).
 *
 * @example
 * pyString("CASE WHEN x = 'A' THEN 1 END") // "\"CASE WHEN x = 'A' THEN 1 END\""
 * pyString('a\nb')                         // "'a\\nb'"
 */
export function pyString(s: string): string {
  // Most strings are names and types: printable ASCII without a quote or backslash.
  if (PLAIN.test(s)) return `'${s}'`;
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += s.slice(i, i + 2);
        i++;
      } else {
        out += hexEscape(code);
      }
      continue;
    }
    const ch = s[i]!;
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (ch === quote) out += `\\${quote}`;
    else if (ESCAPED.test(ch)) out += hexEscape(code);
    else out += ch;
  }
  return out + quote;
}

function hexEscape(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text for a `#` comment: characters that would end the line or hide in it are escaped as in
 * `pyString`; quotes and backslashes stay as they are.
 * @example pyCommentText('specs/ews.yaml') // 'specs/ews.yaml'
 */
export function pyCommentText(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += s.slice(i, i + 2);
      i++;
    } else if ((code >= 0xd800 && code <= 0xdfff) || ESCAPED.test(s[i]!)) {
      out += hexEscape(code);
    } else {
      out += s[i]!;
    }
  }
  return out;
}

export interface PyLiteralOptions {
  /** Columns of indentation of the line the literal starts on (nested lines add 4 per level). */
  readonly indent?: number;
  /** Column the literal starts at on its first line (at least `indent`). */
  readonly column?: number;
  /** A container of scalars is written on one line when it fits in this width. Default 100. */
  readonly width?: number;
}

const INDENT = 4;

/**
 * A Python literal for a JSON-like value. Keys keep the order given (pass a `Map` when keys could
 * look like integers, which plain objects reorder). A list or dict holding only scalars and lists of
 * scalars is written on one line when it fits; anything else one item per line with a trailing
 * comma. Lines after
 * the first are indented relative to the first line, ready for `CodeWriter.line`.
 *
 * @example
 * pyLiteral({ name: 'early_warning_signal', keys: ['early_warning_signal_id'] })
 * // {
 * //     'name': 'early_warning_signal',
 * //     'keys': ['early_warning_signal_id'],
 * // }
 * pyLiteral(['a', 1, true, null]) // "['a', 1, True, None]"
 */
export function pyLiteral(value: PyValue, options: PyLiteralOptions = {}): string {
  const base = options.indent ?? 0;
  const layout = { base, width: options.width ?? 100 };
  return render(value, 0, Math.max(options.column ?? base, base), layout);
}

interface Layout {
  readonly base: number;
  readonly width: number;
}

/** `indent` is relative to the literal's first line; `column` is absolute, for the width. */
function render(value: PyValue, indent: number, column: number, layout: Layout): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  const isList = isArray(value);
  const entries: ReadonlyArray<readonly [string | undefined, PyValue]> = isList
    ? value.map((v) => [undefined, v] as const)
    : [...(value instanceof Map ? value.entries() : Object.entries(value))].map(([k, v]) => [k, checkDefined(k, v)] as const);
  const [open, close] = isList ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const prefix = (key: string | undefined): string => (key === undefined ? '' : `${pyString(key)}: `);
  if (entries.every(([, v]) => isScalar(v) || (isArray(v) && v.every(isScalar)))) {
    const inline = open + entries.map(([k, v]) => prefix(k) + render(v, indent, 0, layout)).join(', ') + close;
    // The comma or parenthesis that usually follows counts against the width.
    if (column + inline.length + 1 <= layout.width) return inline;
  }
  const inner = indent + INDENT;
  const pad = ' '.repeat(inner);
  const items = entries.map(([k, v]) => {
    const p = prefix(k);
    return `${pad}${p}${render(v, inner, layout.base + inner + p.length, layout)},`;
  });
  return `${open}\n${items.join('\n')}\n${' '.repeat(indent)}${close}`;
}

function isArray(value: PyValue): value is ReadonlyArray<PyValue> {
  return Array.isArray(value);
}

function isScalar(value: PyValue): boolean {
  if (value === null || typeof value !== 'object') return true;
  return isArray(value) ? value.length === 0 : value instanceof Map ? value.size === 0 : Object.keys(value).length === 0;
}

function checkDefined(key: string, value: PyValue | undefined): PyValue {
  if (value === undefined) throw new TypeError(`pyLiteral: the value of key '${key}' is undefined; use null for None`);
  return value;
}

function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`pyLiteral: ${n} has no JSON-like Python literal`);
  // JavaScript's shortest round-trip form is valid Python (`1e+21`, `5e-324`); -0 prints as 0.
  return String(n);
}

/** Python's hard keywords: never usable as a name or an attribute. */
export const PYTHON_KEYWORDS: ReadonlyArray<string> = [
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
];

const KEYWORD_SET: ReadonlySet<string> = new Set(PYTHON_KEYWORDS);

/**
 * An ASCII identifier that is not a keyword: usable as a Python name.
 * @example isPythonIdentifier('build_hub') // true
 * @example isPythonIdentifier('class')     // false
 */
export function isPythonIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORD_SET.has(name);
}

const HAS_CAPITAL = /[A-Z]/;
/** Spelled in snake_case already: `snakeCase` would give the name itself. */
const SNAKE_CASE = /^[a-z0-9_]*$/;

/** Words of a snake_case or camelCase name: `earlyWarning_signal` → `early`, `Warning`, `signal`. */
function words(name: string): string[] {
  return (HAS_CAPITAL.test(name) ? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2') : name).split('_').filter((w) => w !== '');
}

/**
 * Class-name spelling of an entity name.
 * @example pascalCase('early_warning_signal') // 'EarlyWarningSignal'
 */
export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Constant and enum-member spelling of an entity name; underscores of the name are kept.
 * @example upperSnake('business_partner') // 'BUSINESS_PARTNER'
 * @example upperSnake('businessPartner')  // 'BUSINESS_PARTNER'
 */
export function upperSnake(name: string): string {
  // Most names are snake_case already: without a capital there is nothing to split. Called a
  // few times per entity (file, module and constant names), for models of 10,000 tables.
  return (HAS_CAPITAL.test(name) ? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2') : name).toUpperCase();
}

/**
 * File-name spelling of an entity name.
 * @example snakeCase('businessPartner') // 'business_partner'
 */
export function snakeCase(name: string): string {
  return SNAKE_CASE.test(name) ? name : upperSnake(name).toLowerCase();
}
