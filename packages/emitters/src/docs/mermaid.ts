/**
 * Mermaid: the quoting of the format, and the lineage graph printed as a flowchart (what the
 * usual code hosts render inside a ```mermaid block).
 */
import { CodeWriter } from '../writer.js';
import { LINEAGE_KINDS, LINEAGE_LAYERS, type LineageGraph } from './lineage.js';
import { KIND_STYLES, LAYER_TITLES } from './style.js';

/**
 * Text for a quoted Mermaid label (`id["..."]`) or comment. Anything but letters, digits,
 * space and `_ . , : / + = * ( ) -` becomes an entity code (`#34;`), which Mermaid decodes:
 * quotes, brackets, `#`, `;`, `<`, `&` and line breaks can then never end the label or
 * inject markup.
 * @example mermaidText('a "b" #1') // 'a #34;b#34; #35;1'
 */
export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text) out += /^[A-Za-z0-9 _.,:/+=*()-]$/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/**
 * A Mermaid node id for a lineage id: dots become `_`. Entity names are identifiers (VLT207),
 * and no layer-and-kind prefix (`raw_vault_hubs_`, `raw_vault_links_`, ...) is the start of
 * another, so two ids never meet; any other character is spelled out, for safety. The prefix
 * also keeps ids off Mermaid's words (`end`, `graph`, ...).
 * @example mermaidId('raw_vault.hubs.customer') // 'raw_vault_hubs_customer'
 */
export function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, (ch) => (ch === '.' ? '_' : `_u${ch.codePointAt(0)!.toString(16)}_`));
}

export interface LineageMermaidOptions {
  /** A node to draw heavier: the one `vault graph --entity` asked about. */
  readonly focus?: string;
}

/**
 * The lineage graph as a Mermaid flowchart, left to right, one subgraph per layer.
 * @example lineageMermaid(lineageGraph(model)).startsWith('flowchart LR\n') // true
 */
export function lineageMermaid(graph: LineageGraph, options: LineageMermaidOptions = {}): string {
  const w = new CodeWriter('  ');
  w.line('flowchart LR');
  w.block(() => {
    for (const layer of LINEAGE_LAYERS) {
      const nodes = graph.nodes.filter((n) => n.layer === layer);
      if (nodes.length === 0) continue;
      w.line(`subgraph ${layer}["${mermaidText(LAYER_TITLES[layer])}"]`);
      w.block(() => {
        for (const n of nodes) {
          const s = KIND_STYLES[n.kind];
          w.line(`${mermaidId(n.id)}${s.mermaidOpen}"${mermaidText(n.name)}<br>${mermaidText(s.label)}"${s.mermaidClose}:::${n.kind}`);
        }
      });
      w.line('end');
    }
    for (const e of graph.edges) w.line(`${mermaidId(e.from)} --> ${mermaidId(e.to)}`);
    for (const kind of LINEAGE_KINDS) {
      if (!graph.nodes.some((n) => n.kind === kind)) continue;
      w.line(`classDef ${kind} fill:${KIND_STYLES[kind].fill},stroke:${KIND_STYLES[kind].stroke}`);
    }
    if (options.focus !== undefined && graph.nodes.some((n) => n.id === options.focus)) {
      w.line('classDef focus stroke:#dc2626,stroke-width:3px');
      w.line(`class ${mermaidId(options.focus)} focus`);
    }
  });
  return w.toString();
}
