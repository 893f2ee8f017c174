/**
 * Chevrotain's syntax errors, reworded so that every one reads "expected X but found Y":
 * X comes from token labels or an ERR_MSG in the grammar, Y quotes the offending token.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain.js';
import { quote } from './errors.js';

const { EOF } = chevrotain;

const found = (t: IToken | undefined): string => (t === undefined || t.tokenType === EOF ? 'end of input' : quote(t.image));
const label = (t: TokenType): string => t.LABEL ?? t.name;
const firstOfPaths = (paths: ReadonlyArray<ReadonlyArray<TokenType>>): string => [...new Set(paths.flatMap((p) => (p[0] === undefined ? [] : [label(p[0])])))].join(' or ');

export const SYNTAX_MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${label(expected)} but found ${found(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `expected an operator or the end of the expression but found ${found(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, customUserDescription }) => `expected ${customUserDescription ?? firstOfPaths(expectedPathsPerAlt.flat())} but found ${found(actual[0])}`,
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, customUserDescription }) => `expected ${customUserDescription ?? firstOfPaths(expectedIterationPaths)} but found ${found(actual[0])}`,
};
