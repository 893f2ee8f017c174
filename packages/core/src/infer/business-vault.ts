/**
 * Business vault, by default: a business hub per hub, a business satellite per hub bringing
 * its satellites together with the spec's derived attributes, the same for links.
 */
import type { PathDiagnostic, SpecPath } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { BusinessColumn, BusinessHub, BusinessLink, BusinessLinkSatellite, BusinessSatellite } from '../ir/business-vault.js';
import { METADATA_COLUMNS, VIEW_COLUMNS, type Column, type DerivedAttribute, type EntityRef, type Evidence, type Filter } from '../ir/common.js';
import type { LinkSatellite, Satellite } from '../ir/raw-vault.js';
import { linkKeyColumns } from '../ir/entities.js';
import type { BusinessVault, RawVault } from './layers.js';
import { statusSources } from './status-tracking.js';
import { closest } from '../diagnostics/did-you-mean.js';
import type { RuleSetSpec, Spec } from '../spec/spec.js';
import { groupBy } from './group.js';
import { byName } from '../compare.js';
import { checkRule } from './rule-check.js';
import { lookupsOf } from './lookups.js';
import { snapshotControls } from './snapshot-control.js';
import { buildPits } from './pits.js';
import { buildBridges } from './bridges.js';
import type { SensitiveColumns } from './sensitive-columns.js';

/** load_ts, record_source, hashdiff, delta_order: columns every business satellite carries. */
const METADATA_NAMES: ReadonlySet<string> = new Set(Object.values(METADATA_COLUMNS));
/** valid_from, valid_to, is_current, key_is_deleted, snapshot_date: columns the history and as-of views add. */
const VIEW_NAMES: ReadonlySet<string> = new Set(Object.values(VIEW_COLUMNS));
import type { RuleId } from './rules.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });
const raw = (kind: 'hub' | 'link' | 'non_historized_link' | 'satellite' | 'link_satellite' | 'effectivity_satellite' | 'reference_table', name: string): EntityRef => ({
  layer: 'raw_vault',
  kind,
  name,
});

