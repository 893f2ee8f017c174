/**
 * Access layer: a presentation view per business hub (unless the spec says otherwise),
 * and the dimensional models and reporting views the spec asks for.
 */
import type { PathDiagnostic } from '../diagnostics/diagnostic.js';
import { pathDiag } from '../diagnostics/make.js';
import type { AccessColumn, Dimension, DimensionalModel, PresentationView, ReportingView } from '../ir/access-layer.js';
import type { BusinessHub, BusinessLink, BusinessLinkSatellite, BusinessSatellite } from '../ir/business-vault.js';
import type { AccessLayer, BusinessVault } from './layers.js';
import { indexBy } from './group.js';
import type { EntityRef, Evidence } from '../ir/common.js';
import { closest, columnHint } from '../diagnostics/did-you-mean.js';
import type { Spec } from '../spec/spec.js';
import { checkRule } from './rule-check.js';
import type { RuleId } from './rules.js';
import { linkKeyColumns } from '../ir/entities.js';
import type { LinkHub } from '../ir/raw-vault.js';
import { dimensionHistory } from './dimension-history.js';
import type { SensitiveColumns } from './sensitive-columns.js';

const ev = (rule: RuleId, detail: string): Evidence => ({ rule, detail });
const bv = (kind: EntityRef['kind'], name: string): EntityRef => ({ layer: 'business_vault', kind, name });

interface Offer {
  readonly columns: AccessColumn[];
  readonly refs: EntityRef[];
}

/**
 * Every column a business hub or link offers downstream: keys, satellite columns, derived
 * attributes. Built for one business vault and asked again for the same entity by each view
 * and dimensional model that uses it, so each answer is kept, in this function's own table.
 */
function offeredColumns(b: BusinessVault): (entity: BusinessHub | BusinessLink) => Offer {
  const satellites = { hubs: indexBy(b.satellites, (s) => s.parent), links: indexBy(b.linkSatellites, (s) => s.parent) };
  const answers = new Map<string, Offer>();
  return (entity) => {
    const key = `${entity.kind}\u0000${entity.name}`;
    let answer = answers.get(key);
    if (answer === undefined) answers.set(key, (answer = computeOffered(entity, entity.kind === 'business_hub' ? satellites.hubs.get(entity.name) : satellites.links.get(entity.name))));
    return answer;
  };
}

function computeOffered(entity: BusinessHub | BusinessLink, sat: BusinessSatellite | BusinessLinkSatellite | undefined): Offer {
  const keys = entity.kind === 'business_hub' ? entity.businessKeys : linkKeyColumns(entity);
  const columns: AccessColumn[] = keys.map((k) => ({ name: k.name, type: k.type, nullable: k.nullable, from: entity.name, fromKind: entity.kind, fromColumn: k.name }));
  const refs: EntityRef[] = [bv(entity.kind, entity.name)];
  // A business link over events offers the events' attributes as its own columns.
  if (entity.kind === 'business_link')
    for (const c of entity.eventAttributes ?? []) columns.push({ name: c.name, type: c.type, nullable: c.nullable, from: entity.name, fromKind: entity.kind, fromColumn: c.name });
  if (sat) {
    refs.push(bv(sat.kind, sat.name));
    for (const c of sat.columns) columns.push({ name: c.name, type: c.type, nullable: c.nullable, from: sat.name, fromKind: sat.kind, fromColumn: c.name });
    for (const d of sat.derived) columns.push({ name: d.name, type: d.type, nullable: true, from: sat.name, fromKind: sat.kind, fromColumn: d.name });
    for (const c of (sat.lookups ?? []).flatMap((l) => l.columns)) columns.push({ name: c.name, type: c.type, nullable: true, from: sat.name, fromKind: sat.kind, fromColumn: c.name });
  }
  return { columns, refs };
}

