/**
 * Limits on spec text, checked on the raw text in one linear pass before any parser sees it.
 *
 * YAML parsers recurse once per nesting level (a few thousand levels overflow the stack), build
 * a syntax tree of tens of bytes per byte of text, and some of our own checks look at whole
 * lines. The limits are far above what any spec needs (a 10,000-table spec is about 8 MB, with
 * lines under 100 characters and 7 levels of nesting) and low enough that every step after them
 * runs in bounded time and memory. docs/spec.md documents them.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { severityOf, type Diagnostic } from '@vault/core/internal';

export const INPUT_LIMITS = {
  /** Size of a spec or profile file, and of a compact source-table string, in bytes. */
  maxBytes: 16 * 1024 * 1024,
  /** Characters on one line (UTF-16 code units, as editors count them). */
  maxLineLength: 65_536,
  /** Block and flow collections nested inside each other. */
  maxDepth: 100,
} as const;

const LIMIT_CODE = 'VLT008';

/** A limit exceeded, at a 1-based line and column. */
export interface LimitProblem {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

/** The diagnostic for a limit problem. */
export function limitDiagnostic(p: LimitProblem, file: string): Diagnostic {
  const at = { line: p.line, col: p.col };
  return { code: LIMIT_CODE, severity: severityOf(LIMIT_CODE), message: p.message, span: { file, start: at, end: at } };
}

const bytes = (n: number): string => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/** Whether `size` bytes of `what` ("the spec") are too many. */
export function sizeProblem(size: number, what: string): LimitProblem | undefined {
  if (size <= INPUT_LIMITS.maxBytes) return undefined;
  return { message: `${what} is larger than ${bytes(INPUT_LIMITS.maxBytes)}, the most vault reads; split the model into smaller specs`, line: 1, col: 1 };
}

/**
 * Checks `text` (YAML) against every limit; the first problem found, or `undefined`.
 * `what` names the document in messages: "the spec", "the framework profile".
 * @example checkYamlLimits('a: [[[1]]]\n', 'the spec') // undefined
 */
export function checkYamlLimits(text: string, what: string): LimitProblem | undefined {
  const size = text.length > INPUT_LIMITS.maxBytes / 3 ? Buffer.byteLength(text, 'utf8') : text.length;
  return sizeProblem(size, what) ?? new NestingScanner(text, what).scan();
}

/**
 * Reads a text file, never more than the size limit: a huge file, `/dev/zero` or a pipe that
 * never ends is refused after `maxBytes` bytes instead of filling memory.
 * Throws the file system's error when the file cannot be opened or read.
 */
export function readTextBounded(path: string, what: string): { readonly text: string } | { readonly problem: LimitProblem } {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, INPUT_LIMITS.maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > INPUT_LIMITS.maxBytes) return { problem: sizeProblem(total, what)! };
    }
    return { text: decodeText(Buffer.concat(chunks, total)) };
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's text: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark (YAML allows it,
 * and Windows PowerShell 5 writes it: `>`, Out-File), read as UTF-8 it is noise that no parser
 * could place. The UTF-16 mark is dropped; a UTF-8 one stays (positions.ts gives it no column).
 */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return bytes.toString('utf8');
}

/**
 * Runs `parse`; should text nest deeper than a parser's stack despite the scan (the scan is not
 * a YAML parser), the stack overflow becomes the nesting limit's problem instead of a crash.
 */
export function guardStack<T>(parse: () => T, overflow: (problem: LimitProblem) => T, what: string): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof RangeError) || !/call stack/i.test(e.message)) throw e;
    return overflow({ message: `${what} nests too deeply to be read; vault reads at most ${INPUT_LIMITS.maxDepth} levels`, line: 1, col: 1 });
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const isBlank = (c: number): boolean => c === SPACE || c === TAB || c === CR;