export function buildBusinessVault(spec: Spec, rv: RawVault, sensitive: SensitiveColumns, diagnostics: PathDiagnostic[]): BusinessVault {
  const rules = spec.business_vault?.rules ?? {};
  const targets = new Set([...rv.hubs.map((h) => h.name), ...rv.links.map((l) => l.name)]);
  const events = new Set(rv.nonHistorizedLinks.map((l) => l.name));
  for (const entity of Object.keys(rules).sort()) {
    if (events.has(entity)) {
      diagnostics.push(
        pathDiag(
          'VLT406',
          ['business_vault', 'rules', entity],
          `business rules for '${entity}', a non-historized link: its events are offered as they are; filter or pick columns in a reporting view or dimensional model instead`,
          {
            target: 'key',
          },
        ),
      );
    } else if (!targets.has(entity)) {
      const hint = closest(entity, targets);
      diagnostics.push(
        pathDiag('VLT307', ['business_vault', 'rules', entity], `business rules for '${entity}', which is not a hub or link of this model${hint ? `; did you mean '${hint}'?` : ''}`, {
          target: 'key',
        }),
      );
    }
  }

  // An entity with rules comes from its rules; any other from where its raw entity came from.
  const origin = (name: string, raw: SpecPath): SpecPath => (Object.hasOwn(rules, name) ? ['business_vault', 'rules', name] : raw);
  const satsOf = groupBy(
    rv.satellites.filter((s) => !s.sensitive),
    (s) => s.parent,
  );
  const linkSatsOf = groupBy(
    rv.linkSatellites.filter((s) => !s.sensitive),
    (s) => s.parent,
  );
  // Current views leave deleted keys out: they read the status tracking satellites too.
  const tracked = statusSources(rv.statusTrackingSatellites);
  const hubs: BusinessHub[] = [];
  const satellites: BusinessSatellite[] = [];
  for (const hub of rv.hubs) {
    const sats = satsOf.get(hub.name) ?? [];
    const ruleSet = rules[hub.name];
    const body = satelliteBody(hub.name, sats, hub.businessKeys, ruleSet, sensitive(hub.name), diagnostics);
    const filter = checkFilter(hub.name, ruleSet, [...hub.businessKeys, ...body.columns, ...body.derivedColumns], sensitive(hub.name), diagnostics);
    const lookups = lookupsOf(sats, body.columns, [...hub.businessKeys, ...body.columns, ...body.derivedColumns], rv.referenceTables, diagnostics);
    hubs.push({
      kind: 'business_hub',
      name: hub.name,
      hub: hub.name,
      hashKey: hub.hashKey,
      businessKeys: hub.businessKeys,
      ...(filter ? { filter } : {}),
      derivedFrom: [raw('hub', hub.name), ...(filter ? sats.map((s) => raw('satellite', s.name)) : []), ...tracked.hub(hub.name)],
      evidence: [ev('bv.business_hub', `from hub ${hub.name}`), ...(filter ? [ev('bv.rules', `filter: ${filter.text}`)] : [])],
      origin: origin(hub.name, hub.origin),
      ...(hub.description !== undefined ? { description: hub.description } : {}),
    });
    if (sats.length > 0 || body.derived.length > 0) {
      satellites.push({
        kind: 'business_satellite',
        name: hub.name,
        parent: hub.name,
        parentHashKey: hub.hashKey,
        satellites: sats.map((s) => s.name),
        columns: body.columns,
        derived: body.derived,
        ...(lookups.length > 0 ? { lookups } : {}),
        derivedFrom: [raw('hub', hub.name), ...sats.map((s) => raw('satellite', s.name)), ...lookups.map((l) => raw('reference_table', l.referenceTable)), ...tracked.hub(hub.name)],
        evidence: [
          ev('bv.business_satellite', `from ${sats.map((s) => s.name).join(', ') || 'derived attributes only'}`),
          ...(body.derived.length ? [ev('bv.rules', `derived: ${body.derived.map((d) => d.name).join(', ')}`)] : []),
          ...lookups.map((l) => ev('bv.reference_lookup', `${l.codeColumns.join(', ')} → ${l.referenceTable}: ${l.columns.map((c) => c.name).join(', ')}`)),
        ],
        origin: origin(hub.name, hub.origin),
      });
    }
  }

  const links: BusinessLink[] = [];
  const linkSatellites: BusinessLinkSatellite[] = [];
  const effective = new Set(rv.effectivitySatellites.map((e) => e.parent));
  for (const link of rv.links) {
    const sats = linkSatsOf.get(link.name) ?? [];
    const keys = linkKeyColumns(link);
    const ruleSet = rules[link.name];
    const body = satelliteBody(link.name, sats, keys, ruleSet, sensitive(link.name), diagnostics);
    const filter = checkFilter(link.name, ruleSet, [...keys, ...body.columns, ...body.derivedColumns], sensitive(link.name), diagnostics);
    const lookups = lookupsOf(sats, body.columns, [...keys, ...body.columns, ...body.derivedColumns], rv.referenceTables, diagnostics);
    links.push({
      kind: 'business_link',
      name: link.name,
      link: link.name,
      hashKey: link.hashKey,
      hubs: link.hubs,
      ...(link.dependentChildKeys !== undefined ? { dependentChildKeys: link.dependentChildKeys } : {}),
      ...(link.drivingKey !== undefined ? { drivingKey: link.drivingKey } : {}),
      ...(filter ? { filter } : {}),
      // Only the relationships effective now, when the link has an effectivity satellite.
      derivedFrom: [
        raw('link', link.name),
        ...(effective.has(link.name) ? [raw('effectivity_satellite', link.name)] : []),
        ...(filter ? sats.map((s) => raw('link_satellite', s.name)) : []),
        ...tracked.link(link),
      ],
      evidence: [ev('bv.business_link', `from link ${link.name}`), ...(filter ? [ev('bv.rules', `filter: ${filter.text}`)] : [])],
      origin: origin(link.name, link.origin),
      ...(link.description !== undefined ? { description: link.description } : {}),
    });
    if (sats.length > 0 || body.derived.length > 0) {
      linkSatellites.push({
        kind: 'business_link_satellite',
        name: link.name,
        parent: link.name,
        parentHashKey: link.hashKey,
        satellites: sats.map((s) => s.name),
        columns: body.columns,
        derived: body.derived,
        ...(lookups.length > 0 ? { lookups } : {}),
        derivedFrom: [raw('link', link.name), ...sats.map((s) => raw('link_satellite', s.name)), ...lookups.map((l) => raw('reference_table', l.referenceTable)), ...tracked.link(link)],
        evidence: [
          ev('bv.business_link_satellite', `from ${sats.map((s) => s.name).join(', ') || 'derived attributes only'}`),
          ...(body.derived.length ? [ev('bv.rules', `derived: ${body.derived.map((d) => d.name).join(', ')}`)] : []),
          ...lookups.map((l) => ev('bv.reference_lookup', `${l.codeColumns.join(', ')} → ${l.referenceTable}: ${l.columns.map((c) => c.name).join(', ')}`)),
        ],
        origin: origin(link.name, link.origin),
      });
    }
  }
  // Events: a business link per non-historized link, its attributes its own columns.
  for (const nhl of rv.nonHistorizedLinks) {
    const hidden = new Set(nhl.sensitiveColumns ?? []);
    const attributes = nhl.payload
      .filter((c) => !hidden.has(c.name))
      .map((c): Column => ({ name: c.name, type: c.type, nullable: c.nullable, ...(c.description !== undefined ? { description: c.description } : {}) }));
    links.push({
      kind: 'business_link',
      name: nhl.name,
      link: nhl.name,
      hashKey: nhl.hashKey,
      hubs: nhl.hubs,
      ...(nhl.dependentChildKeys !== undefined ? { dependentChildKeys: nhl.dependentChildKeys } : {}),
      eventAttributes: attributes,
      derivedFrom: [raw('non_historized_link', nhl.name)],
      evidence: [ev('bv.business_link_events', `from non-historized link ${nhl.name}${hidden.size ? `; ${[...hidden].join(', ')} left out as sensitive` : ''}`)],
      origin: nhl.origin,
      ...(nhl.description !== undefined ? { description: nhl.description } : {}),
    });
  }
  const controls = snapshotControls(spec);
  return {
    snapshotControls: controls,
    pits: buildPits(spec, rv, controls, diagnostics),
    bridges: buildBridges(spec, rv, diagnostics),
    hubs,
    links: links.sort(byName),
    satellites,
    linkSatellites,
  };
}

