/**
 * The grammar, one rule per precedence level, loosest first:
 *
 *   expression   := conjunction (OR conjunction)*
 *   conjunction  := negation (AND negation)*
 *   negation     := NOT* predicate
 *   predicate    := additive [ compOp additive | IS [NOT] NULL
 *                            | [NOT] IN '(' expression (',' expression)* ')'
 *                            | [NOT] BETWEEN additive AND additive ]
 *   additive     := multiplicative (('+' | '-' | '||') multiplicative)*
 *   multiplicative := unary (('*' | '/' | '%') unary)*
 *   unary        := '-'* primary
 *   primary      := number | string | TRUE | FALSE | NULL | '(' expression ')'
 *                 | CASE ... END | CAST '(' expression AS type ')' | name [ '(' args ')' | string ]
 *
 * Comparisons do not chain (`a = b = c` is an error, as in PostgreSQL); the printer adds
 * the parentheses that make such trees readable again.
 */
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain.js';
import type { BinaryOp, Expr, WhenClause } from './ast.js';
import { call, castType, cover, isTemporalPrefix, normaliseDecimal, normaliseInteger, temporal, unquote } from './build.js';
import type { ExprError } from './errors.js';
import * as T from './lexer.js';
import { SYNTAX_MESSAGES } from './syntax-messages.js';

const { EmbeddedActionsParser } = chevrotain;

/** Operator tokens to tree operators; `!=` is read as `<>`, its one canonical spelling. */
const OPERATORS: Readonly<Record<string, BinaryOp>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '+': '+',
  '-': '-',
  '||': '||',
  '*': '*',
  '/': '/',
  '%': '%',
};

function operator(t: IToken): BinaryOp {
  const op = OPERATORS[t.image];
  if (op === undefined) throw new Error(`expression grammar: operator token '${t.image}' has no tree operator`);
  return op;
}

const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: cover(left.span, right.span) });

/** Wraps `operand` in one prefix node per token, innermost last, e.g. `NOT NOT x`. */
function prefixed(tokens: ReadonlyArray<IToken>, operand: Expr, kind: 'not' | 'negate'): Expr {
  return tokens.reduceRight<Expr>((inner, t) => ({ kind, operand: inner, span: cover(T.tokenSpan(t), inner.span) }), operand);
}

// Semantic actions run inside ACTION: chevrotain first runs every rule once with dummy
// tokens to record the grammar, and tree building must not run then.
export class ExprParser extends EmbeddedActionsParser {
  /** Problems found by semantic actions in the current parse. */
  semanticErrors: ExprError[] = [];

  constructor() {
    // Grammar validation costs ~20 ms at start-up; the test suite (VITEST set) still runs it.
    super(T.ALL_TOKENS, { errorMessageProvider: SYNTAX_MESSAGES, maxLookahead: 3, skipValidations: process.env['VITEST'] === undefined });
    this.performSelfAnalysis();
  }

  readonly expression = this.RULE('expression', (): Expr =>
    this.leftAssoc(
      T.Or,
      'OR',
      () => this.SUBRULE(this.conjunction),
      () => this.SUBRULE2(this.conjunction),
    ),
  );

  private readonly conjunction = this.RULE('conjunction', (): Expr =>
    this.leftAssoc(
      T.And,
      'AND',
      () => this.SUBRULE(this.negation),
      () => this.SUBRULE2(this.negation),
    ),
  );

  private readonly negation = this.RULE('negation', (): Expr => {
    const nots: IToken[] = [];
    this.MANY(() => nots.push(this.CONSUME(T.Not)));
    const operand = this.SUBRULE(this.predicate);
    return this.ACTION(() => prefixed(nots, operand, 'not'));
  });

