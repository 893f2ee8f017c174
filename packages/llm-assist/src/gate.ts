/**
 * The acceptance gate: a proposal is applied to the spec text, the result goes through the
 * same parser, schema, validators and inference as a hand-written spec (`analyzeSpec`), and
 * it is accepted only when that adds no diagnostic and the model changes only as intended.
 */
import { severityOf, type Diagnostic, type DiagnosticCode, type Spec, type VaultModel } from '@vault/core/internal';
import { addYamlKeys, analyzeSpec, parseSpecYaml, type YamlAddition } from '@vault/dsl/internal';

export interface GateState {
  readonly file: string;
  /** The spec with every proposal accepted so far. */
  text: string;
  spec: Spec;
  model: VaultModel;
  /** How many diagnostics of each code the current text has. */
  counts: Map<DiagnosticCode, number>;
}

export type GateResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function gateState(file: string, text: string, spec: Spec, model: VaultModel, diagnostics: ReadonlyArray<Diagnostic>): GateState {
  return { file, text, spec, model, counts: countCodes(diagnostics) };
}

/**
 * Tries `additions` on the current text; on success the state moves on to the new text.
 * `intended(before, after)` says what is wrong with the new model, if anything.
 */
export function tryAdditions(state: GateState, additions: ReadonlyArray<YamlAddition>, intended: (before: VaultModel, after: VaultModel) => string | undefined): GateResult {
  const edited = addYamlKeys(state.text, additions);
  if (!edited.ok) return { ok: false, reason: `it cannot be written into the spec: ${edited.message}` };
  const parsed = parseSpecYaml(edited.text, state.file);
  const analysis = analyzeSpec(parsed);
  const counts = countCodes(analysis.diagnostics);
  for (const d of analysis.diagnostics) {
    if ((counts.get(d.code) ?? 0) > (state.counts.get(d.code) ?? 0)) {
      return { ok: false, reason: `the spec would get ${severityOf(d.code)} ${d.code}: ${d.message}` };
    }
  }
  if (analysis.model === undefined || parsed.spec === undefined) return { ok: false, reason: 'the spec would no longer compile' };
  const wrong = intended(state.model, analysis.model);
  if (wrong !== undefined) return { ok: false, reason: wrong };
  state.text = edited.text;
  state.spec = parsed.spec;
  state.model = analysis.model;
  state.counts = counts;
  return { ok: true };
}

function countCodes(diagnostics: ReadonlyArray<Diagnostic>): Map<DiagnosticCode, number> {
  const counts = new Map<DiagnosticCode, number>();
  for (const d of diagnostics) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return counts;
}

/**
 * The raw vault with every entity name left out: what each hub, link and satellite is made
 * of. Equal shapes mean a change renamed things and nothing else; also the business rules
 * already in the spec must all still be there.
 */
export function shapeOf(m: VaultModel): string {
  const src = (s: { table: string; columns: ReadonlyArray<string> }): string => `${s.table}(${s.columns.join(',')})`;
  const lines = [
    ...m.rawVault.hubs.map((h) => `hub ${h.sources.map(src).join(' ')} key ${h.businessKeys.map((k) => k.name).join(',')}`),
    ...m.rawVault.links.map((l) => `link ${l.sources.map(src).join(' ')} roles ${l.hubs.map((h) => h.role ?? '').join(',')}`),
    ...[...m.rawVault.satellites, ...m.rawVault.linkSatellites].map((s) => `${s.kind} ${src(s.source)} ${s.sensitive ? 'sensitive' : ''} ${s.payload.map((c) => c.sourceColumn).join(',')}`),
    ...[...m.businessVault.satellites, ...m.businessVault.linkSatellites].flatMap((s) => s.derived.map((d) => `derived ${d.name} ${d.text}`)),
    ...[...m.businessVault.hubs, ...m.businessVault.links].flatMap((e) => (e.filter ? [`filter ${e.filter.text}`] : [])),
  ];
  return lines.sort().join('\n');
}
