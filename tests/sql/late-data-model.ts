/**
 * What the late-data tests hold the change engine to (docs/sql.md, "Late and out-of-order
 * rows"), whatever it stores: a satellite's rows, a reference table's rows or a multi-active
 * satellite's sets. A version of a key is its delta-order value (`day`, NULL last) and its state,
 * compared by a hash (`state`): the hashdiff of a row, the set hashdiff of a set.
 */
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';

export interface Versioned {
  readonly day: number | null;
}

/** A key's stored versions and its register (versions given and not kept). */
export interface KeyLoad<V> {
  readonly stored: V[];
  readonly register: V[];
}

export interface LateDataModel<V extends Versioned> {
  /** Change order: delta order, NULLs last, then state hash. */
  changeOrder(x: V, y: V): number;
  /** The history of a set of versions: distinct, in change order, consecutive equal states once. */
  truth(versions: ReadonlyArray<V>): V[];
  /** A key's stored versions and register after one more batch, as docs/sql.md describes the load. */
  loadModel(key: KeyLoad<V>, batch: ReadonlyArray<V>): KeyLoad<V>;
  /** A key's stored versions and register after `batches`, in order, from nothing. */
  loadAll(batches: ReadonlyArray<ReadonlyArray<V>>): KeyLoad<V>;
}