  private readonly predicate = this.RULE('predicate', (): Expr => {
    const left = this.SUBRULE(this.additive);
    let result = left;
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            const op = this.CONSUME(T.CompOp);
            const right = this.SUBRULE2(this.additive);
            result = this.ACTION(() => binary(operator(op), left, right));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            const not = this.OPTION2(() => this.CONSUME2(T.Not));
            const end = this.CONSUME(T.Null);
            result = this.ACTION(() => ({ kind: 'isNull', operand: left, negated: not !== undefined, span: cover(left.span, T.tokenSpan(end)) }));
          },
        },
        {
          ALT: () => {
            const negated = this.OPTION3(() => this.CONSUME3(T.Not)) !== undefined;
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  this.CONSUME(T.LParen);
                  const list: Expr[] = [];
                  this.AT_LEAST_ONE_SEP({ SEP: T.Comma, ERR_MSG: 'an expression', DEF: () => list.push(this.SUBRULE(this.expression)) });
                  const end = this.CONSUME(T.RParen);
                  result = this.ACTION(() => ({ kind: 'in', operand: left, list, negated, span: cover(left.span, T.tokenSpan(end)) }));
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Between);
                  const low = this.SUBRULE3(this.additive);
                  this.CONSUME(T.And);
                  const high = this.SUBRULE4(this.additive);
                  result = this.ACTION(() => ({ kind: 'between', operand: left, low, high, negated, span: cover(left.span, high.span) }));
                },
              },
            ]);
          },
        },
      ]),
    );
    return result;
  });

  private readonly additive = this.RULE('additive', (): Expr =>
    this.leftAssoc(
      T.AdditiveOp,
      undefined,
      () => this.SUBRULE(this.multiplicative),
      () => this.SUBRULE2(this.multiplicative),
    ),
  );

  private readonly multiplicative = this.RULE('multiplicative', (): Expr =>
    this.leftAssoc(
      T.MultiplicativeOp,
      undefined,
      () => this.SUBRULE(this.unary),
      () => this.SUBRULE2(this.unary),
    ),
  );

  private readonly unary = this.RULE('unary', (): Expr => {
    const minuses: IToken[] = [];
    this.MANY(() => minuses.push(this.CONSUME(T.Minus)));
    const operand = this.SUBRULE(this.primary);
    return this.ACTION(() => prefixed(minuses, operand, 'negate'));
  });

  private readonly primary = this.RULE('primary', (): Expr =>
    this.OR({
      ERR_MSG: 'an expression',
      DEF: [
        { ALT: () => this.literal(T.IntegerLit, (t) => ({ kind: 'integer', text: normaliseInteger(t.image), span: T.tokenSpan(t) })) },
        { ALT: () => this.literal(T.DecimalLit, (t) => ({ kind: 'decimal', text: normaliseDecimal(t.image), span: T.tokenSpan(t) })) },
        { ALT: () => this.literal(T.StringLit, (t) => ({ kind: 'string', value: unquote(t.image), span: T.tokenSpan(t) })) },
        { ALT: () => this.literal(T.True, (t) => ({ kind: 'boolean', value: true, span: T.tokenSpan(t) })) },
        { ALT: () => this.literal(T.False, (t) => ({ kind: 'boolean', value: false, span: T.tokenSpan(t) })) },
        { ALT: () => this.literal(T.Null, (t) => ({ kind: 'null', span: T.tokenSpan(t) })) },
        {
          ALT: () => {
            const open = this.CONSUME(T.LParen);
            const inner = this.SUBRULE(this.expression);
            const close = this.CONSUME(T.RParen);
            return this.ACTION(() => ({ ...inner, span: cover(T.tokenSpan(open), T.tokenSpan(close)) }));
          },
        },
        { ALT: () => this.SUBRULE(this.caseExpr) },
        { ALT: () => this.SUBRULE(this.castExpr) },
        { ALT: () => this.SUBRULE(this.named) },
      ],
    }),
  );

  /** A column, a function call, or a DATE/TIMESTAMP literal: all start with a name. */
  private readonly named = this.RULE('named', (): Expr => {
    const name = this.CONSUME(T.Identifier);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const args: Expr[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expression)) });
          const close = this.CONSUME(T.RParen);
          return this.ACTION(() => call(name, args, close, this.semanticErrors));
        },
      },
      {
        GATE: () => isTemporalPrefix(name.image),
        ALT: () => {
          const literal = this.CONSUME(T.StringLit);
          return this.ACTION(() => temporal(name, literal, this.semanticErrors));
        },
      },
      { ALT: () => this.ACTION((): Expr => ({ kind: 'column', name: name.image, span: T.tokenSpan(name) })) },
    ]);
  });

  private readonly caseExpr = this.RULE('caseExpr', (): Expr => {
    const start = this.CONSUME(T.Case);
    const operand = this.OPTION(() => this.SUBRULE(this.expression));
    const whens: WhenClause[] = [];
    this.AT_LEAST_ONE({
      ERR_MSG: 'WHEN',
      DEF: () => {
        this.CONSUME(T.When);
        const when = this.SUBRULE2(this.expression);
        this.CONSUME(T.Then);
        const then = this.SUBRULE3(this.expression);
        whens.push({ when, then });
      },
    });
    const otherwise = this.OPTION2(() => {
      this.CONSUME(T.Else);
      return this.SUBRULE4(this.expression);
    });
    const end = this.CONSUME(T.End);
    return this.ACTION(() => ({ kind: 'case', operand, whens, else: otherwise, span: cover(T.tokenSpan(start), T.tokenSpan(end)) }));
  });

  private readonly castExpr = this.RULE('castExpr', (): Expr => {
    const start = this.CONSUME(T.Cast);
    this.CONSUME(T.LParen);
    const operand = this.SUBRULE(this.expression);
    this.CONSUME(T.As);
    const words: IToken[] = [];
    this.AT_LEAST_ONE({ ERR_MSG: 'a type name', DEF: () => words.push(this.CONSUME(T.Identifier)) });
    const typeArgs: IToken[] = [];
    const typeEnd = this.OPTION(() => {
      this.CONSUME2(T.LParen);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => typeArgs.push(this.CONSUME(T.IntegerLit)) });
      return this.CONSUME2(T.RParen);
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => {
      const typeSpan = cover(T.tokenSpan(words[0]!), T.tokenSpan(typeEnd ?? words[words.length - 1]!));
      const type = castType(words, typeArgs, typeSpan, this.semanticErrors);
      return { kind: 'cast', operand, type, span: cover(T.tokenSpan(start), T.tokenSpan(close)) };
    });
  });

  private literal(token: TokenType, build: (t: IToken) => Expr): Expr {
    const t = this.CONSUME(token);
    return this.ACTION(() => build(t));
  }

  /** `first (op next)*`, folded to the left; `op` undefined takes the operator from the token. */
  private leftAssoc(opToken: TokenType, op: BinaryOp | undefined, first: () => Expr, next: () => Expr): Expr {
    let left = first();
    this.MANY(() => {
      const t = this.CONSUME(opToken);
      const right = next();
      left = this.ACTION(() => binary(op ?? operator(t), left, right));
    });
    return left;
  }
}
