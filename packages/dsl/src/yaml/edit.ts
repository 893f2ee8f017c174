/**
 * Adds keys to a YAML spec without disturbing the rest of the text: comments, blank lines,
 * quoting, flow collections and folded scalars stay byte for byte as the user wrote them.
 *
 * The `yaml` package's Document API finds where the new key belongs (the deepest mapping of
 * the path that exists) and prints the new fragment; only that fragment is spliced into the
 * text. When the text around the insertion point is not a plain block mapping (a flow
 * mapping, an empty value), the whole document is set and printed by the Document API
 * instead, which keeps comments but may reformat. Either way the result is parsed again and
 * must hold exactly the old data plus the new key, or the edit is refused.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Pair, type Scalar } from 'yaml';

/** One key to add: `path` names it from the document root; none of it may exist yet past the deepest existing mapping. */
export interface YamlAddition {
  readonly path: ReadonlyArray<string>;
  readonly value: unknown;
}

export type YamlEditResult = { readonly ok: true; readonly text: string; readonly method: 'splice' | 'document' } | { readonly ok: false; readonly message: string };

/**
 * Where keys go inside mappings whose key order the spec format documents; a new key is put
 * before the first existing key that comes after it, other keys are appended.
 */
const KEY_ORDER: ReadonlyArray<{ readonly at: ReadonlyArray<string | undefined>; readonly keys: ReadonlyArray<string> }> = [
  { at: [], keys: ['version', 'model', 'description', 'record_source', 'schemas', 'hashing', 'framework', 'tables', 'business_vault', 'access_layer'] },
  {
    at: ['tables', undefined],
    keys: ['description', 'kind', 'hub', 'link', 'business_key', 'primary_key', 'unique_keys', 'columns', 'references', 'satellites', 'delta_order', 'duplicates', 'record_source'],
  },
  { at: ['business_vault', 'rules', undefined], keys: ['derive', 'filter'] },
];

/** The documented key order of the mapping at `path` (`undefined` in a pattern matches any key). */
function keyOrder(path: ReadonlyArray<string>): ReadonlyArray<string> | undefined {
  return KEY_ORDER.find((o) => o.at.length === path.length && o.at.every((k, i) => k === undefined || k === path[i]))?.keys;
}

const PARSE_OPTIONS = { uniqueKeys: true, keepSourceTokens: false } as const;

/**
 * Adds each key in turn; the first that cannot be added stops the edit.
 * @example
 * addYamlKeys('tables:\n  orders:\n    columns: { id: int }\n', [{ path: ['tables', 'orders', 'hub'], value: 'sales_order' }])
 * // { ok: true, text: 'tables:\n  orders:\n    hub: sales_order\n    columns: { id: int }\n', method: 'splice' }
 */
export function addYamlKeys(text: string, additions: ReadonlyArray<YamlAddition>): YamlEditResult {
  // Many keys at once (vault suggest's answers): one parse for all of them when that is exact.
  const together = additions.length > 1 ? addTogether(text, additions) : undefined;
  if (together !== undefined) return together;
  let current = text;
  let method: 'splice' | 'document' = 'splice';
  // Each edit's result is parsed to check it: that parse is the next edit's document.
  let parsed: Document.Parsed | undefined;
  for (const a of additions) {
    const r = addKey(current, a, parsed);
    if (!r.ok) return r;
    current = r.text;
    parsed = r.doc;
    if (r.method === 'document') method = 'document';
  }
  return { ok: true, text: current, method };
}

export function addYamlKey(text: string, addition: YamlAddition): YamlEditResult {
  const r = addKey(text, addition, undefined);
  return r.ok ? { ok: true, text: r.text, method: r.method } : r;
}

