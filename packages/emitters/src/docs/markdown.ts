/**
 * Markdown (GitHub Flavored): the quoting of the format. Text from a spec (descriptions, rule
 * text, inference details) reaches the README only through `mdText` or `mdCode`, so that it
 * can neither break a table nor turn into markup.
 */

/**
 * Prose: Markdown's markup characters are backslash-escaped (an underscore inside a word, as
 * in `business_partner_id`, needs none), `|` too so that the text can sit in a table cell, and
 * line breaks are folded into spaces.
 * @example mdText('a *b* | c') // 'a \\*b\\* \\| c'
 */
export function mdText(text: string): string {
  return text
    .replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ')
    .replace(/[\\`*[\]<>|~&#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\$&')
    .replace(/^([-+=]|\d+[.)])/, '\\$1');
}

/**
 * A code span, fenced with more backticks than the text holds in a row; `|` is escaped, which
 * GitHub requires even inside code in a table, and line breaks are folded into spaces.
 * @example mdCode('a || b') // '`a \\|\\| b`'
 */
export function mdCode(text: string): string {
  const flat = text.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table row; cells are already quoted. */
export function mdRow(cells: ReadonlyArray<string>): string {
  return `| ${cells.join(' | ')} |`;
}

/** A table's header and delimiter rows, as two lines. */
export function mdHeader(cells: ReadonlyArray<string>): string {
  return `${mdRow(cells)}\n${mdRow(cells.map(() => '---'))}`;
}
