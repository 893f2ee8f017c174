/**
 * Pipeline flow: raw vault derives only from source tables, the
 * business vault only from the raw vault (and its as-of tables from the snapshot control's
 * dates), the access layer only from the business vault;
 * every derivedFrom resolves; no cycles; a stage-only model is a prefix of the pipeline.
 */
import { byCodeUnit } from '../compare.js';
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { EntityRef, Layer } from '../ir/common.js';
import { allEntities } from '../ir/entities.js';
import type { VaultModel } from '../ir/model.js';
import { refKey } from './entities.js';

const FEEDS = {
  source: undefined,
  raw_vault: 'source',
  business_vault: 'raw_vault',
  access_layer: 'business_vault',
} as const satisfies Record<Layer, Layer | undefined>;

const STAGE_OF = { source: undefined, raw_vault: 'raw', business_vault: 'business', access_layer: 'access' } as const satisfies Record<Layer, string | undefined>;

export function validatePipelineFlow(m: VaultModel): PathDiagnostic[] {
  const out: PathDiagnostic[] = [];
  const at = ['model'];
  const entities = allEntities(m);
  const nodes = new Nodes();
  for (const s of m.sources) nodes.of({ layer: 'source', kind: 'source_table', name: s.name });
  const selves = entities.map(({ layer, entity }) => nodes.of({ layer, kind: entity.kind, name: entity.name }));
  const known = nodes.count(); // nodes numbered from here on are references to nothing
  const edges = new Map<number, number[]>();
  for (const [i, { layer, entity }] of entities.entries()) {
    const self = selves[i]!;
    const stage = STAGE_OF[layer];
    if (stage !== undefined && !m.stages.includes(stage)) out.push(pathDiag('VLT504', at, `${entity.kind} '${entity.name}' belongs to the ${stage} stage, which was not compiled`));
    // The snapshot control alone derives from no data: its rows come from the spec's settings and the batch's date.
    if (entity.derivedFrom.length === 0 && entity.kind !== 'snapshot_control') out.push(pathDiag('VLT502', at, `${entity.kind} '${entity.name}' derives from nothing`));
    for (const r of entity.derivedFrom) {
      // The snapshot control's dates feed the as-of tables beside it (point-in-time tables).
      const dates = layer === 'business_vault' && r.layer === 'business_vault' && r.kind === 'snapshot_control';
      if (r.layer !== FEEDS[layer] && !dates)
        out.push(pathDiag('VLT501', at, `${entity.kind} '${entity.name}' in the ${layer} derives from ${refKey(r)}; it may derive only from the ${FEEDS[layer]}`));
      const target = nodes.of(r);
      if (target >= known) out.push(pathDiag('VLT502', at, `${entity.kind} '${entity.name}' derives from ${refKey(r)}, which does not exist`));
      const targets = edges.get(self);
      if (targets === undefined) edges.set(self, [target]);
      else targets.push(target);
    }
  }
  const cycle = findCycle(edges, (n) => nodes.key(n));
  if (cycle) out.push(pathDiag('VLT503', at, `cycle in the pipeline: ${cycle.join(' → ')}`));
  return out;
}

type Node = Pick<EntityRef, 'layer' | 'kind' | 'name'>;

/**
 * The nodes of the pipeline, numbered as first seen and found by layer, kind and name: a
 * `refKey` string built and hashed for every reference cost more than all the checks at
 * 70,000 entities. Two nodes are the same exactly when their `refKey`s are.
 */
class Nodes {
  private readonly numbers = new Map<Layer, Map<string, Map<string, number>>>();
  private readonly nodes: Node[] = [];

  of(node: Node): number {
    let kinds = this.numbers.get(node.layer);
    if (kinds === undefined) this.numbers.set(node.layer, (kinds = new Map()));
    let names = kinds.get(node.kind);
    if (names === undefined) kinds.set(node.kind, (names = new Map()));
    let n = names.get(node.name);
    if (n === undefined) {
      n = this.nodes.push(node) - 1;
      names.set(node.name, n);
    }
    return n;
  }

  count(): number {
    return this.nodes.length;
  }

  key(n: number): string {
    return refKey(this.nodes[n]!);
  }
}

/** The first cycle found, as node keys, starting from the nodes in key order. */
function findCycle(edges: ReadonlyMap<number, ReadonlyArray<number>>, key: (n: number) => string): string[] | undefined {
  const state = new Map<number, 'open' | 'done'>();
  const stack: number[] = [];
  const visit = (n: number): number[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const next of edges.get(n) ?? []) {
      const c = visit(next);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  const roots = [...edges.keys()].map((n) => [key(n), n] as const).sort(([a], [b]) => byCodeUnit(a, b));
  for (const [, n] of roots) {
    const c = visit(n);
    if (c) return c.map(key);
  }
  return undefined;
}
