/**
 * Properties of the whole compile, over random valid specs (tests/arbitraries/spec.ts):
 * no errors, conformance and pipeline flow hold, the IR is deterministic and independent of
 * the order of tables and columns, unrelated tables change nothing, declared references
 * become links, stage-only compiles are prefixes, derivedFrom points one layer back.
 * A negative test shows the validators do fail on broken models.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { allEntities, compileSpec, refKey, replaceEntities, validateConformance, validatePipelineFlow, type EntityRef, type Layer, type Spec, type VaultModel } from '@vault/core/internal';
import { generatedSpecArb, shuffleSpec, specArb, unrelatedTableArb, type GeneratedSpec } from '../arbitraries/spec.js';

const RUNS = { numRuns: 150 };

const errors = <T extends { readonly severity: string }>(ds: ReadonlyArray<T>): T[] => ds.filter((d) => d.severity === 'error');

/** Compiles and insists on a model with no error diagnostic. */
function compiled(spec: Spec, stage?: 'raw' | 'business' | 'access'): VaultModel {
  const r = compileSpec(spec, stage ? { stage } : {});
  expect(errors(r.diagnostics), JSON.stringify(spec)).toEqual([]);
  expect(r.model).toBeDefined();
  return r.model!;
}

const FEEDS: Record<Layer, Layer | undefined> = { source: undefined, raw_vault: 'source', business_vault: 'raw_vault', access_layer: 'business_vault' };

