/**
 * Tokens of the expression language. Anything that is not one of these tokens (`;`, `"`,
 * `[`, backticks, `$`, ...) is a lexing error, which is what keeps statements, quoted
 * identifiers and comments out of the language.
 *
 * Function names and the DATE/TIMESTAMP literal prefixes are plain identifiers, decided by
 * the parser from context, so that columns may be called `date`, `year` or `upper`.
 */
import type { IToken, Lexer as ChevrotainLexer, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain.js';
import type { ExprSpan } from './ast.js';
import { exprError, quote, type ExprError } from './errors.js';

const { createToken, Lexer } = chevrotain;

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

const keyword = (word: string): TokenType => createToken({ name: word, pattern: new RegExp(word, 'i'), longer_alt: Identifier, label: word });

export const And = keyword('AND');
export const Or = keyword('OR');
export const Not = keyword('NOT');
export const Is = keyword('IS');
export const Null = keyword('NULL');
export const In = keyword('IN');
export const Between = keyword('BETWEEN');
export const Case = keyword('CASE');
export const When = keyword('WHEN');
export const Then = keyword('THEN');
export const Else = keyword('ELSE');
export const End = keyword('END');
export const True = keyword('TRUE');
export const False = keyword('FALSE');
export const Cast = keyword('CAST');
export const As = keyword('AS');

/** Words that can never name a column, for printers and generators. */
export const KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'TRUE', 'FALSE', 'CAST', 'AS']);

export const StringLit = createToken({ name: 'String', pattern: /'(?:[^']|'')*'/, line_breaks: true, label: 'a string' });
/** Matches only when StringLit did not: an opening quote with no closing one. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'(?:[^']|'')*/, line_breaks: true });
export const DecimalLit = createToken({ name: 'Decimal', pattern: /\d+\.\d*|\.\d+/, label: 'a number' });
export const IntegerLit = createToken({ name: 'Integer', pattern: /\d+/, label: 'a number' });

export const CompOp = createToken({ name: 'CompOp', pattern: Lexer.NA, label: 'a comparison operator' });
export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA });

const op = (name: string, pattern: string, categories: TokenType[] = []): TokenType => createToken({ name, pattern, categories, label: `'${pattern}'` });

const Concat = op('Concat', '||', [AdditiveOp]);
export const Plus = op('Plus', '+', [AdditiveOp]);
export const Minus = op('Minus', '-', [AdditiveOp]);
const Star = op('Star', '*', [MultiplicativeOp]);
const Slash = op('Slash', '/', [MultiplicativeOp]);
const Percent = op('Percent', '%', [MultiplicativeOp]);
// Longer operators first: the lexer takes the first pattern that matches, not the longest.
const NotEqual = op('NotEqual', '<>', [CompOp]);
const BangEqual = op('BangEqual', '!=', [CompOp]);
const LessEqual = op('LessEqual', '<=', [CompOp]);
const GreaterEqual = op('GreaterEqual', '>=', [CompOp]);
const Less = op('Less', '<', [CompOp]);
const Greater = op('Greater', '>', [CompOp]);
const Equal = op('Equal', '=', [CompOp]);
export const LParen = op('LParen', '(');
export const RParen = op('RParen', ')');
export const Comma = op('Comma', ',');

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  StringLit,
  UnterminatedString,
  DecimalLit,
  IntegerLit,
  And,
  Or,
  Not,
  Is,
  Null,
  In,
  Between,
  Case,
  When,
  Then,
  Else,
  End,
  True,
  False,
  Cast,
  As,
  Identifier,
  Concat,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  NotEqual,
  BangEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  Equal,
  LParen,
  RParen,
  Comma,
  CompOp,
  AdditiveOp,
  MultiplicativeOp,
];

/** What tree building reads of a token: chevrotain's, or fast-parse.ts's own. */
export type TokenText = Pick<IToken, 'image' | 'startOffset'>;

/**
 * A token's range, end exclusive as everywhere in vault. Computed from the image, not from
 * chevrotain's (inclusive) endOffset, which the lexer does not track in 'onlyOffset' mode.
 */
export function tokenSpan(token: TokenText): ExprSpan {
  return { start: token.startOffset, end: token.startOffset + token.image.length };
}

// Built on first use: validating the token set costs start-up time the CLI does not always need.
let lexer: ChevrotainLexer | undefined;

/** Hints for characters people try to smuggle in from SQL or programming languages. */
const HINTS: Readonly<Record<string, string>> = {
  ';': '; an expression is a single expression, not statements',
  '"': '; quoted identifiers are not supported, write the column name without quotes',
  '`': '; quoted identifiers are not supported, write the column name without quotes',
  '[': '; quoted identifiers are not supported, write the column name without quotes',
};

export function tokenize(text: string): { readonly tokens: IToken[]; readonly errors: ExprError[] } {
  // Built once per process, and every `vault check` of a spec with a rule builds it: safeMode
  // skips chevrotain's analysis of the patterns for a first-character dispatch (the same tokens,
  // found a little slower, on texts of a line or two), and validating the token definitions,
  // ~10 ms, is left to the test suite (VITEST set), as the parser does.
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: 'onlyOffset', safeMode: true, skipValidations: process.env['VITEST'] === undefined });
  const result = lexer.tokenize(text);
  const errors: ExprError[] = result.errors.map((e) => {
    const bad = text.slice(e.offset, e.offset + e.length);
    const what = e.length === 1 ? `unexpected character ${quote(bad)}` : `unexpected characters ${quote(bad)}`;
    return exprError('VLT301', `${what}${HINTS[bad[0] ?? ''] ?? ''}`, { start: e.offset, end: e.offset + e.length });
  });
  for (const t of result.tokens) {
    if (t.tokenType === UnterminatedString) {
      errors.push(exprError('VLT301', 'unterminated string literal: a closing quote is missing', tokenSpan(t)));
    } else if (t.tokenType === StringLit && t.image.includes('\u0000')) {
      errors.push(exprError('VLT301', 'a string literal cannot contain the NUL character', tokenSpan(t)));
    }
  }
  return { tokens: result.tokens, errors };
}
