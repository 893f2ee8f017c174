/**
 * Waiting for a Spark endpoint that is not serving yet. A Databricks SQL warehouse that was
 * stopped starts when a client connects, and answers HTTP 503 until it runs (minutes for a classic
 * warehouse); a gateway answers 429 when rate-limited, 502 or 504 while a server restarts. Opening
 * a session is retried on those statuses, as Databricks' own drivers do (their default: up to 900
 * s), after the `Retry-After` the endpoint gives or else 1, 2, 4, 8, 16, then every 30 s, each wait
 * told on one line. Only opening is retried: a statement that fails is not run again (a rerun of
 * `vault run` completes the loads, which are idempotent).
 *
 * `VAULT_SPARK_WAIT` (whole seconds, default 900) bounds the wait; `0` does not wait.
 */
import { DatabaseError } from '../database.js';
import { UsageError } from '../../exit.js';

/** The statuses of an endpoint not serving yet. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/** Seconds waited at most by default (Databricks' drivers wait as long for a warehouse to start). */
export const DEFAULT_WAIT_SECONDS = 900;

/** A `Retry-After` longer than this is waited in steps of it, so the run keeps telling what it waits for. */
const MAX_STEP_MS = 60_000;

/** Opening failed with a status worth waiting out: the message, the status, and the `Retry-After` in ms when the endpoint gave one. */
export class SparkUnavailable extends DatabaseError {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/** The retryable status and `Retry-After` of a driver error (thrift's HTTP exception carries the response), or undefined. */
export function unavailable(e: unknown): { readonly status: number; readonly retryAfterMs: number | undefined } | undefined {
  const err = e as { statusCode?: unknown; response?: { headers?: Record<string, string | string[] | undefined> } } | undefined;
  const status = err?.statusCode;
  if (typeof status !== 'number' || !RETRYABLE.has(status)) return undefined;
  return { status, retryAfterMs: retryAfter(err?.response?.headers?.['retry-after']) };
}

/**
 * A `Retry-After` header in ms: delay-seconds, or an HTTP date (from now); undefined when absent or unreadable.
 * @example retryAfter('7') // 7000
 */
export function retryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `VAULT_SPARK_WAIT` in seconds; a value that is not whole seconds is a usage mistake. */
export function sparkWaitSeconds(env: Readonly<Record<string, string | undefined>>): number {
  const text = env['VAULT_SPARK_WAIT'];
  if (text === undefined || text.trim() === '') return DEFAULT_WAIT_SECONDS;
  if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`VAULT_SPARK_WAIT=${text}: expected whole seconds to wait for a Spark endpoint that is not serving yet (0: do not wait)`);
  return Number(text);
}

/**
 * How long to wait before attempt `attempt + 1` (`attempt` counts from 1), given the endpoint's
 * `Retry-After`, capped so the step stays visible.
 * @example nextDelay(3, undefined) // 4000
 */
export function nextDelay(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return Math.min(MAX_STEP_MS, Math.max(1000, retryAfterMs));
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

/**
 * Opens with `open`, waiting out an endpoint that is not serving yet (`SparkUnavailable`) for at
 * most `waitSeconds`, telling each wait to `note`; any other failure is thrown at once.
 */
export async function openWaiting<T>(
  open: () => Promise<T>,
  { location, waitSeconds, note, sleep = defaultSleep }: { location: string; waitSeconds: number; note?: (line: string) => void; sleep?: (ms: number) => Promise<void> },
): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (e) {
      if (!(e instanceof SparkUnavailable)) throw e;
      const delay = nextDelay(attempt, e.retryAfterMs);
      if (waited + delay > waitSeconds * 1000) {
        throw new DatabaseError(waited === 0 ? e.message : `${e.message}; still so after waiting ${Math.round(waited / 1000)} s (VAULT_SPARK_WAIT=${waitSeconds})`);
      }
      note?.(`vault: ${location} answered HTTP ${e.status} (not serving yet); trying again in ${Math.round(delay / 1000)} s (waited ${Math.round(waited / 1000)} s of at most ${waitSeconds} s)`);
      await sleep(delay);
      waited += delay;
    }
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
