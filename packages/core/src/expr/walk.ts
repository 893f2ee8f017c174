/**
 * Generic queries over expression trees.
 */
import { match } from 'ts-pattern';
import type { Expr } from './ast.js';

/** Direct children in source order. */
export function children(e: Expr): ReadonlyArray<Expr> {
  return match(e)
    .with({ kind: 'column' }, { kind: 'integer' }, { kind: 'decimal' }, { kind: 'string' }, { kind: 'boolean' }, { kind: 'null' }, { kind: 'temporal' }, () => [])
    .with({ kind: 'negate' }, { kind: 'not' }, { kind: 'isNull' }, { kind: 'cast' }, (n) => [n.operand])
    .with({ kind: 'binary' }, (n) => [n.left, n.right])
    .with({ kind: 'in' }, (n) => [n.operand, ...n.list])
    .with({ kind: 'between' }, (n) => [n.operand, n.low, n.high])
    .with({ kind: 'case' }, (n) => [...(n.operand === undefined ? [] : [n.operand]), ...n.whens.flatMap((w) => [w.when, w.then]), ...(n.else === undefined ? [] : [n.else])])
    .with({ kind: 'call' }, (n) => n.args)
    .exhaustive();
}

/**
 * The columns an expression reads, each once, in order of first appearance. Names compare
 * case-insensitively, as column lookup does; the first spelling is kept.
 */
export function referencedColumns(e: Expr): ReadonlyArray<string> {
  const seen = new Map<string, string>();
  const visit = (n: Expr): void => {
    if (n.kind === 'column' && !seen.has(n.name.toLowerCase())) seen.set(n.name.toLowerCase(), n.name);
    children(n).forEach(visit);
  };
  visit(e);
  return [...seen.values()];
}

/** The tree without source positions, for comparisons and snapshots. Absent optional parts are dropped. */
export function stripSpans(e: Expr): unknown {
  return strip(e);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'span' && v !== undefined) out[k] = strip(v);
  }
  return out;
}

/** Structural equality, ignoring where in the text each node came from. */
export function exprEquals(a: Expr, b: Expr): boolean {
  return deepEqual(strip(a), strip(b));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
