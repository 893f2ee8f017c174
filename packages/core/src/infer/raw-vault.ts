/**
 * Third step: hubs, links, satellites, link satellites and reference tables from the tables and references.
 */
import { byCodeUnit, byName } from '../compare.js';
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import { METADATA_COLUMNS, type Column, type EntitySource, type Evidence, type SourcedColumn } from '../ir/common.js';
import type { DuplicatePolicy, Hub, Link, LinkHub, LinkSatellite, NonHistorizedLink, Satellite, StatusTrackingSatellite } from '../ir/raw-vault.js';
import type { DuplicatesSpec } from '../spec/spec.js';
import type { RawVault } from './layers.js';
import { groupBy, indexBy } from './group.js';
import { looksSensitive, looksTechnical } from './naming.js';
import type { Ref } from './references.js';
import type { RuleId } from './rules.js';
import type { TableInfo } from './tables.js';
import { buildReferenceTables, findCodeLists } from './reference-tables.js';
import { childKeysOfKey, dependentChildKeys, type ChildKeys } from './child-keys.js';
import { mergeLinks, oneSourcePerSatellite, referencedHubSatellites, type LinkCandidate } from './multi-source.js';
import { satelliteColumns } from '../spec/spec.js';
import { buildNonHistorizedLink, eventEvidence } from './non-historized-link.js';
import { buildMultiActiveSatellite, multiActiveTable, type MultiActiveTable } from './multi-active.js';
import { buildEffectivitySatellites } from './effectivity.js';
import { deleteMarker, flagColumn, operationColumn, statusTrackingSatellite, unusedStatusSettings, type DeleteFinding } from './status-tracking.js';
import { linkDrafts, MAX_LINK_NAME_BYTES, slotClash, slotName, type LinkDraft } from './link-drafts.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });

export type TableRole = 'hub' | 'link' | 'non_historized_link' | 'multi_active' | 'reference' | 'none';

interface HubDraft {
  name: string;
  businessKeys: Column[];
  sources: Array<EntitySource & { readonly reference?: true }>;
  evidence: Evidence[];
  derivedFrom: Set<string>;
  /** The table that owns the hub's key or, for a hub no table owns, the first column that implies it. */
  origin: SpecPath;
  description?: string;
}

