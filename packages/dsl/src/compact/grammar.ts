/**
 * The compact source-table grammar, for one table (the driver in `parse.ts` splits at ';'):
 *
 *   table  := IDENT ':' column (',' column)*
 *   column := IDENT '(' type ')'
 *   type   := IDENT+ ('(' arg (',' arg)* ')')?        arg := IDENT | NUMERAL
 *
 * The type's own parentheses are a nested production, so neither the ',' between its
 * arguments nor its ')' can be taken for the column's. Whitespace is skipped by the lexer.
 * Every expectation carries its own message, so errors read "expected ':' after table name
 * 'orders' but found ','" rather than chevrotain's token-type names.
 */
import { chevrotain } from '@vault/core/internal';
import type { ILexingError, IToken, TokenType } from 'chevrotain';
import type { CompactRange } from './types.js';

const { createToken, EmbeddedActionsParser, EOF, Lexer, tokenMatcher } = chevrotain;

/** Anything that may stand between a type's parentheses; core checks which are valid. */
const Arg = createToken({ name: 'Arg', pattern: Lexer.NA });
const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Arg] });
/** Also catches names that start with a digit, so the error names the whole word. */
const Numeral = createToken({ name: 'Numeral', pattern: /[0-9][A-Za-z0-9_]*/, categories: [Arg] });
const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
const Colon = createToken({ name: 'Colon', pattern: ':' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';' });
const Comma = createToken({ name: 'Comma', pattern: ',' });
const LParen = createToken({ name: 'LParen', pattern: '(' });
const RParen = createToken({ name: 'RParen', pattern: ')' });

const TOKENS: TokenType[] = [WhiteSpace, Arg, Ident, Numeral, Colon, Semicolon, Comma, LParen, RParen];

export interface Located extends CompactRange {
  readonly text: string;
}

export interface ColumnNode {
  readonly name: Located;
  /** From the first word of the type to its last token, as written. */
  readonly type: CompactRange;
  /** Past the column's ')'. */
  readonly end: number;
}

export interface TableNode {
  readonly name: Located;
  readonly columns: ReadonlyArray<ColumnNode>;
}

export interface TableSyntaxError {
  readonly message: string;
  /** The token found instead; chevrotain's EOF when the table ended early. */
  readonly token: IToken;
}

const located = (t: IToken): Located => ({ text: t.image, start: t.startOffset, end: t.startOffset + t.image.length });

// Semantic values are plain objects built from tokens; chevrotain's recording run (with
// dummy tokens) builds some garbage objects and throws them away, which is harmless here.
// Messages are computed only when a token does not match, never during recording.
class TableParser extends EmbeddedActionsParser {
  /** How the current input ends, for "but found ..." when a table stops early. */
  end = 'the end of the input';

  constructor() {
    // Grammar validation costs start-up time; the test suite (VITEST set) still runs it.
    super(TOKENS, { maxLookahead: 1, skipValidations: process.env['VITEST'] === undefined });
    this.performSelfAnalysis();
  }

  readonly table = this.RULE('table', (): TableNode => {
    const name = this.expectName(1, () => 'expected a table name');
    this.expect(2, Colon, () => `expected ':' after table name '${name.image}'`);
    const columns: ColumnNode[] = [this.subrule(1, this.column, { ARGS: [name.image, true] })];
    this.MANY(() => {
      this.consume(3, Comma);
      columns.push(this.subrule(2, this.column, { ARGS: [name.image, false] }));
    });
    this.expect(4, EOF, () => `expected ',' or ';' after column '${columns.at(-1)?.name.text ?? ''}'`);
    return { name: located(name), columns };
  });

  private readonly column = this.RULE('column', (table: string, first: boolean): ColumnNode => {
    const name = this.expectName(1, () => (first ? `expected a column name after '${table}:'` : `expected a column name after ',' in table '${table}'`));
    this.expect(2, LParen, () => `expected '(' after column name '${name.image}'`);
    const type = this.subrule(1, this.columnType, { ARGS: [name.image] });
    const close = this.expect(3, RParen, () => `expected ')' to close the type of column '${name.image}'`);
    return { name: located(name), type, end: close.startOffset + 1 };
  });

  private readonly columnType = this.RULE('columnType', (column: string): CompactRange => {
    const first = this.expectName(1, () => `expected a type name for column '${column}'`);
    const words = [first.image];
    let last = first;
    this.MANY(() => {
      last = this.consume(2, Ident);
      words.push(last.image);
    });
    this.OPTION(() => {
      const type = words.join(' ');
      this.consume(3, LParen);
      this.expect(4, Arg, () => `expected a type argument after '${type}('`);
      this.MANY2(() => {
        this.consume(5, Comma);
        this.expect(6, Arg, () => `expected a type argument after ',' in type '${type}'`);
      });
      last = this.expect(7, RParen, () => `expected ',' or ')' in the arguments of type '${type}'`);
    });
    return { start: first.startOffset, end: last.startOffset + last.image.length };
  });

  /** CONSUME with a message saying what was expected and what was found. */
  private expect(idx: number, type: TokenType, expected: () => string, hint = ''): IToken {
    const next = this.LA(1);
    if (this.RECORDING_PHASE || tokenMatcher(next, type)) return this.consume(idx, type);
    return this.consume(idx, type, { ERR_MSG: `${expected()} but found ${this.found(next)}${hint}` });
  }

  private expectName(idx: number, expected: () => string): IToken {
    const hint = !this.RECORDING_PHASE && tokenMatcher(this.LA(1), Numeral) ? "; names start with a letter or '_'" : '';
    return this.expect(idx, Ident, expected, hint);
  }

  private found(t: IToken): string {
    return tokenMatcher(t, EOF) ? this.end : `'${t.image}'`;
  }
}

export interface CompactGrammar {
  tokenize(text: string): { readonly tokens: IToken[]; readonly errors: ILexingError[] };
  /** Parses one table; `end` says what follows the tokens (`';'` or the end of the input). */
  parseTable(tokens: IToken[], end: string): { readonly table: TableNode } | { readonly error: TableSyntaxError };
}

let grammar: CompactGrammar | undefined;

/** Built on first use: importing `@vault/dsl` stays cheap for commands that never parse a compact string. */
export function compactGrammar(): CompactGrammar {
  if (grammar !== undefined) return grammar;
  const lexer = new Lexer(TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: true });
  const parser = new TableParser();
  grammar = {
    tokenize: (text) => lexer.tokenize(text),
    parseTable(tokens, end) {
      parser.input = tokens;
      parser.end = end;
      const table = parser.table();
      const error = parser.errors[0];
      return error === undefined ? { table } : { error: { message: error.message, token: error.token } };
    },
  };
  return grammar;
}

export const isEndToken = (t: IToken): boolean => tokenMatcher(t, EOF);
