/**
 * Resolves spec paths to spans in a YAML document: the one place YAML positions are read.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { PathDiagnostic, Span } from '@vault/core';
import { LineIndex } from '../positions.js';
import type { SpecSource } from '../source-map.js';

type Range = readonly [number, number];

/**
 * The document is held weakly, or not at all when js-yaml read the text (data-reader.ts): a
 * 10,000-table spec's YAML tree is ~500 MB, and most compiles never need a position after
 * parsing. When one is needed and there is no tree, the text is parsed (same text, same positions).
 */
export function yamlSource(doc: Document | undefined, text: string, file: string, reparse: (text: string) => Document): SpecSource {
  let lines: LineIndex | undefined;
  // Each mapping's pairs by key, built on its first lookup: a spec with thousands of diagnostics
  // under one mapping (`tables`) would otherwise scan it once per diagnostic. Keyed weakly by
  // node, so that a tree no longer held is collected with its index.
  const pairs: PairIndex = new WeakMap();
  let ref = doc === undefined ? undefined : new WeakRef(doc);
  const tree = (): Document => {
    const held = ref?.deref();
    if (held !== undefined) return held;
    const fresh = reparse(text);
    ref = new WeakRef(fresh);
    return fresh;
  };
  return {
    file,
    span(d: Pick<PathDiagnostic, 'path' | 'target' | 'inner'>): Span {
      lines ??= new LineIndex(text);
      const [start, end] = locate(tree(), pairs, text, d);
      return { file, start: lines.position(start), end: lines.position(end) };
    },
  };
}

function locate(doc: Document, pairs: PairIndex, text: string, d: Pick<PathDiagnostic, 'path' | 'target' | 'inner'>): Range {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  let found = true;
  let best: Range = rangeOf(node) ?? [0, 0];
  for (const segment of d.path) {
    const next = child(node, segment, pairs);
    if (next === undefined) {
      found = false;
      break;
    }
    pair = next.pair;
    node = next.node;
    best = rangeOf(node) ?? rangeOf(pair?.key) ?? best;
  }
  if (!found) return best;
  if (d.target === 'key' && pair !== undefined) return rangeOf(pair.key) ?? best;
  if (d.inner !== undefined && isScalar(node)) return innerRange(node, text, d.inner) ?? best;
  return best;
}

/** The pairs of each mapping of one source's tree, by key. */
type PairIndex = WeakMap<YAMLMap, Map<string, Pair>>;

function pairsOf(map: YAMLMap, index: PairIndex): Map<string, Pair> {
  let pairs = index.get(map);
  if (pairs === undefined) {
    pairs = new Map();
    for (const p of map.items) {
      // The first of duplicate keys, as a linear search would find it.
      const key = isPair(p) ? keyName(p.key) : undefined;
      if (key !== undefined && !pairs.has(key)) pairs.set(key, p);
    }
    index.set(map, pairs);
  }
  return pairs;
}

/**
 * A key as the spec's data names it: a null key (`null:`, `~:`, or none before the colon) is `""`
 * there, as the yaml package converts it, not `"null"`.
 */
function keyName(key: unknown): string | undefined {
  if (key === null || (isScalar(key) && key.value === null)) return '';
  return isScalar(key) ? String(key.value) : undefined;
}

function child(node: unknown, segment: string | number, index: PairIndex): { node: unknown; pair?: Pair } | undefined {
  if (isMap(node)) {
    const pair = pairsOf(node, index).get(String(segment));
    return pair === undefined ? undefined : { node: pair.value ?? pair.key, pair };
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return item === undefined ? undefined : { node: item };
  }
  return undefined;
}

