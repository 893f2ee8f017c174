/**
 * fast-check arbitraries of VALID vault specs: every spec `specArb` generates compiles without
 * an error diagnostic (warnings such as VLT402 "hub has no satellite" are allowed).
 *
 * How validity is kept by construction:
 * - Hub tables take distinct single-word concepts from HUB_WORDS, so each table feeds a hub
 *   of its own (named after the concept) and no concept name is a suffix of another; none is
 *   named like a code list (`region`, `currency`, ...), which becomes a reference table.
 * - Every key column is named after its table's concept (`<concept>_id`, `<concept>_code`,
 *   ...), or is `id`; descriptive columns come from DESCRIPTIVE, none of which looks like a
 *   key (`_id`, `_key`, `_code`, `_no`, ...), a sensitive or a technical column. So the only
 *   references are the ones the generator plans (declared, or by naming on purpose) and no
 *   hub is implied.
 * - Two references of one table to one hub get distinct roles; a self reference always has a
 *   role (otherwise VLT406).
 * - Link names are predicted: a hub table forms one link per reference (`<hub>_<role>_<hub>`),
 *   or, when its plan asks for a unit of work, one link of all its references named by `link:`;
 *   an association table one link (`<hub>_<role>_<hub>`, or `<table>_relationship` past 50
 *   bytes). When two would have one name, the later one is named by `link:` (a hub table's
 *   reference is then declared, with `link:` in its entry).
 * - Dimensional models read a link (dimensions: its hubs) or a hub that drives links
 *   (dimensions: the hubs those links reach).
 * - Business rules, reporting views and dimensional models only name columns the generator
 *   knows are visible there (non-sensitive, non-technical descriptive columns, keys, derived
 *   attributes that type-check).
 */
import fc from 'fast-check';
import type { ColumnSpec, DimensionalModelSpec, ReferenceSpec, ReportingViewSpec, RuleSetSpec, Spec, TableSpec } from '@vault/core';

// ---------------------------------------------------------------------------------------------
// Vocabulary

/**
 * Business concepts: not reserved, not sensitive/technical-looking, regular plurals, not code
 * lists (docs/inference.md), and not named like events (payment, transaction, event, log), which
 * inference may make non-historized links (`table.event`, tested in tests/core/non-historized-link.test.ts).
 */
export const HUB_WORDS = [
  'customer',
  'product',
  'account',
  'branch',
  'invoice',
  'parcel',
  'ledger',
  'territory',
  'vendor',
  'contract',
  'asset',
  'policy',
  'claim',
  'agent',
  'warehouse',
  'shipment',
  'device',
  'sensor',
  'tariff',
  'project',
  'supplier',
  'employee',
  'campaign',
  'station',
] as const;

/** Role names for references (at least 4 letters, never a concept). */
export const ROLES = ['parent', 'manager', 'billing', 'shipping', 'origin', 'backup', 'owner', 'previous'] as const;

/** Descriptive column names: none looks like a key, a sensitive or a technical column. */
export const DESCRIPTIVE = [
  'amount',
  'balance',
  'quantity',
  'price',
  'score',
  'rating',
  'weight',
  'volume',
  'ratio',
  'margin',
  'discount',
  'label',
  'title',
  'remark',
  'status',
  'category',
  'colour',
  'opened_on',
  'closed_on',
  'active',
  'priority',
  'grade',
  'channel',
  'tier',
  'duration',
  'distance',
  'capacity',
  'revenue',
  'cost',
] as const;

export const TYPES = ['int', 'bigint', 'text', 'varchar(40)', 'decimal(18,2)', 'date', 'timestamptz', 'boolean'] as const;
export type TypeName = (typeof TYPES)[number];
const NUMERIC: ReadonlySet<string> = new Set(['int', 'bigint', 'decimal(18,2)']);
const TEXTUAL: ReadonlySet<string> = new Set(['text', 'varchar(40)']);

/** Sensitive columns: by name, and one marked `role: sensitive`. */
const SENSITIVE = ['email', 'phone_number', 'iban', 'ssn', 'date_of_birth', 'password', 'nickname'] as const;
/** Technical columns: by name, one marked `role: technical`, one `role: ignore`. */
const TECHNICAL = ['updated_at', 'load_ts', 'batch_ref', 'scratch_pad'] as const;