interface Body {
  readonly columns: BusinessColumn[];
  readonly derived: DerivedAttribute[];
  readonly derivedColumns: Column[];
}

/** Brings satellites together (a name two satellites share is prefixed by the satellite) and adds derived attributes. */
function satelliteBody(
  entity: string,
  sats: ReadonlyArray<Satellite | LinkSatellite>,
  keys: ReadonlyArray<Column>,
  ruleSet: RuleSetSpec | undefined,
  withheld: ReadonlyMap<string, string>,
  diagnostics: PathDiagnostic[],
): Body {
  // Ignoring case, as rules read column names (and Spark compares them): City and city are one name.
  const fold = (name: string): string => name.toLowerCase();
  const count = new Map<string, number>();
  for (const s of sats) for (const c of s.payload) count.set(fold(c.name), (count.get(fold(c.name)) ?? 0) + 1);
  const id = (s: Satellite | LinkSatellite, c: Column): string => `${s.name}\u0000${c.name}`;
  // A name two satellites share, or one the history and as-of views give their own columns, is prefixed by the satellite.
  const prefix = new Set(sats.flatMap((s) => s.payload.filter((c) => (count.get(fold(c.name)) ?? 0) > 1 || VIEW_NAMES.has(fold(c.name))).map((c) => id(s, c))));
  const nameOf = (s: Satellite | LinkSatellite, c: Column): string => (prefix.has(id(s, c)) ? `${s.name}_${c.name}` : c.name);
  // So is a name another column takes by its prefix (customers_city beside customers' shared city), until none does:
  // each round prefixes one column more at least, and a column is prefixed once, so this ends.
  for (let grown = true; grown;) {
    grown = false;
    const taken = new Set(sats.flatMap((s) => s.payload.filter((c) => prefix.has(id(s, c))).map((c) => fold(nameOf(s, c)))));
    for (const s of sats)
      for (const c of s.payload)
        if (!prefix.has(id(s, c)) && taken.has(fold(c.name))) {
          prefix.add(id(s, c));
          grown = true;
        }
  }
  const columns: BusinessColumn[] = sats.flatMap((s) =>
    s.payload.map((c) => ({
      name: nameOf(s, c),
      type: c.type,
      nullable: c.nullable,
      satellite: s.name,
      sourceColumn: c.name,
      ...(c.description !== undefined ? { description: c.description } : {}),
    })),
  );
  // Two prefixed names can still meet (satellite a's b_x and satellite a_b's x are both a_b_x):
  // said once, here, at the later satellite, not at every view that would show both.
  const holder = new Map<string, BusinessColumn>();
  for (const c of columns) {
    const other = holder.get(fold(c.name));
    if (other === undefined) holder.set(fold(c.name), c);
    else
      diagnostics.push(
        pathDiag(
          'VLT412',
          sats.find((x) => x.name === c.satellite)!.origin,
          `column '${c.sourceColumn}' of satellite '${c.satellite}' and column '${other.sourceColumn}' of satellite '${other.satellite}' would both be '${c.name}' in ${sats[0]!.kind === 'link_satellite' ? 'business link satellite' : 'business satellite'} '${entity}', each prefixed by its satellite's name; give one of the satellites another name with satellites:`,
          { target: 'key' },
        ),
      );
  }
  const visible: Column[] = [...keys, ...columns];
  const taken = new Set(visible.map((c) => c.name.toLowerCase()));
  const derived: DerivedAttribute[] = [];
  for (const name of Object.keys(ruleSet?.derive ?? {}).sort()) {
    const path = ['business_vault', 'rules', entity, 'derive', name];
    if (METADATA_NAMES.has(name.toLowerCase())) {
      diagnostics.push(pathDiag('VLT308', path, `derived attribute '${name}' has the name of a Data Vault metadata column of every business satellite; choose another name`, { target: 'key' }));
      continue;
    }
    if (VIEW_NAMES.has(name.toLowerCase())) {
      diagnostics.push(
        pathDiag('VLT308', path, `derived attribute '${name}' has the name of a column the history and as-of views add beside the business satellite's; choose another name`, { target: 'key' }),
      );
      continue;
    }
    if (taken.has(name.toLowerCase())) {
      diagnostics.push(pathDiag('VLT308', path, `derived attribute '${name}' has the name of a column of '${entity}'; choose another name`, { target: 'key' }));
      continue;
    }
    const checked = checkRule(ruleSet!.derive![name]!, visible, path, undefined, diagnostics, withheld);
    if (checked) derived.push({ name, expr: checked.expr, text: checked.text, type: checked.type });
  }
  return { columns, derived, derivedColumns: derived.map((d) => ({ name: d.name, type: d.type, nullable: true })) };
}

function checkFilter(entity: string, ruleSet: RuleSetSpec | undefined, visible: ReadonlyArray<Column>, withheld: ReadonlyMap<string, string>, diagnostics: PathDiagnostic[]): Filter | undefined {
  if (ruleSet?.filter === undefined) return undefined;
  const checked = checkRule(ruleSet.filter, visible, ['business_vault', 'rules', entity, 'filter'], 'boolean', diagnostics, withheld);
  return checked ? { expr: checked.expr, text: checked.text } : undefined;
}
