/**
 * The requests vault sends: a system message saying what is wanted and what is allowed, the
 * few-shot examples as earlier turns of the conversation, then the spec's context. Every
 * list is sorted, so the same spec always gives the same prompt (and the same cache key).
 */
import { DATE_TRUNC_UNITS, EXPR_FUNCTION_NAMES, MAX_IDENTIFIER_BYTES, type Spec } from '@vault/core/internal';
import type { Example } from './examples.js';
import type { ChatMessage, LlmRequest } from './provider.js';
import { ANSWER_SCHEMAS, type Task } from './schemas.js';
import { showColumn, type NameTarget, type RuleTarget, type Targets } from './targets.js';

/** At most this many hubs, links and satellites (or rule entities) per request, so a huge spec still fits a model's context. */
export const MAX_TARGETS_PER_REQUEST = 200;

const NAMES_SYSTEM = `You name the parts of a Data Vault 2.0 model for the business that uses it.
vault inferred the hubs, links and satellites listed below from source tables. For each, propose a business name; for those marked "describe", also one plain sentence describing it for the business.
Names: lower snake_case, only letters, digits and underscores, starting with a letter, at most ${MAX_IDENTIFIER_BYTES} bytes, never an SQL or Python keyword, and different from every other name in the model. Keep the current name when it is already a good business name.
Descriptions: one sentence of plain text, no markup, no quotes, no code; an empty string when unsure or when not asked.
Answer with JSON only: {"proposals": [{"kind", "current", "name", "description"}]}, one proposal per listed item, "current" exactly as listed.`;

const RULES_SYSTEM = `You propose business rules for the business vault of a Data Vault 2.0 model, from its business context.
A rule belongs to one listed hub or link and is either a derived attribute (kind "derive": a new column computed from that entity's columns, with a lower snake_case name that is not already a column) or a filter (kind "filter": a condition; only the keys that meet it are kept; empty name; at most one per entity, and none where one is already set).
Write each rule as ONE expression in the vault expression language and nothing else:
- column names of that entity only (as listed); literals 42, 0.45, 'TEXT' (quote doubled inside), TRUE, FALSE, NULL, DATE '2024-01-31', TIMESTAMP '2024-01-31 12:00:00';
- operators + - * / % ||, = <> < <= > >=, AND OR NOT, IS [NOT] NULL, [NOT] IN (...), [NOT] BETWEEN a AND b;
- CASE WHEN c THEN a [WHEN ...] [ELSE b] END, CAST(x AS type), and the functions ${EXPR_FUNCTION_NAMES.join(', ')} (DATE_TRUNC units: ${DATE_TRUNC_UNITS.join(', ')}).
No SQL statements, subqueries, semicolons, comments, quoted identifiers or other functions: anything else is rejected. A filter must be a condition (boolean).
Propose only rules the business context supports; an empty list is a good answer when it supports none.
Answer with JSON only: {"proposals": [{"entity", "kind", "name", "expression", "rationale"}]}.`;

export interface PromptInput {
  readonly spec: Spec;
  readonly targets: Targets;
  readonly examples: ReadonlyArray<Example>;
}

/**
 * The request for one task, and how many of its targets it leaves out (beyond the limit).
 * @example
 * const { request } = buildRequest('names', { spec, targets: findTargets(spec, model), examples });
 */
export function buildRequest(task: Task, input: PromptInput): { readonly request: LlmRequest; readonly omitted: number; readonly asked: number } {
  const all = task === 'names' ? input.targets.names : input.targets.rules;
  const picked = all.slice(0, MAX_TARGETS_PER_REQUEST);
  const context = task === 'names' ? namesContext(input.spec, picked as ReadonlyArray<NameTarget>) : rulesContext(input.spec, picked as ReadonlyArray<RuleTarget>);
  const messages: ChatMessage[] = [{ role: 'system', content: task === 'names' ? NAMES_SYSTEM : RULES_SYSTEM }];
  for (const e of input.examples.filter((x) => x.task === task)) {
    messages.push({ role: 'user', content: e.context }, { role: 'assistant', content: e.answer });
  }
  messages.push({ role: 'user', content: context });
  return { request: { messages, schema: ANSWER_SCHEMAS[task], schemaName: `vault_${task}` }, omitted: all.length - picked.length, asked: picked.length };
}

function header(spec: Spec): string[] {
  return [`Model: ${spec.model}`, `Business context: ${oneLine(spec.description) || '(none given)'}`];
}

function tableLines(spec: Spec, tables: ReadonlyArray<string>): string[] {
  return [...new Set(tables)].sort().map((t) => {
    const table = spec.tables[t]!;
    const columns = Object.keys(table.columns).sort();
    const about = table.description === undefined ? '' : ` (${oneLine(table.description)})`;
    return `- ${t}${about}: ${columns.join(', ')}`;
  });
}

function namesContext(spec: Spec, targets: ReadonlyArray<NameTarget>): string {
  const items = targets.map((t) => {
    switch (t.kind) {
      case 'hub':
        return `- hub ${t.name}: business key ${t.businessKeys.join(', ')}; from ${t.tables.join(', ')}${t.describeOn ? '; describe' : ''}`;
      case 'link':
        return `- link ${t.name}: joins ${t.hubs.join(', ')}; from ${t.table}${t.describeOn ? '; describe' : ''}`;
      case 'satellite':
        return `- satellite ${t.name}: of ${t.parent}; columns ${t.columns.join(', ')}`;
    }
  });
  const tables = targets.flatMap((t) => (t.kind === 'hub' ? t.tables : [t.table]));
  return [...header(spec), 'Source tables:', ...tableLines(spec, tables), 'Name these:', ...items].join('\n');
}

function rulesContext(spec: Spec, targets: ReadonlyArray<RuleTarget>): string {
  const items = targets.map((t) => {
    const derived = t.derived.length > 0 ? `; derived already: ${t.derived.map(showColumn).join(', ')}` : '';
    return `- ${t.kind} ${t.name}: ${t.columns.map(showColumn).join(', ')}${derived}${t.hasFilter ? '; filter already set' : ''}`;
  });
  const described = Object.keys(spec.tables)
    .filter((t) => spec.tables[t]!.description !== undefined)
    .sort();
  const about = described.map((t) => `- ${t}: ${oneLine(spec.tables[t]!.description)}`);
  return [...header(spec), ...(about.length > 0 ? ['Source tables:', ...about] : []), 'Entities and the columns their rules may use:', ...items].join('\n');
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
