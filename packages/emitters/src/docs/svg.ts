/**
 * DOT → SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no browser, no network, no
 * Graphviz install. The only asynchronous step of the documentation target, kept out of the
 * emitters: loading the WebAssembly module is a promise, rendering with it is not.
 */
import type { Viz } from '@viz-js/viz';
import type { EmittedFile } from '../emitted-file.js';
import type { Drawing } from './emit.js';

// Loaded on first use and kept: `vault check` and `vault compile` without docs never pay for it.
let graphviz: Promise<Viz> | undefined;

/**
 * The SVG drawing of a DOT graph. Deterministic for one Graphviz version (the SVG names it).
 * A DOT text Graphviz rejects is a bug in the caller: it throws.
 * @example (await renderSvg('digraph { a -> b }')).includes('<svg') // true
 */
export async function renderSvg(dot: string): Promise<string> {
  graphviz ??= import('@viz-js/viz').then((m) => m.instance());
  const result = (await graphviz).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new Error(`vault: Graphviz could not draw a generated diagram: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}

/**
 * The SVG files of `emitDocs(...).drawings`, in their order.
 * @example await renderDrawings(emitDocs(model, { specPath }).drawings) // [{ path: 'lineage.svg', ... }, { path: 'raw_vault_er.svg', ... }]
 */
export async function renderDrawings(drawings: ReadonlyArray<Drawing>): Promise<EmittedFile[]> {
  const out: EmittedFile[] = [];
  for (const d of drawings) out.push({ path: d.path, content: await renderSvg(d.dot) });
  return out;
}
