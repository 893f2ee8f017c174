/**
 * A hand-written reader of the expression grammar (grammar.ts) for expressions without a
 * problem, which nearly every spec's rules are. Building chevrotain's lexer and parser costs
 * ~15 ms of every process that reads a rule (a `vault check` in a pre-commit hook); this costs
 * nothing to build. It answers only when it is sure: on any problem at all (a character that
 * is no token, an unterminated string, a syntax error, a semantic error such as an unknown
 * function, a limit) it declines with `undefined`, and parse.ts asks chevrotain, which has the
 * words for every problem. A property test checks that whenever it answers, the tree is the one
 * chevrotain builds, and that it answers for every printed tree.
 *
 * It follows grammar.ts rule by rule; a change to the grammar must be made in both (the
 * property test fails otherwise).
 */
import type { BinaryOp, Expr, WhenClause } from './ast.js';
import { call, castType, cover, isTemporalPrefix, normaliseDecimal, normaliseInteger, temporal, unquote } from './build.js';
import type { ExprError } from './errors.js';
import { KEYWORDS, tokenSpan, type TokenText } from './lexer.js';

type Kind = 'keyword' | 'name' | 'string' | 'decimal' | 'integer' | 'op';

interface Token extends TokenText {
  readonly kind: Kind;
  /** Upper-cased for keywords; the operator itself for operators. */
  readonly key: string;
}

/** Thrown to decline; never escapes this module. */
class Decline extends Error {}

/** Operators, longest first, as the lexer tries them. */
const OPERATORS = ['||', '<>', '!=', '<=', '>=', '+', '-', '*', '/', '%', '<', '>', '=', '(', ')', ','];
const COMPARISON: Readonly<Record<string, BinaryOp>> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const ADDITIVE: Readonly<Record<string, BinaryOp>> = { '+': '+', '-': '-', '||': '||' };
const MULTIPLICATIVE: Readonly<Record<string, BinaryOp>> = { '*': '*', '/': '/', '%': '%' };

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isNameStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isNamePart = (c: number): boolean => isNameStart(c) || isDigit(c);
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/** The tokens of `text`, as the chevrotain lexer finds them, or Decline. */
function tokens(text: string, maxTokens: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: Kind, end: number, key?: string): void => {
    const image = text.slice(i, end);
    out.push({ kind, image, startOffset: i, key: key ?? image });
    if (out.length > maxTokens) throw new Decline();
    i = end;
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
    } else if (c === 0x27) {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new Decline(); // unterminated
        const d = text.charCodeAt(j);
        if (d === 0 || d === 0x27) {
          if (d === 0) throw new Decline(); // NUL in a string is an error
          if (text.charCodeAt(j + 1) === 0x27) j += 2;
          else break;
        } else {
          j++;
        }
      }
      push('string', j + 1);
    } else if (isDigit(c) || (c === 0x2e && isDigit(text.charCodeAt(i + 1)))) {
      let j = i;
      while (isDigit(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 0x2e) {
        j++;
        while (isDigit(text.charCodeAt(j))) j++;
        push('decimal', j);
      } else {
        push('integer', j);
      }
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (isNamePart(text.charCodeAt(j))) j++;
      // A keyword is a whole word (chevrotain's longer_alt: a longer name wins), in any case.
      const upper = text.slice(i, j).toUpperCase();
      if (KEYWORDS.has(upper)) push('keyword', j, upper);
      else push('name', j);
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined) throw new Decline();
      push('op', i + op.length);
    }
  }
  return out;
}

/** Recursive descent over grammar.ts's rules, with its lookahead decisions. */
class Reader {
  private pos = 0;
  readonly semanticErrors: ExprError[] = [];

  constructor(private readonly toks: ReadonlyArray<Token>) {}

  private peek(offset = 0): Token | undefined {
    return this.toks[this.pos + offset];
  }

  private is(key: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && (t.kind === 'keyword' || t.kind === 'op') && t.key === key;
  }

  private take(key: string): Token {
    if (!this.is(key)) throw new Decline();
    return this.toks[this.pos++]!;
  }

  private takeKind(kind: Kind): Token {
    const t = this.peek();
    if (t === undefined || t.kind !== kind) throw new Decline();
    this.pos++;
    return t;
  }

  atEnd(): boolean {
    return this.pos === this.toks.length;
  }

  expression(): Expr {
    let left = this.conjunction();
    while (this.is('OR')) {
      this.pos++;
      left = binary('OR', left, this.conjunction());
    }
    return left;
  }

  private conjunction(): Expr {
    let left = this.negation();
    while (this.is('AND')) {
      this.pos++;
      left = binary('AND', left, this.negation());
    }
    return left;
  }

  private negation(): Expr {
    const nots: Token[] = [];
    while (this.is('NOT')) nots.push(this.toks[this.pos++]!);
    return prefixed(nots, this.predicate(), 'not');
  }

