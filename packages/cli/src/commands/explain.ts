import {
  dispatch,
  hasErrors,
  qualifiedName,
  RULES,
  type BusinessHub,
  type BusinessLink,
  type Hub,
  type KindHandlers,
  type Link,
  type NonHistorizedLink,
  type RuleId,
  type VaultEntity,
  type VaultModel,
} from '@vault/core/internal';
import { loadSpecFile } from '@vault/dsl';
import { lineageGraph, type LineageGraph, type LineageNode } from '@vault/emitters/internal';
import { nameFailureFields, resolveEntityName } from '../entity-name.js';
import { EXIT, UsageError } from '../exit.js';
import { analyze, loadCompact } from '../load.js';
import { bold, failureJson, printDiagnostics, printJson, sortedDiagnosticsJson, type Output } from '../output.js';

export interface ExplainOptions {
  readonly sourceTables?: string;
  readonly model: string;
  readonly json: boolean;
}

/** Why one entity or source table exists: what `vault explain` prints, as data. */
export interface Explanation {
  readonly id: string;
  readonly layer: LineageNode['layer'];
  readonly kind: LineageNode['kind'];
  readonly name: string;
  readonly businessKey?: ReadonlyArray<string>;
  readonly hubs?: ReadonlyArray<{ readonly hub: string; readonly role?: string }>;
  /** A link's dependent child keys, when it has some. */
  readonly dependentChildKeys?: ReadonlyArray<string>;
  /** A link's driving key (its hash key columns of the driving hubs), when it has one. */
  readonly drivingKey?: ReadonlyArray<string>;
  /** A non-historized link's (or its business link's) event attributes, stored in the link. */
  readonly eventAttributes?: ReadonlyArray<string>;
  readonly parent?: string;
  /** Ids of what it is built from (the manifest's `derived_from`). */
  readonly derivedFrom: ReadonlyArray<string>;
  /** A source table only: ids of what is built from it. */
  readonly feeds?: ReadonlyArray<string>;
  /** A source table only: what the rows loaded from it hold in `record_source`. */
  readonly recordSource?: string;
  readonly evidence: ReadonlyArray<{ readonly rule: string; readonly meaning: string; readonly detail: string }>;
}

/**
 * `vault explain [SPEC] [NAME] [--source-tables STRING] [--json]`: why each hub, link, satellite
 * and business key exists, or one entity or source table, named as `vault graph --entity` names it.
 */
export function explainCommand(args: ReadonlyArray<string>, opts: ExplainOptions, o: Output): number {
  if (opts.sourceTables !== undefined && args.length > 1) throw new UsageError('with --source-tables, vault explain takes no spec file, only an optional entity name');
  if (opts.sourceTables !== undefined && /\.ya?ml$/i.test(args[0] ?? '')) throw new UsageError('give either a spec file or --source-tables, not both');
  if (opts.sourceTables === undefined && args.length === 0) throw new UsageError('vault explain needs a spec file or --source-tables');
  const [spec, entity] = opts.sourceTables !== undefined ? [undefined, args[0]] : [args[0], args[1]];
  const a = analyze(spec !== undefined ? loadSpecFile(spec) : loadCompact(opts.sourceTables!, opts.model));
  if (!opts.json) printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined) {
    const error = `${a.parsed.source.file}: explain stopped; fix the spec first`;
    if (opts.json) printJson(o, failureJson(error, a.diagnostics));
    else o.err(`vault: ${error}`);
    return EXIT.failed;
  }
  const graph = lineageGraph(a.model);
  let nodes: ReadonlyArray<LineageNode>;
  if (entity === undefined) {
    nodes = graph.nodes.filter((n) => n.kind !== 'source_table');
  } else {
    const found = resolveEntityName(graph, entity);
    if (found.kind !== 'found') {
      if (opts.json) printJson(o, failureJson(found.error, a.diagnostics, nameFailureFields(found)));
      else o.err(`vault: ${found.error}`);
      return EXIT.failed;
    }
    nodes = [found.node];
  }
  const explained = nodes.map((n) => explainNode(a.model!, graph, n));
  if (opts.json) {
    printJson(o, { status: 'ok', model: a.model.name, entities: explained.map(explanationJson), diagnostics: sortedDiagnosticsJson(a.diagnostics) });
  } else {
    for (const e of explained) printExplanation(o, e);
  }
  return EXIT.ok;
}

type KindFields = Pick<Explanation, 'businessKey' | 'hubs' | 'dependentChildKeys' | 'drivingKey' | 'eventAttributes' | 'parent'>;

const keyed = (e: Hub | BusinessHub): KindFields => ({ businessKey: e.businessKeys.map((k) => k.name) });
const linked = (e: Link | NonHistorizedLink | BusinessLink): KindFields => ({
  hubs: e.hubs.map((h) => (h.role !== undefined ? { hub: h.hub, role: h.role } : { hub: h.hub })),
  ...(e.dependentChildKeys !== undefined ? { dependentChildKeys: e.dependentChildKeys.map((c) => c.name) } : {}),
  ...(e.kind !== 'non_historized_link' && e.drivingKey !== undefined ? { drivingKey: e.drivingKey } : {}),
});
const events = (e: NonHistorizedLink | BusinessLink): KindFields => {
  const attributes = e.kind === 'non_historized_link' ? e.payload : e.eventAttributes;
  return { ...linked(e), ...(attributes !== undefined ? { eventAttributes: attributes.map((c) => c.name) } : {}) };
};
const described = (e: VaultEntity & { readonly parent: string }): KindFields => ({ parent: e.parent });
const none = (): KindFields => ({});