export function lateDataModel<V extends Versioned>(state: (x: V) => string): LateDataModel<V> {
  const changeOrder = (x: V, y: V): number => {
    if (x.day !== y.day) return x.day === null ? 1 : y.day === null ? -1 : x.day - y.day;
    const [a, b] = [state(x), state(y)];
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const same = (x: V, y: V): boolean => x.day === y.day && state(x) === state(y);
  const once = (rows: ReadonlyArray<V>): V[] => rows.filter((x, i) => rows.findIndex((y) => same(x, y)) === i);
  const changes = (rows: ReadonlyArray<V>): V[] => {
    const all = once(rows).sort(changeOrder);
    return all.filter((x, i) => i === 0 || state(all[i - 1]!) !== state(x));
  };
  const loadModel = (key: KeyLoad<V>, batch: ReadonlyArray<V>): KeyLoad<V> => {
    const kept = changes([...batch, ...key.stored, ...key.register]);
    const stored = [...key.stored, ...kept.filter((x) => !key.stored.some((y) => same(x, y)))].sort(changeOrder);
    const register = [...key.register, ...once(batch).filter((x) => !stored.some((y) => same(x, y)) && !key.register.some((y) => same(x, y)))];
    return { stored, register };
  };
  return { changeOrder, truth: changes, loadModel, loadAll: (batches) => batches.reduce(loadModel, { stored: [], register: [] }) };
}

/**
 * Delivers each batch in order (`deliver(batch, b)`, `b` counting every delivery from 0) and,
 * when the batch says so, again at once, which must add nothing (`count`). Returns each item's
 * load model after them (`versions` gives an item's versions in a batch) and the next `b`.
 */
export async function deliverInOrder<B extends { readonly rerun: boolean }, V extends Versioned>(
  model: LateDataModel<V>,
  items: ReadonlyArray<string>,
  batches: ReadonlyArray<B>,
  io: { readonly deliver: (batch: B, b: number) => Promise<void>; readonly count: () => Promise<number>; readonly versions: (batch: B, item: string) => V[] },
): Promise<{ readonly loads: Map<string, KeyLoad<V>>; readonly next: number }> {
  const loads = new Map(items.map((i): [string, KeyLoad<V>] => [i, { stored: [], register: [] }]));
  let b = 0;
  for (const batch of batches) {
    await io.deliver(batch, b++);
    for (const [item, key] of loads) loads.set(item, model.loadModel(key, io.versions(batch, item)));
    if (batch.rerun) {
      const before = await io.count();
      await io.deliver(batch, b++);
      expect(await io.count()).toBe(before);
    }
  }
  return { loads, next: b };
}

/** Every delivery of versions 0, 1, 2: one batch each in every order, every split into two batches (either first), all in one. */
function deliveries(): ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>> {
  const permutations = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const splits = [[0], [1], [2], [0, 1], [0, 2], [1, 2]].map((first) => [first, [0, 1, 2].filter((i) => !first.includes(i))]);
  return [...permutations.map((p) => p.map((i) => [i])), ...splits, [[0, 1, 2]]];
}

export interface Scenario<V> {
  /** The item: the pattern and its delivery, e.g. `ABA:3|12` (versions 3, then 1 and 2). */
  readonly item: string;
  readonly versions: ReadonlyArray<V>;
  readonly batches: ReadonlyArray<ReadonlyArray<V>>;
}

/** Each pattern of three states (one character each, `version` reads it) in every delivery of `deliveries`, as versions of day 1, 2, 3. */
export function scenarios<V>(patterns: ReadonlyArray<string>, version: (state: string, day: number) => V): ReadonlyArray<Scenario<V>> {
  return patterns.flatMap((pattern) => {
    const versions = [...pattern].map((p, i) => version(p, i + 1));
    return deliveries().map((batches) => ({
      item: `${pattern}:${batches.map((b) => b.map((i) => i + 1).join('')).join('|')}`,
      versions,
      batches: batches.map((b) => b.map((i) => versions[i]!)),
    }));
  });
}

/** Random rows split into four batches, delivered in random order, each maybe rerun at once. */
export function batchesArb<R>(rowArb: fc.Arbitrary<R>): fc.Arbitrary<ReadonlyArray<{ readonly rows: R[]; readonly rerun: boolean }>> {
  return fc
    .record({
      rows: fc.array(fc.tuple(rowArb, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 14 }),
      order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
      rerun: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    })
    .map(({ rows, order, rerun }) => order.map((b, i) => ({ rows: rows.filter(([, x]) => x === b).map(([row]) => row), rerun: rerun[i]! })));
}

/** How the scenario tests reach one history under test (`S`, set up once), whose landing rows are `R`. */
export interface ScenarioTarget<V extends Versioned, R, S> {
  /** What a version is: `row` or `set`. */
  readonly noun: string;
  readonly scenarios: ReadonlyArray<Scenario<V>>;
  /** The scenarios' k-th batches together, as landing rows. */
  readonly steps: ReadonlyArray<ReadonlyArray<R>>;
  readonly setUp: () => Promise<S>;
  readonly tearDown: (s: S) => Promise<void>;
  /** Lands `rows` and runs every load under the `b`-th batch's load timestamp. */
  readonly deliver: (s: S, rows: ReadonlyArray<R>, b: number) => Promise<void>;
  readonly count: (s: S) => Promise<number>;
  /** Per item, its stored versions in change order; its history view's; its current value. */
  readonly stored: (s: S, items: ReadonlyArray<string>) => Promise<Map<string, V[]>>;
  readonly history: (s: S, items: ReadonlyArray<string>) => Promise<Map<string, V[]>>;
  readonly current: (s: S, items: ReadonlyArray<string>) => Promise<Map<string, unknown>>;
  /** The current value a history's last version gives. */
  readonly currentOf: (last: V) => unknown;
}

/**
 * The tests of every scenario at once, inside the caller's `describe`: the steps delivered in
 * order, then what is stored, the history view, the current value and reruns checked against
 * the model. Returns the set-up history, for the caller's own tests.
 */
export function scenarioTests<V extends Versioned, R, S>(late: LateDataModel<V>, t: ScenarioTarget<V, R, S>): () => S {
  let s: S | undefined;
  const got = (): S => {
    if (s === undefined) throw new Error('the scenarios are not set up');
    return s;
  };
  const items = t.scenarios.map((x) => x.item);
  const record = <T>(m: Map<string, T>): Record<string, T> => Object.fromEntries(m);
  const expected = <T>(f: (x: Scenario<V>) => T): Record<string, T> => Object.fromEntries(t.scenarios.map((x) => [x.item, f(x)]));
  beforeAll(async () => {
    s = await t.setUp();
    for (const [k, rows] of t.steps.entries()) await t.deliver(s, rows, k);
  }, 120_000);
  afterAll(async () => {
    if (s !== undefined) await t.tearDown(s);
  });

  it(`its ${t.noun}s less those equal to the ${t.noun} before them in change order are the true history, whatever the order of the batches`, async () => {
    const stored = await t.stored(got(), items);
    expect(record(new Map([...stored].map(([item, versions]) => [item, late.truth(versions)])))).toEqual(expected((x) => late.truth(x.versions)));
  });

  it(`holds exactly the ${t.noun}s the load model keeps: every change when it arrived, nothing else`, async () => {
    expect(record(await t.stored(got(), items))).toEqual(expected((x) => late.loadAll(x.batches).stored));
  });

  it(`its history view is the true history of ${t.noun}s`, async () => {
    expect(record(await t.history(got(), items))).toEqual(expected((x) => late.truth(x.versions)));
  });

  it('its current value is the last of the true history', async () => {
    expect(record(await t.current(got(), items))).toEqual(expected((x) => t.currentOf(late.truth(x.versions).at(-1)!)));
  });

  it('a rerun of every batch, in the same order, in reverse and all at once, adds nothing', async () => {
    const before = await t.count(got());
    for (const [k, rows] of t.steps.entries()) await t.deliver(got(), rows, 10 + k);
    for (const [k, rows] of [...t.steps].reverse().entries()) await t.deliver(got(), rows, 20 + k);
    await t.deliver(got(), t.steps.flat(), 30);
    expect(await t.count(got())).toBe(before);
  });
  return got;
}