export function buildRawVault(tables: ReadonlyArray<TableInfo>, refs: ReadonlyArray<Ref>, diagnostics: PathDiagnostic[]): { raw: RawVault; roles: ReadonlyMap<string, TableRole> } {
  const byFrom = groupBy(refs, (r) => r.from);
  const refsFrom = (t: string): Ref[] => byFrom.get(t) ?? [];
  const tableByName = indexBy(tables, (t) => t.name);
  const codeLists = findCodeLists(tables, refs);
  // A reference to a code list carries a code: a lookup, never a link; the code stays in the payload.
  const targetIsHubLike = (r: Ref): boolean => {
    if (r.target.kind === 'implied') return true;
    const t = tableByName.get(r.target.table);
    return t !== undefined && !codeLists.has(t.name) && t.kind !== 'link' && t.kind !== 'non_historized_link';
  };
  const roles = new Map<string, TableRole>();
  const roleEvidence = new Map<string, Evidence>();
  const multiActiveTables = new Map<string, MultiActiveTable>();
  const referenced = new Set(refs.flatMap((r) => (r.target.kind === 'table' && r.from !== r.target.table ? [r.target.table] : [])));
  // Names other entities may take (a table's concept or link:, an implied hub): an event table
  // named like one of them stays as it was. Counted once, as models reach 10,000 tables.
  const implied = new Set(refs.flatMap((r) => (r.target.kind === 'implied' ? [r.target.concept] : [])));
  const nameCount = new Map<string, number>();
  const ownNames = (t: TableInfo): ReadonlyArray<string> => [t.spec.hub ?? t.entity, ...(t.spec.link !== undefined ? [t.spec.link] : [])];
  for (const t of tables) for (const n of ownNames(t)) nameCount.set(n, (nameCount.get(n) ?? 0) + 1);
  const otherNames = (t: TableInfo): boolean => {
    const name = t.spec.link ?? t.entity;
    return implied.has(name) || (nameCount.get(name) ?? 0) > ownNames(t).filter((n) => n === name).length;
  };

  for (const t of tables) {
    const linkable = refsFrom(t.name).filter((r) => targetIsHubLike(r));
    const refColumns = new Set(linkable.flatMap((r) => r.columns));
    const codeList = codeLists.get(t.name);
    if (codeList !== undefined) {
      roles.set(t.name, 'reference');
      roleEvidence.set(t.name, codeList);
      continue;
    }
    const multiActive = multiActiveTable(t, linkable, referenced.has(t.name), diagnostics);
    if (multiActive !== undefined) {
      roles.set(t.name, multiActive === 'none' ? 'none' : 'multi_active');
      if (multiActive !== 'none') multiActiveTables.set(t.name, multiActive);
      continue;
    }
    if (t.kind === 'link') {
      roles.set(t.name, 'link');
      roleEvidence.set(t.name, ev('table.link_override', `${t.name}: kind: link`));
      continue;
    }
    if (t.kind === 'non_historized_link') {
      roles.set(t.name, 'non_historized_link');
      roleEvidence.set(t.name, ev('table.non_historized_link_override', `${t.name}: kind: non_historized_link`));
      continue;
    }
    if (t.kind === 'hub') {
      roles.set(t.name, 'hub');
      roleEvidence.set(t.name, ev('table.hub_override', `${t.name}: kind: hub`));
      if (t.key.length === 0) diagnostics.push(pathDiag('VLT401', ['tables', t.name], `table '${t.name}' is declared a hub but has no business key; declare business_key`, { target: 'key' }));
      continue;
    }
    const keyChildKeys = childKeysOfKey(t, linkable);
    const event = eventEvidence(t, linkable, referenced.has(t.name) || otherNames(t), (r) => (r.target.kind === 'implied' ? r.columns : (tableByName.get(r.target.table)?.key ?? r.columns)));
    if (event !== undefined) {
      roles.set(t.name, 'non_historized_link');
      roleEvidence.set(t.name, event);
    } else if (t.key.length > 0 && t.key.every((c) => refColumns.has(c)) && linkable.length >= 2) {
      roles.set(t.name, 'link');
      roleEvidence.set(t.name, ev('table.association', `${t.name}: key [${t.key.join(', ')}] is made only of references`));
    } else if (keyChildKeys !== undefined) {
      roles.set(t.name, 'link');
      roleEvidence.set(t.name, ev('table.association_child_keys', `${t.name}: key [${t.key.join(', ')}] is references and ${keyChildKeys.join(', ')}`));
    } else if (t.key.length > 0) {
      roles.set(t.name, 'hub');
      roleEvidence.set(t.name, ev('table.hub', `${t.name}: business key [${t.key.join(', ')}]`));
    } else if (linkable.length >= 2) {
      roles.set(t.name, 'link');
      roleEvidence.set(t.name, ev('table.keyless_references', `${t.name}: no business key, ${linkable.length} references`));
    } else {
      // One table without a key must not stop the model: it is left out, the rest compiled.
      roles.set(t.name, 'none');
      diagnostics.push(
        pathDiag(
          'VLT413',
          ['tables', t.name],
          `no business key found for table '${t.name}' and ${linkable.length === 1 ? 'one reference' : 'no reference'}, so it is left out of the vault: declare business_key (or primary_key), or name its key column like ${t.entity}_id`,
          { target: 'key' },
        ),
      );
    }
  }

  // Hubs: one per business concept.
  const hubs = new Map<string, HubDraft>();
  const hubOfTable = new Map<string, string>();
  const draft = (name: string, keys: Column[], origin: SpecPath): HubDraft => {
    let h = hubs.get(name);
    if (h === undefined) {
      h = { name, businessKeys: keys, sources: [], evidence: [], derivedFrom: new Set(), origin };
      hubs.set(name, h);
    }
    return h;
  };
  for (const t of tables) {
    if (roles.get(t.name) !== 'hub' || t.key.length === 0) continue;
    const name = t.spec.hub ?? t.entity;
    const keys = t.key.map((k) => columnOf(t, k));
    const existing = hubs.get(name);
    if (existing !== undefined && existing.businessKeys.length !== keys.length) {
      diagnostics.push(
        pathDiag('VLT410', ['tables', t.name], `table '${t.name}' feeds hub '${name}' with a ${keys.length}-column key, but the hub's key has ${existing.businessKeys.length} columns`, {
          target: 'key',
        }),
      );
      continue;
    }
    const h = draft(name, keys, ['tables', t.name]);
    if (existing !== undefined) h.evidence.push(ev('hub.same_concept', `${t.name} also carries hub '${name}'`));
    h.evidence.push(t.keyEvidence!, roleEvidence.get(t.name)!);
    h.sources.push({ table: t.name, columns: t.key });
    h.derivedFrom.add(t.name);
    if (t.spec.description !== undefined && h.description === undefined) h.description = t.spec.description;
    hubOfTable.set(t.name, name);
  }
  const hubOfRef = (r: Ref): string | undefined => (r.target.kind === 'implied' ? r.target.concept : hubOfTable.get(r.target.table));
  for (const r of refs) {
    if (!targetIsHubLike(r) || roles.get(r.from) === 'none') continue;
    const name = hubOfRef(r);
    if (name === undefined) continue;
    const from = tableByName.get(r.from)!;
    const h = draft(
      name,
      r.columns.map((c) => columnOf(from, c)),
      ['tables', r.from, 'columns', r.columns[0]!],
    );
    if (r.target.kind === 'implied' && !h.evidence.some((e) => e.rule === 'hub.implied_by_key_column')) {
      h.evidence.push(ev('hub.implied_by_key_column', `'${r.columns[0]}' names the concept '${name}', which no table owns`));
    }
    h.sources.push({ table: r.from, columns: r.columns, reference: true });
    h.derivedFrom.add(r.from);
  }
  // Every hub is drafted by now: their names, once (not a set per table).
  const hubNames: ReadonlySet<string> = new Set(hubs.keys());

  // Links: what each table forms (link-drafts.ts), each named and checked by buildLink; links of
  // one name from several tables are merged at the end (mergeLinks).
  const linkCandidates: LinkCandidate[] = [];
  const nonHistorizedLinks: NonHistorizedLink[] = [];
  const linkNames = new Map<string, string>();
  const linkSatellites: LinkSatellite[] = [];
  const statusTrackingSatellites: StatusTrackingSatellite[] = [];
  const satellites: Satellite[] = [];
  // First every table's drafts, so a name a relationship link takes is known to every table.
  const drafted: Array<{ t: TableInfo; role: 'hub' | 'link'; own: string | undefined; linkRefs: Ref[]; childKeys: ChildKeys; drafts: LinkDraft[] }> = [];
  for (const t of tables) {
    const role = roles.get(t.name);
    const linkRefs = refsFrom(t.name).filter((r) => targetIsHubLike(r) && hubOfRef(r) !== undefined);
    if (role === 'non_historized_link') {
      const slots = linkRefs.map((r) => ({ hub: hubOfRef(r)!, ...(r.role ? { role: r.role } : {}), columns: r.columns }));
      const nhl = buildNonHistorizedLink(t, slots, (h) => hubs.get(h)!.businessKeys, hubNames, linkRefs, roleEvidence.get(t.name)!, diagnostics);
      if (nhl && linkNames.has(nhl.name)) {
        diagnostics.push(
          pathDiag(
            'VLT410',
            ['tables', t.name, ...(t.spec.link ? ['link'] : [])],
            `table '${t.name}' forms non-historized link '${nhl.name}', which table '${linkNames.get(nhl.name)}' forms too; name one of them with link:`,
            t.spec.link ? {} : { target: 'key' },
          ),
        );
      } else if (nhl) {
        nonHistorizedLinks.push(nhl);
        linkNames.set(nhl.name, t.name);
      }
      continue;
    }
    if (role !== 'hub' && role !== 'link') continue;
    const own = hubOfTable.get(t.name);
    const childKeys = role === 'link' ? dependentChildKeys(t, new Set(linkRefs.flatMap((r) => r.columns)), diagnostics) : { columns: [], evidence: [] };
    if (role !== 'link' && t.spec.dependent_child_keys !== undefined) {
      diagnostics.push(
        pathDiag('VLT406', ['tables', t.name, 'dependent_child_keys'], `table '${t.name}' becomes a hub, which has no dependent child keys; declare kind: link, or leave dependent_child_keys out`),
      );
    }
    drafted.push({ t, role, own, linkRefs, childKeys, drafts: linkDrafts(t, role, own, linkRefs, (r) => hubOfRef(r)!, childKeys, diagnostics) });
  }
  const relationshipNames = new Map<string, string>();
  for (const { t, drafts } of drafted) for (const d of drafts) if (d.driving.length > 0) relationshipNames.set(draftName(d), t.name);

  for (const { t, role, own, linkRefs, childKeys, drafts } of drafted) {
    const formed: Array<{ link: Link; shared: boolean }> = [];
    for (const d of drafts) {
      const link = buildLink(d, hubs, roleEvidence.get(t.name)!, relationshipNames, diagnostics);
      if (link === undefined) continue;
      const other = linkNames.get(link.name);
      if (other !== undefined && nonHistorizedLinks.some((l) => l.name === link.name)) {
        diagnostics.push(
          pathDiag(
            'VLT410',
            d.named?.path ?? d.origin,
            `table '${t.name}' forms link '${link.name}', the name of table '${other}'s non-historized link; name one of them with link:`,
            d.named ? {} : { target: 'key' },
          ),
        );
        continue;
      }
      if (other === t.name) {
        const how = d.named === undefined && d.refs.length === 1 && d.driving.length > 0 ? 'link: in its references entry' : 'link:';
        diagnostics.push(pathDiag('VLT410', d.named?.path ?? d.origin, `table '${t.name}' forms link '${link.name}' twice; name one of them with ${how}`, d.named ? {} : { target: 'key' }));
        continue;
      }
      // A link another table (earlier in name order) formed already is merged with it at the end
      // (mergeLinks); that table's link satellite has the link's name, so this one takes the table's.
      linkCandidates.push({ table: t.name, link });
      if (other === undefined) linkNames.set(link.name, t.name);
      formed.push({ link, shared: other !== undefined });
    }

    // A table that becomes a link has one link, described by its link satellites.
    const link = role === 'link' ? formed[0]?.link : undefined;
    const sharedLink = role === 'link' && formed[0]?.shared === true;
    const onHubs = referencedHubSatellites(t, linkRefs, hubOfRef, role === 'hub' ? own : link?.name, hubNames, diagnostics);
    satellites.push(...onHubs.satellites);
    const excluded = new Set<string>([...(role === 'hub' ? t.key : []), ...linkRefs.flatMap((r) => r.columns), ...childKeys.columns, ...onHubs.taken]);
    const parent = role === 'hub' ? own : link?.name;
    const parentHashKey = role === 'hub' ? (own ? `${own}_hk` : undefined) : link?.hashKey;
    if (parent === undefined || parentHashKey === undefined) continue;
    const baseName = role === 'link' && !sharedLink ? link!.name : t.name;
    const deletes = deleteMarker(t);
    for (const s of buildSatellites(t, excluded, role === 'link' ? 'link_satellite' : 'satellite', parent, parentHashKey, baseName, deletes, diagnostics)) {
      if (s.kind === 'satellite') satellites.push(s);
      else linkSatellites.push(s);
    }
    const keyColumns = role === 'hub' ? t.key : (link!.sources.find((s) => s.table === t.name)?.columns ?? []);
    const sts = statusTrackingSatellite(t, deletes, { name: parent, kind: role, hashKey: parentHashKey, keyColumns }, baseName);
    if (sts !== undefined) statusTrackingSatellites.push(sts);
  }
  unusedStatusSettings(tables, statusTrackingSatellites, diagnostics);

  const multiActiveSatellites = [...multiActiveTables].flatMap(([table, ma]) => buildMultiActiveSatellite(tableByName.get(table)!, ma, hubOfRef(ma.parent)!, diagnostics) ?? []);

  const hubList: Hub[] = [...hubs.values()].map((h) => ({
    kind: 'hub',
    name: h.name,
    hashKey: `${h.name}_hk`,
    businessKeys: h.businessKeys,
    sources: dedupeSources(h.sources),
    derivedFrom: [...h.derivedFrom].sort().map((name) => ({ layer: 'source', kind: 'source_table', name }) as const),
    evidence: h.evidence,
    origin: h.origin,
    ...(h.description !== undefined ? { description: h.description } : {}),
  }));
  const links = mergeLinks(linkCandidates, diagnostics).sort(byName);
  return {
    raw: {
      hubs: hubList.sort(byName),
      links,
      nonHistorizedLinks: nonHistorizedLinks.sort(byName),
      satellites: oneSourcePerSatellite(satellites, diagnostics).sort(byName),
      linkSatellites: oneSourcePerSatellite(linkSatellites, diagnostics).sort(byName),
      effectivitySatellites: buildEffectivitySatellites(links, tableByName, diagnostics),
      multiActiveSatellites: multiActiveSatellites.sort(byName),
      statusTrackingSatellites: statusTrackingSatellites.sort(byName),
      referenceTables: buildReferenceTables(tables, refs, codeLists, diagnostics),
    },
    roles,
  };
}

