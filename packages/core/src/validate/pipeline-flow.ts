/**
 * Pipeline flow (seed 8.2, made stronger): raw vault derives only from source tables, the
 * business vault only from the raw vault, the access layer only from the business vault;
 * every derivedFrom resolves; no cycles; a stage-only model is a prefix of the pipeline.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Layer } from '../ir/common.js';
import type { VaultModel } from '../ir/model.js';
import { allEntities, refKey } from './entities.js';

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
  const known = new Set([...m.sources.map((s) => refKey({ layer: 'source', kind: 'source_table', name: s.name })), ...entities.map(({ layer, entity }) => refKey({ layer, kind: entity.kind, name: entity.name }))]);
  const edges = new Map<string, string[]>();
  for (const { layer, entity } of entities) {
    const self = refKey({ layer, kind: entity.kind, name: entity.name });
    const stage = STAGE_OF[layer];
    if (stage !== undefined && !m.stages.includes(stage)) out.push(pathDiag('VLT504', at, `${entity.kind} '${entity.name}' belongs to the ${stage} stage, which was not compiled`));
    if (entity.derivedFrom.length === 0) out.push(pathDiag('VLT502', at, `${entity.kind} '${entity.name}' derives from nothing`));
    for (const r of entity.derivedFrom) {
      const key = refKey(r);
      if (r.layer !== FEEDS[layer]) out.push(pathDiag('VLT501', at, `${entity.kind} '${entity.name}' in the ${layer} derives from ${key}; it may derive only from the ${FEEDS[layer]}`));
      if (!known.has(key)) out.push(pathDiag('VLT502', at, `${entity.kind} '${entity.name}' derives from ${key}, which does not exist`));
      edges.set(self, [...(edges.get(self) ?? []), key]);
    }
  }
  const cycle = findCycle(edges);
  if (cycle) out.push(pathDiag('VLT503', at, `cycle in the pipeline: ${cycle.join(' → ')}`));
  return out;
}

function findCycle(edges: ReadonlyMap<string, ReadonlyArray<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
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
  for (const n of [...edges.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
