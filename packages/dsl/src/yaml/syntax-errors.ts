/**
 * The `yaml` library's syntax errors, reworded for spec authors and moved to where the
 * mistake is (the opening quote or bracket, the first character of a misindented line)
 * rather than where the parser gave up.
 */
import type { YAMLError } from 'yaml';

export interface SyntaxProblem {
  readonly code: 'VLT002' | 'VLT003';
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export function describeYamlError(e: YAMLError, text: string): SyntaxProblem {
  const [start, end] = e.pos;
  const raw = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (e.code) {
    case 'DUPLICATE_KEY':
      return { code: 'VLT003', message: `duplicate key '${keyText(text, start)}': a key may appear only once in a mapping`, start, end };
    case 'MULTIPLE_DOCS':
      return { code: 'VLT002', message: 'YAML syntax error: a spec file holds one YAML document; remove the second document (from this --- line on)', start, end };
    case 'MISSING_CHAR': {
      const quote = /closing (["'])/.exec(raw)?.[1] ?? (raw.includes('"') ? '"' : undefined);
      if (quote !== undefined) {
        const open = unclosedQuote(text, start, quote);
        if (open !== undefined) return { code: 'VLT002', message: `YAML syntax error: the string starting here has no closing ${quote}`, start: open, end: open + 1 };
      }
      break;
    }
    case 'BAD_INDENT':
      if (/Flow sequence|Flow mapping/.test(raw)) {
        const bracket = raw.includes('sequence') ? '[' : '{';
        const open = text.lastIndexOf(bracket, start);
        if (open >= 0)
          return {
            code: 'VLT002',
            message: `YAML syntax error: the ${bracket === '[' ? 'list' : 'mapping'} starting with ${bracket} is not closed; add ${bracket === '[' ? ']' : '}'} where it ends`,
            start: open,
            end: open + 1,
          };
      }
      if (/same column/.test(raw)) {
        const first = firstNonBlank(text, start);
        return {
          code: 'VLT002',
          message: 'YAML syntax error: this line is indented differently from the keys above it; all keys of a mapping must start at the same column',
          start: first,
          end: first + 1,
        };
      }
      break;
    case 'BLOCK_AS_IMPLICIT_KEY':
      return { code: 'VLT002', message: "YAML syntax error: a plain value cannot contain ': ' (a colon and a space); put the value in quotes", start, end };
    case 'MULTILINE_IMPLICIT_KEY':
      return { code: 'VLT002', message: "YAML syntax error: a key must fit on one line and be followed by ': ' (a colon and a space); check the indentation of this line and the next", start, end };
    default:
      break;
  }
  return { code: 'VLT002', message: `YAML syntax error: ${raw}`, start, end };
}

function keyText(text: string, offset: number): string {
  return /^[^:\n]*/
    .exec(text.slice(offset))![0]
    .trim()
    .replace(/^["']|["']$/g, '');
}

function firstNonBlank(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart))!;
  return lineStart + m[0].length;
}

/** The offset of the last quote before `limit` that opens a string no later quote closes. */
function unclosedQuote(text: string, limit: number, quote: string): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < Math.min(limit, text.length); i++) {
    const ch = text[i];
    if (ch === '#' && open === undefined && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (ch === quote) {
      if (open === undefined) open = i;
      else if (quote === "'" && text[i + 1] === "'") i++;
      else if (quote === '"' && text[i - 1] === '\\') continue;
      else open = undefined;
    }
  }
  return open;
}