export function buildAccessLayer(spec: Spec, b: BusinessVault, sensitive: SensitiveColumns, diagnostics: PathDiagnostic[]): AccessLayer {
  const al = spec.access_layer ?? {};
  const offered = offeredColumns(b);
  const hubNames = b.hubs.map((h) => h.name);
  // Built once: a spec with many unknown names would otherwise copy them once per name.
  const linkNames = b.links.map((l) => l.name);
  const linkAndHubNames = [...linkNames, ...hubNames];
  const hubAndLinkNames = [...hubNames, ...linkNames];
  const hubByName = indexBy(b.hubs, (h) => h.name);
  const unknown = (path: Array<string | number>, name: string, candidates: ReadonlyArray<string>, what: string): void => {
    const hint = closest(name, candidates);
    diagnostics.push(pathDiag('VLT409', path, `'${name}' is not ${what} of this model${hint ? `; did you mean '${hint}'?` : ''}`));
  };
  // A name listed twice would give its view two columns (or two views) of one name, which PostgreSQL refuses at setup.
  const repeated = (list: ReadonlyArray<string>, i: number, path: Array<string | number>, what: string, why: string): boolean => {
    const first = list.indexOf(list[i]!);
    if (first === i) return false;
    diagnostics.push(pathDiag('VLT414', path, `${what} '${list[i]!}' is listed twice (items ${first + 1} and ${i + 1}); ${why}`));
    return true;
  };

  // With snapshots, each presentation and reporting view has an as-of view too, which reads the snapshot control's kept dates.
  const asOf: EntityRef[] = b.snapshotControls.map((c) => ({ layer: 'business_vault', kind: 'snapshot_control', name: c.name }));

  const wanted = al.presentation_views ?? 'all';
  const pvHubs: BusinessHub[] = [];
  if (wanted === 'all') pvHubs.push(...b.hubs);
  else if (wanted !== 'none') {
    wanted.forEach((n, i) => {
      const h = b.hubs.find((x) => x.name === n);
      if (repeated(wanted, i, ['access_layer', 'presentation_views', i], 'hub', 'each hub gets one presentation view; remove the second')) return;
      if (h) pvHubs.push(h);
      else unknown(['access_layer', 'presentation_views', i], n, hubNames, 'a hub');
    });
  }
  // A view the spec lists comes from its entry; with `all`, from where its hub came from.
  const listed = new Map(Array.isArray(wanted) ? wanted.map((n, i) => [n, i] as const).reverse() : []);
  const presentationViews: PresentationView[] = pvHubs.map((h) => {
    const o = offered(h);
    const at = listed.get(h.name);
    const origin = at === undefined ? h.origin : ['access_layer', 'presentation_views', at];
    return {
      kind: 'presentation_view',
      name: h.name,
      businessHub: h.name,
      businessKeys: h.businessKeys.map((k) => k.name),
      columns: o.columns,
      derivedFrom: [...o.refs, ...asOf],
      evidence: [ev('al.presentation_view', `current values of ${h.name}`)],
      origin,
      ...(h.description !== undefined ? { description: h.description } : {}),
    };
  });

  const dimensionalModels: DimensionalModel[] = [];
  for (const name of Object.keys(al.dimensional_models ?? {}).sort()) {
    const m = al.dimensional_models![name]!;
    const base = ['access_layer', 'dimensional_models', name];
    const link = b.links.find((l) => l.name === m.fact);
    const hub = b.hubs.find((h) => h.name === m.fact);
    if (!link && !hub) {
      unknown([...base, 'fact'], m.fact, linkAndHubNames, 'a link or hub');
      continue;
    }
    const fact = (link ?? hub)!;
    const slots: ReadonlyArray<DimensionSlot> = link ? link.hubs.map((s) => ({ slot: s })) : drivenSlots(b.links, fact.name);
    const slotName = (s: DimensionSlot): string => (s.slot.role ? `${s.slot.role}_${s.slot.hub}` : s.slot.hub);
    const dimensionSlots =
      m.dimensions === undefined
        ? slots
        : m.dimensions.flatMap((d, i) => {
            if (repeated(m.dimensions!, i, [...base, 'dimensions', i], 'dimension', `dimensional model '${name}' would have it as two dimensions of one name; remove the second`)) return [];
            const found = slots.filter((s) => s.slot.hub === d || slotName(s) === d);
            if (found.length === 0) {
              const names = slots.map(slotName);
              const hint = closest(d, names);
              const what = link ? 'a hub of' : 'a hub related to';
              diagnostics.push(
                pathDiag('VLT409', [...base, 'dimensions', i], `'${d}' is not ${what} '${m.fact}'${hint ? `; did you mean '${hint}'?` : names.length ? `; its hubs are ${names.join(', ')}` : ''}`),
              );
            }
            return found;
          });
    const dimensions: Dimension[] = [];
    const refs: EntityRef[] = [...offered(fact).refs];
    for (const s of dimensionSlots) {
      const name = slotName(s);
      if (dimensions.some((d) => d.name === name)) {
        // Two links the fact hub drives reach one hub under one name (a hub fed by two tables).
        diagnostics.push(
          pathDiag(
            'VLT409',
            m.dimensions === undefined ? [...base, 'fact'] : [...base, 'dimensions'],
            `'${m.fact}' reaches dimension '${name}' through more than one link (${s.through?.link ?? m.fact}); choose the fact or the dimensions so each dimension is reached once`,
          ),
        );
        continue;
      }
      const dh = hubByName.get(s.slot.hub)!;
      const o = offered(dh);
      dimensions.push({
        name,
        businessHub: s.slot.hub,
        ...(s.slot.role ? { role: s.slot.role } : {}),
        hashKey: s.slot.hashKey,
        ...(s.through ? { through: { link: s.through.link, drivingKey: s.through.drivingKey } } : {}),
        attributes: o.columns,
      });
      if (s.through) refs.push(bv('business_link', s.through.link));
      refs.push(...o.refs);
    }
    // Measures: the fact's own columns first, then those of its hubs, in link order.
    const pools = [offered(fact), ...slots.map((s) => offered(hubByName.get(s.slot.hub)!))];
    const measures: AccessColumn[] = [];
    m.measures.forEach((measure, i) => {
      if (repeated(m.measures, i, [...base, 'measures', i], 'measure', `the fact of dimensional model '${name}' would have two '${measure}' columns; remove the second`)) return;
      const hit = pools.flatMap((p) => p.columns).find((c) => c.name === measure);
      if (hit) {
        measures.push(hit);
        for (const p of pools) if (p.columns.includes(hit)) refs.push(...p.refs);
      } else {
        const hint = columnHint(
          measure,
          pools.flatMap((p) => p.columns.map((c) => c.name)),
        );
        const why = [fact.name, ...slots.map((s) => s.slot.hub)].map((e) => sensitive(e).get(measure)).find((w) => w !== undefined);
        if (why !== undefined) diagnostics.push(pathDiag('VLT411', [...base, 'measures', i], `measure '${measure}' ${why}`));
        else diagnostics.push(pathDiag('VLT411', [...base, 'measures', i], `measure '${measure}' is not a column of '${m.fact}' or of its hubs${hint ? `; ${hint}` : ''}`));
      }
    });
    checkViewColumns(name, base, m.dimensions, dimensions, m.measures, diagnostics);
    const history = dimensionHistory(
      {
        spec: m,
        base,
        fact: fact.name,
        factColumns: offered(fact).columns,
        hubColumns: slots.map((s) => ({ hub: s.slot.hub, columns: offered(hubByName.get(s.slot.hub)!).columns })),
        dimensions,
        measures,
        withheld: sensitive(fact.name),
      },
      diagnostics,
    );
    const versions = history.history === 'type2' ? `; type 2 at ${history.factDate?.name ?? 'load_ts'}` : '';
    dimensionalModels.push({
      kind: 'dimensional_model',
      name,
      fact: fact.name,
      factKind: fact.kind,
      measures,
      dimensions: history.dimensions,
      history: history.history,
      ...(history.factDate === undefined ? {} : { factDate: history.factDate }),
      derivedFrom: uniqueRefs(refs),
      evidence: [ev('al.dimensional_model', `fact ${fact.name}; dimensions ${dimensions.map((d) => d.name).join(', ') || 'none'}${versions}`)],
      origin: base,
      ...(m.description !== undefined ? { description: m.description } : {}),
    });
  }

  const reportingViews: ReportingView[] = [];
  for (const name of Object.keys(al.reporting_views ?? {}).sort()) {
    const v = al.reporting_views![name]!;
    const base = ['access_layer', 'reporting_views', name];
    const from = b.hubs.find((h) => h.name === v.from) ?? b.links.find((l) => l.name === v.from);
    if (!from) {
      unknown([...base, 'from'], v.from, hubAndLinkNames, 'a hub or link');
      continue;
    }
    const o = offered(from);
    const columns: AccessColumn[] = [];
    (v.columns ?? o.columns.map((c) => c.name)).forEach((c, i) => {
      if (v.columns !== undefined && repeated(v.columns, i, [...base, 'columns', i], 'column', `reporting view '${name}' would have two '${c}' columns; remove the second`)) return;
      const hit = o.columns.find((x) => x.name === c);
      const why = hit === undefined ? sensitive(from.name).get(c) : undefined;
      if (hit) columns.push(hit);
      else if (why !== undefined) diagnostics.push(pathDiag('VLT411', [...base, 'columns', i], `column '${c}' ${why}`));
      else {
        const hint = columnHint(
          c,
          o.columns.map((x) => x.name),
        );
        diagnostics.push(pathDiag('VLT411', [...base, 'columns', i], `column '${c}' is not a column of '${v.from}'${hint ? `; ${hint}` : ''}`));
      }
    });
    const checked = v.filter === undefined ? undefined : checkRule(v.filter, o.columns, [...base, 'filter'], 'boolean', diagnostics, sensitive(from.name));
    reportingViews.push({
      kind: 'reporting_view',
      name,
      from: from.name,
      fromKind: from.kind,
      columns,
      ...(checked ? { filter: { expr: checked.expr, text: checked.text } } : {}),
      derivedFrom: [...o.refs, ...asOf],
      evidence: [ev('al.reporting_view', `from ${from.name}`)],
      origin: base,
      ...(v.description !== undefined ? { description: v.description } : {}),
    });
  }
  return { presentationViews, dimensionalModels, reportingViews };
}