/**
 * Tracks nesting as YAML sees it, one character at a time: a stack of block collections by
 * column (popped when a line is indented less), `- `, `? ` and `: ` entries on one line, flow
 * brackets, quoted scalars (which may span lines) and block scalars (whose lines are text).
 * It need not parse YAML: it counts at least one level for every level a parser recurses into,
 * and at most about two for each level of a real spec. Line lengths are checked on the way.
 */
class NestingScanner {
  private readonly blocks: number[] = [];
  private flow = 0;
  private quote: 0 | 0x22 | 0x27 = 0;
  /** Lines indented more than this (or blank) belong to a block scalar. */
  private blockScalar = -1;
  private line = 1;
  private lineStart = 0;
  private lineEnd = 0;

  constructor(
    private readonly text: string,
    private readonly what: string,
  ) {}

  scan(): LimitProblem | undefined {
    const t = this.text;
    while (this.lineStart <= t.length) {
      let end = t.indexOf('\n', this.lineStart);
      if (end < 0) end = t.length;
      this.lineEnd = end;
      if (end - this.lineStart > INPUT_LIMITS.maxLineLength) {
        return {
          message: `line ${this.line} of ${this.what} is ${(end - this.lineStart).toLocaleString('en-US')} characters long; vault reads lines of at most ${INPUT_LIMITS.maxLineLength.toLocaleString('en-US')} characters`,
          line: this.line,
          col: INPUT_LIMITS.maxLineLength + 1,
        };
      }
      const problem = this.scanLine();
      if (problem !== undefined) return problem;
      this.lineStart = end + 1;
      this.line++;
    }
    return undefined;
  }

  private tooDeep(at: number): LimitProblem | undefined {
    if (this.blocks.length + this.flow <= INPUT_LIMITS.maxDepth) return undefined;
    return {
      message: `${this.what} nests collections more than ${INPUT_LIMITS.maxDepth} levels deep here, the most vault reads; a spec needs fewer than 10`,
      line: this.line,
      col: at - this.lineStart + 1,
    };
  }

  private scanLine(): LimitProblem | undefined {
    const t = this.text;
    let i = this.lineStart;
    while (i < this.lineEnd && t.charCodeAt(i) === SPACE) i++;
    const indent = i - this.lineStart;
    const empty = i >= this.lineEnd || isBlank(t.charCodeAt(i));
    if (this.blockScalar >= 0) {
      if (empty || indent > this.blockScalar) return undefined;
      this.blockScalar = -1;
    }
    if (this.quote !== 0) {
      const end = this.skipQuoted(this.lineStart);
      if (end < 0) return undefined;
      return this.flow > 0 ? this.scanFlow(end, false) : this.afterNode(end, indent);
    }
    if (this.flow > 0) return this.scanFlow(this.lineStart, true);
    if (empty || t.charCodeAt(i) === 0x23 /* # */) return undefined;
    if (indent === 0 && (t.startsWith('---', i) || t.startsWith('...', i)) && (i + 3 >= this.lineEnd || isBlank(t.charCodeAt(i + 3)))) {
      this.blocks.length = 0;
      return this.scanNode(i + 3, -1);
    }
    while (this.blocks.length > 0 && this.blocks[this.blocks.length - 1]! >= indent) this.blocks.pop();
    this.blocks.push(indent);
    const deep = this.tooDeep(i);
    if (deep !== undefined) return deep;
    return this.scanNode(i, indent);
  }

