/**
 * Why a request to a model failed, as one of the catalog's VLT70x codes and a one-line
 * message that says what to do. Providers throw `LlmFailure`; `suggest` turns it into a
 * diagnostic. Anything else thrown is a bug in vault.
 */
export type LlmFailureCode = 'VLT701' | 'VLT702' | 'VLT703' | 'VLT704' | 'VLT705' | 'VLT706' | 'VLT707';

export class LlmFailure extends Error {
  constructor(
    readonly code: LlmFailureCode,
    message: string,
    /** Whether asking again may help (rate limits, server errors). */
    readonly retryable = false,
    /** How long the server asked us to wait before asking again, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LlmFailure';
  }
}

/** A server's message, cut to one short line. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Statuses worth asking again for: request timeout, conflict, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * `Retry-After` (seconds or an HTTP date) or the non-standard `retry-after-ms`, in
 * milliseconds; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers?.get('retry-after');
  if (after === null || after === undefined) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The network-level reason of a failed fetch (`ECONNREFUSED`, ..., undici's `UND_ERR_SOCKET` for a
 * connection closed mid-answer, zlib's `Z_DATA_ERROR` for a broken compressed body), looked up
 * through `cause` chains.
 */
export function networkCode(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 5; depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && /^(?:E[A-Z_]+|UND_ERR_[A-Z_]+|Z_[A-Z_]+)$/.test(code)) return code;
    x = (x as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether `e` is the abort of a timed-out request. */
export function isTimeout(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 5; depth++) {
    const name = (x as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'APIConnectionTimeoutError') return true;
    x = (x as { cause?: unknown }).cause;
  }
  return false;
}

/** `ECONNREFUSED` → "connection refused": the one place network error codes become words. */
export function describeNetworkCode(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'UND_ERR_SOCKET':
      return 'the connection closed before the answer was complete';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return 'the compressed answer is corrupt';
    case undefined:
      return 'network error';
    default:
      return code;
  }
}
