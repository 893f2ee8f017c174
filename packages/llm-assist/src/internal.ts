/**
 * LLM assist: proposals to a spec (business names, descriptions, business rules) from a
 * local Ollama server or Groq's cloud API. Everything a model says is validated (ajv against
 * the answer schema, then the same parser, type checker and validators as hand-written
 * spec content) before it can reach the spec, and only a person's `--write` applies it.
 * `vault compile` never imports this package.
 *
 * @example
 * import { suggest, ollamaProvider, fileCache, loadExamples, BUILTIN_EXAMPLES_DIR, DEFAULT_RETRY_POLICY } from '@vault/llm-assist';
 * const options = { timeoutMs: 120_000, retry: DEFAULT_RETRY_POLICY, env: process.env };
 * const result = await suggest({ text, file: 'specs/shop.yaml', tasks: ['names'], provider: 'ollama', model: 'llama3.1:8b',
 *   connect: () => ollamaProvider({ ...options, model: 'llama3.1:8b' }), cache: fileCache(), examples: loadExamples([BUILTIN_EXAMPLES_DIR]).examples });
 */
export * from './cache.js';
export { checkApiKey, providerSecrets, scrubFor } from './credentials.js';
export * from './diff.js';
export * from './examples.js';
export * from './failure.js';
export * from './gate.js';
export { DEFAULT_GROQ_BASE_URL, groqProvider } from './groq.js';
export { DEFAULT_OLLAMA_HOST, ollamaProvider } from './ollama.js';
export * from './prompt.js';
export * from './provider.js';
export * from './retry.js';
export { reviewNames, reviewRules, type Rejection, type RejectionCode, type Review } from './review.js';
export * from './schemas.js';
export * from './suggest.js';
export * from './targets.js';