/** Concepts for the unrelated table of `unrelatedTableArb`: never used by `specArb`. */
export const FRESH_WORDS = ['zephyr', 'quasar', 'nebula', 'photon', 'lattice'] as const;

// ---------------------------------------------------------------------------------------------
// Plans: the random choices, assembled into a spec by `buildSpec`.

type KeyStyle = 'id' | 'entity_id' | 'entity_code' | 'entitykey' | 'entity_key' | 'declared' | 'declared_composite' | 'primary' | 'unique';
type NameStyle = 'plain' | 'plural' | 'tbl' | 'stg';
type Form = 'short' | 'object' | 'described';

interface ColumnPlan {
  readonly name: string;
  readonly type: TypeName;
  readonly form: Form;
}
interface RefPlan {
  readonly target: number;
  readonly role: string | undefined;
  readonly declared: boolean;
}
interface DerivePlan {
  readonly form: number;
  readonly a: number;
  readonly b: number;
}
interface RulePlan {
  readonly derive: ReadonlyArray<DerivePlan>;
  readonly filter: number | undefined;
}

interface HubTablePlan {
  readonly nameStyle: NameStyle;
  readonly keyStyle: KeyStyle;
  readonly keyType: TypeName;
  readonly keyForm: Form;
  readonly kindHub: boolean;
  readonly columns: ReadonlyArray<ColumnPlan>;
  readonly technical: ReadonlyArray<string>;
  readonly sensitive: ReadonlyArray<string>;
  readonly deltaOrder: boolean;
  /** `batches: full`: a status tracking satellite of the table's keys. */
  readonly fullBatches: boolean;
  readonly refs: ReadonlyArray<RefPlan>;
  readonly override: { readonly word: string; readonly pick: ReadonlyArray<boolean> } | undefined;
  readonly rules: RulePlan | undefined;
  /** Ask for one unit-of-work link of all references (`link:`) instead of one per reference. */
  readonly unitOfWork: boolean;
}

interface AssocPlan {
  readonly a: number;
  readonly b: number;
  readonly roleA: string | undefined;
  readonly roleB: string | undefined;
  readonly declaredKey: 'business_key' | 'primary_key';
  readonly columns: ReadonlyArray<ColumnPlan>;
  readonly rules: RulePlan | undefined;
}

interface AccessPlan {
  readonly presentation: 'default' | 'all' | 'none' | 'some';
  readonly pick: ReadonlyArray<boolean>;
  readonly reports: ReadonlyArray<{ readonly hub: number; readonly pick: ReadonlyArray<boolean>; readonly filter: boolean }>;
  readonly stars: ReadonlyArray<{ readonly link: number; readonly measures: ReadonlyArray<number>; readonly hubFact: boolean }>;
}

interface Plan {
  readonly words: ReadonlyArray<string>;
  readonly hubs: ReadonlyArray<HubTablePlan>;
  readonly assocs: ReadonlyArray<AssocPlan>;
  readonly access: AccessPlan;
  readonly hashing: 'md5' | 'sha1' | 'sha256' | undefined;
  /** A code list (`lkp_status`, a reference table) and which hub tables carry its code. */
  readonly codeList: { readonly carriers: ReadonlyArray<boolean>; readonly described: boolean } | undefined;
}

const formArb = fc.constantFrom<Form>('short', 'object', 'described');
const columnsArb = (maxLength: number): fc.Arbitrary<ColumnPlan[]> =>
  fc.uniqueArray(fc.record({ name: fc.constantFrom(...DESCRIPTIVE), type: fc.constantFrom(...TYPES), form: formArb }), { selector: (c) => c.name, maxLength });
const ruleArb: fc.Arbitrary<RulePlan | undefined> = fc.option(
  fc.record({
    derive: fc.array(fc.record({ form: fc.nat(9), a: fc.nat(), b: fc.nat() }), { maxLength: 3 }),
    filter: fc.option(fc.nat(), { nil: undefined }),
  }),
  { nil: undefined, freq: 2 },
);

