/**
 * Text from a spec, a model or a server, made safe to print on one terminal line and to review:
 * control characters (ANSI escapes, line breaks, C1 controls such as CSI U+009B) and invisible
 * formatting characters (bidirectional overrides, zero-width spaces) are written as `\uXXXX`, so
 * what a reviewer reads is what vault got. Every printed diagnostic goes through it
 * (`formatDiagnostic`), as do the answers `vault suggest` prints.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * @example visible('CANCELLED\u202E') // 'CANCELLED\\u202e'
 */
export function visible(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** The first control or invisible formatting character of `text`, as `U+202E`; undefined when none. */
export function firstHidden(text: string): string | undefined {
  const found = new RegExp(HIDDEN.source, 'u').exec(text);
  return found === null ? undefined : `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
