/**
 * Layout of generated SQL: statements are written with the indentation-aware `CodeWriter`
 * (two spaces a level), one clause or list item per line, and carry no trailing `;` (the file
 * printer adds it; a driver takes statements without it).
 */
import { CodeWriter } from '../writer.js';

export type Statement = string;

/** Builds one statement. */
export function statement(build: (w: CodeWriter) => void): Statement {
  const w = new CodeWriter('  ');
  build(w);
  return w.toString().trimEnd();
}

/** Writes `items` one per line, each but the last followed by a comma. */
export function commaList(w: CodeWriter, items: ReadonlyArray<string>): void {
  items.forEach((item, i) => w.line(i < items.length - 1 ? `${item},` : item));
}