/** A draft's name: the spec's, else its hubs' (with roles), else its fallback past 50 bytes. */
function draftName(d: LinkDraft): string {
  const joined = d.slots.map(slotName).join('_');
  return d.named?.name ?? (Buffer.byteLength(joined) <= MAX_LINK_NAME_BYTES ? joined : d.fallbackName);
}

/** A dependent child key column: as nullable as its source (a missing line number hashes as `^^`). */
function childKeyColumn(t: TableInfo, name: string): Column {
  const c = t.columns.find((x) => x.name === name)!;
  return { name: c.name, type: c.type, nullable: c.nullable, ...(c.description !== undefined ? { description: c.description } : {}) };
}

/** A key column: never null. */
function columnOf(t: TableInfo, name: string): Column {
  const c = t.columns.find((x) => x.name === name)!;
  return { name: c.name, type: c.type, nullable: false };
}

/**
 * A payload column with its origin. Spelled out rather than `{ ...c, sourceTable, sourceColumn }`:
 * V8 copies the spread columns five times slower, and a 10,000-table model has 200,000 of them.
 */
function sourcedColumn(table: string, c: Column): SourcedColumn {
  return {
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    ...(c.description !== undefined ? { description: c.description } : {}),
    sourceTable: table,
    sourceColumn: c.name,
  };
}

