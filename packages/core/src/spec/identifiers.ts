/**
 * Names from a spec end up as table, column, file, class and enum names in SQL and Python.
 * A name is safe when it is a plain identifier in both languages, short enough for
 * PostgreSQL (63 bytes), and not a word either language reserves.
 */
export type IdentifierProblem = { readonly code: 'VLT207'; readonly message: string } | { readonly code: 'VLT208'; readonly message: string } | { readonly code: 'VLT209'; readonly message: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** PostgreSQL reserved key words (those that cannot be table or column names) and Python keywords. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  // PostgreSQL, "reserved" in the key word appendix
  'all',
  'analyse',
  'analyze',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'asymmetric',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'current_catalog',
  'current_date',
  'current_role',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'grant',
  'group',
  'having',
  'in',
  'initially',
  'intersect',
  'into',
  'lateral',
  'leading',
  'limit',
  'localtime',
  'localtimestamp',
  'not',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'placing',
  'primary',
  'references',
  'returning',
  'select',
  'session_user',
  'some',
  'symmetric',
  'system_user',
  'table',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'variadic',
  'when',
  'where',
  'window',
  'with',
  // Python keywords and soft keywords that break generated code
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'except',
  'finally',
  'global',
  'if',
  'import',
  'is',
  'lambda',
  'none',
  'nonlocal',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'yield',
]);

export const MAX_IDENTIFIER_BYTES = 63;

/** Checks one name; `what` says what it names ("table", "column", ...) for the message. */
export function checkIdentifier(name: string, what: string): IdentifierProblem | undefined {
  if (!IDENTIFIER.test(name)) {
    return { code: 'VLT207', message: `${what} name '${printable(name)}' is not a safe identifier: ${whyUnsafe(name)}` };
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return { code: 'VLT209', message: `${what} name '${name}' is ${bytes} bytes long; PostgreSQL allows at most ${MAX_IDENTIFIER_BYTES}` };
  }
  if (RESERVED_WORDS.has(name.toLowerCase())) {
    return { code: 'VLT208', message: `${what} name '${name}' is a reserved word in SQL or Python; choose another name` };
  }
  return undefined;
}

/**
 * Names Python treats specially in classes and enums: `__private` names are mangled and not
 * enum members, `_sunder_` names are reserved by Enum, and `_` alone names nothing. Tables,
 * hubs, links, satellites and views become classes and enum members of the generated code.
 */
const PYTHON_SPECIAL = /^__|^_(?:.*_)?$/;

/** `checkIdentifier`, and not a name Python treats specially: for names that become entities. */
export function checkEntityName(name: string, what: string): IdentifierProblem | undefined {
  const problem = checkIdentifier(name, what);
  if (problem !== undefined || !PYTHON_SPECIAL.test(name)) return problem;
  return {
    code: 'VLT208',
    message: `${what} name '${name}' is special in Python: the generated classes and enums cannot use a name that starts with two underscores or starts and ends with an underscore; choose another name`,
  };
}

/**
 * A schema name: a plain identifier of at most 63 bytes, like every name vault writes into SQL
 * (schemas are always quoted, so SQL key words are allowed). Control characters in particular
 * would break the generated SQL, whose writer indents every line it writes.
 */
export function checkSchemaName(name: string, what: string): IdentifierProblem | undefined {
  if (!IDENTIFIER.test(name)) return { code: 'VLT207', message: `${what} name '${printable(name)}' is not a safe identifier: ${whyUnsafe(name)}` };
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) return { code: 'VLT209', message: `${what} name '${name}' is ${bytes} bytes long; PostgreSQL allows at most ${MAX_IDENTIFIER_BYTES}` };
  return undefined;
}

/** Characters a text written into every row (the record source) may not hold: NUL and other controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A text value that is written into SQL literals and generated files as one line. */
export function checkPlainText(value: string, what: string): { readonly code: 'VLT106'; readonly message: string } | undefined {
  const bad = CONTROL.exec(value);
  if (bad === null) return undefined;
  const code = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  const why = bad[0] === '\u0000' ? 'NUL, which PostgreSQL text cannot hold' : 'a line break or another invisible character';
  return { code: 'VLT106', message: `${what} contains the control character ${code} (${why}); use printable text` };
}

function whyUnsafe(name: string): string {
  if (name.length === 0) return 'it is empty';
  if (/^[0-9]/.test(name)) return 'it starts with a digit; use letters, digits and underscores, not starting with a digit';
  const bad = [...name].find((ch) => !/[A-Za-z0-9_]/.test(ch)) ?? '';
  const what =
    bad === "'" || bad === '"' || bad === '`'
      ? 'a quote'
      : bad === ';'
        ? 'a semicolon'
        : bad === '/' || bad === '\\'
          ? 'a path separator'
          : bad === ' '
            ? 'a space'
            : bad === '-'
              ? 'a hyphen'
              : `the character '${printable(bad)}'`;
  return `it contains ${what}; use letters, digits and underscores, not starting with a digit`;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
