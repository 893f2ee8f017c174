/**
 * Documentation and lineage: the lineage graph of a model and its printers (Mermaid, DOT,
 * JSON), the raw vault ER diagram, the README, and the one asynchronous step, DOT → SVG.
 */
export { lineageGraph, LINEAGE_KINDS, LINEAGE_LAYERS, type LineageEdge, type LineageGraph, type LineageKind, type LineageNode } from './lineage.js';
export { findLineageNode, nodeSpellings, selectLineage, type LineageDirection, type NodeLookup } from './select.js';
export { dotHtml, dotString, lineageDot, tooLargeDot, type LineageDotOptions } from './dot.js';
export { lineageMermaid, mermaidId, mermaidText, type LineageMermaidOptions } from './mermaid.js';
export { lineageJson, lineageJsonValue, type LineageJsonOptions } from './json.js';
export { rawVaultErDot, rawVaultErMermaid } from './er.js';
export { columnLineage, type ColumnLineage, type ColumnOrigin, type ColumnRef } from './column-lineage.js';
export { mdCode, mdText } from './markdown.js';
export { DOCS_FILES, docsReadme, type ReadmeOptions } from './readme.js';
export { emitDocs, MAX_DRAWN_NODES, type DocsOptions, type DocsOutput, type Drawing } from './emit.js';
export { renderDrawings, renderSvg } from './svg.js';