  private predicate(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t === undefined) return left;
    const comparison = t.kind === 'op' ? COMPARISON[t.key] : undefined;
    if (comparison !== undefined) {
      this.pos++;
      return binary(comparison, left, this.additive());
    }
    if (this.is('IS')) {
      this.pos++;
      const negated = this.is('NOT');
      if (negated) this.pos++;
      const end = this.take('NULL');
      return { kind: 'isNull', operand: left, negated, span: cover(left.span, tokenSpan(end)) };
    }
    const negated = this.is('NOT') && (this.is('IN', 1) || this.is('BETWEEN', 1));
    if (negated) this.pos++;
    if (this.is('IN')) {
      this.pos++;
      this.take('(');
      const list: Expr[] = [this.expression()];
      while (this.is(',')) {
        this.pos++;
        list.push(this.expression());
      }
      const end = this.take(')');
      return { kind: 'in', operand: left, list, negated, span: cover(left.span, tokenSpan(end)) };
    }
    if (this.is('BETWEEN')) {
      this.pos++;
      const low = this.additive();
      this.take('AND');
      const high = this.additive();
      return { kind: 'between', operand: left, low, high, negated, span: cover(left.span, high.span) };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (let t = this.peek(); t !== undefined && t.kind === 'op' && ADDITIVE[t.key] !== undefined; t = this.peek()) {
      this.pos++;
      left = binary(ADDITIVE[t.key]!, left, this.multiplicative());
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (let t = this.peek(); t !== undefined && t.kind === 'op' && MULTIPLICATIVE[t.key] !== undefined; t = this.peek()) {
      this.pos++;
      left = binary(MULTIPLICATIVE[t.key]!, left, this.unary());
    }
    return left;
  }

  private unary(): Expr {
    const minuses: Token[] = [];
    while (this.is('-')) minuses.push(this.toks[this.pos++]!);
    return prefixed(minuses, this.primary(), 'negate');
  }

  private primary(): Expr {
    const t = this.peek();
    if (t === undefined) throw new Decline();
    switch (t.kind) {
      case 'integer':
        this.pos++;
        return { kind: 'integer', text: normaliseInteger(t.image), span: tokenSpan(t) };
      case 'decimal':
        this.pos++;
        return { kind: 'decimal', text: normaliseDecimal(t.image), span: tokenSpan(t) };
      case 'string':
        this.pos++;
        return { kind: 'string', value: unquote(t.image), span: tokenSpan(t) };
      case 'name':
        return this.named();
      case 'keyword':
        return this.keywordPrimary(t);
      case 'op': {
        const open = this.take('(');
        const inner = this.expression();
        const close = this.take(')');
        return { ...inner, span: cover(tokenSpan(open), tokenSpan(close)) };
      }
    }
  }

  private keywordPrimary(t: Token): Expr {
    switch (t.key) {
      case 'TRUE':
      case 'FALSE':
        this.pos++;
        return { kind: 'boolean', value: t.key === 'TRUE', span: tokenSpan(t) };
      case 'NULL':
        this.pos++;
        return { kind: 'null', span: tokenSpan(t) };
      case 'CASE':
        return this.caseExpr();
      case 'CAST':
        return this.castExpr();
      default:
        throw new Decline();
    }
  }

  private named(): Expr {
    const name = this.takeKind('name');
    if (this.is('(')) {
      this.pos++;
      const args: Expr[] = [];
      if (!this.is(')')) {
        args.push(this.expression());
        while (this.is(',')) {
          this.pos++;
          args.push(this.expression());
        }
      }
      const close = this.take(')');
      return call(name, args, close, this.semanticErrors);
    }
    if (this.peek()?.kind === 'string' && isTemporalPrefix(name.image)) return temporal(name, this.takeKind('string'), this.semanticErrors);
    return { kind: 'column', name: name.image, span: tokenSpan(name) };
  }

  private caseExpr(): Expr {
    const start = this.take('CASE');
    const operand = this.is('WHEN') ? undefined : this.expression();
    const whens: WhenClause[] = [];
    do {
      this.take('WHEN');
      const when = this.expression();
      this.take('THEN');
      whens.push({ when, then: this.expression() });
    } while (this.is('WHEN'));
    let otherwise: Expr | undefined;
    if (this.is('ELSE')) {
      this.pos++;
      otherwise = this.expression();
    }
    const end = this.take('END');
    return { kind: 'case', operand, whens, else: otherwise, span: cover(tokenSpan(start), tokenSpan(end)) };
  }

  private castExpr(): Expr {
    const start = this.take('CAST');
    this.take('(');
    const operand = this.expression();
    this.take('AS');
    const words: Token[] = [this.takeKind('name')];
    while (this.peek()?.kind === 'name') words.push(this.takeKind('name'));
    const typeArgs: Token[] = [];
    let typeEnd: Token | undefined;
    if (this.is('(')) {
      this.pos++;
      typeArgs.push(this.takeKind('integer'));
      while (this.is(',')) {
        this.pos++;
        typeArgs.push(this.takeKind('integer'));
      }
      typeEnd = this.take(')');
    }
    const close = this.take(')');
    const typeSpan = cover(tokenSpan(words[0]!), tokenSpan(typeEnd ?? words[words.length - 1]!));
    const type = castType(words, typeArgs, typeSpan, this.semanticErrors);
    return { kind: 'cast', operand, type, span: cover(tokenSpan(start), tokenSpan(close)) };
  }
}

const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: cover(left.span, right.span) });

function prefixed(toks: ReadonlyArray<Token>, operand: Expr, kind: 'not' | 'negate'): Expr {
  return toks.reduceRight<Expr>((inner, t) => ({ kind, operand: inner, span: cover(tokenSpan(t), inner.span) }), operand);
}

/**
 * The tree of an expression without any problem, exactly as chevrotain's parser builds it, or
 * `undefined` when there is a problem (or a doubt) and chevrotain must read it.
 * @example fastParseExpression('a + 1')?.kind // 'binary'
 * @example fastParseExpression('a +')         // undefined
 */
export function fastParseExpression(text: string, limits: { readonly maxTokens: number; readonly maxNesting: number }): Expr | undefined {
  try {
    const toks = tokens(text, limits.maxTokens);
    let depth = 0;
    for (const t of toks) {
      if (t.key === '(' || t.key === 'CASE') depth++;
      if (t.key === ')' || t.key === 'END') depth--;
      if (depth > limits.maxNesting) return undefined;
    }
    const reader = new Reader(toks);
    const expr = reader.expression();
    return reader.atEnd() && reader.semanticErrors.length === 0 ? expr : undefined;
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}
