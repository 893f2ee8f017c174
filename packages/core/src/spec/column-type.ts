/**
 * Column types of the landing zone, in one canonical form. Users write PostgreSQL's usual
 * spellings (`integer`, `numeric(18,6)`, `character varying(40)`, `timestamp with time zone`);
 * everything downstream sees only `ColumnType`.
 */
import { editDistance, HINT_MAX_LENGTH } from '../diagnostics/did-you-mean.js';
import type { InnerRange } from '../diagnostics/diagnostic.js';

export type ColumnType =
  | { readonly kind: 'smallint' }
  | { readonly kind: 'int' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'decimal'; readonly precision?: number; readonly scale?: number }
  | { readonly kind: 'real' }
  | { readonly kind: 'double' }
  | { readonly kind: 'text' }
  | { readonly kind: 'varchar'; readonly length?: number }
  | { readonly kind: 'char'; readonly length?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'timestamptz' }
  | { readonly kind: 'interval' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'json' }
  | { readonly kind: 'jsonb' }
  | { readonly kind: 'bytea' };

export type ColumnTypeKind = ColumnType['kind'];

/** Spellings accepted for each kind (lower case, single spaces). */
const SPELLINGS = {
  smallint: ['smallint', 'int2'],
  int: ['int', 'integer', 'int4'],
  bigint: ['bigint', 'int8'],
  decimal: ['decimal', 'numeric', 'number'],
  real: ['real', 'float4'],
  double: ['double', 'double precision', 'float8', 'float'],
  text: ['text', 'string'],
  varchar: ['varchar', 'character varying'],
  char: ['char', 'character', 'bpchar'],
  boolean: ['boolean', 'bool'],
  date: ['date'],
  time: ['time', 'time without time zone'],
  timestamp: ['timestamp', 'timestamp without time zone', 'datetime'],
  timestamptz: ['timestamptz', 'timestamp with time zone'],
  interval: ['interval'],
  uuid: ['uuid'],
  json: ['json'],
  jsonb: ['jsonb'],
  bytea: ['bytea'],
} as const satisfies Record<ColumnTypeKind, ReadonlyArray<string>>;

/** How many arguments each kind takes, and their names. */
const ARGUMENTS = {
  smallint: [],
  int: [],
  bigint: [],
  real: [],
  double: [],
  text: [],
  boolean: [],
  date: [],
  time: [],
  timestamp: [],
  timestamptz: [],
  interval: [],
  uuid: [],
  json: [],
  jsonb: [],
  bytea: [],
  decimal: ['precision', 'scale'],
  varchar: ['length'],
  char: ['length'],
} as const satisfies Record<ColumnTypeKind, ReadonlyArray<string>>;

const BY_SPELLING: ReadonlyMap<string, ColumnTypeKind> = new Map(
  (Object.entries(SPELLINGS) as Array<[ColumnTypeKind, ReadonlyArray<string>]>).flatMap(([kind, names]) => names.map((n) => [n, kind] as const)),
);

export const COLUMN_TYPE_SPELLINGS: ReadonlyArray<string> = [...BY_SPELLING.keys()].sort();

export type ColumnTypeError = { readonly code: 'VLT201'; readonly message: string; readonly inner: InnerRange } | { readonly code: 'VLT217'; readonly message: string; readonly inner: InnerRange };

export type ColumnTypeResult = { readonly ok: true; readonly type: ColumnType } | { readonly ok: false; readonly error: ColumnTypeError };

/** The words of a type name: letters and digits, single spaces between words. */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9 ]*$/;

/**
 * `name` or `name(args)`, surrounding whitespace ignored. Split by hand rather than with one
 * regular expression: a pattern with a lazy name followed by optional whitespace backtracks
 * cubically on a long run of spaces (8,000 spaces took a minute); this is linear.
 */
function splitType(text: string): { readonly name: string; readonly args: string | undefined } | undefined {
  const t = text.trim();
  let name = t;
  let args: string | undefined;
  if (t.endsWith(')')) {
    const open = t.indexOf('(');
    if (open < 0) return undefined;
    args = t.slice(open + 1, -1);
    if (args.includes(')')) return undefined;
    args = args.trim();
    name = t.slice(0, open).trimEnd();
  }
  return TYPE_NAME.test(name) ? { name, args } : undefined;
}

/** A value quoted in a message, cut to a readable length. */
function excerpt(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}

