/**
 * Resolves spec paths to spans in a compact source-table string: the one place compact
 * positions are read. The string is one line as typed, but offsets still go through
 * `LineIndex`, so a string with newlines in it is located correctly too.
 */
import type { PathDiagnostic, Span, SpecPath } from '@vault/core';
import { LineIndex } from '../positions.js';
import type { SpecSource } from '../source-map.js';
import { compactPathKey, type CompactPositions, type CompactRange } from './types.js';

/**
 * @example
 * const parsed = parseSourceTables(text, { model: 'ews' });
 * compactSource(text, parsed.positions).span({ path: ['tables', 'orders'], target: 'key' })
 * // { file: '<source-tables>', start: { line: 1, col: 1 }, end: { line: 1, col: 7 } }
 */
export function compactSource(text: string, positions: CompactPositions, file = '<source-tables>'): SpecSource {
  const lines = new LineIndex(text);
  const toSpan = (r: CompactRange): Span => ({ file, start: lines.position(r.start), end: lines.position(r.end) });
  return {
    file,
    span(d: Pick<PathDiagnostic, 'path' | 'target' | 'inner'>): Span {
      return toSpan(locate(text, positions, d));
    },
  };
}

function locate(text: string, positions: CompactPositions, d: Pick<PathDiagnostic, 'path' | 'target' | 'inner'>): CompactRange {
  const node = positions.get(compactPathKey(d.path));
  if (node !== undefined) {
    if (d.inner !== undefined) return insideValue(text, node.value, d.inner);
    return d.target === 'key' ? (node.key ?? node.value) : node.value;
  }
  for (let n = d.path.length - 1; n > 0; n--) {
    const ancestor = positions.get(compactPathKey(d.path.slice(0, n) as SpecPath));
    if (ancestor !== undefined) return ancestor.value;
  }
  return { start: 0, end: text.length };
}

/**
 * Maps offsets inside a scalar's *value* (a type, whitespace runs collapsed to one space) to
 * offsets in the string: exact, because collapsing is the only change; clamped to the scalar.
 */
function insideValue(text: string, value: CompactRange, inner: CompactRange): CompactRange {
  const written = text.slice(value.start, value.end);
  const at = (offset: number): number => value.start + writtenOffset(written, offset);
  return { start: at(inner.start), end: at(inner.end) };
}

/** The offset in `written` of offset `normalised` in `written.replace(/\s+/g, ' ')`. */
function writtenOffset(written: string, normalised: number): number {
  let n = 0; // the normalised offset of written[i]; the 2nd, 3rd, ... space of a run has none
  for (let i = 0; i < written.length; i++) {
    const inRun = i > 0 && /\s/.test(written[i]!) && /\s/.test(written[i - 1]!);
    if (inRun) continue;
    if (n === normalised) return i;
    n++;
  }
  return written.length;
}