/** `addYamlKey`, from `text` parsed already (`parsed`, when given, is `text`'s document); with the result's document. */
function addKey(
  text: string,
  addition: YamlAddition,
  parsed: Document.Parsed | undefined,
): (YamlEditResult & { readonly ok: false }) | { readonly ok: true; readonly text: string; readonly method: 'splice' | 'document'; readonly doc: Document.Parsed } {
  const doc = parsed ?? parseDocument(text, PARSE_OPTIONS);
  if (doc.errors.length > 0) return { ok: false, message: `the file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}` };
  if (addition.path.length === 0) return { ok: false, message: 'an empty path names no key' };
  if (doc.hasIn([...addition.path])) return { ok: false, message: `'${addition.path.join('.')}' is already set` };
  const before: unknown = doc.toJS();
  const expected = withKey(before, addition.path, addition.value);
  if (expected === undefined) return { ok: false, message: `'${addition.path.join('.')}' cannot be added: a value on the way is not a mapping` };

  const spliced = splice(doc, text, addition);
  const splicedDoc = spliced === undefined ? undefined : holds(spliced, expected);
  if (spliced !== undefined && splicedDoc !== undefined) return { ok: true, text: spliced, method: 'splice', doc: splicedDoc };

  try {
    for (let i = 1; i < addition.path.length; i++) {
      const prefix = addition.path.slice(0, i);
      const node = doc.getIn(prefix, true);
      if (isScalar(node) && node.value === null) doc.setIn(prefix, doc.createNode({}));
    }
    doc.setIn([...addition.path], flowLists(doc.createNode(addition.value)));
    const printed = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
    const printedDoc = holds(printed, expected);
    if (printedDoc !== undefined) return { ok: true, text: printed, method: 'document', doc: printedDoc };
  } catch {
    // setIn refuses to go through a scalar (`rules:` left empty): reported below.
  }
  return { ok: false, message: `'${addition.path.join('.')}' could not be added without changing other values` };
}

/** The text with the new key inserted into the deepest existing block mapping, or undefined. */
function splice(doc: Document, text: string, addition: YamlAddition): string | undefined {
  const target = deepestMap(doc, addition.path);
  const plan = target === undefined ? undefined : insertion(text, target, addition.path, addition.value);
  return plan === undefined ? undefined : text.slice(0, plan.at) + plan.text + text.slice(plan.at);
}

/** The deepest block mapping on `path` that exists, and how many keys of `path` lead to it. */
function deepestMap(doc: Document, path: ReadonlyArray<string>): { readonly map: unknown; readonly depth: number } | undefined {
  let map: unknown = doc.contents;
  let depth = 0;
  while (depth < path.length - 1) {
    const next = isMap(map) ? map.get(path[depth], true) : undefined;
    if (!isMap(next)) break;
    map = next;
    depth++;
  }
  return isMap(map) ? { map, depth } : undefined;
}

/**
 * Where and what to insert into `text` so that the mapping `target` (at `path`'s first `depth`
 * keys) gets the rest of `path` with `value`: before the first existing key that comes after it
 * in the documented order, else after the last one. Undefined when the mapping is not a plain
 * block mapping (the Document API is used then).
 */
function insertion(text: string, target: { readonly map: unknown; readonly depth: number }, path: ReadonlyArray<string>, value: unknown): { readonly at: number; readonly text: string } | undefined {
  const { map, depth } = target;
  if (!isMap(map) || map.flow || map.items.length === 0) return undefined;
  const items = map.items.filter((p): p is Pair => isPair(p) && isScalar(p.key) && p.key.range !== undefined && p.key.range !== null);
  if (items.length !== map.items.length) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = columnOf(text, keyStart(items[0]!));
  const unit = indentUnit(text);
  const rest = path.slice(depth);
  const fragment = printFragment(rest, value, unit)
    .split('\n')
    .map((l) => (l === '' ? l : ' '.repeat(indent) + l))
    .join(eol);

  const order = keyOrder(path.slice(0, depth));
  const rank = order?.indexOf(rest[0]!) ?? -1;
  const later = order === undefined || rank < 0 ? undefined : items.find((p) => order.indexOf(String((p.key as Scalar).value)) > rank);
  if (later !== undefined) {
    const at = leadingCommentsStart(text, lineStart(text, keyStart(later)));
    const separated = blankLineBefore(text, at);
    return { at, text: fragment + (separated && indent === 0 ? eol : '') };
  }
  const last = items[items.length - 1]!;
  const end = endOfItem(text, last);
  if (end === undefined) return undefined;
  const head = text.slice(0, end);
  const needsBreak = head.length > 0 && !head.endsWith('\n');
  const lastStart = lineStart(text, keyStart(last));
  const separated = indent === 0 && blankLineBefore(text, lastStart);
  return { at: end, text: (needsBreak ? eol : '') + (separated ? eol : '') + fragment };
}

