/**
 * The credentials a provider is given: the Groq key, and whatever a gateway URL or an Ollama
 * host carries (`https://user:password@host`, `?api_key=...`). None of them may reach a
 * message, the answer cache or the spec, even when a server or a model echoes them back.
 */
import { credentialSecrets, scrubber } from '@vault/core/internal';
import { LlmFailure } from './failure.js';
import type { ProviderOptions } from './provider.js';

/**
 * Every secret in the provider options, whichever provider is used.
 * @example providerSecrets({ ...options, env: { GROQ_API_KEY: 'gsk_abc123' } }) // ['gsk_abc123', ...]
 */
export function providerSecrets(options: Pick<ProviderOptions, 'host' | 'env'>): string[] {
  const key = options.env['GROQ_API_KEY'];
  return [
    ...(key !== undefined && key !== '' ? [key] : []),
    ...[options.env['GROQ_BASE_URL'], options.env['OLLAMA_HOST'], options.host].flatMap((url) => (url === undefined ? [] : credentialSecrets(url))),
  ];
}

/** `text` with every secret of the options masked. */
export function scrubFor(options: Pick<ProviderOptions, 'host' | 'env'>): (text: string) => string {
  return scrubber(providerSecrets(options));
}

/**
 * Refuses a key an HTTP header cannot carry, before any request: a line break would end the
 * header (the HTTP client then throws with the whole key in its message), and a character
 * beyond Latin-1 cannot be sent at all. Keys are printable ASCII; the message never shows it.
 */
export function checkApiKey(key: string, variable: string): void {
  const at = [...key].findIndex((c) => !/^[\x21-\x7e]$/.test(c));
  if (at < 0) return;
  const c = [...key][at] ?? '';
  const what = /[\r\n\u0085\u2028\u2029]/.test(c) ? 'a line break' : /\s/.test(c) || /[\x00-\x1f\x7f]/.test(c) ? 'a space or control character' : 'a character that is not ASCII';
  throw new LlmFailure('VLT704', `${variable} contains ${what} (character ${at + 1} of ${[...key].length}); an API key is one line of printable ASCII: export the key alone, as the provider shows it`);
}
