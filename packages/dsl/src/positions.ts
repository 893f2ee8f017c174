/**
 * The one place where offsets become the 1-based line:col that diagnostics print.
 * Offsets are 0-based UTF-16 indexes into the text (what `yaml` and chevrotain report);
 * lines and columns are 1-based (what editors, compilers and linters print).
 */
import type { Position } from '@vault/core';

export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    // A byte order mark (U+FEFF) that starts the text is no column: editors hide it, and column
    // 1 is the character after it. The parsers count it, so line 1 starts after it.
    this.starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  /** 0-based offset to 1-based line and column. */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // The mark itself (offset 0 of such a text) is column 1, as the character after it.
    return { line: lo + 1, col: Math.max(offset - this.starts[lo]!, 0) + 1 };
  }
}
