/**
 * The documentation target: README.md and the DOT sources of the two diagrams, plus what to
 * draw as SVG. Pure, like every emitter; drawing (`renderDrawings`, svg.ts) is the one
 * asynchronous step, which the CLI awaits.
 */
import type { VaultModel } from '@vault/core';
import { KINDS } from '@vault/core/internal';
import type { EmittedFile } from '../emitted-file.js';
import { lineageDot, tooLargeDot } from './dot.js';
import { rawVaultErDot } from './er.js';
import { lineageGraph } from './lineage.js';
import { DOCS_FILES, docsReadme } from './readme.js';

/**
 * The most nodes a diagram may have to be drawn as SVG. Graphviz's layout time grows faster
 * than the graph (2,000 nodes take a few seconds, 8,000 a minute); past this the SVG is a note
 * that says so, and the DOT file still holds the whole graph.
 */
export const MAX_DRAWN_NODES = 2000;

export interface DocsOptions {
  /** The spec file as the user gave it; README.md names its file name (`specFileName`). */
  readonly specPath: string;
  /** Folder prefix of every path, e.g. `docs/` inside a compile's output; none by default. */
  readonly dir?: string;
}

/** An SVG file to draw, and the DOT text to draw it from. */
export interface Drawing {
  readonly path: string;
  readonly dot: string;
}

export interface DocsOutput {
  /** README.md, lineage.dot and raw_vault_er.dot, sorted by path. */
  readonly files: ReadonlyArray<EmittedFile>;
  /** lineage.svg and raw_vault_er.svg, to be drawn by `renderDrawings`. */
  readonly drawings: ReadonlyArray<Drawing>;
}

/**
 * The same model gives the same bytes.
 * @example
 * const docs = emitDocs(model, { specPath: 'specs/ews.yaml' });
 * const files = [...docs.files, ...(await renderDrawings(docs.drawings))];
 */
export function emitDocs(model: VaultModel, options: DocsOptions): DocsOutput {
  const dir = options.dir ?? '';
  const graph = lineageGraph(model);
  const lineage = lineageDot(graph);
  const er = rawVaultErDot(model);
  const erNodes = model.entities.filter((e) => KINDS[e.kind].layer === 'raw_vault').length;
  const drawable = (dot: string, nodes: number, what: string): string =>
    nodes <= MAX_DRAWN_NODES ? dot : tooLargeDot(`${what} of model ${model.name} has ${nodes} nodes: more than ${MAX_DRAWN_NODES} are not drawn here.`);
  return {
    files: [
      { path: `${dir}${DOCS_FILES.readme}`, content: docsReadme(model, { specPath: options.specPath }) },
      { path: `${dir}${DOCS_FILES.lineageDot}`, content: lineage },
      { path: `${dir}${DOCS_FILES.erDot}`, content: er },
    ],
    drawings: [
      { path: `${dir}${DOCS_FILES.lineageSvg}`, dot: drawable(lineage, graph.nodes.length, 'The lineage') },
      { path: `${dir}${DOCS_FILES.erSvg}`, dot: drawable(er, erNodes, 'The raw vault') },
    ],
  };
}
