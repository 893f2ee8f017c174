import { allEntities, hasErrors, RULES, type RuleId, type VaultModel } from '@vault/core/internal';
import { loadSpecFile } from '@vault/dsl';
import { EXIT } from '../exit.js';
import { bold, printDiagnostics, type Output } from '../output.js';
import { analyze } from '../load.js';

/** `vault explain SPEC [ENTITY]`: why each hub, link, satellite and business key exists. */
export function explainCommand(file: string, entity: string | undefined, o: Output): number {
  const a = analyze(loadSpecFile(file));
  printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined) return EXIT.failed;
  const lines = explainModel(a.model, entity);
  if (lines === undefined) {
    o.err(`vault: no entity named '${entity}' in model '${a.model.name}'`);
    return EXIT.failed;
  }
  for (const l of lines) o.out(l.startsWith('# ') ? bold(o, l.slice(2)) : l);
  return EXIT.ok;
}

export function explainModel(model: VaultModel, entity?: string): string[] | undefined {
  const out: string[] = [];
  const picked = allEntities(model).filter(({ entity: e }) => entity === undefined || e.name === entity);
  if (picked.length === 0) return undefined;
  for (const { layer, entity: e } of picked) {
    out.push(`# ${layer}.${e.kind} ${e.name}`);
    if ('businessKeys' in e && e.kind !== 'presentation_view') out.push(`  business key: ${e.businessKeys.map((k) => k.name).join(', ')}`);
    if (e.kind === 'link' || e.kind === 'business_link') out.push(`  hubs: ${e.hubs.map((h) => (h.role ? `${h.hub} as ${h.role}` : h.hub)).join(', ')}`);
    if ('parent' in e) out.push(`  parent: ${e.parent}`);
    out.push(`  derived from: ${e.derivedFrom.map((r) => `${r.layer}.${r.name}`).join(', ')}`);
    for (const ev of e.evidence) out.push(`  because [${ev.rule}] ${RULES[ev.rule as RuleId] ?? ''}: ${ev.detail}`);
  }
  return out;
}