/**
 * The fact view has a column per dimension named like the dimension's hash key in the fact (its
 * role's name under a role), and each dimension view starts with that column: a measure or a
 * dimension's attribute of that name would give the view two columns of one name, which
 * PostgreSQL refuses at setup (VLT412, at the measure; at the dimension, or the model when its
 * dimensions are all the fact's).
 */
function checkViewColumns(
  name: string,
  base: ReadonlyArray<string>,
  listed: ReadonlyArray<string> | undefined,
  dimensions: ReadonlyArray<Dimension>,
  measures: ReadonlyArray<string>,
  diagnostics: PathDiagnostic[],
): void {
  measures.forEach((measure, i) => {
    const d = dimensions.find((x) => x.hashKey === measure);
    if (d !== undefined)
      diagnostics.push(
        pathDiag(
          'VLT412',
          [...base, 'measures', i],
          `measure '${measure}' has the name of the fact view's column for dimension '${d.name}' (its hash key), so the fact view of dimensional model '${name}' would have two '${measure}' columns; rename the column in the landing table, or read the table through a view that renames it`,
        ),
      );
  });
  for (const d of dimensions) {
    if (!d.attributes.some((a) => a.name === d.hashKey)) continue;
    const at = listed?.findIndex((x) => x === d.name || x === d.businessHub) ?? -1;
    diagnostics.push(
      pathDiag(
        'VLT412',
        at < 0 ? [...base] : [...base, 'dimensions', at],
        `dimension '${d.name}' of dimensional model '${name}' has attribute '${d.hashKey}', the name of its view's column for the member's hash key, so the view would have two '${d.hashKey}' columns; rename the column in the landing table, or read the table through a view that renames it`,
        at < 0 ? { target: 'key' } : {},
      ),
    );
  }
}

/** A hub a dimension may come from: a slot of the fact link, or of a link the fact hub drives. */
interface DimensionSlot {
  readonly slot: LinkHub;
  readonly through?: { readonly link: string; readonly drivingKey: string };
}

/**
 * The hubs a fact hub relates to: the other hubs of each business link it drives (`drivingKey`),
 * in the business vault's order (by link name). An order drives order_customer and order_employee: customer, employee.
 */
function drivenSlots(links: ReadonlyArray<BusinessLink>, hub: string): DimensionSlot[] {
  const found: DimensionSlot[] = [];
  for (const l of links) {
    const driving = l.hubs.find((h) => h.hub === hub && (l.drivingKey ?? []).includes(h.hashKey));
    if (driving === undefined) continue;
    for (const s of l.hubs) if (!(l.drivingKey ?? []).includes(s.hashKey)) found.push({ slot: s, through: { link: l.name, drivingKey: driving.hashKey } });
  }
  return found;
}

function uniqueRefs(refs: ReadonlyArray<EntityRef>): EntityRef[] {
  const seen = new Map<string, EntityRef>();
  for (const r of refs) seen.set(`${r.kind}\u0000${r.name}`, r);
  return [...seen.values()];
}
