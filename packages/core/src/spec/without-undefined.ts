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
  return stripped(spec) as Spec;
}

function stripped(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const s = stripped(item);
      if (s !== item) (copy ??= [...value])[i] = s;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const entries: Array<[string, unknown]> = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) {
      changed = true;
      continue;
    }
    const s = stripped(item);
    if (s !== item) changed = true;
    entries.push([key, s]);
  }
  // defineProperty-free copy: a key such as `__proto__` (a table may be named so) stays a key.
  return changed ? Object.fromEntries(entries) : value;
}
