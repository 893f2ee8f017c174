/**
 * How each kind of node looks in every diagram, in one table so that the Mermaid and the DOT
 * drawings of a model agree: hubs blue, links green, satellites yellow (the usual Data Vault
 * colours), reference tables teal, landing tables grey, access-layer objects purple.
 */
import type { Layer } from '@vault/core';
import type { LineageKind } from './lineage.js';

export interface KindStyle {
  /** What a reader calls it: `hub`, `business satellite`, `source table`. */
  readonly label: string;
  readonly fill: string;
  readonly stroke: string;
  /** Graphviz node shape and style. */
  readonly dotShape: string;
  readonly dotStyle: string;
  /** Mermaid flowchart node brackets, around the quoted label. */
  readonly mermaidOpen: string;
  readonly mermaidClose: string;
}

const HUB = { fill: '#dbeafe', stroke: '#1d4ed8', dotShape: 'box', dotStyle: 'filled', mermaidOpen: '[', mermaidClose: ']' } as const;
const LINK = { fill: '#dcfce7', stroke: '#15803d', dotShape: 'hexagon', dotStyle: 'filled', mermaidOpen: '{{', mermaidClose: '}}' } as const;
const SATELLITE = { fill: '#fef9c3', stroke: '#a16207', dotShape: 'box', dotStyle: 'filled,rounded', mermaidOpen: '(', mermaidClose: ')' } as const;
const LINK_SATELLITE = { fill: '#ffedd5', stroke: '#c2410c', dotShape: 'box', dotStyle: 'filled,rounded', mermaidOpen: '(', mermaidClose: ')' } as const;
const VIEW = { fill: '#ede9fe', stroke: '#6d28d9', dotStyle: 'filled' } as const;

/** The look of each kind of node, in Mermaid and DOT alike. */
export const KIND_STYLES = {
  source_table: { label: 'source table', fill: '#f3f4f6', stroke: '#4b5563', dotShape: 'cylinder', dotStyle: 'filled', mermaidOpen: '[(', mermaidClose: ')]' },
  hub: { label: 'hub', ...HUB },
  link: { label: 'link', ...LINK },
  // A link of events: a link's shape, a deeper green and a bold outline, since its rows carry their attributes.
  non_historized_link: { label: 'non-historized link', ...LINK, fill: '#bbf7d0', dotStyle: 'filled,bold' },
  satellite: { label: 'satellite', ...SATELLITE },
  link_satellite: { label: 'link satellite', ...LINK_SATELLITE },
  // A link satellite's shape with a dashed outline: its rows are a relationship's starts, not descriptions.
  effectivity_satellite: { label: 'effectivity satellite', ...LINK_SATELLITE, dotStyle: 'filled,dashed' },
  // A satellite's look with a double outline: several rows per key at once.
  multi_active_satellite: { label: 'multi-active satellite', ...SATELLITE, dotStyle: 'filled,rounded,bold', mermaidOpen: '((', mermaidClose: '))' },
  status_tracking_satellite: { label: 'status tracking satellite', ...SATELLITE, dotStyle: 'filled,dashed' },
  reference_table: { label: 'reference table', fill: '#ccfbf1', stroke: '#0f766e', dotShape: 'folder', dotStyle: 'filled', mermaidOpen: '[', mermaidClose: ']' },
  snapshot_control: { label: 'snapshot control', fill: '#fef9c3', stroke: '#a16207', dotShape: 'component', dotStyle: 'filled', mermaidOpen: '[', mermaidClose: ']' },
  // The snapshot control's look with a hub's outline: a row per snapshot and key.
  pit: { label: 'point-in-time table', fill: '#fef9c3', stroke: '#2563eb', dotShape: 'component', dotStyle: 'filled,bold', mermaidOpen: '[', mermaidClose: ']' },
  business_hub: { label: 'business hub', ...HUB },
  business_link: { label: 'business link', ...LINK },
  business_satellite: { label: 'business satellite', ...SATELLITE },
  business_link_satellite: { label: 'business link satellite', ...LINK_SATELLITE },
  presentation_view: { label: 'presentation view', ...VIEW, dotShape: 'note', mermaidOpen: '[/', mermaidClose: '/]' },
  dimensional_model: { label: 'dimensional model', ...VIEW, dotShape: 'box3d', mermaidOpen: '[[', mermaidClose: ']]' },
  reporting_view: { label: 'reporting view', ...VIEW, dotShape: 'tab', mermaidOpen: '>', mermaidClose: ']' },
} as const satisfies Record<LineageKind, KindStyle>;

/** The title of each layer's box (cluster, subgraph) and README section. */
export const LAYER_TITLES = {
  source: 'Source tables',
  raw_vault: 'Raw vault',
  business_vault: 'Business vault',
  access_layer: 'Access layer',
} as const satisfies Record<Layer, string>;

/**
 * The font of every diagram. Graphviz sizes boxes from its own table of font metrics, and the
 * SVG names this one font: Verdana is on every desktop, and where it is missing its usual
 * stand-in (DejaVu Sans) is no wider, so names never overflow their boxes. (Helvetica measures
 * 12% narrower than DejaVu Sans, the fallback of Linux viewers; a font list such as
 * `Helvetica,Arial` is measured as Times.)
 */
export const DIAGRAM_FONT = 'Verdana';