/** What `vault explain` shows of each kind besides what every entity has. */
const KIND_FIELDS: KindHandlers<KindFields> = {
  hub: keyed,
  link: linked,
  non_historized_link: events,
  satellite: described,
  link_satellite: described,
  effectivity_satellite: (e) => ({ parent: e.parent, drivingKey: e.drivingKey }),
  multi_active_satellite: described,
  status_tracking_satellite: described,
  // Keyed by its code: shown as its business key.
  reference_table: (r) => ({ businessKey: r.codes.map((c) => c.name) }),
  // Keyed by its date.
  snapshot_control: () => ({ businessKey: ['snapshot_date'] }),
  // Keyed by its date and its hub's (link's) hash key.
  pit: (p) => ({ businessKey: ['snapshot_date', p.parentHashKey], parent: p.parent }),
  business_hub: keyed,
  business_link: events,
  business_satellite: described,
  business_link_satellite: described,
  presentation_view: none,
  dimensional_model: none,
  reporting_view: none,
};

export function explainNode(model: VaultModel, graph: LineageGraph, node: LineageNode): Explanation {
  const base = { id: node.id, layer: node.layer, kind: node.kind, name: node.name };
  if (node.kind === 'source_table') {
    const recordSource = model.sources.find((t) => t.name === node.name)?.recordSource;
    return {
      ...base,
      derivedFrom: [],
      feeds: graph.edges.filter((e) => e.from === node.id).map((e) => e.to),
      ...(recordSource !== undefined ? { recordSource } : {}),
      evidence: [],
    };
  }
  const e = model.entities.find((entity) => entity.kind === node.kind && entity.name === node.name);
  // Every entity node of the graph comes from the model's entities: a miss is a bug.
  if (e === undefined) throw new Error(`vault: lineage node ${node.id} has no entity in model ${model.name}`);
  return {
    ...base,
    ...dispatch(e, KIND_FIELDS),
    derivedFrom: e.derivedFrom.map(qualifiedName),
    evidence: e.evidence.map((ev) => ({ rule: ev.rule, meaning: RULES[ev.rule as RuleId] ?? '', detail: ev.detail })),
  };
}

const KIND_WORDS = (kind: LineageNode['kind']): string => kind.replaceAll('_', ' ');

function printExplanation(o: Output, e: Explanation): void {
  o.out(bold(o, `${e.id} (${KIND_WORDS(e.kind)})`));
  if (e.businessKey !== undefined) o.out(`  business key: ${e.businessKey.join(', ')}`);
  if (e.hubs !== undefined) o.out(`  hubs: ${e.hubs.map((h) => (h.role !== undefined ? `${h.hub} as ${h.role}` : h.hub)).join(', ')}`);
  if (e.dependentChildKeys !== undefined) o.out(`  dependent child keys: ${e.dependentChildKeys.join(', ')}`);
  if (e.drivingKey !== undefined) o.out(`  driving key: ${e.drivingKey.join(', ')}`);
  if (e.eventAttributes !== undefined) o.out(`  event attributes: ${e.eventAttributes.join(', ') || 'none'}`);
  if (e.parent !== undefined) o.out(`  parent: ${e.parent}`);
  if (e.kind !== 'source_table') o.out(`  derived from: ${e.derivedFrom.join(', ')}`);
  if (e.feeds !== undefined) o.out(`  feeds: ${e.feeds.length > 0 ? e.feeds.join(', ') : 'nothing'}`);
  if (e.recordSource !== undefined) o.out(`  record source: ${e.recordSource}`);
  for (const ev of e.evidence) o.out(`  because [${ev.rule}] ${ev.meaning}: ${ev.detail}`);
}

/** The `--json` form: snake_case keys like manifest.json, absent fields left out. */
function explanationJson(e: Explanation): unknown {
  return {
    id: e.id,
    layer: e.layer,
    kind: e.kind,
    name: e.name,
    ...(e.businessKey !== undefined ? { business_key: e.businessKey } : {}),
    ...(e.hubs !== undefined ? { hubs: e.hubs } : {}),
    ...(e.dependentChildKeys !== undefined ? { dependent_child_keys: e.dependentChildKeys } : {}),
    ...(e.drivingKey !== undefined ? { driving_key: e.drivingKey } : {}),
    ...(e.eventAttributes !== undefined ? { event_attributes: e.eventAttributes } : {}),
    ...(e.parent !== undefined ? { parent: e.parent } : {}),
    derived_from: e.derivedFrom,
    ...(e.feeds !== undefined ? { feeds: e.feeds } : {}),
    ...(e.recordSource !== undefined ? { record_source: e.recordSource } : {}),
    evidence: e.evidence,
  };
}
