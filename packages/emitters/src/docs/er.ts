/**
 * The entity-relationship diagram of the raw vault: every hub, link, satellite and link
 * satellite with its columns and keys, a satellite hanging off its parent, a link off each hub
 * it connects (labelled with the role). Drawn in Mermaid (erDiagram) and in DOT.
 */
import { METADATA_COLUMNS, type RawVaultEntity, type VaultModel } from '@vault/core';
import { byName } from '@vault/core/internal';
import { match } from 'ts-pattern';
import { entityColumns, modelColumns, type ModelColumns } from '../columns.js';
import { qualifiedName } from '../entity-kinds.js';
import { CodeWriter } from '../writer.js';
import { dotAttributes, dotHtml, dotString } from './dot.js';
import { mermaidId, mermaidText } from './mermaid.js';
import { DIAGRAM_FONT, KIND_STYLES } from './style.js';

type RawKind = RawVaultEntity['kind'];
type ColumnKey = 'PK' | 'FK' | 'UK';

/** Mermaid entity ids: no prefix is the start of another, so hub `x` and satellite `x` differ. */
const ER_PREFIX = { hub: 'hub_', link: 'link_', satellite: 'sat_', link_satellite: 'lsat_' } as const satisfies Record<RawKind, string>;

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

/** The raw vault's entities in drawing order (kind, then name) and the relations between them. */
function rawVaultParts(model: VaultModel): { readonly entities: ReadonlyArray<RawVaultEntity>; readonly relations: ReadonlyArray<ErRelation> } {
  const sorted = <T extends RawVaultEntity>(xs: ReadonlyArray<T>): T[] => [...xs].sort(byName);
  const rv = model.rawVault;
  const hubs = new Map(rv.hubs.map((h) => [h.name, h] as const));
  const links = new Map(rv.links.map((l) => [l.name, l] as const));
  const relations: ErRelation[] = [];
  const relate = (one: RawVaultEntity | undefined, many: RawVaultEntity, label: string): void => {
    if (one === undefined) throw new Error(`vault: ${many.kind} '${many.name}' hangs off an entity the raw vault does not have`);
    relations.push({ one, many, label });
  };
  for (const l of sorted(rv.links)) for (const h of l.hubs) relate(hubs.get(h.hub), l, h.role === undefined ? 'links' : `as ${h.role}`);
  for (const s of sorted(rv.satellites)) relate(hubs.get(s.parent), s, 'describes');
  for (const s of sorted(rv.linkSatellites)) relate(links.get(s.parent), s, 'describes');
  return { entities: [...sorted(rv.hubs), ...sorted(rv.links), ...sorted(rv.satellites), ...sorted(rv.linkSatellites)], relations };
}

function erColumns(columns: ModelColumns, entity: RawVaultEntity): ReadonlyArray<ErColumn> {
  const keysOf = match<RawVaultEntity, (column: string) => ReadonlyArray<ColumnKey>>(entity)
    .with({ kind: 'hub' }, (h) => (c) => (c === h.hashKey ? ['PK'] : h.businessKeys.some((k) => k.name === c) ? ['UK'] : []))
    .with({ kind: 'link' }, (l) => (c) => (c === l.hashKey ? ['PK'] : l.hubs.some((h) => h.hashKey === c) ? ['FK'] : []))
    .with({ kind: 'satellite' }, { kind: 'link_satellite' }, (s) => (c) => (c === s.parentHashKey ? ['PK', 'FK'] : c === METADATA_COLUMNS.loadTimestamp ? ['PK'] : []))
    .exhaustive();
  return entityColumns(columns, entity).map((c) => ({ name: c.name, type: c.type, keys: keysOf(c.name) }));
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
    w.line(`graph [${dotAttributes([['label', `Raw vault of model ${model.name}`], ['labelloc', 't'], ['rankdir', 'LR'], ['nodesep', '0.4'], ['ranksep', '1.2'], ['fontname', DIAGRAM_FONT], ['fontsize', '16']])}];`);
    w.line(`node [${dotAttributes([['shape', 'plain'], ['fontname', DIAGRAM_FONT], ['fontsize', '10']])}];`);
    w.line(`edge [${dotAttributes([['color', '#6b7280'], ['dir', 'both'], ['arrowtail', 'teetee'], ['arrowhead', 'crowodot'], ['fontname', DIAGRAM_FONT], ['fontsize', '9']])}];`);
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