  /**
   * At a place where a node may start (after indentation, an entry indicator or `key: `);
   * `parent` is the column of the collection the node is in.
   */
  private scanNode(from: number, parent: number): LimitProblem | undefined {
    const t = this.text;
    let i = from;
    for (;;) {
      while (i < this.lineEnd && isBlank(t.charCodeAt(i))) i++;
      if (i >= this.lineEnd) return undefined;
      const c = t.charCodeAt(i);
      if (c === 0x26 /* & */ || c === 0x21 /* ! */) {
        while (i < this.lineEnd && !isBlank(t.charCodeAt(i))) i++;
        continue;
      }
      // `- `, `? ` and `: ` entries: each opens a collection at the column after it.
      const next = i + 1 < this.lineEnd ? t.charCodeAt(i + 1) : SPACE;
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && isBlank(next)) {
        parent = i - this.lineStart;
        i++;
        while (i < this.lineEnd && isBlank(t.charCodeAt(i))) i++;
        if (i >= this.lineEnd) return undefined;
        this.blocks.push(i - this.lineStart);
        const deep = this.tooDeep(i);
        if (deep !== undefined) return deep;
        continue;
      }
      break;
    }
    const c = t.charCodeAt(i);
    if (c === 0x23 /* # */) return undefined;
    if (c === 0x7c /* | */ || c === 0x3e /* > */) {
      this.blockScalar = parent;
      return undefined;
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) return this.scanFlow(i, true);
    if (c === 0x22 || c === 0x27) {
      this.quote = c;
      const end = this.skipQuoted(i + 1);
      return end < 0 ? undefined : this.afterNode(end, i - this.lineStart);
    }
    // A plain scalar or key: up to `: ` (then a value follows) or ` #`.
    for (let j = i; j < this.lineEnd; j++) {
      const d = t.charCodeAt(j);
      if (d === 0x3a && (j + 1 >= this.lineEnd || isBlank(t.charCodeAt(j + 1)))) return this.scanNode(j + 1, i - this.lineStart);
      if (d === 0x23 && isBlank(t.charCodeAt(j - 1))) return undefined;
    }
    return undefined;
  }

  /** After a quoted scalar or a flow collection: `: value` may follow (it was a key). */
  private afterNode(from: number, parent: number): LimitProblem | undefined {
    const t = this.text;
    let i = from;
    while (i < this.lineEnd && isBlank(t.charCodeAt(i))) i++;
    if (i < this.lineEnd && t.charCodeAt(i) === 0x3a) return this.scanNode(i + 1, parent);
    return undefined;
  }

  /** Past the closing quote of the open quoted scalar; -1 when the line ends first (the quote stays open). */
  private skipQuoted(from: number): number {
    const t = this.text;
    for (let i = from; i < this.lineEnd; i++) {
      const c = t.charCodeAt(i);
      if (this.quote === 0x22 && c === 0x5c /* \ */) {
        i++;
        continue;
      }
      if (c === this.quote) {
        if (c === 0x27 && t.charCodeAt(i + 1) === 0x27) {
          i++;
          continue;
        }
        this.quote = 0;
        return i + 1;
      }
    }
    return -1;
  }

  /** Inside flow collections: brackets count, quotes start only where a node does. */
  private scanFlow(from: number, nodeStart: boolean): LimitProblem | undefined {
    const t = this.text;
    for (let i = from; i < this.lineEnd; i++) {
      const c = t.charCodeAt(i);
      if (isBlank(c)) continue;
      if (c === 0x23 && (i === this.lineStart || isBlank(t.charCodeAt(i - 1)))) return undefined;
      if (c === 0x5b || c === 0x7b) {
        this.flow++;
        const deep = this.tooDeep(i);
        if (deep !== undefined) return deep;
        nodeStart = true;
      } else if (c === 0x5d || c === 0x7d) {
        if (this.flow > 0) this.flow--;
        if (this.flow === 0) return this.afterNode(i + 1, -1);
        nodeStart = false;
      } else if (c === 0x2c || c === 0x3a || c === 0x3f) {
        nodeStart = true;
      } else if (nodeStart && (c === 0x22 || c === 0x27)) {
        this.quote = c;
        const end = this.skipQuoted(i + 1);
        if (end < 0) return undefined;
        i = end - 1;
        nodeStart = false;
      } else {
        nodeStart = false;
      }
    }
    return undefined;
  }
}