describe('compile over generated specs', () => {
  test.prop([specArb], RUNS)('compiles with no error; conformance and pipeline flow hold', (spec) => {
    const m = compiled(spec);
    expect(errors(validateConformance(m))).toEqual([]);
    expect(errors(validatePipelineFlow(m))).toEqual([]);
    expect(m.byKind.hub.length).toBeGreaterThan(0);
  });

  test.prop([specArb], RUNS)('compiling twice gives the same IR', (spec) => {
    const a = compiled(spec);
    const b = compiled(spec);
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  test.prop([specArb, fc.integer()], RUNS)('the order of tables and columns does not matter', (spec, seed) => {
    const shuffled = shuffleSpec(spec, seed);
    expect(shuffled).toEqual(spec); // the same spec, only the key order differs
    expect(JSON.stringify(compiled(shuffled))).toBe(JSON.stringify(compiled(spec)));
  });

  test.prop([specArb, unrelatedTableArb], RUNS)('an unrelated table changes no existing entity', (spec, extra) => {
    const before = compiled(spec);
    const after = compiled({ ...spec, tables: { ...spec.tables, [extra.name]: extra.table } });
    const entitiesAfter = new Map(allEntities(after).map(({ layer, entity }) => [refKey({ layer, kind: entity.kind, name: entity.name }), entity]));
    for (const { layer, entity } of allEntities(before)) {
      expect(entitiesAfter.get(refKey({ layer, kind: entity.kind, name: entity.name })), `${layer} ${entity.kind} ${entity.name}`).toEqual(entity);
    }
    // and the new table only adds its own hub (and satellite, views)
    expect(after.byKind.hub.length).toBe(before.byKind.hub.length + 1);
    expect(after.byKind.link).toEqual(before.byKind.link);
  });

  test.prop([generatedSpecArb], RUNS)('every declared reference is a link with both hubs and the reference columns', ({ spec, info }: GeneratedSpec) => {
    const m = compiled(spec);
    // the hub a table feeds: the hub loaded from that table by its own key
    const hubOf = (table: string): string => {
      const h = m.byKind.hub.filter((x) => x.sources.some((s) => s.table === table && x.derivedFrom.some((d) => d.name === table)));
      const own = h.find((x) => x.name === info.hubOfTable.get(table));
      expect(own, `hub of ${table}`).toBeDefined();
      return own!.name;
    };
    for (const [table, t] of Object.entries(spec.tables)) {
      (t.references ?? []).forEach((r, i) => {
        // a hub table forms one link per reference (or one unit of work when it asks), an association one
        const links = m.byKind.link.filter((l) => l.sources.some((s) => s.table === table));
        expect(links.map((l) => l.name).sort(), `links of ${table}`).toEqual([...(info.linksOfTable.get(table) ?? [])].sort());
        const l = links.find((x) => x.name === info.linkOfReference.get(`${table}#${i}`))!;
        expect(l, `link of ${table}.references[${i}]`).toBeDefined();
        expect(l.derivedFrom).toEqual([{ layer: 'source', kind: 'source_table', name: table }]);
        const target = hubOf(r.table);
        if (info.associations.includes(table)) {
          expect(l.hubs).toHaveLength(2);
          expect(l.drivingKey).toBeUndefined();
        } else {
          expect(l.hubs[0]!.hub).toBe(hubOf(table));
          expect(l.hubs[0]!.role).toBeUndefined();
          expect(l.drivingKey).toEqual([l.hubs[0]!.hashKey]);
          if (!info.unitsOfWork.includes(table)) expect(l.hubs).toHaveLength(2);
        }
        // the slot of this reference: its hub and role; its columns at the slot's place in the sources
        const slot = l.hubs.findIndex((h) => h.hub === target && h.role === r.role);
        expect(slot, `${table} → ${r.table} as ${r.role ?? '-'} in ${l.name}`).toBeGreaterThanOrEqual(0);
        const offset = l.hubs.slice(0, slot).reduce((n, h) => n + h.businessKeys.length, 0);
        expect(l.sources[0]!.columns.slice(offset, offset + r.columns.length)).toEqual(r.columns);
        expect(l.hubs[slot]!.businessKeys).toHaveLength(r.columns.length);
        // and the target hub is loaded from the referencing columns too
        expect(m.byKind.hub.find((h) => h.name === target)!.sources.map((s) => ({ table: s.table, columns: s.columns }))).toContainEqual({ table, columns: r.columns });
      });
    }
  });

  test.prop([specArb], RUNS)('stage-only compiles are prefixes of the full compile', (spec) => {
    const full = compiled(spec);
    const raw = compiled(spec, 'raw');
    const business = compiled(spec, 'business');
    expect(raw.stages).toEqual(['raw']);
    expect(business.stages).toEqual(['raw', 'business']);
    expect(full.stages).toEqual(['raw', 'business', 'access']);
    const inLayer = (m: VaultModel, layer: string): ReadonlyArray<unknown> =>
      allEntities(m)
        .filter((x) => x.layer === layer)
        .map((x) => x.entity);
    expect(inLayer(raw, 'raw_vault')).toEqual(inLayer(full, 'raw_vault'));
    expect(inLayer(business, 'raw_vault')).toEqual(inLayer(full, 'raw_vault'));
    expect(inLayer(business, 'business_vault')).toEqual(inLayer(full, 'business_vault'));
    expect(inLayer(raw, 'business_vault')).toEqual([]);
    for (const m of [raw, business]) expect(inLayer(m, 'access_layer')).toEqual([]);
    for (const m of [raw, business]) {
      expect(errors(validatePipelineFlow(m))).toEqual([]);
      expect(errors(validateConformance(m))).toEqual([]);
    }
  });

  test.prop([specArb], RUNS)('every derivedFrom resolves, and only to the layer before', (spec) => {
    const m = compiled(spec);
    const known = new Set([
      ...m.sources.map((s) => refKey({ layer: 'source', kind: 'source_table', name: s.name })),
      ...allEntities(m).map(({ layer, entity }) => refKey({ layer, kind: entity.kind, name: entity.name })),
    ]);
    for (const { layer, entity } of allEntities(m)) {
      expect(entity.derivedFrom.length, `${entity.kind} ${entity.name}`).toBeGreaterThan(0);
      for (const r of entity.derivedFrom) {
        expect(known.has(refKey(r)), `${entity.kind} ${entity.name} ← ${refKey(r)}`).toBe(true);
        expect(r.layer, `${entity.kind} ${entity.name} ← ${refKey(r)}`).toBe(FEEDS[layer]);
      }
    }
  });

  test.prop([specArb], RUNS)('no sensitive column reaches the business vault or the access layer', (spec) => {
    const m = compiled(spec);
    const secret = new Set(
      Object.entries(spec.tables).flatMap(([table, t]) =>
        Object.entries(t.columns)
          .filter(([, c]) => typeof c !== 'string' && c.role === 'sensitive')
          .map(([c]) => `${table}.${c}`),
      ),
    );
    const raw = new Map([...m.byKind.satellite, ...m.byKind.link_satellite].map((s) => [s.name, s] as const));
    for (const s of [...m.byKind.satellite, ...m.byKind.link_satellite]) {
      if (s.payload.some((c) => secret.has(`${c.sourceTable}.${c.sourceColumn}`))) expect(s.sensitive, s.name).toBe(true);
    }
    for (const s of [...m.byKind.business_satellite, ...m.byKind.business_link_satellite]) {
      for (const c of s.columns) {
        const from = raw.get(c.satellite)!;
        expect(from.sensitive, `${s.name}.${c.name}`).toBe(false);
        expect(secret.has(`${from.source.table}.${c.sourceColumn}`), `${s.name}.${c.name}`).toBe(false);
      }
    }
  });

  test.prop([specArb], RUNS)('hub and link sources line up with their business keys', (spec) => {
    const m = compiled(spec);
    for (const h of m.byKind.hub) {
      expect(h.sources.length).toBeGreaterThan(0);
      for (const s of h.sources) expect(s.columns).toHaveLength(h.businessKeys.length);
    }
    for (const l of m.byKind.link) {
      expect(l.hubs.length).toBeGreaterThanOrEqual(2);
      for (const s of l.sources) expect(s.columns).toHaveLength(l.hubs.reduce((n, h) => n + h.businessKeys.length, 0));
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('the validators can fail', () => {
  const base = (): VaultModel => {
    const r = compileSpec({
      version: 1,
      model: 'shop',
      tables: {
        customer: { columns: { customer_id: { type: 'int', nullable: false }, full_name: 'text' } },
        product: { columns: { product_id: { type: 'int', nullable: false }, label: 'text' } },
        sale: { primary_key: ['customer_id', 'product_id'], columns: { customer_id: 'int', product_id: 'int', amount: 'int' } },
      },
    });
    expect(errors(r.diagnostics)).toEqual([]);
    return r.model!;
  };
  const codes = (ds: ReadonlyArray<{ readonly code: string }>): string[] => ds.map((d) => d.code).sort();

  test('the base model is clean', () => {
    const m = base();
    expect(validateConformance(m)).toEqual([]);
    expect(validatePipelineFlow(m)).toEqual([]);
  });

  test('a business hub deriving from a source table: VLT501', () => {
    const m = base();
    const bh = m.byKind.business_hub[0]!;
    const broken: VaultModel = replaceEntities(m, 'business_hub', [{ ...bh, derivedFrom: [{ layer: 'source', kind: 'source_table', name: 'customer' }] }, ...m.byKind.business_hub.slice(1)]);
    expect(codes(validatePipelineFlow(broken))).toEqual(['VLT501']);
  });

  test('a derivedFrom that does not resolve, or is empty: VLT502', () => {
    const m = base();
    const bh = m.byKind.business_hub[0]!;
    const ghost: EntityRef = { layer: 'raw_vault', kind: 'hub', name: 'ghost' };
    const broken: VaultModel = replaceEntities(m, 'business_hub', [
      { ...bh, derivedFrom: [ghost] },
      { ...m.byKind.business_hub[1]!, derivedFrom: [] },
    ]);
    expect(codes(validatePipelineFlow(broken))).toEqual(['VLT502', 'VLT502']);
  });

  test('a cycle: VLT503 (with the wrong-layer edges it needs, VLT501)', () => {
    const m = base();
    const [a, b] = [m.byKind.business_hub[0]!, m.byKind.business_hub[1]!];
    const ref = (name: string): EntityRef => ({ layer: 'business_vault', kind: 'business_hub', name });
    const broken: VaultModel = replaceEntities(m, 'business_hub', [{ ...a, derivedFrom: [ref(b.name)] }, { ...b, derivedFrom: [ref(a.name)] }, ...m.byKind.business_hub.slice(2)]);
    const found = validatePipelineFlow(broken);
    expect(codes(found)).toEqual(['VLT501', 'VLT501', 'VLT503']);
    expect(found.find((d) => d.code === 'VLT503')!.message).toContain('business_vault.business_hub.customer');
  });

  test('an entity of a stage that was not compiled: VLT504', () => {
    const m = base();
    expect(codes(validatePipelineFlow({ ...m, stages: ['raw'] }))).toEqual(
      Array(m.byKind.business_hub.length + m.byKind.business_link.length + m.byKind.business_satellite.length + m.byKind.business_link_satellite.length + m.byKind.presentation_view.length).fill(
        'VLT504',
      ),
    );
  });

  test('a link with one hub: VLT403', () => {
    const m = base();
    const l = m.byKind.link[0]!;
    const broken: VaultModel = replaceEntities(m, 'link', [{ ...l, hubs: [l.hubs[0]!] }]);
    expect(codes(validateConformance(broken))).toEqual(['VLT403']);
  });

  test('a link to a hub that does not exist: VLT502', () => {
    const m = base();
    const l = m.byKind.link[0]!;
    const broken: VaultModel = replaceEntities(m, 'link', [{ ...l, hubs: [...l.hubs, { ...l.hubs[0]!, hub: 'ghost' }] }]);
    expect(codes(validateConformance(broken))).toEqual(['VLT502']);
  });

  test('a satellite with an empty payload: VLT404', () => {
    const m = base();
    const s = m.byKind.satellite[0]!;
    const broken: VaultModel = replaceEntities(m, 'satellite', [{ ...s, payload: [] }, ...m.byKind.satellite.slice(1)]);
    const found = validateConformance(broken);
    expect(codes(found)).toEqual(['VLT404']);
    expect(found[0]!.path).toEqual(['tables', s.source.table]);
  });

  test('a satellite carrying its hub key: VLT406; without a parent: VLT408', () => {
    const m = base();
    const s = m.byKind.satellite.find((x) => x.parent === 'customer')!;
    const keyColumn = { name: 'customer_id', type: { kind: 'int' } as const, nullable: false, sourceTable: 'customer', sourceColumn: 'customer_id' };
    const others = m.byKind.satellite.filter((x) => x !== s);
    expect(codes(validateConformance(replaceEntities(m, 'satellite', [{ ...s, payload: [...s.payload, keyColumn] }, ...others])))).toEqual(['VLT406']);
    expect(codes(validateConformance(replaceEntities(m, 'satellite', [{ ...s, parent: 'ghost' }, ...others])))).toEqual(['VLT402', 'VLT408']); // and the hub lost its satellite
  });

  test('a hub without a business key: VLT407; without a satellite: VLT402 (a warning)', () => {
    const m = base();
    const [h, ...rest] = m.byKind.hub;
    expect(codes(validateConformance(replaceEntities(m, 'hub', [{ ...h!, businessKeys: [] }, ...rest])))).toEqual(['VLT407']);
    const found = validateConformance(
      replaceEntities(
        m,
        'satellite',
        m.byKind.satellite.filter((s) => s.parent !== h!.name),
      ),
    );
    expect(found.map((d) => [d.code, d.severity])).toEqual([['VLT402', 'warning']]);
  });

  test('two entities of one kind and name in a layer: VLT405', () => {
    const m = base();
    const broken: VaultModel = replaceEntities(m, 'hub', [...m.byKind.hub, m.byKind.hub[0]!]);
    expect(codes(validateConformance(broken))).toEqual(['VLT405']);
  });
});

describe('column names', () => {
  const dupes = (xs: ReadonlyArray<string>): string[] => xs.filter((x, i) => xs.indexOf(x) !== i);

  test.prop([specArb], RUNS)('no satellite or view has two columns of one name', (spec) => {
    const m = compiled(spec);
    const found: string[] = [];
    const check = (what: string, cols: ReadonlyArray<string>): void => {
      for (const d of dupes(cols)) found.push(`${what}: ${d}`);
    };
    for (const h of m.byKind.hub) check(`hub ${h.name}`, [h.hashKey, ...h.businessKeys.map((k) => k.name)]);
    for (const s of [...m.byKind.satellite, ...m.byKind.link_satellite])
      check(
        `${s.kind} ${s.name}`,
        s.payload.map((c) => c.name),
      );
    for (const s of [...m.byKind.business_satellite, ...m.byKind.business_link_satellite]) check(`${s.kind} ${s.name}`, [...s.columns.map((c) => c.name), ...s.derived.map((d) => d.name)]);
    for (const v of m.byKind.presentation_view)
      check(
        `${v.kind} ${v.name}`,
        v.columns.map((c) => c.name),
      );
    for (const d of m.byKind.dimensional_model) {
      check(
        `${d.kind} ${d.name} measures`,
        d.measures.map((c) => c.name),
      );
      for (const dim of d.dimensions)
        check(
          `${d.kind} ${d.name} dimension ${dim.name}`,
          dim.attributes.map((c) => c.name),
        );
    }
    expect(found).toEqual([]);
  });

  /** Two hubs keyed by `id` once gave a link with two `id` columns. */
  test.prop([specArb], RUNS)('no link has two key columns of one name', (spec) => {
    const m = compiled(spec);
    for (const l of m.byKind.link) {
      const cols = [l.hashKey, ...l.hubs.flatMap((h) => [h.hashKey, ...h.businessKeys.map((k) => k.name)])];
      expect(dupes(cols), `link ${l.name}`).toEqual([]);
    }
  });
});
