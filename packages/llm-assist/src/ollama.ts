/**
 * The local provider: an Ollama server (`ollama serve`), through the `ollama` client.
 *
 * The client has no timeout option, so it gets a `fetch` that aborts each request after
 * `timeoutMs`. That fetch also turns non-JSON error bodies (a proxy's HTML page, whatever its
 * content type says) into Ollama's `{"error": ...}` shape, because the client logs to standard
 * output when it meets anything else, and remembers `Retry-After`, which the client's errors do not carry. Credentials
 * in the host are sent as a Basic header and never shown.
 */
import { Ollama } from 'ollama';
import { redactCredentials } from '@vault/core/internal';
import { scrubFor } from './credentials.js';
import { describeNetworkCode, isRetryableStatus, isTimeout, LlmFailure, networkCode, oneLine, retryAfterMs } from './failure.js';
import { DEFAULT_MODELS, SAMPLING, type LlmProvider, type LlmRequest, type ProviderOptions } from './provider.js';
import { withRetries } from './retry.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * @example
 * const provider = ollamaProvider({ model: 'llama3.1:8b', timeoutMs: 120_000, retry: DEFAULT_RETRY_POLICY, env: process.env });
 * const text = await provider.ask({ messages, schema, schemaName: 'names' });
 */
export function ollamaProvider(options: ProviderOptions): LlmProvider {
  const model = options.model ?? DEFAULT_MODELS.ollama;
  const host = options.host ?? nonEmpty(options.env['OLLAMA_HOST']) ?? DEFAULT_OLLAMA_HOST;
  const scrub = scrubFor(options);
  /** The host as messages show it: without its credentials. */
  const endpoint = scrub(redactCredentials(host));
  let lastRetryAfter: number | undefined;
  const timedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const [target, request] = withBasicAuth(input, init);
    const response = await fetch(target, { ...request, signal });
    lastRetryAfter = retryAfterMs(response.headers);
    if (response.ok) return response;
    // An error body the client cannot parse as JSON makes it log to standard output (where the
    // diff goes), whatever its content type says: hand it JSON in every case.
    const body = await response.text();
    return new Response(isJson(body) ? body : JSON.stringify({ error: oneLine(body) || response.statusText }), {
      status: response.status,
      statusText: response.statusText,
      headers: { 'content-type': 'application/json' },
    });
  };
  let client: Ollama;
  try {
    client = new Ollama({ host, fetch: timedFetch });
  } catch {
    throw new LlmFailure('VLT701', `'${endpoint}' is not a valid Ollama host; give a URL such as ${DEFAULT_OLLAMA_HOST} (--host or OLLAMA_HOST)`);
  }

  const askOnce = async (request: LlmRequest): Promise<string> => {
    try {
      const response = await client.chat({
        model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        format: request.schema,
        options: { temperature: SAMPLING.temperature, seed: SAMPLING.seed },
        stream: false,
      });
      const content: unknown = response?.message?.content;
      if (typeof content !== 'string') throw new LlmFailure('VLT706', `Ollama at ${endpoint} answered without a message`);
      if (response.done_reason === 'length')
        throw new LlmFailure('VLT706', `Ollama at ${endpoint} cut the answer off at its length limit (num_predict or the context size), so it is not complete JSON`);
      return content;
    } catch (e) {
      const failure = classify(e, model, endpoint, options.timeoutMs, lastRetryAfter);
      if (failure instanceof LlmFailure) throw new LlmFailure(failure.code, scrub(failure.message), failure.retryable, failure.retryAfterMs);
      throw failure;
    }
  };
  return { name: 'ollama', model, endpoint, ask: (request) => withRetries(() => askOnce(request), options.retry) };
}

function classify(e: unknown, model: string, endpoint: string, timeoutMs: number, after: number | undefined): unknown {
  if (e instanceof LlmFailure) return e;
  if (isTimeout(e)) return new LlmFailure('VLT702', `Ollama at ${endpoint} did not answer within ${timeoutMs} ms; a large model on a small machine may need a longer --timeout-ms`);
  const status = (e as { status_code?: unknown }).status_code;
  if (typeof status === 'number') {
    const said = oneLine(String((e as { error?: unknown }).error ?? (e as Error).message));
    if (status === 404) return new LlmFailure('VLT703', `Ollama at ${endpoint} has no model '${model}' (${said}); run 'ollama pull ${model}' or choose another with --model`);
    return new LlmFailure('VLT705', `Ollama at ${endpoint} answered HTTP ${status}: ${said}`, isRetryableStatus(status), after);
  }
  if (e instanceof SyntaxError) return new LlmFailure('VLT706', `Ollama at ${endpoint} sent a reply that is not JSON; is ${endpoint} an Ollama server?`);
  if (e instanceof TypeError || networkCode(e) !== undefined) {
    return new LlmFailure('VLT701', `cannot reach Ollama at ${endpoint}: ${describeNetworkCode(networkCode(e))}; is 'ollama serve' running? (set the server with --host or OLLAMA_HOST)`);
  }
  return e;
}

/**
 * A host such as `https://user:password@ollama.example` (a server behind a proxy): fetch refuses
 * URLs with credentials, so they travel as an HTTP Basic `Authorization` header instead.
 */
function withBasicAuth(input: string | URL | Request, init: RequestInit | undefined): [string | URL | Request, RequestInit] {
  if (input instanceof Request) return [input, { ...init }];
  const url = new URL(input);
  if (url.username === '' && url.password === '') return [input, { ...init }];
  const headers = new Headers(init?.headers);
  if (!headers.has('authorization')) {
    const credentials = `${percentDecoded(url.username)}:${percentDecoded(url.password)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
  }
  url.username = '';
  url.password = '';
  return [url, { ...init, headers }];
}

function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}
