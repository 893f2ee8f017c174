/**
 * A fast path for the YAML that specs are made of: block mappings and sequences, one-line flow
 * collections, plain and quoted one-line scalars, `|` and `>` block scalars, comments.
 *
 * The `yaml` package builds a syntax tree of about 60 bytes of heap per byte of text and takes
 * seconds for a 10,000-table spec; this reads the same text straight into plain data. It never
 * reports errors and never guesses: on anything outside that subset, or anything it is not sure
 * it reads exactly as the `yaml` package would (anchors, tags, multi-line plain or quoted
 * scalars, numbers in unusual notations, duplicate keys, syntax errors), it returns `undefined`
 * and the caller parses the text with the `yaml` package, which then also reports the errors.
 * A property test checks that whenever it answers, its answer equals the `yaml` package's.
 */

/** Thrown internally to abandon the fast path; never escapes this module. */
class Unsure extends Error {}

const unsure = (): never => {
  throw new Unsure();
};

/** The document's data when it is a mapping in the subset, else `undefined`. */
export function parsePlainYaml(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) === 0xfeff || text.includes('\t') || text.includes('\r')) return undefined;
  try {
    const p = new BlockParser(text.split('\n'));
    const first = p.peek();
    if (first === undefined || first.indent !== 0 || isSequenceEntry(first.content)) return undefined;
    const value = p.mapping(0);
    if (p.peek() !== undefined) return undefined;
    return value;
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
}

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly content: string;
}

const isSequenceEntry = (content: string): boolean => content === '-' || content.startsWith('- ');

/** Characters that may not start a plain scalar or key (YAML's indicators), and `-` handled apart. */
const INDICATOR_START = /^[?:,[\]{}#&*!|>'"%@`]/;

class BlockParser {
  private i = 0;
  constructor(private readonly lines: string[]) {}

  /** The next line with content (blank and comment-only lines skipped), without consuming it. */
  peek(): Line | undefined {
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i]!;
      const content = raw.trimStart();
      if (content === '' || content.startsWith('#')) {
        this.i++;
        continue;
      }
      if (content.startsWith('---') || content.startsWith('...') || content.startsWith('%')) unsure();
      return { indent: raw.length - content.length, content };
    }
    return undefined;
  }

  mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.peek(); line !== undefined && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent || isSequenceEntry(line.content)) unsure();
      const { key, rest } = splitKey(line.content);
      if (Object.hasOwn(out, key)) unsure(); // the yaml package reports duplicates
      this.i++;
      out[key] = this.value(rest, indent, true);
    }
    return out;
  }

  sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.peek(); line !== undefined && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) unsure();
      // `key:` followed by `- a` at the key's own indentation: the sequence ends at the next key.
      if (!isSequenceEntry(line.content)) break;
      const rest = line.content.slice(1);
      const gap = rest.length - rest.trimStart().length;
      const item = rest.trimStart();
      if (item !== '' && !item.startsWith('#') && (isSequenceEntry(item) || looksLikeKey(item))) {
        // `- key: value` and `- - x` open a collection at the item's column: read the rest of
        // the line as if it were indented there.
        const column = indent + 1 + gap;
        this.lines[this.i] = ' '.repeat(column) + item;
        out.push(isSequenceEntry(item) ? this.sequence(column) : this.mapping(column));
      } else {
        this.i++;
        out.push(this.value(item, indent, false));
      }
    }
    return out;
  }

  /** The value after `key:` or `- `, on the rest of the line or in the lines below. */
  private value(rest: string, indent: number, inMapping: boolean): unknown {
    if (rest === '' || rest.startsWith('#')) {
      const next = this.peek();
      if (next === undefined || next.indent < indent) return null;
      if (next.indent === indent) return inMapping && isSequenceEntry(next.content) ? this.sequence(indent) : null;
      return isSequenceEntry(next.content) ? this.sequence(next.indent) : this.mapping(next.indent);
    }
    if (rest.startsWith('|') || rest.startsWith('>')) return this.blockScalar(rest, indent);
    const value = inlineValue(rest);
    // A more indented line after a complete value would continue a multi-line plain scalar.
    const next = this.peek();
    if (next !== undefined && next.indent > indent) unsure();
    return value;
  }

  private blockScalar(header: string, parentIndent: number): string {
    const m = /^([|>])([+-]?)(?:\s+#.*)?\s*$/.exec(header);
    if (m === null) return unsure();
    const [, style, chomp] = m;
    const body: string[] = [];
    let blockIndent = -1;
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i]!;
      const content = raw.trimStart();
      if (content === '') {
        // Leading empty lines, and blank lines carrying spaces past the indentation, follow
        // indentation rules this reader does not mirror.
        if (blockIndent === -1 || raw.length > blockIndent) unsure();
        body.push('');
        this.i++;
        continue;
      }
      const indent = raw.length - content.length;
      if (blockIndent === -1) {
        if (indent <= parentIndent) break;
        blockIndent = indent;
      }
      if (indent < blockIndent) break;
      body.push(raw.slice(blockIndent));
      this.i++;
    }
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === '') {
      body.pop();
      trailing++;
    }
    if (body.length === 0) return unsure();
    const text = style === '|' ? body.join('\n') : fold(body);
    if (chomp === '-') return text;
    if (chomp === '+') return `${text}\n${'\n'.repeat(trailing)}`;
    return `${text}\n`;
  }
}

/**
 * Folded scalar lines: between two ordinary lines a single break becomes a space and n empty
 * lines become n breaks; next to a more-indented line (one that starts with a space after the
 * block's indentation) every break is kept.
 */