/**
 * Every addition spliced into `text` from one parse: the additions that go into the same mapping
 * under the same new key become one fragment, and the fragments are inserted where each would
 * go alone (at one place, in the order adding them one by one would leave them). Undefined
 * whenever that is not simply so (a key set twice or already set, a flow mapping, a result
 * that does not parse to exactly the old data plus every new key): `addYamlKeys` then adds them
 * one at a time.
 */
function addTogether(text: string, additions: ReadonlyArray<YamlAddition>): YamlEditResult | undefined {
  const doc = parseDocument(text, PARSE_OPTIONS);
  if (doc.errors.length > 0) return undefined;
  // A fresh copy of the data: the keys are set into it in place (a copy per key was quadratic).
  const expected: unknown = doc.toJS();
  // One addition's key inside another's value, or the same key twice: one at a time says which.
  const full = new Set<string>();
  const inner = new Set<string>();
  for (const a of additions) {
    if (a.path.length === 0 || doc.hasIn([...a.path])) return undefined;
    const key = a.path.join('\0');
    if (full.has(key) || inner.has(key)) return undefined;
    for (let i = 1; i < a.path.length; i++) {
      const prefix = a.path.slice(0, i).join('\0');
      if (full.has(prefix)) return undefined;
      inner.add(prefix);
    }
    full.add(key);
    if (!setKey(expected, a.path, a.value)) return undefined;
  }
  const groups = new Map<unknown, Map<string, { path: ReadonlyArray<string>; depth: number; map: unknown; value: Record<string, unknown> | undefined; leaf: unknown; first: number }>>();
  for (const [i, a] of additions.entries()) {
    const target = deepestMap(doc, a.path);
    if (target === undefined) return undefined;
    const byKey = groups.get(target.map) ?? new Map();
    groups.set(target.map, byKey);
    const key = a.path[target.depth]!;
    const rest = a.path.slice(target.depth + 1);
    const g = byKey.get(key) ?? { path: a.path.slice(0, target.depth + 1), depth: target.depth, map: target.map, value: undefined, leaf: undefined, first: i };
    if (rest.length === 0) g.leaf = a.value;
    else g.value = withOrderedKey(g.value ?? {}, a.path.slice(0, target.depth + 1), rest, a.value);
    if (g.value !== undefined && g.leaf !== undefined) return undefined;
    byKey.set(key, g);
  }
  const inserts: Array<{ readonly at: number; readonly text: string; readonly rank: number; readonly first: number }> = [];
  for (const byKey of groups.values()) {
    for (const [key, g] of byKey) {
      const value = g.leaf !== undefined ? g.leaf : g.value;
      const plan = insertion(text, { map: g.map, depth: g.depth }, g.path, value);
      if (plan === undefined) return undefined;
      const order = keyOrder(g.path.slice(0, g.depth));
      const rank = order?.indexOf(key) ?? -1;
      inserts.push({ ...plan, rank: rank < 0 ? Number.MAX_SAFE_INTEGER : rank, first: g.first });
    }
  }
  inserts.sort((a, b) => a.at - b.at || a.rank - b.rank || a.first - b.first);
  let out = '';
  let from = 0;
  for (const ins of inserts) {
    out += text.slice(from, ins.at) + ins.text;
    from = ins.at;
  }
  out += text.slice(from);
  return holds(out, expected) !== undefined ? { ok: true, text: out, method: 'splice' } : undefined;
}

/** Where a pair's key starts (pairs without a key range were filtered out before). */
function keyStart(pair: Pair): number {
  return (pair.key as Scalar).range![0];
}

/** The offset just after the line where the item's value ends (a trailing comment on that line stays on it). */
function endOfItem(text: string, pair: Pair): number | undefined {
  const range = (pair.value as { range?: [number, number, number] } | null)?.range ?? (pair.key as { range?: [number, number, number] }).range;
  if (range === undefined) return undefined;
  const valueEnd = range[1];
  if (valueEnd > 0 && text[valueEnd - 1] === '\n') return valueEnd;
  const nl = text.indexOf('\n', valueEnd);
  return nl === -1 ? text.length : nl + 1;
}

