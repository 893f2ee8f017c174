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
  let map: unknown = doc.contents;
  let depth = 0;
  while (depth < addition.path.length - 1) {
    const next = isMap(map) ? map.get(addition.path[depth], true) : undefined;
    if (!isMap(next)) break;
    map = next;
    depth++;
  }
  if (!isMap(map) || map.flow || map.items.length === 0) return undefined;
  const items = map.items.filter((p): p is Pair => isPair(p) && isScalar(p.key) && p.key.range !== undefined && p.key.range !== null);
  if (items.length !== map.items.length) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = columnOf(text, keyStart(items[0]!));
  const unit = indentUnit(text);
  const rest = addition.path.slice(depth);
  const fragment = printFragment(rest, addition.value, unit)
    .split('\n')
    .map((l) => (l === '' ? l : ' '.repeat(indent) + l))
    .join(eol);

  const order = keyOrder(addition.path.slice(0, depth));
  const rank = order?.indexOf(rest[0]!) ?? -1;
  const later = order === undefined || rank < 0 ? undefined : items.find((p) => order.indexOf(String((p.key as Scalar).value)) > rank);
  if (later !== undefined) {
    const at = leadingCommentsStart(text, lineStart(text, keyStart(later)));
    const separated = at >= 2 && /\r?\n[ \t]*\r?\n$/.test(text.slice(0, at));
    return text.slice(0, at) + fragment + (separated && indent === 0 ? eol : '') + text.slice(at);
  }
  const last = items[items.length - 1]!;
  const end = endOfItem(text, last);
  if (end === undefined) return undefined;
  const head = text.slice(0, end);
  const needsBreak = head.length > 0 && !head.endsWith('\n');
  const lastStart = lineStart(text, keyStart(last));
  const separated = indent === 0 && lastStart >= 2 && /\r?\n[ \t]*\r?\n$/.test(text.slice(0, lastStart));
  return head + (needsBreak ? eol : '') + (separated ? eol : '') + fragment + text.slice(end);
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

/** A copy of `data` with `value` at `path`, creating mappings on the way; undefined when something on the way is not a mapping. */
function withKey(data: unknown, path: ReadonlyArray<string>, value: unknown): unknown {
  if (path.length === 0) return value;
  const base = data === undefined || data === null ? {} : data;
  if (typeof base !== 'object' || Array.isArray(base)) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  const child = withKey((base as Record<string, unknown>)[head], rest, value);
  return child === undefined ? undefined : { ...(base as Record<string, unknown>), [head]: child };
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