function rangeOf(node: unknown): Range | undefined {
  const r = (node as Node | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/**
 * Maps offsets inside a scalar's *value* to offsets in the file: for block scalars line by
 * line; for plain and quoted scalars through the text as YAML reads it (line folding, escapes,
 * `''`), so that a rule written over several lines points at its line, whatever the line ends.
 */
function innerRange(node: Scalar, text: string, inner: { start: number; end: number }): Range | undefined {
  const r = node.range;
  if (!r) return undefined;
  const value = String(node.value);
  const clamp = (n: number): number => Math.min(Math.max(n, r[0]), r[1]);
  switch (node.type) {
    // The values of Scalar.BLOCK_LITERAL and its kin: only types are imported from the yaml package
    // here, so that the bundled CLI can load it when a position is first needed (scripts/bundle-cli.mjs).
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      const at = (offset: number): number => blockOffset(text, r[0], value, offset);
      return [clamp(at(inner.start)), clamp(at(inner.end))];
    }
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
    case 'PLAIN': {
      const quoted = node.type !== 'PLAIN';
      const map = flowOffsets(text, quoted ? r[0] + 1 : r[0], quoted ? r[1] - 1 : r[1], node.type === 'QUOTE_DOUBLE' ? 'double' : quoted ? 'single' : 'plain');
      if (map.length === value.length + 1) {
        const start = map[inner.start]!;
        // The end: just after the range's last character, not at the next one (a fold away).
        const end = inner.end > inner.start ? map[inner.end - 1]! + 1 : start;
        return [clamp(start), clamp(end)];
      }
      // Text the reader above does not follow (never expected): the value's offsets from the start.
      const first = quoted ? r[0] + 1 : r[0];
      return [clamp(first + inner.start), clamp(first + inner.end)];
    }
    default:
      return [clamp(r[0] + inner.start), clamp(r[0] + inner.end)];
  }
}

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Skips one line break (CRLF, LF or CR) at `i`. */
const afterBreak = (text: string, i: number): number => (text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1);

/**
 * The file offset of each UTF-16 unit of a flow scalar's value, and of its end, reading the
 * text between `from` and `to` (inside the quotes) as YAML does: a line break with the blanks
 * around it folds to one space, or to a newline per empty line that follows; in double quotes
 * an escape is one character (two for a `\U` beyond the BMP) and a backslash before a line break
 * joins the lines; in single quotes `''` is one quote.
 */
function flowOffsets(text: string, from: number, to: number, style: 'plain' | 'single' | 'double'): number[] {
  const map: number[] = [];
  /** How many of the last units mapped are blanks of the text, which a following fold drops. */
  let trailing = 0;
  let i = from;
  while (i < to) {
    const c = text[i];
    if (isBreak(c)) {
      map.length -= trailing;
      i = afterBreak(text, i);
      let empty = 0;
      for (;;) {
        while (i < to && isBlank(text[i])) i++;
        if (i < to && isBreak(text[i])) {
          empty++;
          i = afterBreak(text, i);
        } else break;
      }
      for (let n = 0; n < Math.max(empty, 1); n++) map.push(i);
      trailing = 0;
    } else if (style === 'double' && c === '\\') {
      const e = text[i + 1];
      if (isBreak(e)) {
        // An escaped line break: the lines join, without the next line's indentation.
        i = afterBreak(text, i + 1);
        while (i < to && isBlank(text[i])) i++;
      } else {
        const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const code = digits === 8 ? Number.parseInt(text.slice(i + 2, i + 10), 16) : 0;
        map.push(i);
        if (code > 0xffff) map.push(i);
        i += 2 + digits;
      }
      trailing = 0;
    } else if (style === 'single' && c === "'" && text[i + 1] === "'") {
      map.push(i);
      i += 2;
      trailing = 0;
    } else {
      map.push(i);
      trailing = isBlank(c) ? trailing + 1 : 0;
      i++;
    }
  }
  map.push(to);
  return map;
}

/** Finds the file offset of `offset` in a block scalar's value: same line, same column after indentation. */
function blockOffset(text: string, start: number, value: string, offset: number): number {
  const before = value.slice(0, offset);
  const lineNo = (before.match(/\n/g) ?? []).length;
  const col = offset - (before.lastIndexOf('\n') + 1);
  // Skip the header line (`|`, `>-`, ...), then `lineNo` content lines.
  let pos = text.indexOf('\n', start) + 1;
  // The indentation is the first line's that has text: empty lines before it may have none.
  const indent = /^(?:[ ]*\r?\n)*([ ]*)/.exec(text.slice(pos))?.[1]?.length ?? 0;
  for (let i = 0; i < lineNo && pos > 0; i++) pos = text.indexOf('\n', pos) + 1;
  return pos + indent + col;
}
