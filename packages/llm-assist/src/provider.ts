/**
 * One interface for every model provider: a chat request with a JSON Schema for the answer,
 * sampled deterministically (temperature 0, a fixed seed), answered with the raw text of the
 * model's message. Validating that text is the caller's job: nothing a model says is trusted.
 */
import type { RetryPolicy } from './retry.js';

export type ProviderName = 'ollama' | 'groq';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface LlmRequest {
  readonly messages: ReadonlyArray<ChatMessage>;
  /** The JSON Schema the answer must follow, sent with the request (structured output). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** A short name for the schema (Groq requires one): letters, digits, `_`, `-`. */
  readonly schemaName: string;
}

export interface LlmProvider {
  readonly name: ProviderName;
  readonly model: string;
  /** Where requests go, for messages: `http://127.0.0.1:11434`, `https://api.groq.com`. */
  readonly endpoint: string;
  /** The raw answer text; throws `LlmFailure` when there is none. */
  ask(request: LlmRequest): Promise<string>;
}

export interface ProviderOptions {
  readonly model?: string;
  /** Per attempt. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Ollama only: the server, e.g. `http://127.0.0.1:11434`. */
  readonly host?: string;
  /** Where `OLLAMA_HOST`, `GROQ_API_KEY` and `GROQ_BASE_URL` are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Every request samples the same way, so the same prompt gives the same answer where the server allows it. */
export const SAMPLING = { temperature: 0, seed: 42 } as const;

export const DEFAULT_MODELS = {
  ollama: 'llama3.1:8b',
  groq: 'openai/gpt-oss-20b',
} as const satisfies Record<ProviderName, string>;

export const DEFAULT_TIMEOUT_MS = 120_000;