const hubTablePlanArb: fc.Arbitrary<HubTablePlan> = fc.record({
  nameStyle: fc.constantFrom<NameStyle>('plain', 'plain', 'plural', 'tbl', 'stg'),
  keyStyle: fc.constantFrom<KeyStyle>('id', 'entity_id', 'entity_code', 'entitykey', 'entity_key', 'declared', 'declared_composite', 'primary', 'unique'),
  keyType: fc.constantFrom<TypeName>('int', 'bigint', 'text', 'varchar(40)'),
  keyForm: formArb,
  kindHub: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
  columns: columnsArb(6),
  technical: fc.subarray([...TECHNICAL], { maxLength: 2 }),
  sensitive: fc.subarray([...SENSITIVE], { maxLength: 3 }),
  deltaOrder: fc.boolean(),
  fullBatches: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  refs: fc.array(fc.record({ target: fc.nat(), role: fc.option(fc.constantFrom(...ROLES), { nil: undefined, freq: 1 }), declared: fc.boolean() }), { maxLength: 3 }),
  override: fc.option(fc.record({ word: fc.constantFrom('finance', 'profile', 'metrics'), pick: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }) }), { nil: undefined, freq: 4 }),
  rules: ruleArb,
  unitOfWork: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
});

const assocPlanArb: fc.Arbitrary<AssocPlan> = fc.record({
  a: fc.nat(),
  b: fc.nat(),
  roleA: fc.option(fc.constantFrom(...ROLES), { nil: undefined, freq: 2 }),
  roleB: fc.option(fc.constantFrom(...ROLES), { nil: undefined, freq: 2 }),
  declaredKey: fc.constantFrom<'business_key' | 'primary_key'>('business_key', 'primary_key'),
  columns: columnsArb(3),
  rules: ruleArb,
});

const accessPlanArb: fc.Arbitrary<AccessPlan> = fc.record({
  presentation: fc.constantFrom<AccessPlan['presentation']>('default', 'all', 'none', 'some'),
  pick: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  reports: fc.array(fc.record({ hub: fc.nat(), pick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), filter: fc.boolean() }), { maxLength: 2 }),
  stars: fc.array(fc.record({ link: fc.nat(), measures: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), hubFact: fc.boolean() }), { maxLength: 2 }),
});

