/**
 * LLM assist: proposals to a spec (business names, descriptions, business rules) from a
 * local Ollama server or Groq's cloud API. Everything a model says is validated (ajv against
 * the answer schema, then the same parser, type checker and validators as hand-written
 * spec content) before it can reach the spec, and only a person's `--write` applies it.
 * `vault compile` never imports this package. The pieces of the pipeline (prompts, answer
 * checks, the gate) live behind `@vault/llm-assist/internal`, which follows no compatibility
 * promise.
 *
 * @example
 * import { suggest, ollamaProvider, fileCache, loadExamples, BUILTIN_EXAMPLES_DIR, DEFAULT_RETRY_POLICY } from '@vault/llm-assist';
 * const options = { timeoutMs: 120_000, retry: DEFAULT_RETRY_POLICY, env: process.env };
 * const result = await suggest({ text, file: 'specs/shop.yaml', tasks: ['names'], provider: 'ollama', model: 'llama3.1:8b',
 *   connect: () => ollamaProvider({ ...options, model: 'llama3.1:8b' }), cache: fileCache(), examples: loadExamples([BUILTIN_EXAMPLES_DIR]).examples });
 */
export { suggest, type SuggestInput, type SuggestResult } from './suggest.js';
export { DEFAULT_OLLAMA_HOST, ollamaProvider } from './ollama.js';
export { DEFAULT_GROQ_BASE_URL, groqProvider } from './groq.js';
export { DEFAULT_MODELS, DEFAULT_TIMEOUT_MS, type ChatMessage, type LlmProvider, type LlmRequest, type ProviderName, type ProviderOptions } from './provider.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { DEFAULT_CACHE_DIR, NO_CACHE, fileCache, type AnswerCache } from './cache.js';
export { BUILTIN_EXAMPLES_DIR, loadExamples, type Example, type ExampleProblem } from './examples.js';
export { LlmFailure, type LlmFailureCode } from './failure.js';
export { unifiedDiff } from './diff.js';
export type { NameKind, NameProposal, RuleKind, RuleProposal, Task } from './schemas.js';
export type { Rejection, RejectionCode } from './review.js';