/**
 * Builds a draft's link. A link table's link whose name from its hubs another table's relationship
 * link has (account_holder and account.customer_id both give account_customer) takes the table's
 * name: the relationship link keeps the name its hubs give, the association has a name of its own.
 */
function buildLink(d: LinkDraft, hubs: ReadonlyMap<string, HubDraft>, roleEvidence: Evidence, relationshipNames: ReadonlyMap<string, string>, diagnostics: PathDiagnostic[]): Link | undefined {
  const { table: t, slots, childKeys } = d;
  if (slots.length < 2) {
    const why = t.kind === 'link' ? 'is declared kind: link' : 'would become a link';
    diagnostics.push(pathDiag('VLT403', ['tables', t.name], `table '${t.name}' ${why} but references ${slots.length === 1 ? 'one hub' : 'no hub'}; a link needs at least two`, { target: 'key' }));
    return undefined;
  }
  const prefixes = slots.map((s) => (s.role ? `${s.role}_` : ''));
  const names = slots.map(slotName);
  const sameName = slotClash(t.name, slots);
  if (sameName !== undefined) {
    diagnostics.push(pathDiag('VLT406', ['tables', t.name, 'references'], sameName));
    return undefined;
  }
  const inferred = draftName(d);
  const other = relationshipNames.get(inferred);
  const yields = d.named === undefined && d.driving.length === 0 && other !== undefined && other !== t.name;
  const name = yields ? t.name : inferred;
  if (hubs.has(name)) {
    diagnostics.push(pathDiag('VLT410', d.named?.path ?? d.origin, `link '${name}' would have the name of a hub; give the link another name with link:`));
    return undefined;
  }
  // Key column names must be unique in the link: two hubs keyed by `id` give customer_id, order_id.
  const keyNames = slots.map((s, i) => hubs.get(s.hub)!.businessKeys.map((k) => `${prefixes[i]}${k.name}`));
  const counts = new Map<string, number>();
  for (const n of keyNames.flat()) counts.set(n, (counts.get(n) ?? 0) + 1);
  const hubRefs: LinkHub[] = slots.map((s, i) => {
    const hub = hubs.get(s.hub)!;
    return {
      hub: s.hub,
      ...(s.role ? { role: s.role } : {}),
      hashKey: `${names[i]}_hk`,
      businessKeys: hub.businessKeys.map((k, j) => {
        const name = keyNames[i]![j]!;
        return { ...k, name: (counts.get(name) ?? 0) > 1 ? `${names[i]}_${k.name}` : name };
      }),
    };
  });
  // A child key is a column of the link beside the hubs' key columns: the names must differ.
  const taken = new Set(hubRefs.flatMap((h) => h.businessKeys.map((k) => k.name)));
  const clash = childKeys.columns.find((c) => taken.has(c));
  if (clash !== undefined) {
    diagnostics.push(
      pathDiag(
        'VLT406',
        ['tables', t.name, ...(t.spec.dependent_child_keys ? ['dependent_child_keys'] : [])],
        `dependent child key '${clash}' of table '${t.name}' has the name of a hub key column of link '${name}'; rename one of them`,
      ),
    );
    return undefined;
  }
  const driving = d.driving.map((i) => hubRefs[i]!);
  return {
    kind: 'link',
    name,
    hashKey: `${name}_hk`,
    hubs: hubRefs,
    ...(childKeys.columns.length > 0 ? { dependentChildKeys: childKeys.columns.map((c) => childKeyColumn(t, c)) } : {}),
    ...(driving.length > 0 ? { drivingKey: driving.map((h) => h.hashKey) } : {}),
    sources: [{ table: t.name, columns: [...slots.flatMap((s) => s.columns), ...childKeys.columns] }],
    derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
    evidence: [
      ...(t.key.length === 0 && t.keyEvidence !== undefined ? [t.keyEvidence] : []),
      roleEvidence,
      ...d.refs.map((r) => r.evidence),
      d.grain,
      ...childKeys.evidence,
      ...(driving.length > 0
        ? [
            d.drivingDeclared
              ? ev('link.driving_key_declared', `${t.name}: driving_key ${driving.map((h) => h.hashKey).join(', ')}`)
              : ev('link.driving_key', `${t.name} becomes hub '${driving.map((h) => h.hub).join(', ')}': driving key ${driving.map((h) => h.hashKey).join(', ')}`),
          ]
        : []),
      ev('link.name_from_hubs', d.named ? `named by the spec: ${name}` : yields ? `named ${name}: ${inferred} is the link of table '${other}'s relationship` : `named ${name}`),
    ],
    origin: d.origin,
    ...(t.spec.description !== undefined ? { description: t.spec.description } : {}),
  };
}