/** `{ a: { b: value } }` for path [a, b], printed as block YAML with lists in flow style. */
function printFragment(path: ReadonlyArray<string>, value: unknown, unit: number): string {
  let nested: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) nested = { [path[i]!]: nested };
  const doc = new Document(nested);
  flowLists(doc.contents);
  return doc.toString({ indent: unit, lineWidth: 0, flowCollectionPadding: false });
}

/** Lists print as `[a, b]`, the way specs write column lists. */
function flowLists<T>(node: T): T {
  visit(node as Parameters<typeof visit>[0], {
    Seq(_, seq) {
      seq.flow = true;
    },
  });
  if (isSeq(node)) node.flow = true;
  return node;
}

/** `text`'s document when it parses to exactly `expected`, else undefined. */
function holds(text: string, expected: unknown): Document.Parsed | undefined {
  const doc = parseDocument(text, PARSE_OPTIONS);
  return doc.errors.length === 0 && isDeepStrictEqual(doc.toJS(), expected) ? doc : undefined;
}

/** Sets `value` at `path` in `data`, in place, creating mappings on the way; false when something on the way is not a mapping. */
function setKey(data: unknown, path: ReadonlyArray<string>, value: unknown): boolean {
  let node = data;
  for (const [i, key] of path.entries()) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    const map = node as Record<string, unknown>;
    if (i === path.length - 1) map[key] = value;
    else if (map[key] === undefined || map[key] === null) map[key] = {};
    node = map[key];
  }
  return true;
}

/** A copy of `data` with `value` at `path`, creating mappings on the way; undefined when something on the way is not a mapping. */
function withKey(data: unknown, path: ReadonlyArray<string>, value: unknown): unknown {
  if (path.length === 0) return value;
  const base = data === undefined || data === null ? {} : data;
  if (typeof base !== 'object' || Array.isArray(base)) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  const child = withKey((base as Record<string, unknown>)[head], rest, value);
  return child === undefined ? undefined : { ...(base as Record<string, unknown>), [head]: child };
}

/**
 * `data` (a new mapping, at `at`) with `value` at `path`, each new key placed as adding it to the
 * text would place it: before the first key that comes after it in the documented order, else last.
 */
function withOrderedKey(data: Record<string, unknown>, at: ReadonlyArray<string>, path: ReadonlyArray<string>, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  const child = rest.length === 0 ? value : withOrderedKey((data[head] as Record<string, unknown> | undefined) ?? {}, [...at, head], rest, value);
  if (head in data) return { ...data, [head]: child };
  const keys = Object.keys(data);
  const order = keyOrder(at);
  const rank = order?.indexOf(head) ?? -1;
  const later = order === undefined || rank < 0 ? -1 : keys.findIndex((k) => order.indexOf(k) > rank);
  const entries: Array<[string, unknown]> = Object.entries(data);
  entries.splice(later < 0 ? entries.length : later, 0, [head, child]);
  return Object.fromEntries(entries);
}

/** The text just before `at` ends a blank line (`\n`, spaces or tabs, `\n`; CRLF alike): read backwards, not the whole text. */
function blankLineBefore(text: string, at: number): boolean {
  let i = at - 1;
  if (text[i] !== '\n') return false;
  i--;
  if (text[i] === '\r') i--;
  while (text[i] === ' ' || text[i] === '\t') i--;
  return text[i] === '\n';
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The start of the comment lines directly above a line (they describe what follows them). */
function leadingCommentsStart(text: string, start: number): number {
  let at = start;
  while (at > 0) {
    const prev = lineStart(text, at - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, at))) break;
    at = prev;
  }
  return at;
}

/** The indentation step the file uses (2 when it cannot tell). */
function indentUnit(text: string): number {
  const m = /^[^\s#][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n( +)\S/m.exec(text);
  return m ? Math.min(Math.max(m[1]!.length, 1), 8) : 2;
}
