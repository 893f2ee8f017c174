/**
 * Few-shot examples (also called training examples): files that show a model what a good
 * answer looks like. vault ships some in `packages/llm-assist/examples/`; a team adds its own
 * in a folder given with `--examples DIR`. Each file is YAML:
 *
 * ```yaml
 * task: names            # or rules
 * context: |             # what vault would send for a spec (see docs/suggest.md)
 *   ...
 * answer:                # the answer wanted, in the task's answer schema
 *   proposals: [...]
 * ```
 *
 * An example is checked like an answer: a bad one is reported (VLT708), never sent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFailure } from '@vault/dsl/internal';
import { isMap, parseDocument } from 'yaml';
import { checkAnswer, type Task } from './schemas.js';

export interface Example {
  /** Where it came from, for messages. */
  readonly file: string;
  readonly task: Task;
  readonly context: string;
  /** The answer as compact JSON, exactly as it is sent. */
  readonly answer: string;
}

export interface ExampleProblem {
  readonly file: string;
  readonly message: string;
}

/** The examples vault ships. */
export const BUILTIN_EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

/**
 * Reads every `*.yaml` / `*.yml` file of each folder, in name order.
 * @example
 * const { examples, problems } = loadExamples([BUILTIN_EXAMPLES_DIR, 'team-examples']);
 */
export function loadExamples(dirs: ReadonlyArray<string>): { readonly examples: Example[]; readonly problems: ExampleProblem[] } {
  const examples: Example[] = [];
  const problems: ExampleProblem[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    } catch {
      problems.push({ file: display(dir), message: 'cannot read the examples folder' });
      continue;
    }
    for (const f of files) {
      const path = join(dir, f);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        problems.push({ file: display(path), message: `cannot read the example file: ${readFailure(e)}` });
        continue;
      }
      const r = parseExample(text, display(path));
      if ('message' in r) problems.push(r);
      else examples.push(r);
    }
  }
  return { examples, problems };
}

export function parseExample(text: string, file: string): Example | ExampleProblem {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return { file, message: `YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}` };
  if (!isMap(doc.contents)) return { file, message: 'an example must be a mapping with task, context and answer' };
  let data: Record<string, unknown>;
  try {
    data = doc.toJS() as Record<string, unknown>;
  } catch (e) {
    // The yaml package refuses aliases that expand without bound ("billion laughs").
    return { file, message: `YAML: ${(e as Error).message.split('\n')[0]}` };
  }
  const extra = Object.keys(data).filter((k) => !['task', 'context', 'answer'].includes(k));
  if (extra.length > 0) return { file, message: `unknown key '${extra[0]}'; an example has task, context and answer` };
  const task = data['task'];
  if (task !== 'names' && task !== 'rules') return { file, message: "task must be 'names' or 'rules'" };
  const context = data['context'];
  if (typeof context !== 'string' || context.trim() === '') return { file, message: 'context must be the text vault would send' };
  const answer = JSON.stringify(data['answer'] ?? null);
  const checked = checkAnswer(task, answer);
  if (!checked.ok) return { file, message: `answer: ${checked.message}` };
  return { file, task, context: context.trimEnd(), answer };
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return (rel === '' || rel.startsWith('..') ? path : rel).split('\\').join('/');
}
