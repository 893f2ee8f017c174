/**
 * Graphviz DOT: the quoting of the format, and the lineage graph printed in it. Every id and
 * label goes through `dotString` (or `dotHtml` inside an HTML-like label) and nowhere else.
 */
import { CodeWriter } from '../writer.js';
import { LINEAGE_LAYERS, type LineageGraph, type LineageNode } from './lineage.js';
import { DIAGRAM_FONT, KIND_STYLES, LAYER_TITLES } from './style.js';

/**
 * A DOT double-quoted string. A backslash is doubled so that Graphviz's label escapes
 * (`\N`, `\G`, `\l`, ...) never fire on a name; a line break becomes `\n` (a centred line).
 * @example dotString('say "hi"\\N') // '"say \\"hi\\"\\\\N"'
 */
export function dotString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')}"`;
}

/**
 * Text inside an HTML-like label (`<...>`), where Graphviz reads XML entities.
 * @example dotHtml('a < b & c') // 'a &lt; b &amp; c'
 */
export function dotHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** `key=value, ...` with every value quoted. */
export function dotAttributes(attributes: ReadonlyArray<readonly [string, string]>): string {
  return attributes.map(([k, v]) => `${k}=${dotString(v)}`).join(', ');
}

export interface LineageDotOptions {
  /** A node to draw heavier: the one `vault graph --entity` asked about. */
  readonly focus?: string;
}

/**
 * The lineage graph as DOT, left to right, one cluster per layer.
 * @example lineageDot(lineageGraph(model)).startsWith('digraph lineage {') // true
 */
export function lineageDot(graph: LineageGraph, options: LineageDotOptions = {}): string {
  const w = new CodeWriter('  ');
  w.line('digraph lineage {');
  w.block(() => {
    w.line(
      `graph [${dotAttributes([
        ['label', `Lineage of model ${graph.model}`],
        ['labelloc', 't'],
        ['rankdir', 'LR'],
        ['newrank', 'true'],
        ['nodesep', '0.3'],
        ['ranksep', '0.9'],
        ['fontname', DIAGRAM_FONT],
        ['fontsize', '16'],
      ])}];`,
    );
    w.line(
      `node [${dotAttributes([
        ['fontname', DIAGRAM_FONT],
        ['fontsize', '11'],
        ['penwidth', '1.2'],
      ])}];`,
    );
    w.line(
      `edge [${dotAttributes([
        ['color', '#6b7280'],
        ['arrowsize', '0.7'],
      ])}];`,
    );
    for (const layer of LINEAGE_LAYERS) {
      const nodes = graph.nodes.filter((n) => n.layer === layer);
      if (nodes.length === 0) continue;
      w.blank();
      w.line(`subgraph ${dotString(`cluster_${layer}`)} {`);
      w.block(() => {
        w.line(
          `graph [${dotAttributes([
            ['label', LAYER_TITLES[layer]],
            ['style', 'rounded,dashed'],
            ['color', '#9ca3af'],
            ['fontsize', '13'],
          ])}];`,
        );
        for (const n of nodes) w.line(`${dotString(n.id)} [${dotAttributes(nodeAttributes(n, n.id === options.focus))}];`);
      });
      w.line('}');
    }
    if (graph.edges.length > 0) w.blank();
    for (const e of graph.edges) w.line(`${dotString(e.from)} -> ${dotString(e.to)};`);
  });
  w.line('}');
  return w.toString();
}

function nodeAttributes(n: LineageNode, focus: boolean): Array<readonly [string, string]> {
  const s = KIND_STYLES[n.kind];
  return [
    ['label', `${n.name}\n${s.label}`],
    ['shape', s.dotShape],
    ['style', s.dotStyle],
    ['fillcolor', s.fill],
    ['color', focus ? '#dc2626' : s.stroke],
    ...(focus ? [['penwidth', '3'] as const] : []),
  ];
}

/**
 * A one-node drawing that stands in for a diagram too large to lay out: the note says why and
 * where the whole graph is.
 * @example tooLargeDot('The lineage of model big has 9000 nodes.')
 */
export function tooLargeDot(reason: string): string {
  const w = new CodeWriter('  ');
  w.line('digraph too_large {');
  w.block(() => {
    const text = `${reason}\nThe .dot file next to this one holds the whole graph, for Graphviz;\n\`vault graph SPEC --entity NAME\` prints the part around one entity.`;
    w.line(
      `note [${dotAttributes([
        ['label', text],
        ['shape', 'note'],
        ['fontname', DIAGRAM_FONT],
        ['fontsize', '12'],
      ])}];`,
    );
  });
  w.line('}');
  return w.toString();
}
