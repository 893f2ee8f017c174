/**
 * `suggest`: spec text in, reviewed proposals and the edited spec text out. No files are
 * written here (the answer cache aside); the CLI shows the diff and writes the spec.
 */
import { containsSecret, hasErrors, scrubber, severityOf, sortDiagnostics, visible, type Diagnostic, type DiagnosticCode } from '@vault/core/internal';
import { analyzeSpec, parseSpecYaml, type ParsedSpec } from '@vault/dsl';
import { cacheKey, type AnswerCache } from './cache.js';
import type { Example } from './examples.js';
import { LlmFailure } from './failure.js';
import { gateState, type GateState } from './gate.js';
import { buildRequest } from './prompt.js';
import type { LlmProvider, ProviderName } from './provider.js';
import { reviewNames, reviewRules, type Review } from './review.js';
import { checkAnswer, type Answers, type Task } from './schemas.js';
import { findTargets, type Targets } from './targets.js';

export interface SuggestInput {
  /** The spec's text and the name diagnostics print. */
  readonly text: string;
  readonly file: string;
  readonly tasks: ReadonlyArray<Task>;
  readonly provider: ProviderName;
  readonly model: string;
  /** Called only when an answer is not in the cache, so a cached rerun needs no server and no key. */
  readonly connect: () => LlmProvider;
  readonly cache: AnswerCache;
  readonly examples: ReadonlyArray<Example>;
  /**
   * The API key, passwords and tokens of this run (`providerSecrets`): a proposal holding one is
   * dropped, an answer holding one is never cached, and no message shows one.
   */
  readonly secrets?: ReadonlyArray<string>;
}

export interface SuggestResult {
  /** Problems in the spec, failed requests (errors) and dropped proposals (warnings). */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  /** One line per accepted change. */
  readonly accepted: ReadonlyArray<string>;
  /** What happened per task: "names: 12 asked, answer from the cache". */
  readonly notes: ReadonlyArray<string>;
  /** The spec text with every accepted proposal; equal to the input when none. */
  readonly text: string;
}

/**
 * @example
 * const result = await suggest({ text, file: 'specs/shop.yaml', tasks: ['names', 'rules'], provider: 'ollama', model,
 *   connect: () => ollamaProvider(options), cache: fileCache(), examples });
 * if (!hasErrors(result.diagnostics)) writeFileSync('specs/shop.yaml', result.text);
 */
export async function suggest(input: SuggestInput): Promise<SuggestResult> {
  const parsed = parseSpecYaml(input.text, input.file);
  const analysis = analyzeSpec(parsed);
  if (hasErrors(analysis.diagnostics) || analysis.model === undefined || parsed.spec === undefined) {
    return { diagnostics: analysis.diagnostics, accepted: [], notes: ['the spec has errors: fix them first (vault check)'], text: input.text };
  }
  const state = gateState(input.file, input.text, parsed.spec, analysis.model, analysis.diagnostics);
  const secrets = input.secrets ?? [];
  const scrub = scrubber(secrets);
  const diagnostics: Diagnostic[] = [];
  const accepted: string[] = [];
  const notes: string[] = [];
  let provider: LlmProvider | undefined;

  for (const task of input.tasks) {
    // Rules are asked about the model as the accepted names left it, so they use those names.
    const targets = findTargets(state.spec, state.model);
    const { request, omitted, asked } = buildRequest(task, { spec: state.spec, targets, examples: input.examples });
    if (asked === 0) {
      notes.push(`${task}: nothing to ask (${task === 'names' ? 'every hub, link and satellite is named by the spec or used by name' : 'the model has no hub or link'})`);
      continue;
    }
    const key = cacheKey(input.provider, input.model, request);
    let text = input.cache.get(key);
    const cached = text !== undefined && checkAnswer(task, text).ok;
    if (!cached) {
      try {
        provider ??= input.connect();
        text = await provider.ask(request);
      } catch (e) {
        if (!(e instanceof LlmFailure)) throw e;
        diagnostics.push(fileDiagnostic(input.file, e.code, `${task}: ${e.message}`));
        break;
      }
    }
    const checked = checkAnswer(task, text!);
    if (!checked.ok) {
      diagnostics.push(fileDiagnostic(input.file, checked.code, `${task}: ${input.provider} model '${input.model}' gave an answer vault cannot use, so nothing was taken from it: ${checked.message}`));
      break;
    }
    // A model (or a proxy) that echoes a key back must not get it into the spec, the cache or the output.
    const leaked = checked.answer.proposals
      .map((p, i) => (containsSecret(JSON.stringify(p), secrets) || Object.values(p).some((v) => containsSecret(String(v), secrets)) ? i : -1))
      .filter((i) => i >= 0);
    for (const i of leaked) {
      diagnostics.push(
        fileDiagnostic(
          input.file,
          'VLT718',
          `${task}: proposal ${i + 1} of the answer dropped: it contains an API key, password or token vault was given${cached ? '' : '; the answer was not cached'}`,
        ),
      );
    }
    const answer = { ...checked.answer, proposals: checked.answer.proposals.filter((_, i) => !leaked.includes(i)) } as typeof checked.answer;
    if (!cached && leaked.length === 0) {
      try {
        input.cache.put(key, { provider: input.provider, model: input.model, answer: text! });
      } catch (e) {
        notes.push(`${task}: the answer could not be cached (${(e as Error).message.split('\n')[0]})`);
      }
    }
    const review = reviewTask(task, state, targets, answer);
    accepted.push(...review.accepted);
    for (const r of review.rejections) diagnostics.push(at(parsed, r.code, r.path, r.message));
    const proposals = review.accepted.length + review.rejections.length;
    notes.push(
      `${task}: asked about ${asked} ${asked === 1 ? 'entity' : 'entities'}${omitted > 0 ? ` (${omitted} more left for a later run)` : ''}, answer ${cached ? 'from the cache' : `from ${input.provider} model '${input.model}'`}, ${review.accepted.length} accepted, ${review.rejections.length + leaked.length} dropped${proposals + leaked.length === 0 ? ' (no proposals)' : ''}`,
    );
  }
  // The net under the above: a server's error message or a rejection that quotes an answer
  // shows no credential, and no control or invisible character that could rewrite the terminal.
  const clean = (line: string): string => visible(scrub(line));
  const masked = diagnostics.map((d) => ({ ...d, message: clean(d.message) }));
  return { diagnostics: sortDiagnostics(masked), accepted: accepted.map(clean), notes: notes.map(clean), text: hasErrors(diagnostics) ? input.text : state.text };
}

function reviewTask(task: Task, state: GateState, targets: Targets, answer: Answers[Task]): Review {
  return task === 'names' ? reviewNames(state, targets, answer as Answers['names']) : reviewRules(state, targets, answer as Answers['rules']);
}

function at(parsed: ParsedSpec, code: DiagnosticCode, path: ReadonlyArray<string | number>, message: string): Diagnostic {
  return { code, severity: severityOf(code), message, span: parsed.source.span({ path, target: 'key' }) };
}

/** A failure of the request as a whole: reported at the top of the spec file. */
function fileDiagnostic(file: string, code: DiagnosticCode, message: string): Diagnostic {
  const start = { line: 1, col: 1 };
  return { code, severity: severityOf(code), message, span: { file, start, end: start } };
}
