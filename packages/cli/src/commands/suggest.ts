/**
 * `vault suggest SPEC --provider ollama|groq`: asks a model for business names and rules,
 * keeps only what passes the same checks as hand-written spec content, prints a diff of the
 * spec for review, and with `--write` applies it (atomically, comments and layout kept).
 */
import { readFileSync } from 'node:fs';
import { hasErrors, severityOf, type Diagnostic } from '@vault/core/internal';
import { displayPath, limitDiagnostic, loadSpecFile, readFailure, readTextBounded } from '@vault/dsl/internal';
import {
  BUILTIN_EXAMPLES_DIR,
  DEFAULT_MODELS,
  DEFAULT_RETRY_POLICY,
  fileCache,
  groqProvider,
  loadExamples,
  NO_CACHE,
  ollamaProvider,
  providerSecrets,
  suggest,
  unifiedDiff,
  type ProviderName,
  type ProviderOptions,
  type Task,
} from '@vault/llm-assist/internal';
import { EXIT } from '../exit.js';
import { NotRegularFileError, replaceFile } from '../replace-file.js';
import { bold, countSummary, green, printDiagnostics, type Output } from '../output.js';

export interface SuggestOptions {
  readonly provider: ProviderName;
  readonly model?: string;
  readonly what: ReadonlyArray<Task>;
  readonly write: boolean;
  readonly host?: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly cache: boolean;
  readonly examples: ReadonlyArray<string>;
}

/** For tests and gateways: the first retry's delay in ms (doubled for each next one). */
const RETRY_DELAY_ENV = 'VAULT_LLM_RETRY_DELAY_MS';

export async function suggestCommand(file: string, opts: SuggestOptions, o: Output, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const shown = displayPath(file);
  let text: string;
  try {
    const read = readTextBounded(file, 'the spec');
    if ('problem' in read) {
      printDiagnostics(o, [limitDiagnostic(read.problem, shown)]);
      return EXIT.failed;
    }
    text = read.text;
  } catch {
    printDiagnostics(o, loadSpecFile(file).diagnostics);
    return EXIT.failed;
  }

  const loaded = loadExamples([BUILTIN_EXAMPLES_DIR, ...opts.examples]);
  if (loaded.problems.length > 0) {
    const at = { line: 1, col: 1 };
    printDiagnostics(
      o,
      loaded.problems.map((p): Diagnostic => ({ code: 'VLT708', severity: severityOf('VLT708'), message: `few-shot example: ${p.message}`, span: { file: p.file, start: at, end: at } })),
    );
    return EXIT.failed;
  }

  const model = opts.model ?? DEFAULT_MODELS[opts.provider];
  const delay = Number(env[RETRY_DELAY_ENV]);
  const providerOptions: ProviderOptions = {
    model,
    timeoutMs: opts.timeoutMs,
    retry: { ...DEFAULT_RETRY_POLICY, retries: opts.retries, ...(Number.isFinite(delay) && delay >= 0 && env[RETRY_DELAY_ENV] !== '' ? { baseDelayMs: delay } : {}) },
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    env,
  };
  const result = await suggest({
    text,
    file: shown,
    tasks: opts.what,
    provider: opts.provider,
    model,
    connect: () => (opts.provider === 'ollama' ? ollamaProvider(providerOptions) : groqProvider(providerOptions)),
    cache: opts.cache ? fileCache() : NO_CACHE,
    examples: loaded.examples,
    secrets: providerSecrets(providerOptions),
  });

  printDiagnostics(o, result.diagnostics);
  for (const n of result.notes) o.err(`vault suggest: ${n}`);
  if (hasErrors(result.diagnostics)) {
    o.err(`${shown}: ${countSummary(result.diagnostics)}; the spec was not changed`);
    return EXIT.failed;
  }
  if (result.text === text) {
    o.err(`${shown}: ${green(o, 'no changes proposed')}${result.diagnostics.length > 0 ? ` (${countSummary(result.diagnostics)})` : ''}`);
    return EXIT.ok;
  }
  o.out(bold(o, `Proposed changes to ${shown} (${result.accepted.length}):`));
  for (const a of result.accepted) o.out(`  ${a}`);
  o.out('');
  o.out(unifiedDiff(text, result.text, shown).trimEnd());
  if (!opts.write) {
    o.err(`${shown}: not written; review the diff above, then run again with --write to apply it`);
    return EXIT.ok;
  }
  const failure = writeUnlessChanged(file, shown, text, result.text);
  if (failure !== undefined) {
    o.err(`vault: ${failure}`);
    return EXIT.failed;
  }
  o.err(`${shown}: ${green(o, 'written')} (${result.accepted.length} change${result.accepted.length === 1 ? '' : 's'})`);
  return EXIT.ok;
}

/**
 * Writes `next` over the spec (replace-file.ts: atomically, through symbolic links, keeping its
 * permissions), unless the spec no longer reads `read`: edits made while the model was asked
 * are the user's and are never overwritten. Gives why it did not write, or undefined.
 */
function writeUnlessChanged(file: string, shown: string, read: string, next: string): string | undefined {
  let now: string;
  try {
    now = readFileSync(file, 'utf8');
  } catch (e) {
    return `cannot read ${shown} again before writing it: ${readFailure(e)}; the spec was not changed`;
  }
  if (now !== read) return `${shown} changed while vault suggest waited for the model, so it was not written: run vault suggest again to get proposals for the spec as it is now`;
  try {
    replaceFile(file, next);
    return undefined;
  } catch (e) {
    return `cannot write ${shown}: ${e instanceof NotRegularFileError ? e.message : readFailure(e)}; the spec was not changed`;
  }
}
