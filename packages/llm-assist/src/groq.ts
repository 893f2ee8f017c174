/**
 * The cloud provider: Groq's OpenAI-compatible API, through `groq-sdk`.
 *
 * The key comes from `GROQ_API_KEY` only (a command-line argument would show in process
 * lists and shell history), is checked before any request, and is masked in every message,
 * with the credentials of `GROQ_BASE_URL`. The SDK's own retries are
 * turned off (`maxRetries: 0`) so that both providers retry the same way (retry.ts), and its
 * logging is off so nothing it prints can carry request details. The SDK's `timeout` stops at the
 * response's headers, so it also gets a `fetch` whose deadline covers reading the body: a
 * gateway that sends headers and then stalls, or trickles, still fails within `--timeout-ms`.
 */
import Groq from 'groq-sdk';
import { redactCredentials } from '@vault/core/internal';
import { checkApiKey, scrubFor } from './credentials.js';
import { describeNetworkCode, isRetryableStatus, isTimeout, LlmFailure, networkCode, oneLine, retryAfterMs } from './failure.js';
import { DEFAULT_MODELS, SAMPLING, type LlmProvider, type LlmRequest, type ProviderOptions } from './provider.js';
import { withRetries } from './retry.js';

export const DEFAULT_GROQ_BASE_URL = 'https://api.groq.com';

/** Models that support strict structured output (constrained decoding); others get best effort, and ajv checks either way. */
const STRICT_MODELS = /^openai\/gpt-oss-/;

/**
 * @example
 * // GROQ_API_KEY set in the environment
 * const provider = groqProvider({ timeoutMs: 60_000, retry: DEFAULT_RETRY_POLICY, env: process.env });
 */
export function groqProvider(options: ProviderOptions): LlmProvider {
  const model = options.model ?? DEFAULT_MODELS.groq;
  const key = options.env['GROQ_API_KEY']?.trim();
  if (key === undefined || key === '') {
    throw new LlmFailure('VLT704', 'GROQ_API_KEY is not set; export it in the environment (vault never takes a key on the command line)');
  }
  checkApiKey(key, 'GROQ_API_KEY');
  const scrub = scrubFor(options);
  const baseURL = options.env['GROQ_BASE_URL']?.trim() || DEFAULT_GROQ_BASE_URL;
  const endpoint = scrub(redactCredentials(baseURL));
  // The key goes in the Authorization header; a user name or password in the URL cannot also be
  // sent (fetch refuses such URLs), so it is refused here, masked, instead of failing later.
  if (baseURL.includes('@')) {
    throw new LlmFailure('VLT701', `GROQ_BASE_URL ${endpoint} holds a user name or password; vault sends only the key in GROQ_API_KEY: remove them from the URL`);
  }
  let client: Groq;
  try {
    client = new Groq({ apiKey: key, baseURL, timeout: options.timeoutMs, maxRetries: 0, logLevel: 'off', fetch: fetchWithDeadline(options.timeoutMs) });
  } catch (e) {
    throw new LlmFailure('VLT701', scrub(`cannot set up the Groq client for ${endpoint}: ${oneLine((e as Error).message)}`));
  }

  const askOnce = async (request: LlmRequest): Promise<string> => {
    try {
      const completion = await client.chat.completions.create({
        model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: SAMPLING.temperature,
        seed: SAMPLING.seed,
        response_format: {
          type: 'json_schema',
          json_schema: { name: request.schemaName, schema: { ...request.schema }, strict: STRICT_MODELS.test(model) },
        },
      });
      const choice = completion.choices?.[0];
      const content: unknown = choice?.message?.content;
      if (typeof content !== 'string') throw new LlmFailure('VLT706', `Groq answered without a message`);
      if (choice?.finish_reason === 'length') throw new LlmFailure('VLT706', 'Groq cut the answer off at its length limit, so it is not complete JSON');
      return content;
    } catch (e) {
      const failure = classify(e, model, endpoint, options.timeoutMs);
      if (failure instanceof LlmFailure) {
        throw new LlmFailure(failure.code, scrub(failure.message), failure.retryable, failure.retryAfterMs);
      }
      throw failure;
    }
  };
  return { name: 'groq', model, endpoint, ask: (request) => withRetries(() => askOnce(request), options.retry) };
}

function classify(e: unknown, model: string, endpoint: string, timeoutMs: number): unknown {
  if (e instanceof LlmFailure) return e;
  if (e instanceof Groq.APIConnectionTimeoutError || isTimeout(e)) return new LlmFailure('VLT702', `Groq at ${endpoint} did not answer within ${timeoutMs} ms (--timeout-ms)`);
  if (e instanceof Groq.APIConnectionError) {
    return new LlmFailure('VLT701', `cannot reach Groq at ${endpoint}: ${describeNetworkCode(networkCode(e))} (check the network, or GROQ_BASE_URL)`);
  }
  if (e instanceof Groq.APIError && typeof e.status === 'number') {
    const said = serverMessage(e.error) ?? `HTTP ${e.status}`;
    if (e.status === 401 || e.status === 403) return new LlmFailure('VLT704', `Groq rejected the key in GROQ_API_KEY (HTTP ${e.status}: ${said})`);
    if (e.status === 404) return new LlmFailure('VLT703', `Groq has no model '${model}' (${said}); choose another with --model`);
    const what = said === `HTTP ${e.status}` ? said : `HTTP ${e.status}: ${said}`;
    return new LlmFailure('VLT705', `Groq at ${endpoint} answered ${what}`, isRetryableStatus(e.status), retryAfterMs(e.headers));
  }
  if (e instanceof SyntaxError) return new LlmFailure('VLT706', `Groq at ${endpoint} sent a reply that is not JSON`);
  // Reading the body failed after the headers came (the connection closed, a broken gzip): the
  // SDK passes fetch's error on as it is.
  if (e instanceof TypeError || networkCode(e) !== undefined) {
    return new LlmFailure('VLT701', `could not read the answer of Groq at ${endpoint}: ${describeNetworkCode(networkCode(e))} (check the network, or GROQ_BASE_URL)`);
  }
  return e;
}

/** `fetch` with one deadline for the whole exchange, body included. */
function fetchWithDeadline(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

/** `{"error": {"message": ...}}` (OpenAI style) or `{"message": ...}`, as one short line. */
function serverMessage(body: unknown): string | undefined {
  const inner = (body as { error?: unknown } | undefined)?.error ?? body;
  const message = typeof inner === 'string' ? inner : (inner as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message.trim() !== '' ? oneLine(message) : undefined;
}
