/**
 * The one place where offsets become the 1-based line:col that diagnostics print.
 * Offsets are 0-based UTF-16 indexes into the text (what `yaml` and chevrotain report);
 * lines and columns are 1-based (what editors, compilers and linters print).
 */
import type { Position } from '@vault/core';

export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    this.starts = [0];
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
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}
