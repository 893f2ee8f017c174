/**
 * The answers vault asks models for, as JSON Schemas sent with each request and checked with
 * ajv on every answer (a model, a proxy or a cache file can send anything). The schemas use
 * only what strict structured-output modes accept: every property required, no extra
 * properties, no formats or patterns. What a value may *say* (a safe identifier, a valid
 * expression) is checked afterwards, proposal by proposal.
 *
 * `JSONSchemaType<T>` proves at compile time that each schema and its TypeScript type agree.
 */
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';

export type NameKind = 'hub' | 'link' | 'satellite';

export interface NameProposal {
  readonly kind: NameKind;
  /** The name vault inferred. */
  readonly current: string;
  /** The business name proposed; equal to `current` to keep it. */
  readonly name: string;
  /** One sentence for the business; empty for none (satellites have no description in the spec). */
  readonly description: string;
}

export interface NamesAnswer {
  readonly proposals: ReadonlyArray<NameProposal>;
}

export type RuleKind = 'derive' | 'filter';

export interface RuleProposal {
  /** The hub or link the rule belongs to. */
  readonly entity: string;
  readonly kind: RuleKind;
  /** The derived attribute's name; empty for a filter. */
  readonly name: string;
  /** In the expression language (docs/expressions.md). */
  readonly expression: string;
  /** Why, in one sentence, for the reviewer. */
  readonly rationale: string;
}

export interface RulesAnswer {
  readonly proposals: ReadonlyArray<RuleProposal>;
}

export type Task = 'names' | 'rules';

export interface Answers {
  readonly names: NamesAnswer;
  readonly rules: RulesAnswer;
}

const str = (description: string) => ({ type: 'string', description }) as const;

const NAMES_SCHEMA: JSONSchemaType<{ proposals: NameProposal[] }> = {
  type: 'object',
  additionalProperties: false,
  required: ['proposals'],
  properties: {
    proposals: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'current', 'name', 'description'],
        properties: {
          kind: { type: 'string', enum: ['hub', 'link', 'satellite'], description: 'what is named' },
          current: str('the name vault inferred, exactly as listed'),
          name: str('the business name: lower snake_case letters, digits and underscores'),
          description: str('one plain sentence for the business; empty string for satellites or when unsure'),
        },
      },
    },
  },
};

const RULES_SCHEMA: JSONSchemaType<{ proposals: RuleProposal[] }> = {
  type: 'object',
  additionalProperties: false,
  required: ['proposals'],
  properties: {
    proposals: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['entity', 'kind', 'name', 'expression', 'rationale'],
        properties: {
          entity: str('the hub or link, exactly as listed'),
          kind: { type: 'string', enum: ['derive', 'filter'], description: 'a derived attribute or a filter of kept keys' },
          name: str('the derived attribute name in lower snake_case; empty string for a filter'),
          expression: str('one expression in the vault expression language, using only the listed columns'),
          rationale: str('why, in one sentence'),
        },
      },
    },
  },
};

/** The answer schema of each task, as sent to the model. */
export const ANSWER_SCHEMAS: Readonly<Record<Task, Readonly<Record<string, unknown>>>> = { names: NAMES_SCHEMA, rules: RULES_SCHEMA };

let ajv: Ajv | undefined;
const validators = new Map<Task, ValidateFunction>();

function validatorFor(task: Task): ValidateFunction {
  let v = validators.get(task);
  if (v === undefined) {
    ajv ??= new Ajv({ allErrors: true, strict: true });
    v = ajv.compile(ANSWER_SCHEMAS[task]);
    validators.set(task, v);
  }
  return v;
}

export type AnswerCheck<T> = { readonly ok: true; readonly answer: T } | { readonly ok: false; readonly code: 'VLT706' | 'VLT707'; readonly message: string };

/**
 * Parses and validates an answer's text.
 * @example
 * checkAnswer('names', '{"proposals": []}')  // { ok: true, answer: { proposals: [] } }
 * checkAnswer('names', '{"proposals": 1}')   // { ok: false, code: 'VLT707', message: "... /proposals must be array" }
 */
export function checkAnswer<K extends Task>(task: K, text: string): AnswerCheck<Answers[K]> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Node quotes the start of the text ("gsk_live_…"... is not valid JSON): never repeat what a model said.
    const why = ((e as Error).message.split('\n')[0] ?? '').replace(/,? ".*"(?:\.\.\.)? is not valid JSON$/s, '');
    return { ok: false, code: 'VLT706', message: `the answer is not valid JSON (${why})` };
  }
  const validate = validatorFor(task);
  if (validate(data)) return { ok: true, answer: data as Answers[K] };
  return { ok: false, code: 'VLT707', message: `the answer does not match the ${task} schema: ${describeErrors(validate.errors ?? [])}` };
}

function describeErrors(errors: ReadonlyArray<ErrorObject>): string {
  const shown = errors.slice(0, 3).map((e) => {
    const at = e.instancePath === '' ? 'the answer' : e.instancePath;
    if (e.keyword === 'additionalProperties') return `${at} has an unexpected property '${String(e.params['additionalProperty'])}'`;
    if (e.keyword === 'required') return `${at} lacks '${String(e.params['missingProperty'])}'`;
    if (e.keyword === 'enum') return `${at} must be one of ${(e.params['allowedValues'] as unknown[]).map((x) => `'${String(x)}'`).join(', ')}`;
    return `${at} ${e.message ?? 'is invalid'}`;
  });
  return shown.join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : '');
}