const planArb: fc.Arbitrary<Plan> = fc.integer({ min: 1, max: 8 }).chain((size) =>
  fc.record({
    words: fc.shuffledSubarray([...HUB_WORDS], { minLength: size, maxLength: size }),
    hubs: fc.array(hubTablePlanArb, { minLength: size, maxLength: size }),
    // association tables count towards the 8 tables
    assocs: fc.array(assocPlanArb, { maxLength: Math.min(2, 8 - size) }),
    access: accessPlanArb,
    hashing: fc.constantFrom<Plan['hashing']>(undefined, 'md5', 'sha1', 'sha256'),
    codeList: fc.option(fc.record({ carriers: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), described: fc.boolean() }), { nil: undefined, freq: 2 }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Building the spec

/** What the generator knows about a spec it built, for properties that need it. */
export interface SpecInfo {
  /** Hub tables: table name → hub name (its concept). */
  readonly hubOfTable: ReadonlyMap<string, string>;
  /** Association tables (each forms one link). */
  readonly associations: ReadonlyArray<string>;
  /** Hub tables that ask for one unit-of-work link of all their references (`link:`). */
  readonly unitsOfWork: ReadonlyArray<string>;
  /** Predicted link names, by the table forming them. */
  readonly linksOfTable: ReadonlyMap<string, ReadonlyArray<string>>;
  /** Predicted link name of each declared reference, by `<table>#<index in references>`. */
  readonly linkOfReference: ReadonlyMap<string, string>;
}

export interface GeneratedSpec {
  readonly spec: Spec;
  readonly info: SpecInfo;
}

function plural(word: string): string {
  if (word.endsWith('y')) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

function columnSpec(type: string, form: Form, nullable?: boolean): ColumnSpec {
  if (form === 'short' && nullable === undefined) return type;
  return {
    type,
    ...(nullable !== undefined ? { nullable } : {}),
    ...(form === 'described' ? { description: `a ${type} column` } : {}),
  };
}

interface HubInfo {
  readonly table: string;
  readonly entity: string;
  /** Key columns (in key order) and their types. */
  readonly key: ReadonlyArray<{ readonly name: string; readonly type: TypeName }>;
  /** Visible descriptive columns of the business satellite, with types. */
  readonly visible: Array<{ readonly name: string; readonly type: TypeName }>;
  /** Derived attribute names (they all type-check). */
  readonly derived: string[];
}

/** The column a reference to `target` uses for the target key column `k` (with a role prefix). */
function refColumn(target: HubInfo, k: string, role: string | undefined): string {
  const base = k === 'id' ? `${target.entity}_id` : k;
  return role === undefined ? base : `${role}_${base}`;
}

const DERIVE_FORMS: ReadonlyArray<{ readonly needs: 'num2' | 'num' | 'text' | 'date'; readonly text: (a: string, b: string) => string }> = [
  { needs: 'num2', text: (a, b) => `${a} + ${b}` },
  { needs: 'num', text: (a) => `ROUND(${a} * 2, 2)` },
  { needs: 'num', text: (a) => `COALESCE(${a}, 0)` },
  { needs: 'num2', text: (a, b) => `ABS(${a} - ${b})` },
  { needs: 'num2', text: (a, b) => `GREATEST(${a}, ${b})` },
  { needs: 'num', text: (a) => `CASE WHEN ${a} > 100 THEN 'HIGH' ELSE 'LOW' END` },
  { needs: 'text', text: (a) => `UPPER(TRIM(${a}))` },
  { needs: 'text', text: (a) => `COALESCE(${a}, 'n/a') || '!'` },
  { needs: 'date', text: (a) => `YEAR(${a})` },
  { needs: 'date', text: (a) => `DATE_TRUNC('month', ${a})` },
  { needs: 'num', text: (a) => `${a} / NULLIF(${a}, 0)` },
];

/** Business rules over the visible columns; records derived names in `info.derived`. */
function buildRules(plan: RulePlan | undefined, visible: ReadonlyArray<{ name: string; type: TypeName }>, keys: ReadonlyArray<string>, derived: string[]): RuleSetSpec | undefined {
  if (plan === undefined) return undefined;
  const num = visible.filter((c) => NUMERIC.has(c.type)).map((c) => c.name);
  const text = visible.filter((c) => TEXTUAL.has(c.type)).map((c) => c.name);
  const dates = visible.filter((c) => c.type === 'date' || c.type === 'timestamptz').map((c) => c.name);
  const derive: Record<string, string> = {};
  plan.derive.forEach((d, i) => {
    const form = DERIVE_FORMS[d.form % DERIVE_FORMS.length]!;
    const pool = form.needs === 'text' ? text : form.needs === 'date' ? dates : num;
    if (pool.length === 0) return;
    const a = pool[d.a % pool.length]!;
    const b = pool[d.b % pool.length]!;
    const name = `calc_${i}`;
    derive[name] = form.text(a, b);
    derived.push(name);
  });
  let filter: string | undefined;
  if (plan.filter !== undefined) {
    const choices = [...keys.map((k) => `${k} IS NOT NULL`), ...num.map((n) => `${n} > 0 OR ${n} IS NULL`), ...derived.map((d) => `${d} IS NOT NULL`)];
    filter = choices[plan.filter % choices.length];
  }
  if (Object.keys(derive).length === 0 && filter === undefined) return undefined;
  return { ...(Object.keys(derive).length ? { derive } : {}), ...(filter !== undefined ? { filter } : {}) };
}

function buildSpec(plan: Plan): GeneratedSpec {
  const tables: Record<string, TableSpec> = {};
  const hubs: HubInfo[] = [];
  const rules: Record<string, RuleSetSpec> = {};

  // 1. hub tables: names, keys, descriptive columns
  const drafts = plan.hubs.map((h, i) => {
    const entity = plan.words[i]!;
    const table = h.nameStyle === 'plain' ? entity : h.nameStyle === 'plural' ? plural(entity) : h.nameStyle === 'tbl' ? `tbl_${entity}` : `stg_${plural(entity)}`;
    const keyNames: string[] =
      h.keyStyle === 'id'
        ? ['id']
        : h.keyStyle === 'entity_id'
          ? [`${entity}_id`]
          : h.keyStyle === 'entity_code'
            ? [`${entity}_code`]
            : h.keyStyle === 'entitykey'
              ? [`${entity}key`]
              : h.keyStyle === 'entity_key'
                ? [`${entity}_key`]
                : h.keyStyle === 'declared'
                  ? [`${entity}_ident`]
                  : h.keyStyle === 'declared_composite'
                    ? [`${entity}_code`, `${entity}_seq`]
                    : h.keyStyle === 'primary'
                      ? [`${entity}_pk`]
                      : [`${entity}_uid`];
    const key = keyNames.map((name, k) => ({ name, type: (k === 0 ? h.keyType : 'int') as TypeName }));
    const info: HubInfo = { table, entity, key, visible: [], derived: [] };
    hubs.push(info);
    return { plan: h, info };
  });

  const usedLinkNames = new Set<string>();
  const linksOfTable = new Map<string, string[]>();
  const linkOfReference = new Map<string, string>();
  const unitsOfWork: string[] = [];
  /**
   * A link's name: from its slots (past 50 bytes: `<table>_relationship`, or `<table>_relationship_<n>`
   * for the link of the n-th reference), or `wanted`; `<table>_link<n>` when taken.
   */
  const nameLink = (table: string, slots: ReadonlyArray<string>, nth: number | undefined, wanted?: string): { name: string; override: string | undefined } => {
    const joined = slots.join('_');
    let name = wanted ?? (Buffer.byteLength(joined) <= 50 ? joined : `${table}_relationship${nth === undefined ? '' : `_${nth}`}`);
    let override = wanted;
    for (let n = 1; usedLinkNames.has(name); n++) {
      name = `${table}_link${n > 1 ? n : ''}`;
      override = name;
    }
    usedLinkNames.add(name);
    linksOfTable.set(table, [...(linksOfTable.get(table) ?? []), name]);
    return { name, override };
  };

  /** Per hub table, the links it drives and the slot each reaches. */
  const drivenLinks = new Map<string, Array<{ name: string; hubs: HubInfo[] }>>();
  // 2. hub tables: columns and references, in table-name order (the order inference sees)
  const order = [...drafts].sort((x, y) => (x.info.table < y.info.table ? -1 : 1));
  for (const { plan: h, info } of order) {
    const columns: Record<string, ColumnSpec> = {};
    for (const k of info.key) columns[k.name] = columnSpec(k.type, h.keyForm, h.keyForm === 'short' ? undefined : false);
    // satellites override: a named satellite for some descriptive columns, and sometimes the
    // `role: sensitive` column, which makes the whole satellite sensitive (out of the business vault)
    let satellites: Record<string, string[]> | undefined;
    let hidden: ReadonlySet<string> = new Set();
    if (h.override !== undefined) {
      const pick = h.override.pick;
      const picked = h.columns.filter((_, i) => pick[i % pick.length]).map((c) => c.name);
      const withSecret = picked.length > 0 && h.sensitive.includes('nickname') && pick[pick.length - 1] === true;
      if (withSecret) hidden = new Set(picked);
      if (picked.length > 0) satellites = { [`${info.table}_${h.override.word}`]: withSecret ? [...picked, 'nickname'] : picked };
    }
    for (const c of h.columns) {
      columns[c.name] = columnSpec(c.type, c.form);
      if (!hidden.has(c.name)) info.visible.push({ name: c.name, type: c.type });
    }
    for (const t of h.technical) {
      columns[t] = t === 'batch_ref' ? { type: 'int', role: 'technical' } : t === 'scratch_pad' ? { type: 'text', role: 'ignore' } : 'timestamptz';
    }
    for (const s of h.sensitive) {
      columns[s] = s === 'nickname' ? { type: 'text', role: 'sensitive' } : s === 'date_of_birth' ? 'date' : 'varchar(40)';
    }

    // references: a slot name per hub (with role) must be unique, the own hub included
    const slotNames = new Set<string>([info.entity]);
    const declared: ReferenceSpec[] = [];
    const declaredSlots: string[] = [];
    const namingSlots: Array<{ column: string; slot: string; target: HubInfo; role: string | undefined }> = [];
    for (const r of h.refs) {
      const target = hubs[r.target % hubs.length]!;
      if (!r.declared && target.key.length !== 1) continue; // naming finds single-column keys only
      let role = r.role;
      const free = (ro: string | undefined): boolean => {
        const slot = ro === undefined ? target.entity : `${ro}_${target.entity}`;
        return !slotNames.has(slot) && target.key.every((k) => !Object.hasOwn(columns, refColumn(target, k.name, ro)));
      };
      if (!free(role)) role = ROLES.find((ro) => free(ro));
      if (role === undefined && !free(undefined)) continue;
      const slot = role === undefined ? target.entity : `${role}_${target.entity}`;
      slotNames.add(slot);
      const refCols = target.key.map((k) => refColumn(target, k.name, role));
      target.key.forEach((k, j) => {
        columns[refCols[j]!] = k.type;
      });
      if (r.declared) {
        declared.push({ columns: refCols, table: target.table, ...(role !== undefined ? { role } : {}) });
        declaredSlots.push(slot);
      } else {
        namingSlots.push({ column: refCols[0]!, slot, target, role });
      }
    }

    const timestamps = h.technical.filter((t) => t === 'updated_at' || t === 'load_ts');
    const keySpec =
      h.keyStyle === 'declared' || h.keyStyle === 'declared_composite'
        ? { business_key: info.key.map((k) => k.name) }
        : h.keyStyle === 'primary'
          ? { primary_key: info.key.map((k) => k.name) }
          : h.keyStyle === 'unique'
            ? { unique_keys: [info.key.map((k) => k.name)] }
            : {};

    const sortedNaming = namingSlots.sort((a, b) => (a.column < b.column ? -1 : 1));
    const slots = [info.entity, ...declaredSlots, ...sortedNaming.map((n) => n.slot)];
    let link: { name: string; override: string | undefined } | undefined;
    const targetOf = (r: ReferenceSpec): HubInfo => hubs.find((x) => x.table === r.table)!;
    const hubLinks: Array<{ name: string; hubs: HubInfo[] }> = [];
    if (slots.length >= 2 && h.unitOfWork) {
      // one unit-of-work link, named by link: (a name is what asks for it)
      link = nameLink(info.table, slots, undefined, `${info.table}_unit`);
      unitsOfWork.push(info.table);
      declared.forEach((_, i) => linkOfReference.set(`${info.table}#${i}`, link!.name));
      hubLinks.push({ name: link.name, hubs: [info, ...declared.map(targetOf), ...sortedNaming.map((n) => n.target)] });
    } else {
      // one link per reference, driven by the table's hub; a taken name is given in a declared reference
      const declaredHere = declared.length;
      for (let i = 0; i < declaredHere; i++) {
        const l = nameLink(info.table, [info.entity, declaredSlots[i]!], i + 1);
        if (l.override !== undefined) declared[i] = { ...declared[i]!, link: l.override };
        linkOfReference.set(`${info.table}#${i}`, l.name);
        hubLinks.push({ name: l.name, hubs: [info, targetOf(declared[i]!)] });
      }
      for (const [j, n] of sortedNaming.entries()) {
        const l = nameLink(info.table, [info.entity, n.slot], declaredHere + j + 1);
        if (l.override !== undefined) {
          linkOfReference.set(`${info.table}#${declared.length}`, l.name);
          declared.push({ columns: [n.column], table: n.target.table, ...(n.role !== undefined ? { role: n.role } : {}), link: l.override });
        }
        hubLinks.push({ name: l.name, hubs: [info, n.target] });
      }
    }
    drivenLinks.set(info.table, hubLinks);

    tables[info.table] = {
      ...(h.kindHub ? { kind: 'hub' as const } : {}),
      ...keySpec,
      columns,
      ...(declared.length ? { references: declared } : {}),
      ...(satellites ? { satellites } : {}),
      ...(h.deltaOrder && timestamps.length ? { delta_order: timestamps[0]! } : {}),
      ...(h.fullBatches ? { batches: 'full' as const } : {}),
      ...(link?.override ? { link: link.override } : {}),
    };
    const ruleSet = buildRules(
      h.rules,
      info.visible,
      info.key.map((k) => k.name),
      info.derived,
    );
    if (ruleSet) rules[info.entity] = ruleSet;
  }

  // 3. association tables: a key made of exactly two declared references
  const associations: string[] = [];
  const links: Array<{ name: string; table: string; hubs: HubInfo[]; visible: Array<{ name: string; type: TypeName }> }> = [];
  for (const { info } of order) for (const l of drivenLinks.get(info.table) ?? []) links.push({ name: l.name, table: info.table, hubs: l.hubs, visible: [] });
  for (const a of plan.assocs) {
    const A = hubs[a.a % hubs.length]!;
    const B = hubs[a.b % hubs.length]!;
    const roleA = a.roleA;
    let roleB = a.roleB;
    const slotA = (): string => (roleA === undefined ? A.entity : `${roleA}_${A.entity}`);
    const slotB = (): string => (roleB === undefined ? B.entity : `${roleB}_${B.entity}`);
    if (slotA() === slotB()) roleB = ROLES.find((ro) => ro !== roleA)!;
    let table = `${A.entity}_${B.entity}`;
    for (let n = 2; Object.hasOwn(tables, table); n++) table = `${A.entity}_${B.entity}_${n}`;
    const colsA = A.key.map((k) => refColumn(A, k.name, roleA));
    const colsB = B.key.map((k) => refColumn(B, k.name, roleB));
    const columns: Record<string, ColumnSpec> = {};
    A.key.forEach((k, j) => {
      columns[colsA[j]!] = { type: k.type, nullable: false };
    });
    B.key.forEach((k, j) => {
      columns[colsB[j]!] = { type: k.type, nullable: false };
    });
    const visible: Array<{ name: string; type: TypeName }> = [];
    for (const c of a.columns) {
      columns[c.name] = columnSpec(c.type, c.form);
      visible.push({ name: c.name, type: c.type });
    }
    const link = nameLink(table, [slotA(), slotB()], undefined);
    tables[table] = {
      [a.declaredKey]: [...colsA, ...colsB],
      columns,
      references: [
        { columns: colsA, table: A.table, ...(roleA !== undefined ? { role: roleA } : {}) },
        { columns: colsB, table: B.table, ...(roleB !== undefined ? { role: roleB } : {}) },
      ],
      ...(link.override ? { link: link.override } : {}),
    };
    associations.push(table);
    linkOfReference.set(`${table}#0`, link.name).set(`${table}#1`, link.name);
    links.push({ name: link.name, table, hubs: [A, B], visible });
    // rules of the link: over its link satellite's columns; its keys may repeat a name, so
    // filters use the link satellite's columns only
    const derived: string[] = [];
    const ruleSet = buildRules(a.rules === undefined ? undefined : { ...a.rules, filter: visible.length ? a.rules.filter : undefined }, visible, [], derived);
    if (ruleSet) rules[link.name] = ruleSet;
    for (const d of derived) visible.push({ name: d, type: 'decimal(18,2)' });
  }

  // 4. access layer
  const access: NonNullable<Spec['access_layer']> = {};
  const p = plan.access;
  const hubNames = hubs.map((h) => h.entity).sort();
  const presentation = p.presentation === 'default' ? undefined : p.presentation === 'some' ? hubNames.filter((_, i) => p.pick[i % p.pick.length]) : p.presentation;
  const reporting: Record<string, ReportingViewSpec> = {};
  for (const r of p.reports) {
    const h = hubs[r.hub % hubs.length]!;
    const offered = [...h.key.map((k) => k.name), ...h.visible.map((c) => c.name), ...h.derived];
    const columns = offered.filter((_, i) => r.pick[i % r.pick.length]);
    reporting[`${h.entity}_report`] = {
      from: h.entity,
      ...(columns.length ? { columns } : {}),
      ...(r.filter ? { filter: `${h.key[0]!.name} IS NOT NULL` } : {}),
    };
  }
  const stars: Record<string, DimensionalModelSpec> = {};
  const factHubs = order.filter(({ info }) => (drivenLinks.get(info.table) ?? []).length > 0).map(({ info }) => info);
  for (const s of p.stars) {
    if (s.hubFact && factHubs.length > 0) {
      // a hub fact: its own columns, and those of the hubs the links it drives reach
      const f = factHubs[s.link % factHubs.length]!;
      const reached = (drivenLinks.get(f.table) ?? []).flatMap((l) => l.hubs.slice(1));
      const pool = [f, ...reached].flatMap((h) => [...h.visible, ...h.derived.map((d) => ({ name: d, type: 'decimal(18,2)' as TypeName }))]).map((c) => c.name);
      const measures = [...new Set(s.measures.flatMap((m) => (pool.length ? [pool[m % pool.length]!] : [])))];
      if (measures.length > 0 && !Object.hasOwn(stars, `${f.entity}_star`)) stars[`${f.entity}_star`] = { fact: f.entity, measures };
      continue;
    }
    if (links.length === 0) break;
    const l = links[s.link % links.length]!;
    const pool = [...l.visible, ...l.hubs.flatMap((h) => [...h.visible, ...h.derived.map((d) => ({ name: d, type: 'decimal(18,2)' as TypeName }))])].map((c) => c.name);
    const measures = [...new Set(s.measures.flatMap((m) => (pool.length ? [pool[m % pool.length]!] : [])))];
    if (measures.length === 0) continue;
    stars[`${l.name}_star`] = { fact: l.name, measures };
  }
  if (presentation !== undefined) Object.assign(access, { presentation_views: presentation });
  if (Object.keys(reporting).length) Object.assign(access, { reporting_views: reporting });
  if (Object.keys(stars).length) Object.assign(access, { dimensional_models: stars });

  // 5. a code list: a reference table keyed by its code, carried by some hub tables (by naming),
  // whose satellites keep the code and whose business satellites join its label
  if (plan.codeList !== undefined) {
    tables['lkp_status'] = {
      primary_key: ['status_code'],
      columns: { status_code: { type: 'char(3)', nullable: false }, ...(plan.codeList.described ? { status_label: 'text', status_rank: 'int' } : {}) },
    };
    hubs.forEach((h, i) => {
      const t = tables[h.table]!;
      if (plan.codeList!.carriers[i % 8]) tables[h.table] = { ...t, columns: { ...t.columns, status_code: 'char(3)' } };
    });
  }

  const spec: Spec = {
    version: 1,
    model: 'generated',
    ...(plan.hashing ? { hashing: { algorithm: plan.hashing } } : {}),
    tables,
    ...(Object.keys(rules).length ? { business_vault: { rules } } : {}),
    ...(Object.keys(access).length ? { access_layer: access } : {}),
  };
  return {
    spec,
    info: { hubOfTable: new Map(hubs.map((h) => [h.table, h.entity])), associations, unitsOfWork, linksOfTable, linkOfReference },
  };
}

/** Valid specs, with what the generator knows about them. */
export const generatedSpecArb: fc.Arbitrary<GeneratedSpec> = planArb.map(buildSpec);

/** Valid specs. */
export const specArb: fc.Arbitrary<Spec> = generatedSpecArb.map((g) => g.spec);

/**
 * A table unrelated to anything `specArb` generates: a fresh concept, its own declared key,
 * no references and no column named like a key.
 */
export const unrelatedTableArb: fc.Arbitrary<{ readonly name: string; readonly table: TableSpec }> = fc
  .record({ word: fc.constantFrom(...FRESH_WORDS), plural: fc.boolean(), extra: fc.subarray(['note_text', 'size_value', 'seen_on'] as const) })
  .map(({ word, plural: many, extra }) => ({
    name: many ? `${word}s` : word,
    table: {
      business_key: [`${word}_ident`],
      columns: {
        [`${word}_ident`]: { type: 'text', nullable: false },
        ...Object.fromEntries(extra.map((c) => [c, c === 'seen_on' ? 'date' : c === 'size_value' ? 'int' : 'text'])),
      },
    },
  }));

// ---------------------------------------------------------------------------------------------
// Reordering: the same spec with every map's keys in another order

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: ReadonlyArray<T>, next: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function reorder<V>(o: { readonly [k: string]: V }, next: () => number, map: (v: V) => V = (v) => v): { [k: string]: V } {
  return Object.fromEntries(shuffled(Object.keys(o), next).map((k) => [k, map(o[k]!)]));
}

/**
 * The same spec, rebuilt with the keys of its tables, columns (and of its satellites, rules
 * and access-layer maps) in an order a seed decides. Arrays (keys, references) keep their order:
 * their order means something.
 */
export function shuffleSpec(spec: Spec, seed: number): Spec {
  const next = prng(seed);
  const tables = reorder(
    spec.tables,
    next,
    (t) =>
      ({
        ...reorder(t as unknown as { [k: string]: unknown }, next),
        columns: reorder(t.columns, next),
        ...(t.satellites ? { satellites: reorder(t.satellites, next) } : {}),
      }) as TableSpec,
  );
  const bv = spec.business_vault?.rules ? { business_vault: { rules: reorder(spec.business_vault.rules, next, (r) => (r.derive ? { ...r, derive: reorder(r.derive, next) } : r)) } } : {};
  const al = spec.access_layer
    ? {
        access_layer: {
          ...spec.access_layer,
          ...(spec.access_layer.dimensional_models ? { dimensional_models: reorder(spec.access_layer.dimensional_models, next) } : {}),
          ...(spec.access_layer.reporting_views ? { reporting_views: reorder(spec.access_layer.reporting_views, next) } : {}),
        },
      }
    : {};
  const top = reorder({ ...spec, tables, ...bv, ...al } as unknown as { [k: string]: unknown }, next);
  return top as unknown as Spec;
}
