/**
 * Answers kept on disk, keyed by what determines them: provider, model, the whole prompt and
 * the answer schema. A rerun of `vault suggest` on an unchanged spec reads the same answer
 * back (reproducible, and it works offline); any change to the spec's context, the
 * examples or the schema is a new key. Only answers that passed validation are kept.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { byCodeUnit } from '@vault/core/internal';
import type { LlmRequest, ProviderName } from './provider.js';
import { SAMPLING } from './provider.js';

export const DEFAULT_CACHE_DIR = join('.vault', 'llm-cache');

export interface AnswerCache {
  get(key: string): string | undefined;
  put(key: string, entry: { readonly provider: ProviderName; readonly model: string; readonly answer: string }): void;
}

/** sha256 of the canonical JSON of everything that shapes the answer (never the API key or the host). */
export function cacheKey(provider: ProviderName, model: string, request: LlmRequest): string {
  const identity = { provider, model, sampling: SAMPLING, schemaName: request.schemaName, schema: request.schema, messages: request.messages };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => byCodeUnit(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * One JSON file per answer under `dir` (default `.vault/llm-cache/`), written atomically.
 * An unreadable or foreign file is a miss, never an error.
 */
export function fileCache(dir: string = DEFAULT_CACHE_DIR): AnswerCache {
  return {
    get(key) {
      try {
        const entry: unknown = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8'));
        const answer = (entry as { answer?: unknown } | null)?.answer;
        return typeof answer === 'string' ? answer : undefined;
      } catch {
        return undefined;
      }
    },
    put(key, entry) {
      mkdirSync(dir, { recursive: true });
      const target = join(dir, `${key}.json`);
      const staging = `${target}.tmp-${process.pid}`;
      try {
        writeFileSync(staging, `${JSON.stringify({ provider: entry.provider, model: entry.model, answer: entry.answer }, null, 2)}\n`);
        renameSync(staging, target);
      } catch (e) {
        rmSync(staging, { force: true });
        throw e;
      }
    },
  };
}

/** For `--no-cache`: every request goes to the model, nothing is kept. */
export const NO_CACHE: AnswerCache = { get: () => undefined, put: () => undefined };