function fold(lines: ReadonlyArray<string>): string {
  let out = lines[0] ?? '';
  let previousIndented = out.startsWith(' ');
  let empty = 0;
  for (const line of lines.slice(1)) {
    if (line === '') {
      empty++;
      continue;
    }
    const indented = line.startsWith(' ');
    out += !indented && !previousIndented ? (empty === 0 ? ` ${line}` : '\n'.repeat(empty) + line) : '\n'.repeat(empty + 1) + line;
    previousIndented = indented;
    empty = 0;
  }
  return out;
}

function looksLikeKey(content: string): boolean {
  if (content.startsWith('"') || content.startsWith("'")) {
    const end = quotedEnd(content, 0);
    return end !== -1 && /^\s*:(\s|$)/.test(content.slice(end));
  }
  return /^[^\s#][^#]*?:(\s|$)/.test(content) && !content.startsWith('[') && !content.startsWith('{');
}

/** `key: rest` → the key and the rest of the line after `:` and spaces. */
function splitKey(content: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  if (content.startsWith('"') || content.startsWith("'")) {
    const end = quotedEnd(content, 0);
    if (end === -1) return unsure();
    key = quoted(content.slice(0, end));
    after = end;
    while (content[after] === ' ') after++;
    if (content[after] !== ':') return unsure();
  } else {
    const m = /^([^\s#:][^#]*?)\s*:(?=\s|$)/.exec(content);
    if (m === null) return unsure();
    key = m[1]!;
    if (!SAFE_KEY.test(key) || RESERVED_PLAIN.test(key)) return unsure();
    after = m[0].length - 1;
  }
  if (key === '__proto__') return unsure();
  return { key, rest: content.slice(after + 1).trimStart() };
}

/** Plain keys read the same as strings whatever the schema: names, not numbers or booleans. */
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED_PLAIN = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** A whole value on one line: quoted, flow, or plain; then nothing but an optional comment. */
function inlineValue(text: string): unknown {
  const r = new InlineReader(text);
  const value = r.node(false);
  r.end();
  return value;
}

/** Index just past the closing quote of the quoted scalar starting at `from`, or -1. */
function quotedEnd(text: string, from: number): number {
  const q = text[from];
  for (let i = from + 1; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === '\\') {
      i++;
      continue;
    }
    if (c === q) {
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', ' ': ' ' };

/** The value of a one-line quoted scalar, quotes included in `token`. */
function quoted(token: string): string {
  const inner = token.slice(1, -1);
  if (token[0] === "'") return inner.replaceAll("''", "'");
  return inner.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? unsure();
  });
}

class InlineReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  /** Only spaces and a comment may follow a value. */
  end(): void {
    this.skipSpaces();
    if (this.pos < this.text.length && this.text[this.pos] !== '#') unsure();
  }

  node(inFlow: boolean): unknown {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === '[') return this.flowSequence();
    if (c === '{') return this.flowMapping();
    if (c === '"' || c === "'") {
      const end = quotedEnd(this.text, this.pos);
      if (end === -1) return unsure(); // continues on the next line
      const value = quoted(this.text.slice(this.pos, end));
      this.pos = end;
      return value;
    }
    return resolvePlain(this.plain(inFlow));
  }

  /** A plain scalar up to ` #`, the end, or in flow context `,`, `]`, `}` and `: `. */
  private plain(inFlow: boolean): string {
    const start = this.pos;
    const rest = this.text.slice(start);
    if (rest === '' || INDICATOR_START.test(rest) || (rest[0] === '-' && (rest[1] === ' ' || rest[1] === undefined))) {
      return unsure();
    }
    let i = start;
    for (; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === ' ' && this.text[i + 1] === '#') break;
      if (c === ':' && (this.text[i + 1] === ' ' || this.text[i + 1] === undefined || (inFlow && /[,\]}]/.test(this.text[i + 1] ?? '')))) {
        if (!inFlow) unsure(); // `a: b: c` is an error the yaml package reports
        break;
      }
      if (inFlow && (c === ',' || c === ']' || c === '}' || c === '[' || c === '{')) break;
    }
    this.pos = i;
    return this.text.slice(start, i).trimEnd();
  }

  private flowSequence(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipSpaces();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.node(true));
      this.skipSpaces();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') return unsure(); // `[a: b]`, a line break, or a syntax error
      this.skipSpaces();
      if (this.text[this.pos] === ']') return unsure(); // a trailing comma
    }
  }

  private flowMapping(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipSpaces();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpaces();
      const keyValue = this.node(true);
      if (typeof keyValue !== 'string' || keyValue === '__proto__') return unsure();
      const key = keyValue;
      if (!(this.text[this.pos - 1] === '"' || this.text[this.pos - 1] === "'") && (!SAFE_KEY.test(key) || RESERVED_PLAIN.test(key))) return unsure();
      this.skipSpaces();
      if (this.text[this.pos] !== ':' || this.text[this.pos + 1] !== ' ') return unsure();
      this.pos += 2;
      if (Object.hasOwn(out, key)) return unsure();
      out[key] = this.node(true);
      this.skipSpaces();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') return unsure();
      this.skipSpaces();
      if (this.text[this.pos] === '}') return unsure();
    }
  }
}

/**
 * A plain scalar as YAML 1.2's core schema reads it. Only the unambiguous forms are resolved
 * here; anything number-like in another notation defers to the yaml package.
 */
function resolvePlain(s: string): unknown {
  if (s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^(?:0|-?[1-9][0-9]{0,14})$/.test(s)) return Number(s);
  if (/^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/.test(s)) return Number(s);
  // Other digits, signs, dots, exponents, 0x/0o, .inf, .nan: let the yaml package decide.
  if (/^[-+.0-9]/.test(s)) return unsure();
  return s;
}