function buildSatellites(
  t: TableInfo,
  excluded: ReadonlySet<string>,
  kind: 'satellite' | 'link_satellite',
  parent: string,
  parentHashKey: string,
  baseName: string,
  deletes: DeleteFinding | undefined,
  diagnostics: PathDiagnostic[],
): Array<Satellite | LinkSatellite> {
  // A payload column may not take the name of a column every satellite has.
  const reserved = new Set([parentHashKey, ...Object.values(METADATA_COLUMNS)].map((n) => n.toLowerCase()));
  const groups = new Map<string, { sensitive: boolean; columns: SourcedColumn[]; evidence: Evidence[]; origin: SpecPath }>();
  const add = (name: string, sensitive: boolean, c: SourcedColumn, e: Evidence): void => {
    let g = groups.get(name);
    // A satellite the spec names (satellites:) comes from that entry, any other from its table.
    if (g === undefined) {
      g = { sensitive, columns: [], evidence: [], origin: Object.hasOwn(t.spec.satellites ?? {}, name) ? ['tables', t.name, 'satellites', name] : ['tables', t.name] };
      groups.set(name, g);
    }
    g.sensitive ||= sensitive; // one sensitive column makes the whole satellite sensitive, whatever the column order
    g.columns.push(c);
    if (!g.evidence.some((x) => x.rule === e.rule)) g.evidence.push(e);
  };
  const assigned = new Map<string, string>();
  for (const [sat, entry] of Object.entries(t.spec.satellites ?? {})) for (const c of satelliteColumns(entry)) assigned.set(c, sat);
  const technical: string[] = [];
  for (const c of t.columns) {
    const role = t.roles.get(c.name);
    if (excluded.has(c.name) || role === 'ignore') continue;
    // A soft-delete flag stays payload (its history is the table's); an operation column is technical, and honoured by the status tracking satellite.
    const technicalByName = looksTechnical(c.name) && c.name !== flagColumn(deletes);
    if (role === 'technical' || (role === undefined && technicalByName) || [t.spec.delta_order, keepLastBy(t.spec.duplicates), operationColumn(deletes)].includes(c.name)) {
      technical.push(c.name);
      continue;
    }
    if (reserved.has(c.name.toLowerCase())) {
      diagnostics.push(
        pathDiag(
          'VLT222',
          ['tables', t.name, 'columns', c.name],
          `column '${c.name}' of table '${t.name}' would go to a satellite that already has a '${c.name}' column (Data Vault metadata); rename it, or give it role: technical or role: ignore`,
          { target: 'key' },
        ),
      );
      continue;
    }
    const sourced = sourcedColumn(t.name, c);
    const named = assigned.get(c.name);
    if (named !== undefined) add(named, role === 'sensitive', sourced, ev('sat.override', `${t.name}: satellites.${named}`));
    else if (role === 'sensitive' || looksSensitive(c.name)) add(`${baseName}_sensitive`, true, sourced, ev('sat.sensitive', `${t.name}.${c.name} looks sensitive`));
    else add(baseName, false, sourced, ev(kind === 'link_satellite' ? 'sat.link_satellite' : 'sat.default', `${t.name}: descriptive columns`));
  }
  const deltaOrder = t.spec.delta_order;
  const duplicates = duplicatePolicy(t.spec.duplicates);
  return [...groups.entries()].map(([name, g]) => ({
    kind,
    name,
    parent,
    parentHashKey,
    sensitive: g.sensitive,
    payload: g.columns,
    source: { table: t.name, columns: g.columns.map((c) => c.sourceColumn) },
    derivedFrom: [{ layer: 'source', kind: 'source_table', name: t.name }],
    evidence: technical.length ? [...g.evidence, ev('sat.technical', `${t.name}: ${technical.join(', ')} kept out of the payload`)] : g.evidence,
    origin: g.origin,
    ...(deltaOrder !== undefined ? { deltaOrder } : {}),
    ...(duplicates !== undefined ? { duplicates } : {}),
  })) as Array<Satellite | LinkSatellite>;
}

/** The ordering column of `duplicates: { keep_last_by }`, kept out of satellites like delta_order. */
function keepLastBy(spec: DuplicatesSpec | undefined): string | undefined {
  return spec === undefined || typeof spec === 'string' ? undefined : spec.keep_last_by;
}

/** The IR's policy; absent for the default, `report`, said or not. */
function duplicatePolicy(spec: DuplicatesSpec | undefined): DuplicatePolicy | undefined {
  if (spec === undefined || spec === 'report') return undefined;
  return typeof spec === 'string' ? { kind: spec } : { kind: 'keep_last_by', column: spec.keep_last_by };
}

function dedupeSources<S extends EntitySource & { readonly reference?: true }>(sources: ReadonlyArray<S>): S[] {
  const seen = new Map<string, S>();
  // A table that carries the key as its own and as a reference counts as its own.
  for (const s of sources) {
    const key = `${s.table}\u0000${s.columns.join('\u0000')}`;
    if (seen.get(key)?.reference !== undefined || !seen.has(key)) seen.set(key, s);
  }
  return [...seen.entries()].sort(([a], [b]) => byCodeUnit(a, b)).map(([, s]) => s);
}
