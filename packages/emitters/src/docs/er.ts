/**
 * The entity-relationship diagram of the raw vault: every hub, link, satellite, link satellite
 * and reference table with its columns and keys, a satellite hanging off its parent, a link off each hub
 * it connects (labelled with the role). Drawn in Mermaid (erDiagram) and in DOT.
 */
import { METADATA_COLUMNS, type LinkSatellite, type RawVaultEntity, type Satellite, type VaultModel } from '@vault/core';
import { ENTITY_KINDS, byName, dispatch, entitiesOf, printColumnType, qualifiedName, type KindHandlers } from '@vault/core/internal';
import { entityColumns, modelColumns, type ModelColumns } from '../columns.js';
import { CodeWriter } from '../writer.js';
import { dotAttributes, dotHtml, dotString } from './dot.js';
import { mermaidId, mermaidText } from './mermaid.js';
import { DIAGRAM_FONT, KIND_STYLES } from './style.js';

type RawKind = RawVaultEntity['kind'];
type ColumnKey = 'PK' | 'FK' | 'UK';

/** Mermaid entity ids: no prefix is the start of another, so hub `x` and satellite `x` differ. */
const ER_PREFIX = {
  hub: 'hub_',
  link: 'link_',
  non_historized_link: 'nhl_',
  satellite: 'sat_',
  link_satellite: 'lsat_',
  effectivity_satellite: 'eff_',
  multi_active_satellite: 'msat_',
  status_tracking_satellite: 'sts_',
  reference_table: 'ref_',
} as const satisfies Record<RawKind, string>;

interface ErColumn {
  readonly name: string;
  readonly type: string;
  readonly keys: ReadonlyArray<ColumnKey>;
}

interface ErRelation {
  /** The one side (a hub, or the link of a link satellite). */
  readonly one: RawVaultEntity;
  /** The many side. */
  readonly many: RawVaultEntity;
  readonly label: string;
}

/** How an entity is drawn: its column keys and the entities it hangs off. */
interface ErShape {
  readonly entity: RawVaultEntity;
  readonly keys: (column: string) => ReadonlyArray<ColumnKey>;
  readonly hangsOff: ReadonlyArray<{ readonly kind: 'hub' | 'link'; readonly name: string; readonly label: string }>;
}

const satelliteShape =
  (parent: 'hub' | 'link') =>
  (s: Satellite | LinkSatellite): ErShape => ({
    entity: s,
    keys: (c) => (c === s.parentHashKey ? ['PK', 'FK'] : c === METADATA_COLUMNS.loadTimestamp ? ['PK'] : []),
    hangsOff: [{ kind: parent, name: s.parent, label: 'describes' }],
  });
/** The diagram is of the raw vault. */
const notDrawn = (): undefined => undefined;

const ER_SHAPES: KindHandlers<ErShape | undefined> = {
  hub: (h) => ({ entity: h, keys: (c) => (c === h.hashKey ? ['PK'] : h.businessKeys.some((k) => k.name === c) ? ['UK'] : []), hangsOff: [] }),
  link: (l) => ({
    entity: l,
    keys: (c) => (c === l.hashKey ? ['PK'] : l.hubs.some((h) => h.hashKey === c) ? ['FK'] : []),
    hangsOff: l.hubs.map((h) => ({ kind: 'hub', name: h.hub, label: h.role === undefined ? 'links' : `as ${h.role}` })),
  }),
  non_historized_link: (l) => ({
    entity: l,
    keys: (c) => (c === l.hashKey ? ['PK'] : l.hubs.some((h) => h.hashKey === c) ? ['FK'] : []),
    hangsOff: l.hubs.map((h) => ({ kind: 'hub', name: h.hub, label: h.role === undefined ? 'events of' : `as ${h.role}` })),
  }),
  satellite: satelliteShape('hub'),
  link_satellite: satelliteShape('link'),
  effectivity_satellite: (e) => ({
    entity: e,
    // Keyed like its table: one start per driving key and load timestamp.
    keys: (c) => (c === e.parentHashKey ? ['FK'] : c === METADATA_COLUMNS.loadTimestamp || e.drivingKey.includes(c) ? ['PK'] : []),
    hangsOff: [{ kind: 'link', name: e.parent, label: 'starts' }],
  }),
  multi_active_satellite: (s) => ({
    entity: s,
    keys: (c) => (c === s.parentHashKey ? ['PK', 'FK'] : c === METADATA_COLUMNS.loadTimestamp || s.multiActiveKey.some((k) => k.name === c) ? ['PK'] : []),
    hangsOff: [{ kind: 'hub', name: s.parent, label: 'describes, several at once' }],
  }),
  status_tracking_satellite: (s) => ({
    entity: s,
    keys: (c) => (c === s.parentHashKey ? ['PK', 'FK'] : c === METADATA_COLUMNS.loadTimestamp ? ['PK'] : []),
    hangsOff: [{ kind: s.parentKind, name: s.parent, label: 'tracks' }],
  }),
  // Keyed by its code and load timestamp; satellites carry the code as payload, so nothing hangs off it.
  reference_table: (r) => ({ entity: r, keys: (c) => (c === METADATA_COLUMNS.loadTimestamp || r.codes.some((k) => k.name === c) ? ['PK'] : []), hangsOff: [] }),
  snapshot_control: notDrawn,
  pit: notDrawn,
  business_hub: notDrawn,
  business_link: notDrawn,
  business_satellite: notDrawn,
  business_link_satellite: notDrawn,
  presentation_view: notDrawn,
  dimensional_model: notDrawn,
  reporting_view: notDrawn,
};

