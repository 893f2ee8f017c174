/**
 * Each proposal is checked on its own, in the order the model gave them: explicit checks
 * first (a known target, a safe and unique name, an expression that parses and type-checks),
 * then the acceptance gate. A proposal that fails is dropped with a warning that says why;
 * the others still count.
 */
import {
  checkIdentifier,
  entitiesOf,
  METADATA_COLUMNS,
  parseExpression,
  printExpression,
  typecheckExpression,
  type Column,
  type ColumnType,
  type SpecPath,
  type VaultModel,
  firstHidden,
  visible,
} from '@vault/core/internal';
import type { YamlAddition } from '@vault/dsl/internal';
import { shapeOf, tryAdditions, type GateState } from './gate.js';
import type { NameProposal, NamesAnswer, RuleProposal, RulesAnswer } from './schemas.js';
import type { NameTarget, Targets } from './targets.js';

export type RejectionCode = 'VLT711' | 'VLT712' | 'VLT713' | 'VLT714' | 'VLT715' | 'VLT716' | 'VLT717';

export interface Rejection {
  readonly code: RejectionCode;
  readonly path: SpecPath;
  readonly message: string;
}

export interface Review {
  /** One line per accepted change, for the reviewer. */
  readonly accepted: string[];
  readonly rejections: Rejection[];
}

