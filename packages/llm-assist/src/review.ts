/**
 * Each proposal is checked on its own, in the order the model gave them: explicit checks
 * first (a known target, a safe and unique name, an expression that parses and type-checks),
 * then the acceptance gate. A proposal that fails is dropped with a warning that says why;
 * the others still count.
 */
import {
  checkIdentifier,
  derivedColumnType,
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
import type { NameTarget, RuleTarget, Targets } from './targets.js';

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
  /** How many times the gate analysed the whole spec (`tryAdditions`). */
  analyses: number;
}

/** Descriptions are one plain sentence: they reach manifests, docs and generated comments. */
const MAX_DESCRIPTION = 300;
const DESCRIPTION_CHARS = /^[\p{L}\p{N} .,:;()'\u2019%&+/-]+$/u;

/** What the names accepted so far take, as the checks of later proposals see them. */
interface NamesSoFar {
  /** `kind:current` of every proposal seen: the first for an entity counts. */
  readonly seen: Set<string>;
  /** The new names accepted, lower-cased. */
  readonly newNames: Set<string>;
}

/** A proposal that passed its own checks, what it adds to the spec, and the reviewer's line. */
interface Candidate {
  readonly additions: ReadonlyArray<YamlAddition>;
  readonly line: string;
  readonly reject: (code: RejectionCode, why: string) => void;
}

/** Reviews proposed names and descriptions: each is checked on its own, then through the gate (`throughGate`). */
export function reviewNames(state: GateState, targets: Targets, answer: NamesAnswer, options: { readonly batch?: boolean } = {}): Review {
  const sameShape = (before: VaultModel, after: VaultModel): string | undefined => (shapeOf(before) === shapeOf(after) ? undefined : 'it would change what the model is made of, not only names');
  return throughGate<NameProposal, NamesSoFar, Candidate & { readonly newName: string | undefined }>(state, options, {
    proposals: answer.proposals,
    start: () => ({ seen: new Set(), newNames: new Set() }),
    copy: (soFar) => ({ seen: new Set(soFar.seen), newNames: new Set(soFar.newNames) }),
    check: (p, soFar, review) => checkName(p, targets, soFar, review),
    accepted: (c, soFar) => {
      if (c.newName !== undefined) soFar.newNames.add(c.newName);
    },
    intended: () => sameShape,
  });
}

function checkName(p: NameProposal, targets: Targets, soFar: NamesSoFar, review: Review): (Candidate & { readonly newName: string | undefined }) | undefined {
  const target = targets.names.find((t) => t.kind === p.kind && t.name === p.current);
  const reject = (code: RejectionCode, why: string): undefined => {
    review.rejections.push({ code, path: target ? targetPath(target) : ['tables'], message: `proposal for ${p.kind} ${shown(p.current)} dropped: ${why}` });
    return undefined;
  };
  if (target === undefined) return reject('VLT715', `the model has no ${p.kind} of that name whose name vault may propose (it does not exist, or the spec already names or uses it)`);
  if (soFar.seen.has(`${p.kind}:${p.current}`)) return reject('VLT715', `a second proposal for the same ${p.kind}; the first one counts`);
  soFar.seen.add(`${p.kind}:${p.current}`);

  const additions: YamlAddition[] = [];
  const parts: string[] = [];
  const renamed = p.name !== p.current;
  if (renamed) {
    const problem = checkIdentifier(p.name, p.kind);
    if (problem !== undefined) return reject('VLT711', problem.message);
    const lower = p.name.toLowerCase();
    if ((targets.taken.has(lower) && lower !== p.current.toLowerCase()) || soFar.newNames.has(lower)) return reject('VLT712', `the name '${p.name}' is already taken by another entity of the model`);
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
  if (additions.length === 0) return undefined;
  return { additions, line: parts.join('; '), reject: (code, why) => void reject(code, why), newName: renamed ? p.name.toLowerCase() : undefined };
}

interface GateSteps<P, S, C extends Candidate> {
  readonly proposals: ReadonlyArray<P>;
  /** The state of the checks before the first proposal. */
  readonly start: () => S;
  readonly copy: (soFar: S) => S;
  /** A proposal's own checks against `soFar` (its rejections go into `review`). */
  readonly check: (p: P, soFar: S, review: Review) => C | undefined;
  /** Records an accepted candidate for the checks after it (`after`: the model with it, when it went through alone). */
  readonly accepted: (c: C, soFar: S, after: VaultModel | undefined) => void;
  /** What is wrong with the model after `candidates`, if anything (`together`: they were checked assuming each other). */
  readonly intended: (candidates: ReadonlyArray<C>, together: boolean) => (before: VaultModel, after: VaultModel) => string | undefined;
}

/**
 * The gate analyses the whole spec (`tryAdditions`), so the proposals go through it together, in
 * one analysis: each is checked on its own as if those before it were accepted, and when the
 * gate accepts them all (no diagnostic added, the model as intended), all are. When it does not,
 * the proposals are split in two halves, taken in order the same way, down to single proposals,
 * which go through alone against the spec with every proposal before them that was accepted: so
 * only the ones to blame are dropped (VLT716), in a number of analyses that grows with how many
 * are to blame, not with how many there are. `batch: false` takes every proposal alone (tests
 * compare the two).
 */
function throughGate<P, S, C extends Candidate>(state: GateState, options: { readonly batch?: boolean }, steps: GateSteps<P, S, C>): Review {
  const review: Review = { accepted: [], rejections: [], analyses: 0 };
  let soFar = steps.start();
  /** The spec keys accepted proposals write: a key is not written again, said as the edit of the spec says it. */
  let written = new Set<string>();
  const writtenBefore = (c: C, keys: ReadonlySet<string>): boolean => {
    const again = c.additions.find((a) => keys.has(a.path.join('\0')));
    if (again !== undefined) c.reject('VLT716', `it cannot be written into the spec: '${again.path.join('.')}' is already set`);
    return again !== undefined;
  };
  const write = (c: C, keys: Set<string>): void => {
    for (const a of c.additions) keys.add(a.path.join('\0'));
  };
  const alone = (p: P): void => {
    const c = steps.check(p, soFar, review);
    if (c === undefined || writtenBefore(c, written)) return;
    review.analyses++;
    const gate = tryAdditions(state, c.additions, steps.intended([c], false));
    if (!gate.ok) {
      c.reject('VLT716', gate.reason);
      return;
    }
    write(c, written);
    steps.accepted(c, soFar, state.model);
    review.accepted.push(c.line);
  };
  const together = (ps: ReadonlyArray<P>): void => {
    // Two go alone: together and refused, they would take three analyses.
    if (ps.length <= 2) return ps.forEach(alone);
    const trialSoFar = steps.copy(soFar);
    const trialWritten = new Set(written);
    const trial: Review = { accepted: [], rejections: [], analyses: 0 };
    const candidates: C[] = [];
    for (const p of ps) {
      const c = steps.check(p, trialSoFar, trial);
      if (c === undefined || writtenBefore(c, trialWritten)) continue;
      write(c, trialWritten);
      steps.accepted(c, trialSoFar, undefined);
      candidates.push(c);
      trial.accepted.push(c.line);
    }
    if (candidates.length > 0) {
      review.analyses++;
      if (
        !tryAdditions(
          state,
          candidates.flatMap((c) => c.additions),
          steps.intended(candidates, true),
        ).ok
      ) {
        const half = Math.ceil(ps.length / 2);
        together(ps.slice(0, half));
        together(ps.slice(half));
        return;
      }
    }
    soFar = trialSoFar;
    written = trialWritten;
    review.accepted.push(...trial.accepted);
    review.rejections.push(...trial.rejections);
  };
  if (options.batch === false) for (const p of steps.proposals) alone(p);
  else if (steps.proposals.length > 0) together(steps.proposals);
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

/** A proposed rule that passed every check of its own, and what it adds to the spec. */
interface RuleCandidate extends Candidate {
  readonly p: RuleProposal;
  readonly target: RuleTarget;
  /** The type the expression checked as: a derived attribute's, for the rules after it. */
  readonly type: ColumnType;
}

/** The rules each target has gained so far (derived attributes, filters), as the checks of later proposals see them. */
interface RulesSoFar {
  readonly added: Map<string, Column[]>;
  readonly filtered: Set<string>;
}

/**
 * Reviews proposed business rules: each is checked on its own (its name, its expression's
 * syntax, types and characters), then through the gate (`throughGate`). Together, each rule must
 * also get the type it was checked with, since the checks of the rules after it used that type.
 */
export function reviewRules(state: GateState, targets: Targets, answer: RulesAnswer, options: { readonly batch?: boolean } = {}): Review {
  return throughGate<RuleProposal, RulesSoFar, RuleCandidate>(state, options, {
    proposals: answer.proposals,
    start: () => ({ added: new Map(), filtered: new Set() }),
    copy: (soFar) => ({ added: new Map(soFar.added), filtered: new Set(soFar.filtered) }),
    check: (p, soFar, review) => checkRule(p, targets, soFar, review),
    accepted: (c, soFar, after) => {
      if (c.p.kind === 'filter') soFar.filtered.add(c.target.name);
      else
        soFar.added.set(c.target.name, [
          ...(soFar.added.get(c.target.name) ?? []),
          { name: c.p.name, type: after === undefined ? c.type : (derivedOf(after, c)?.type ?? { kind: 'text' }), nullable: true },
        ]);
    },
    intended: (candidates, together) => (before, after) => {
      if (shapeOf(before, 'raw_vault') !== shapeOf(after, 'raw_vault')) return 'it would change the raw vault';
      for (const c of candidates) {
        const landed =
          c.p.kind === 'filter'
            ? [...entitiesOf(after, 'business_hub'), ...entitiesOf(after, 'business_link')].some((e) => e.name === c.target.name && e.filter !== undefined)
            : derivedOf(after, c) !== undefined;
        if (!landed) return 'the compiled model does not contain it';
        if (together && c.p.kind === 'derive' && JSON.stringify(derivedOf(after, c)?.type) !== JSON.stringify(c.type))
          return `the derived attribute '${c.p.name}' does not get the type it was checked with`;
      }
      return undefined;
    },
  });
}

/** The derived attribute a candidate adds, as the model has it. */
function derivedOf(m: VaultModel, c: RuleCandidate): { readonly type: ColumnType } | undefined {
  return [...entitiesOf(m, 'business_satellite'), ...entitiesOf(m, 'business_link_satellite')].find((s) => s.parent === c.target.name)?.derived.find((d) => d.name === c.p.name);
}

/** The checks of one proposed rule on its own, against the rules accepted so far; a rejection goes into `review`. */
function checkRule(p: RuleProposal, targets: Targets, soFar: RulesSoFar, review: Review): RuleCandidate | undefined {
  const target = targets.rules.find((t) => t.name === p.entity);
  const what = p.kind === 'filter' ? `filter for ${shown(p.entity)}` : `derived attribute ${shown(p.name)} of ${shown(p.entity)}`;
  const reject = (code: RejectionCode, why: string): undefined => {
    review.rejections.push({ code, path: ['business_vault', 'rules', ...(target ? [target.name] : [])], message: `proposed ${what} dropped: ${why}` });
    return undefined;
  };
  if (target === undefined) return reject('VLT715', 'it is not a hub or link of this model');
  const derivedNow = [...target.derived, ...(soFar.added.get(target.name) ?? [])];
  if (p.kind === 'filter' && (target.hasFilter || soFar.filtered.has(target.name))) return reject('VLT715', `${target.kind} '${target.name}' already has a filter; vault does not replace it`);
  if (p.kind === 'derive') {
    const problem = checkIdentifier(p.name, 'derived attribute');
    if (problem !== undefined) return reject('VLT711', problem.message);
    if ([...target.columns, ...derivedNow].some((c) => c.name.toLowerCase() === p.name.toLowerCase())) {
      return reject('VLT712', `'${target.name}' already has a column or derived attribute named '${p.name}'`);
    }
    // Every business satellite also has its parent's hash key and the Data Vault metadata columns.
    if ([`${target.name}_hk`, ...Object.values(METADATA_COLUMNS)].includes(p.name.toLowerCase())) {
      return reject('VLT712', `'${p.name}' is a column every business satellite of '${target.name}' already has`);
    }
  }
  const parsed = parseExpression(p.expression);
  if (parsed.expr === undefined) {
    const first = parsed.errors[0];
    return reject('VLT713', `${shown(p.expression)} is not an expression of the rule language (${first?.message ?? 'empty'})`);
  }
  // A derived attribute reads keys and satellite columns; a filter may also read derived attributes.
  const readable = p.kind === 'filter' ? [...target.columns, ...derivedNow] : target.columns;
  const env = new Map<string, ColumnType>(readable.map((c) => [c.name, c.type]));
  const checked = typecheckExpression(parsed.expr, env, p.kind === 'filter' ? { expect: 'boolean' } : {});
  if (checked.errors.length > 0 || checked.type === undefined) {
    return reject('VLT714', `${shown(p.expression)}: ${checked.errors[0]?.message ?? 'its type cannot be decided'}`);
  }
  const canonical = printExpression(parsed.expr);
  // Only string literals keep characters as given: one the diff cannot show is not reviewable.
  const hidden = firstHidden(canonical);
  if (hidden !== undefined) {
    return reject('VLT713', `${shown(p.expression)} contains the control or invisible character ${hidden}, which a reviewer cannot see in the diff; a proposed rule is printable text`);
  }
  const path = p.kind === 'filter' ? ['business_vault', 'rules', target.name, 'filter'] : ['business_vault', 'rules', target.name, 'derive', p.name];
  const rationale = p.rationale.replace(/\s+/g, ' ').trim();
  return {
    p,
    target,
    additions: [{ path, value: canonical }],
    line: `${p.kind === 'filter' ? `filter of ${target.name}` : `${target.name}.${p.name}`} = ${canonical}${rationale ? `  (${shown(rationale, 120).slice(1, -1)})` : ''}`,
    reject: (code, why) => void reject(code, why),
    type: derivedColumnType(checked.type),
  };
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
