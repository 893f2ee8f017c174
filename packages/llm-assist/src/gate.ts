/**
 * The acceptance gate: a proposal is applied to the spec text, the result goes through the
 * same parser, schema, validators and inference as a hand-written spec (`analyzeSpec`), and
 * it is accepted only when that adds no diagnostic and the model changes only as intended.
 */
import {
  KINDS,
  dispatch,
  severityOf,
  type BusinessHub,
  type BusinessLink,
  type BusinessLinkSatellite,
  type BusinessSatellite,
  type Diagnostic,
  type DiagnosticCode,
  type KindHandlers,
  type LinkSatellite,
  type Satellite,
  type Spec,
  type VaultLayer,
  type VaultModel,
} from '@vault/core/internal';
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

const src = (s: { readonly table: string; readonly columns: ReadonlyArray<string> }): string => `${s.table}(${s.columns.join(',')})`;
const rawSatellite = (s: Satellite | LinkSatellite): ReadonlyArray<string> => [`${s.kind} ${src(s.source)} ${s.sensitive ? 'sensitive' : ''} ${s.payload.map((c) => c.sourceColumn).join(',')}`];
const rules = (s: BusinessSatellite | BusinessLinkSatellite): ReadonlyArray<string> => s.derived.map((d) => `derived ${d.name} ${d.text}`);
const filter = (e: BusinessHub | BusinessLink): ReadonlyArray<string> => (e.filter ? [`filter ${e.filter.text}`] : []);
/** Access-layer entities follow from the spec's access layer, which a suggestion does not touch. */
const none = (): ReadonlyArray<string> => [];

/** What each kind of entity is made of, its name left out. */
const SHAPES: KindHandlers<ReadonlyArray<string>> = {
  hub: (h) => [`hub ${h.sources.map(src).join(' ')} key ${h.businessKeys.map((k) => k.name).join(',')}`],
  link: (l) => [`link ${l.sources.map(src).join(' ')} roles ${l.hubs.map((h) => h.role ?? '').join(',')}`],
  non_historized_link: (l) => [
    `non_historized_link ${l.sources.map(src).join(' ')} roles ${l.hubs.map((h) => h.role ?? '').join(',')} attributes ${l.payload.map((c) => c.sourceColumn).join(',')} sensitive ${(l.sensitiveColumns ?? []).join(',')}`,
  ],
  satellite: rawSatellite,
  link_satellite: rawSatellite,
  effectivity_satellite: (e) => [`effectivity_satellite ${src(e.source)} driving ${e.drivingKey.length}`],
  multi_active_satellite: (s) => [`multi_active_satellite ${src(s.source)} key ${s.multiActiveKey.map((c) => c.sourceColumn).join(',')} ${s.sensitive ? 'sensitive' : ''}`],
  status_tracking_satellite: (s) => [`status_tracking_satellite ${src(s.source)} ${s.batches} ${s.deletes?.column ?? ''}`],
  reference_table: (r) => [`reference_table ${src(r.source)} ${r.attributes.map((c) => c.sourceColumn).join(',')}`],
  // Its settings are the spec's snapshots:, which a suggestion does not touch.
  snapshot_control: none,
  // Its settings are the spec's business_vault.pits, which a suggestion does not touch.
  pit: none,
  business_hub: filter,
  business_link: filter,
  business_satellite: rules,
  business_link_satellite: rules,
  presentation_view: none,
  dimensional_model: none,
  reporting_view: none,
};

/**
 * The model (or one `layer` of it) with every entity name left out: what each hub, link and
 * satellite is made of. Equal shapes mean a change renamed things and nothing else; also the
 * business rules already in the spec must all still be there.
 */
export function shapeOf(m: VaultModel, layer?: VaultLayer): string {
  const entities = layer === undefined ? m.entities : m.entities.filter((e) => KINDS[e.kind].layer === layer);
  return entities
    .flatMap((e) => dispatch(e, SHAPES))
    .sort()
    .join('\n');
}
