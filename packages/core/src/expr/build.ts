/**
 * Tree construction for the parser's semantic actions: literal normalisation, and the checks
 * that need more than grammar (whitelisted functions and their arity, CAST types, DATE_TRUNC
 * units, well-formed DATE/TIMESTAMP literals). Problems go to `errors`; a node is returned
 * anyway so that parsing continues and every problem is reported.
 */
import { closest } from '../diagnostics/did-you-mean.js';
import { parseColumnType, type ColumnType } from '../spec/column-type.js';
import type { Call, Expr, ExprSpan, TemporalLiteral } from './ast.js';
import { exprError, quote, type ExprError } from './errors.js';
import { DATE_TRUNC_UNITS, FUNCTION_NAMES, describeArity, functionSpec, lookupFunction } from './functions.js';
import { tokenSpan, type TokenText } from './lexer.js';

export function cover(from: ExprSpan, to: ExprSpan): ExprSpan {
  return { start: from.start, end: to.end };
}

export function normaliseInteger(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

export function normaliseDecimal(text: string): string {
  const [whole = '', fraction = ''] = text.split('.');
  return `${normaliseInteger(whole === '' ? '0' : whole)}.${fraction === '' ? '0' : fraction}`;
}

/** The value of a string token: quotes removed, `''` unescaped. */
export function unquote(image: string): string {
  return image.slice(1, -1).replaceAll("''", "'");
}

export function call(nameToken: TokenText, args: ReadonlyArray<Expr>, close: TokenText, errors: ExprError[]): Expr {
  const span = cover(tokenSpan(nameToken), tokenSpan(close));
  const name = lookupFunction(nameToken.image);
  if (name === undefined) {
    const hint = closest(nameToken.image, FUNCTION_NAMES);
    const help = hint !== undefined ? `did you mean '${hint}'?` : `the functions are ${FUNCTION_NAMES.join(', ')}`;
    errors.push(exprError('VLT304', `unknown function ${quote(nameToken.image)}; ${help}`, tokenSpan(nameToken)));
    return { kind: 'null', span }; // a placeholder: with an error recorded, no tree is returned
  }
  const spec = functionSpec(name);
  if (args.length < spec.minArgs || (spec.maxArgs !== undefined && args.length > spec.maxArgs)) {
    errors.push(exprError('VLT305', `${name} ${describeArity(spec)}, not ${args.length}`, span));
  }
  const node: Call = { kind: 'call', name, args, span };
  return name === 'DATE_TRUNC' ? dateTrunc(node, errors) : node;
}

/** The unit must be a literal from the fixed list: it becomes part of the generated SQL. */
function dateTrunc(node: Call, errors: ExprError[]): Call {
  const [unit, ...rest] = node.args;
  if (unit === undefined) return node;
  const units = DATE_TRUNC_UNITS.map((u) => `'${u}'`).join(', ');
  if (unit.kind !== 'string') {
    errors.push(exprError('VLT301', `the first argument of DATE_TRUNC must be a unit in quotes, one of ${units}`, unit.span));
    return node;
  }
  const value = unit.value.toLowerCase();
  if (!(DATE_TRUNC_UNITS as ReadonlyArray<string>).includes(value)) {
    errors.push(exprError('VLT301', `unknown DATE_TRUNC unit ${quote(unit.value)}; the units are ${units}`, unit.span));
    return node;
  }
  return { ...node, args: [{ ...unit, value }, ...rest] };
}

/** Type names are words plus optional `(n[,m])`; `parseColumnType` decides what they mean. */
export function castType(words: ReadonlyArray<TokenText>, typeArgs: ReadonlyArray<TokenText>, span: ExprSpan, errors: ExprError[]): ColumnType {
  const text = words.map((w) => w.image).join(' ') + (typeArgs.length > 0 ? `(${typeArgs.map((a) => a.image).join(',')})` : '');
  const parsed = parseColumnType(text);
  if (parsed.ok) return parsed.type;
  errors.push(exprError('VLT301', parsed.error.message, span));
  return { kind: 'text' };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;

export function temporal(prefix: TokenText, literal: TokenText, errors: ExprError[]): TemporalLiteral {
  const type = prefix.image.toLowerCase() === 'date' ? 'date' : 'timestamp';
  const span = cover(tokenSpan(prefix), tokenSpan(literal));
  const raw = unquote(literal.image);
  const m = (type === 'date' ? DATE : TIMESTAMP).exec(raw);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = ''] = m ?? [];
  const valid = m !== null && isCalendarDate(Number(y), Number(mo), Number(d)) && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
  if (!valid) {
    const form = type === 'date' ? "'yyyy-mm-dd'" : "'yyyy-mm-dd hh:mm[:ss[.ffffff]]'";
    errors.push(exprError('VLT301', `invalid ${type.toUpperCase()} literal ${quote(raw)}; expected a real ${type} written ${form}`, span));
    return { kind: 'temporal', type, value: raw, span };
  }
  const value = type === 'date' ? raw : `${y}-${mo}-${d} ${h}:${mi}:${s}${frac}`;
  return { kind: 'temporal', type, value, span };
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // not Date.UTC, which reads years 0-99 as 1900-1999
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function isTemporalPrefix(image: string): boolean {
  const lower = image.toLowerCase();
  return lower === 'date' || lower === 'timestamp';
}
