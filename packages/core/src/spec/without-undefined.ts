/**
 * A spec built in code may write an optional key as `key: undefined` (the Spec type allows it,
 * and `description: row.comment ?? undefined` is how callers copy fields), where a parsed spec
 * simply has no key. Every check and every default (`{ ...HASHING_DEFAULTS, ...spec.hashing }`)
 * must read the two alike, so the spec is read without such keys: the one place they go.
 */
import type { Spec } from './spec.js';

/**
 * The spec without its keys whose value is `undefined`, at any depth. The caller's objects are
 * never changed (they may be frozen); a spec that has no such key is returned as it is.
 * @example
 * withoutUndefined({ version: 1, model: 'm', description: undefined, tables: {} }) // { version: 1, model: 'm', tables: {} }
 */
export function withoutUndefined(spec: Spec): Spec {
  // Most specs have none: one walk that allocates nothing finds that out.
  return holdsUndefined(spec) ? (stripped(spec) as Spec) : spec;
}

function holdsUndefined(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsUndefined);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || holdsUndefined(item)) return true;
  }
  return false;
}

function stripped(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(stripped);
  // Object.fromEntries defines keys as data: a key such as `__proto__` (a table may be named so) stays a key.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, stripped(item)]),
  );
}
