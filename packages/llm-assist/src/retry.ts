/**
 * Bounded retries with exponential backoff, the same for every provider. Only failures the
 * provider marks retryable (HTTP 408, 409, 429, 5xx) are retried; a refused connection, a
 * timeout, a missing model or key fail at once, so the user hears about them quickly.
 */
import { LlmFailure } from './failure.js';

export interface RetryPolicy {
  /** Attempts after the first. */
  readonly retries: number;
  /** Delay before the first retry; doubled for each next one. */
  readonly baseDelayMs: number;
  /** No wait is longer than this, whatever the server asks. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 500, maxDelayMs: 8000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are used up. The last
 * failure's message says how many attempts were made.
 * @example
 * const text = await withRetries(() => provider.askOnce(request), { retries: 2, baseDelayMs: 500, maxDelayMs: 8000 });
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof LlmFailure) || !e.retryable) throw e;
      if (n >= policy.retries) {
        const attempts = n + 1;
        throw new LlmFailure(e.code, `${e.message}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
      }
      const backoff = policy.baseDelayMs * 2 ** n;
      await sleep(Math.min(e.retryAfterMs ?? backoff, policy.maxDelayMs));
    }
  }
}
