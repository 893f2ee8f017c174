// Prettier, set up to match the code as it is written: single quotes, semicolons, trailing
// commas, two-space indent, `\n` line ends. The width is the one that changes the fewest files
// (measured with `prettier --write` over the tree: 100 columns changed 286 files, 120: 264,
// 140: 237, 160: 214, 180: 188, 200: 186, 220: 187, 240: 188); wider only joins more lines.
/** @type {import('prettier').Config} */
export default {
  printWidth: 200,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  arrowParens: 'always',
  endOfLine: 'lf',
};
