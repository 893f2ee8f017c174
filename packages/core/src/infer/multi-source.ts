/**
 * Entities fed by several source tables: one link formed by several tables (merged by name once
 * every table's link is built), satellites a table keeps of a hub it only references (the spec's
 * `satellites: { name: { parent, columns } }`), and the refusal of one satellite fed by two tables.
 */
import { byCodeUnit, byName } from '../compare.js';
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { Column, Evidence, SourcedColumn } from '../ir/common.js';
import type { Link, LinkSatellite, Satellite } from '../ir/raw-vault.js';
import { printColumnType } from '../spec/column-type.js';
import { isSatelliteObject } from '../spec/spec.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

/** A link as one table forms it, before links of the same name are merged. */
export interface LinkCandidate {
  readonly table: string;
  readonly link: Link;
}

const columnText = (c: Column): string => `${c.name} ${printColumnType(c.type)}`;

/**
 * Why `b` cannot be the same link as `a`, or the positions of `a`'s hubs in `b` (the same hub
 * under the same role, with the same key columns). Dependent child keys must be the same
 * columns in the same order: they are the link's grain after the hubs.
 */
function lineUp(a: Link, b: Link): { readonly order: ReadonlyArray<number> } | { readonly why: string } {
  const slot = (h: Link['hubs'][number]): string => `${h.role ?? ''}\u0000${h.hub}`;
  const label = (l: Link): string => l.hubs.map((h) => (h.role ? `${h.role} ${h.hub}` : h.hub)).join(', ');
  if (a.hubs.length !== b.hubs.length || a.hubs.some((h) => !b.hubs.some((x) => slot(x) === slot(h)))) return { why: `hubs ${label(b)}, where that table gives it hubs ${label(a)}` };
  const order = a.hubs.map((h) => b.hubs.findIndex((x) => slot(x) === slot(h)));
  const keysDiffer = a.hubs.some((h, i) => {
    const other = b.hubs[order[i]!]!;
    return h.hashKey !== other.hashKey || h.businessKeys.map(columnText).join() !== other.businessKeys.map(columnText).join();
  });
  if (keysDiffer) return { why: 'the same hubs with other key columns than that table gives them' };
  const childKeys = (l: Link): string => (l.dependentChildKeys ?? []).map(columnText).join(', ');
  if (childKeys(a) !== childKeys(b)) return { why: `dependent child keys [${childKeys(b)}], where that table gives it [${childKeys(a)}]` };
  return { order };
}

/** `b`'s source columns in `a`'s hub order: each hub's slice moved to its place in `a`, child keys last. */
function reorderedColumns(a: Link, b: Link, columns: ReadonlyArray<string>, order: ReadonlyArray<number>): ReadonlyArray<string> {
  const starts: number[] = [];
  let at = 0;
  for (const h of b.hubs) {
    starts.push(at);
    at += h.businessKeys.length;
  }
  const hubColumns = order.flatMap((j) => columns.slice(starts[j]!, starts[j]! + b.hubs[j]!.businessKeys.length));
  return [...hubColumns, ...columns.slice(at)];
}

/**
 * One link per name. Tables that form the same relationship (the same hubs under the same
 * roles, the same dependent child keys, in any order) feed one link, with one source each,
 * sorted by table; a name two tables give to different relationships is VLT410, reported at the
 * later table.
 */
export function mergeLinks(candidates: ReadonlyArray<LinkCandidate>, diagnostics: PathDiagnostic[]): Link[] {
  const merged = new Map<string, { link: Link; tables: string[] }>();
  // The hub order (and so the hash key) comes from a table whose link is named after its hubs,
  // not one that names it with link:, so that adding a source never re-keys a link.
  const named = (c: LinkCandidate): number => (c.link.origin.at(-1) === 'link' ? 1 : 0);
  for (const { table, link } of [...candidates].sort((a, b) => named(a) - named(b))) {
    const seen = merged.get(link.name);
    if (seen === undefined) {
      merged.set(link.name, { link, tables: [table] });
      continue;
    }
    const lined = lineUp(seen.link, link);
    // Two links of one relationship with other driving keys (a hub table's relationship link and
    // an association's unit of work) are merged only when the spec names one after the other
    // (link:); a name they share by accident is a clash, not one relationship.
    const drive = (l: Link): string => (l.drivingKey ?? []).join(', ');
    const fit = 'why' in lined || named({ table, link }) === 1 || drive(seen.link) === drive(link) ? lined : { why: `driving key [${drive(link)}], where that table gives it [${drive(seen.link)}]` };
    if ('why' in fit) {
      diagnostics.push(
        pathDiag(
          'VLT410',
          link.origin,
          `table '${table}' forms link '${link.name}', which table '${seen.tables[0]}' forms too, with ${fit.why}; one link is one relationship: name one of them with link:`,
          link.origin.at(-1) === 'link' ? {} : { target: 'key' },
        ),
      );
      continue;
    }
    const sources = [...seen.link.sources, ...link.sources.map((s) => ({ table: s.table, columns: reorderedColumns(seen.link, link, s.columns, fit.order) }))];
    const derived = new Map([...seen.link.derivedFrom, ...link.derivedFrom].map((r) => [r.name, r] as const));
    const evidence = [
      ...seen.link.evidence,
      ev('link.same_relationship', `${table} relates ${seen.link.hubs.map((h) => h.hub).join(', ')} too: one link, loaded from ${[...seen.tables, table].join(', ')}`),
    ];
    for (const e of link.evidence) if (!evidence.some((x) => x.rule === e.rule && x.detail === e.detail)) evidence.push(e);
    seen.tables.push(table);
    seen.link = {
      ...seen.link,
      sources: sources.sort((x, y) => byCodeUnit(x.table, y.table)),
      derivedFrom: [...derived.values()].sort(byName),
      evidence,
    };
  }
  return [...merged.values()].map((m) => m.link);
}