/** Descriptions are one plain sentence: they reach manifests, docs and generated comments. */
const MAX_DESCRIPTION = 300;
const DESCRIPTION_CHARS = /^[\p{L}\p{N} .,:;()'\u2019%&+/-]+$/u;

export function reviewNames(state: GateState, targets: Targets, answer: NamesAnswer): Review {
  const review: Review = { accepted: [], rejections: [] };
  const seen = new Set<string>();
  const newNames = new Set<string>();
  for (const p of answer.proposals) {
    const target = targets.names.find((t) => t.kind === p.kind && t.name === p.current);
    const reject = (code: RejectionCode, why: string): void => {
      review.rejections.push({ code, path: target ? targetPath(target) : ['tables'], message: `proposal for ${p.kind} ${shown(p.current)} dropped: ${why}` });
    };
    if (target === undefined) {
      reject('VLT715', `the model has no ${p.kind} of that name whose name vault may propose (it does not exist, or the spec already names or uses it)`);
      continue;
    }
    if (seen.has(`${p.kind}:${p.current}`)) {
      reject('VLT715', `a second proposal for the same ${p.kind}; the first one counts`);
      continue;
    }
    seen.add(`${p.kind}:${p.current}`);

    const additions: YamlAddition[] = [];
    const parts: string[] = [];
    const renamed = p.name !== p.current;
    if (renamed) {
      const problem = checkIdentifier(p.name, p.kind);
      if (problem !== undefined) {
        reject('VLT711', problem.message);
        continue;
      }
      const lower = p.name.toLowerCase();
      if ((targets.taken.has(lower) && lower !== p.current.toLowerCase()) || newNames.has(lower)) {
        reject('VLT712', `the name '${p.name}' is already taken by another entity of the model`);
        continue;
      }
      additions.push(...renameAdditions(target, p.name));
      parts.push(`${p.kind} ${p.current} → ${p.name}`);
    }
    const description = describe(p, target, (why) =>
      review.rejections.push({ code: why.code, path: targetPath(target), message: `description proposed for ${p.kind} ${shown(p.current)} dropped: ${why.message}` }),
    );
    if (description !== undefined) {
      additions.push({ path: ['tables', description.table, 'description'], value: description.text });
      parts.push(`${renamed ? '' : `${p.kind} ${p.current} `}description: ${description.text}`);
    }
    if (additions.length === 0) continue;
    const gate = tryAdditions(state, additions, (before, after) => (shapeOf(before) === shapeOf(after) ? undefined : 'it would change what the model is made of, not only names'));
    if (!gate.ok) {
      reject('VLT716', gate.reason);
      continue;
    }
    if (renamed) newNames.add(p.name.toLowerCase());
    review.accepted.push(parts.join('; '));
  }
  return review;
}

function renameAdditions(target: NameTarget, name: string): YamlAddition[] {
  switch (target.kind) {
    case 'hub':
      return target.tables.map((t) => ({ path: ['tables', t, 'hub'], value: name }));
    case 'link':
      return [{ path: ['tables', target.table, 'link'], value: name }];
    case 'satellite':
      return [{ path: ['tables', target.table, 'satellites', name], value: [...target.columns] }];
  }
}

function describe(p: NameProposal, target: NameTarget, reject: (why: { code: RejectionCode; message: string }) => void): { table: string; text: string } | undefined {
  const text = p.description.replace(/\s+/g, ' ').trim();
  if (text === '' || target.kind === 'satellite') return undefined; // satellites have no description in the spec
  if (target.describeOn === undefined) {
    reject({ code: 'VLT715', message: `the spec already describes it (or its table's description is a hub's); vault does not replace a person's words` });
    return undefined;
  }
  if (text.length > MAX_DESCRIPTION) {
    reject({ code: 'VLT717', message: `it is ${text.length} characters long; at most ${MAX_DESCRIPTION} are allowed` });
    return undefined;
  }
  if (!DESCRIPTION_CHARS.test(text)) {
    const bad = [...text].find((c) => !DESCRIPTION_CHARS.test(c)) ?? '';
    reject({ code: 'VLT717', message: `it contains ${shown(bad)}; a description is plain text: letters, digits, spaces and . , : ; ( ) ' % & + / -` });
    return undefined;
  }
  return { table: target.describeOn, text };
}

export function reviewRules(state: GateState, targets: Targets, answer: RulesAnswer): Review {
  const review: Review = { accepted: [], rejections: [] };
  const added = new Map<string, Column[]>();
  const filtered = new Set<string>();
  for (const p of answer.proposals) {
    const what = p.kind === 'filter' ? `filter for ${shown(p.entity)}` : `derived attribute ${shown(p.name)} of ${shown(p.entity)}`;
    const target = targets.rules.find((t) => t.name === p.entity);
    const reject = (code: RejectionCode, why: string): void => {
      review.rejections.push({ code, path: ['business_vault', 'rules', ...(target ? [target.name] : [])], message: `proposed ${what} dropped: ${why}` });
    };
    if (target === undefined) {
      reject('VLT715', 'it is not a hub or link of this model');
      continue;
    }
    const derivedNow = [...target.derived, ...(added.get(target.name) ?? [])];
    if (p.kind === 'filter' && (target.hasFilter || filtered.has(target.name))) {
      reject('VLT715', `${target.kind} '${target.name}' already has a filter; vault does not replace it`);
      continue;
    }
    if (p.kind === 'derive') {
      const problem = checkIdentifier(p.name, 'derived attribute');
      if (problem !== undefined) {
        reject('VLT711', problem.message);
        continue;
      }
      if ([...target.columns, ...derivedNow].some((c) => c.name.toLowerCase() === p.name.toLowerCase())) {
        reject('VLT712', `'${target.name}' already has a column or derived attribute named '${p.name}'`);
        continue;
      }
      // Every business satellite also has its parent's hash key and the Data Vault metadata columns.
      if ([`${target.name}_hk`, ...Object.values(METADATA_COLUMNS)].includes(p.name.toLowerCase())) {
        reject('VLT712', `'${p.name}' is a column every business satellite of '${target.name}' already has`);
        continue;
      }
    }
    const parsed = parseExpression(p.expression);
    if (parsed.expr === undefined) {
      const first = parsed.errors[0];
      reject('VLT713', `${shown(p.expression)} is not an expression of the rule language (${first?.message ?? 'empty'})`);
      continue;
    }
    // A derived attribute reads keys and satellite columns; a filter may also read derived attributes.
    const visible = p.kind === 'filter' ? [...target.columns, ...derivedNow] : target.columns;
    const env = new Map<string, ColumnType>(visible.map((c) => [c.name, c.type]));
    const checked = typecheckExpression(parsed.expr, env, p.kind === 'filter' ? { expect: 'boolean' } : {});
    if (checked.errors.length > 0 || checked.type === undefined) {
      reject('VLT714', `${shown(p.expression)}: ${checked.errors[0]?.message ?? 'its type cannot be decided'}`);
      continue;
    }
    const canonical = printExpression(parsed.expr);
    // Only string literals keep characters as given: one the diff cannot show is not reviewable.
    const hidden = firstHidden(canonical);
    if (hidden !== undefined) {
      reject('VLT713', `${shown(p.expression)} contains the control or invisible character ${hidden}, which a reviewer cannot see in the diff; a proposed rule is printable text`);
      continue;
    }
    const path = p.kind === 'filter' ? ['business_vault', 'rules', target.name, 'filter'] : ['business_vault', 'rules', target.name, 'derive', p.name];
    const gate = tryAdditions(state, [{ path, value: canonical }], (before, after) => ruleLanded(before, after, target.name, p));
    if (!gate.ok) {
      reject('VLT716', gate.reason);
      continue;
    }
    if (p.kind === 'filter') filtered.add(target.name);
    else {
      const derived = [...entitiesOf(state.model, 'business_satellite'), ...entitiesOf(state.model, 'business_link_satellite')]
        .find((s) => s.parent === target.name)
        ?.derived.find((d) => d.name === p.name);
      added.set(target.name, [...(added.get(target.name) ?? []), { name: p.name, type: derived?.type ?? { kind: 'text' }, nullable: true }]);
    }
    const rationale = p.rationale.replace(/\s+/g, ' ').trim();
    review.accepted.push(`${p.kind === 'filter' ? `filter of ${target.name}` : `${target.name}.${p.name}`} = ${canonical}${rationale ? `  (${shown(rationale, 120).slice(1, -1)})` : ''}`);
  }
  return review;
}

/** The new rule is in the new model, and the raw vault did not change. */
function ruleLanded(before: VaultModel, after: VaultModel, entity: string, p: RuleProposal): string | undefined {
  if (shapeOf(before, 'raw_vault') !== shapeOf(after, 'raw_vault')) return 'it would change the raw vault';
  const landed =
    p.kind === 'filter'
      ? [...entitiesOf(after, 'business_hub'), ...entitiesOf(after, 'business_link')].some((e) => e.name === entity && e.filter !== undefined)
      : [...entitiesOf(after, 'business_satellite'), ...entitiesOf(after, 'business_link_satellite')].some((s) => s.parent === entity && s.derived.some((d) => d.name === p.name));
  return landed ? undefined : 'the compiled model does not contain it';
}

function targetPath(t: NameTarget): SpecPath {
  return ['tables', t.kind === 'hub' ? t.tables[0]! : t.table];
}

/** Text from a model, quoted for a one-line message: control and invisible characters escaped, cut to `max`. */
export function shown(text: string, max = 80): string {
  const safe = visible(text);
  const cut = safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
  return cut.includes("'") ? `"${cut}"` : `'${cut}'`;
}
