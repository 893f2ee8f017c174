/**
 * vault's rule for identifiers longer than an engine allows: the same short name on every run,
 * and two long names sharing a prefix never collide (an engine that truncates would make them
 * one name).
 */
import { createHash } from 'node:crypto';

/** Bytes of the shortened name taken by `_` and 8 hex digits. */
const SUFFIX_BYTES = 9;

/**
 * `name` when it fits in `maxBytes` UTF-8 bytes; otherwise its first `maxBytes - 9` bytes (never
 * splitting a character), `_`, and the first 8 hex digits of the md5 of the full name.
 * @example shortenIdentifier('sat_early_warning_signal', 63) // 'sat_early_warning_signal'
 */
export function shortenIdentifier(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name;
  const digest = createHash('md5').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${leadingBytes(name, maxBytes - SUFFIX_BYTES)}_${digest}`;
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes that does not split a character. */
function leadingBytes(s: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) break;
    bytes += n;
    out += ch;
  }
  return out;
}