/** What the per-table satellite builder needs to know of a satellite of a referenced hub. */
export interface ReferencedHubSatellites {
  readonly satellites: ReadonlyArray<Satellite>;
  /** Columns these satellites take, which the table's own satellites leave out. */
  readonly taken: ReadonlySet<string>;
}

/**
 * The satellites a table's spec hangs on a hub the table references (`parent: customer`, or
 * `<role>_<hub>` for a reference under a role). `own` is the table's own hub or link, whose
 * satellites the table builds as ever. Only the spec says so: nothing here is guessed.
 */
export function referencedHubSatellites(
  t: TableInfo,
  refs: ReadonlyArray<Ref>,
  hubOfRef: (r: Ref) => string | undefined,
  own: string | undefined,
  hubNames: ReadonlySet<string>,
  diagnostics: PathDiagnostic[],
): ReferencedHubSatellites {
  const satellites: Satellite[] = [];
  const taken = new Set<string>();
  const named = refs.flatMap((r) => {
    const hub = hubOfRef(r);
    return hub === undefined ? [] : [{ ref: r, hub, name: r.role ? `${r.role}_${hub}` : hub }];
  });
  for (const [name, entry] of Object.entries(t.spec.satellites ?? {})) {
    if (!isSatelliteObject(entry) || entry.parent === own) continue;
    const path: SpecPath = ['tables', t.name, 'satellites', name, 'parent'];
    const exact = named.filter((n) => n.name === entry.parent);
    const byHub = named.filter((n) => n.hub === entry.parent);
    const found = exact.length === 1 ? exact[0] : exact.length === 0 && byHub.length === 1 ? byHub[0] : undefined;
    if (found === undefined) {
      const offered = [...(own === undefined ? [] : [own]), ...named.map((n) => n.name)].join(', ') || 'none';
      const why =
        byHub.length > 1
          ? `which table '${t.name}' references ${byHub.length} times; name the reference: ${byHub.map((n) => n.name).join(', ')}`
          : hubNames.has(entry.parent)
            ? `a hub table '${t.name}' does not reference; declare the reference under references:, or choose a parent it has (${offered})`
            : `which is no hub table '${t.name}' has or references (${offered})`;
      diagnostics.push(pathDiag('VLT408', path, `satellite '${name}' names parent '${entry.parent}', ${why}`));
      continue;
    }
    for (const c of entry.columns) taken.add(c);
    const payload = entry.columns.flatMap((c): SourcedColumn[] => {
      const col = t.columns.find((x) => x.name === c);
      if (col === undefined) return []; // validateSpec reported it
      return [{ name: col.name, type: col.type, nullable: col.nullable, ...(col.description !== undefined ? { description: col.description } : {}), sourceTable: t.name, sourceColumn: col.name }];
    });
    const keyColumns = new Set(found.ref.columns);
    const keyTaken = payload.find((c) => keyColumns.has(c.name));
    if (keyTaken !== undefined) {
      diagnostics.push(pathDiag('VLT406', ['tables', t.name, 'satellites', name], `column '${keyTaken.name}' holds the key of '${entry.parent}', which a satellite of it cannot also describe`));
      continue;
    }
    satellites.push({
      kind: 'satellite',
      name,
      parent: found.hub,
      parentHashKey: `${found.hub}_hk`,
      parentKey: found.ref.columns,
      sensitive: entry.columns.some((c) => t.roles.get(c) === 'sensitive'),
      payload,
      source: { table: t.name, columns: payload.map((c) => c.sourceColumn) },
      derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
      evidence: [
        found.ref.evidence,
        ev('sat.referenced_hub', `${t.name}: satellites.${name} describes ${found.hub} through ${found.ref.columns.join(', ')}; rows without that reference are not loaded`),
      ],
      origin: ['tables', t.name, 'satellites', name],
      ...(t.spec.delta_order !== undefined ? { deltaOrder: t.spec.delta_order } : {}),
    });
  }
  return { satellites, taken };
}

/**
 * A satellite has one source table: two tables that give a satellite the same name are
 * refused (VLT410 at the later one), not merged. Each keeps its own history of the parent, as
 * Data Vault 2.0 splits satellites by source.
 */
export function oneSourcePerSatellite<S extends Satellite | LinkSatellite>(satellites: ReadonlyArray<S>, diagnostics: PathDiagnostic[]): S[] {
  const first = new Map<string, S>();
  const out: S[] = [];
  for (const s of satellites) {
    const seen = first.get(s.name);
    if (seen === undefined) {
      first.set(s.name, s);
      out.push(s);
      continue;
    }
    if (seen.source.table === s.source.table) {
      out.push(s);
      continue;
    }
    diagnostics.push(
      pathDiag(
        'VLT410',
        s.origin,
        `table '${s.source.table}' gives ${s.kind.replace('_', ' ')} '${s.name}', which table '${seen.source.table}' feeds too; a satellite has one source table (each source keeps its own history of '${s.parent}'): give one of them another name under satellites:`,
        { target: 'key' },
      ),
    );
  }
  return out;
}