/** The raw vault's entities in drawing order (kind, then name) and the relations between them. */
function rawVaultParts(model: VaultModel): { readonly entities: ReadonlyArray<RawVaultEntity>; readonly relations: ReadonlyArray<ErRelation> } {
  const shapes = ENTITY_KINDS.flatMap((kind) => [...entitiesOf(model, kind)].sort(byName).flatMap((e) => dispatch(e, ER_SHAPES) ?? []));
  const drawn = new Map(shapes.map((s) => [qualifiedName(s.entity), s.entity] as const));
  const relations = shapes.flatMap(({ entity, hangsOff }) =>
    hangsOff.map(({ kind, name, label }): ErRelation => {
      const one = drawn.get(qualifiedName({ kind, name }));
      if (one === undefined) throw new Error(`vault: ${entity.kind} '${entity.name}' hangs off an entity the raw vault does not have`);
      return { one, many: entity, label };
    }),
  );
  return { entities: shapes.map((s) => s.entity), relations };
}

function erColumns(columns: ModelColumns, entity: RawVaultEntity): ReadonlyArray<ErColumn> {
  const { keys } = dispatch(entity, ER_SHAPES)!;
  return entityColumns(columns, entity).map((c) => ({ name: c.name, type: printColumnType(c.type), keys: keys(c.name) }));
}

/** A Mermaid attribute type is one word: `decimal(18,6)` is written `decimal`, its full type in the comment. */
const MERMAID_TYPE_WORD = /^[A-Za-z_][A-Za-z0-9_()[\]-]*$/;

/**
 * The raw vault as a Mermaid `erDiagram`.
 * @example rawVaultErMermaid(model).split('\n')[0] // 'erDiagram'
 */
export function rawVaultErMermaid(model: VaultModel): string {
  const { entities, relations } = rawVaultParts(model);
  const columns = modelColumns(model);
  const id = (e: RawVaultEntity): string => mermaidId(`${ER_PREFIX[e.kind]}${e.name}`);
  const w = new CodeWriter('  ');
  w.line('erDiagram');
  w.block(() => {
    for (const e of entities) {
      w.line(`${id(e)} {`);
      w.block(() => {
        for (const c of erColumns(columns, e)) {
          const exact = MERMAID_TYPE_WORD.test(c.type);
          const word = exact ? c.type : (/^[A-Za-z_]+/.exec(c.type)?.[0] ?? 'type');
          const keys = c.keys.length > 0 ? ` ${c.keys.join(', ')}` : '';
          w.line(`${word} ${mermaidId(c.name)}${keys}${exact ? '' : ` "${mermaidText(c.type)}"`}`);
        }
      });
      w.line('}');
    }
    for (const r of relations) w.line(`${id(r.one)} ||--o{ ${id(r.many)} : "${mermaidText(r.label)}"`);
  });
  return w.toString();
}

/**
 * The raw vault as DOT: one table-shaped node per entity (name, kind, columns, keys), crow's
 * feet on the many side of each relation.
 * @example rawVaultErDot(model).startsWith('digraph raw_vault_er {') // true
 */
export function rawVaultErDot(model: VaultModel): string {
  const { entities, relations } = rawVaultParts(model);
  const columns = modelColumns(model);
  const id = (e: RawVaultEntity): string => dotString(qualifiedName(e));
  const w = new CodeWriter('  ');
  w.line('digraph raw_vault_er {');
  w.block(() => {
    w.line(
      `graph [${dotAttributes([
        ['label', `Raw vault of model ${model.name}`],
        ['labelloc', 't'],
        ['rankdir', 'LR'],
        ['nodesep', '0.4'],
        ['ranksep', '1.2'],
        ['fontname', DIAGRAM_FONT],
        ['fontsize', '16'],
      ])}];`,
    );
    w.line(
      `node [${dotAttributes([
        ['shape', 'plain'],
        ['fontname', DIAGRAM_FONT],
        ['fontsize', '10'],
      ])}];`,
    );
    w.line(
      `edge [${dotAttributes([
        ['color', '#6b7280'],
        ['dir', 'both'],
        ['arrowtail', 'teetee'],
        ['arrowhead', 'crowodot'],
        ['fontname', DIAGRAM_FONT],
        ['fontsize', '9'],
      ])}];`,
    );
    for (const e of entities) {
      const s = KIND_STYLES[e.kind];
      w.blank();
      w.line(`${id(e)} [label=<`);
      w.block(() => {
        w.line(`<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="${s.stroke}">`);
        w.block(() => {
          w.line(`<TR><TD COLSPAN="3" BGCOLOR="${s.fill}"><B>${dotHtml(e.name)}</B><BR/><FONT POINT-SIZE="9">${dotHtml(s.label)}</FONT></TD></TR>`);
          for (const c of erColumns(columns, e)) {
            w.line(`<TR><TD ALIGN="LEFT">${dotHtml(c.name)}</TD><TD ALIGN="LEFT">${dotHtml(c.type)}</TD><TD>${c.keys.join(', ')}</TD></TR>`);
          }
        });
        w.line('</TABLE>');
      });
      w.line('>];');
    }
    if (relations.length > 0) w.blank();
    for (const r of relations) w.line(`${id(r.one)} -> ${id(r.many)} [${dotAttributes([['label', r.label]])}];`);
  });
  w.line('}');
  return w.toString();
}