/** Parses a type as written in a spec. Never throws. */
export function parseColumnType(text: string): ColumnTypeResult {
  const whole = { start: 0, end: text.length };
  const m = splitType(text);
  if (m === undefined) {
    return fail('VLT201', `'${excerpt(text)}' is not a column type; expected a type such as int, text, decimal(18,2) or varchar(40)`, whole);
  }
  const name = m.name.toLowerCase().replace(/\s+/g, ' ');
  const kind = BY_SPELLING.get(name);
  if (kind === undefined) {
    const hint = suggestType(name);
    return fail('VLT201', `unknown column type '${excerpt(m.name)}'${hint ? `; did you mean '${hint}'?` : ''}`, whole);
  }
  const argText = m.args;
  const names: ReadonlyArray<string> = ARGUMENTS[kind];
  if (argText === undefined) return { ok: true, type: { kind } as ColumnType };
  const args = argText.split(',').map((s) => s.trim());
  if (names.length === 0) return fail('VLT217', `type '${name}' takes no arguments`, whole);
  if (args.length > names.length) {
    return fail('VLT217', `type '${name}' takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${names.join(', ')})`, whole);
  }
  // A negative or long whole number is read as one, so the message can state the argument's range.
  const values: number[] = [];
  for (const a of args) {
    if (!/^-?\d+$/.test(a)) {
      const range = argumentRange(kind, values.length, values[0]);
      return fail('VLT217', `type argument '${excerpt(a)}' of '${name}' is not a whole number${range === undefined ? '' : `; ${range}`}`, whole);
    }
    values.push(Number(a));
  }
  return buildWithArgs(kind, values, args, whole);
}

/** What argument `index` of a type may be (`precision`: the decimal's first argument, when it has one). */
function argumentRange(kind: ColumnTypeKind, index: number, precision: number | undefined): string | undefined {
  if (kind === 'decimal' && index === 0) return `decimal precision must be between 1 and ${MAX_PRECISION}`;
  if (kind === 'decimal') return `decimal scale must be between 0 and its precision${precision === undefined ? '' : ` ${precision}`}`;
  if (kind === 'varchar' || kind === 'char') return `${kind} length must be between 1 and ${MAX_LENGTH}`;
  return undefined;
}

/**
 * `parseColumnType` for the columns of one spec: each spelling is parsed once and its result
 * shared, since a 10,000-table spec writes a handful of spellings 200,000 times.
 */
export function columnTypeParser(): (text: string) => ColumnTypeResult {
  const results = new Map<string, ColumnTypeResult>();
  return (text) => {
    let result = results.get(text);
    if (result === undefined) results.set(text, (result = parseColumnType(text)));
    return result;
  };
}

/** PostgreSQL's limits: numeric precision up to 1000, and a scale from 0 (vault takes no negative scale) up to the precision; varchar and char up to 10485760. */
const MAX_PRECISION = 1000;
const MAX_LENGTH = 10485760;

/** `texts`: the arguments as written, so a message quotes a huge one as it is, not as 1e+20. */
function buildWithArgs(kind: ColumnTypeKind, values: ReadonlyArray<number>, texts: ReadonlyArray<string>, whole: InnerRange): ColumnTypeResult {
  const [first, second] = values;
  const [firstText, secondText] = texts.map(excerpt);
  if (kind === 'decimal') {
    if (first === undefined || first < 1 || first > MAX_PRECISION) return fail('VLT217', `${argumentRange(kind, 0, undefined)!}, not ${firstText}`, whole);
    if (second !== undefined && second > first) return fail('VLT217', `decimal scale ${secondText} is larger than its precision ${first}`, whole);
    if (second !== undefined && secondText!.startsWith('-')) return fail('VLT217', `${argumentRange(kind, 1, first)!}, not ${secondText}`, whole);
    return { ok: true, type: second === undefined ? { kind, precision: first } : { kind, precision: first, scale: second } };
  }
  if (kind === 'varchar' || kind === 'char') {
    if (first === undefined || first < 1 || first > MAX_LENGTH) return fail('VLT217', `${argumentRange(kind, 0, undefined)!}, not ${firstText}`, whole);
    return { ok: true, type: { kind, length: first } };
  }
  return fail('VLT217', `type '${kind}' takes no arguments`, whole);
}

function fail(code: 'VLT201' | 'VLT217', message: string, inner: InnerRange): ColumnTypeResult {
  return { ok: false, error: { code, message, inner } };
}

/** Looser than `closest`: type names are short, so `foo` may still mean `bool`. */
function suggestType(name: string): string | undefined {
  if (name.length > HINT_MAX_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of COLUMN_TYPE_SPELLINGS) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

/** The canonical spelling: what printers, manifests and the compact string use. */
export function printColumnType(t: ColumnType): string {
  switch (t.kind) {
    case 'decimal':
      return t.precision === undefined ? 'decimal' : t.scale === undefined ? `decimal(${t.precision})` : `decimal(${t.precision},${t.scale})`;
    case 'varchar':
    case 'char':
      return t.length === undefined ? t.kind : `${t.kind}(${t.length})`;
    default:
      return t.kind;
  }
}

/** Broad families used by the expression type checker and by compatibility checks. */
export type TypeFamily = 'integer' | 'numeric' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp' | 'interval' | 'uuid' | 'json' | 'binary';

export const TYPE_FAMILY = {
  smallint: 'integer',
  int: 'integer',
  bigint: 'integer',
  decimal: 'numeric',
  real: 'numeric',
  double: 'numeric',
  text: 'text',
  varchar: 'text',
  char: 'text',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  interval: 'interval',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
  bytea: 'binary',
} as const satisfies Record<ColumnTypeKind, TypeFamily>;
