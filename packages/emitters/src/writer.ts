/**
 * An indentation-aware writer for generated code. Emitters say what a line is and how deep it
 * sits; the writer owns the spaces and the line ends, so no emitter counts spaces by hand and
 * every file ends the same way on every platform: `\n` line ends, no trailing whitespace, one
 * final newline.
 */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  /** @param unit the text of one indentation level (Python: four spaces). */
  constructor(private readonly unit = '    ') {}

  /**
   * Writes one line at the current depth; a text holding `\n` is written as several lines,
   * each indented (a pretty-printed literal keeps its own relative indentation).
   *
   * @example
   * const w = new CodeWriter();
   * w.line('def main():');
   * w.block(() => w.line('pass'));
   * w.toString(); // 'def main():\n    pass\n'
   */
  line(text = ''): this {
    for (const part of text.includes('\n') ? text.split('\n') : [text]) {
      const last = part.charCodeAt(part.length - 1);
      const trimmed = last === 32 || last === 9 ? part.replace(/[ \t]+$/, '') : part;
      this.lines.push(trimmed === '' ? '' : this.unit.repeat(this.depth) + trimmed);
    }
    return this;
  }

  /** Writes `count` empty lines. */
  blank(count = 1): this {
    for (let i = 0; i < count; i++) this.lines.push('');
    return this;
  }

  indent(): this {
    this.depth++;
    return this;
  }

  dedent(): this {
    if (this.depth === 0) throw new Error('CodeWriter: dedent below column 0');
    this.depth--;
    return this;
  }

  /** Runs `body` one level deeper. */
  block(body: () => void): this {
    this.indent();
    body();
    return this.dedent();
  }

  /** The columns the current depth takes, for width decisions. */
  get column(): number {
    return this.unit.length * this.depth;
  }

  /** The text: leading and trailing empty lines dropped, exactly one final newline. */
  toString(): string {
    let start = 0;
    let end = this.lines.length;
    while (start < end && this.lines[start] === '') start++;
    while (end > start && this.lines[end - 1] === '') end--;
    return start === end ? '' : `${this.lines.slice(start, end).join('\n')}\n`;
  }
}
