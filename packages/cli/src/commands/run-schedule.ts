/**
 * Which loads `vault run` starts next, as pure functions of the loads' states: a load starts once
 * every load it waits for (`SqlLoad.after`, its real dependencies) has committed, at most `slots`
 * at a time, among those ready the earliest in the plan first. A load that depends, directly or
 * through others, on a failed load is not run; every other load is. So which loads commit depends
 * on which fail, never on `--jobs` or timing.
 */

/** Where a load is: not started yet, running, committed (loaded or skipped as unchanged), failed, or not run because a load it depends on failed. */
export type LoadState = 'waiting' | 'running' | 'committed' | 'failed' | 'blocked';

/**
 * The waiting loads to start now, in the plan's order, at most `slots`: those whose loads in
 * `after` have all committed. `after[i]` lists the indices of the loads load `i` waits for.
 * @example startable([[], [], [0]], ['committed', 'running', 'waiting'], 1) // [2]: a satellite beside an unrelated hub still loading
 */
export function startable(after: ReadonlyArray<ReadonlyArray<number>>, states: ReadonlyArray<LoadState>, slots: number): ReadonlyArray<number> {
  const ready: number[] = [];
  for (let i = 0; i < states.length && ready.length < slots; i++) {
    if (states[i] === 'waiting' && (after[i] ?? []).every((j) => states[j] === 'committed')) ready.push(i);
  }
  return ready;
}

/**
 * For each load, the failed loads it depends on, directly or through other loads, ascending
 * (empty for one that depends on none). `after[i]` must list only loads before `i` (the plan's
 * order is a topological order), so one pass in order sees every dependency's answer first.
 * @example blockedBy([[], [0], [1], []], new Set([0])) // [[], [0], [0], []]
 */
export function blockedBy(after: ReadonlyArray<ReadonlyArray<number>>, failed: ReadonlySet<number>): ReadonlyArray<ReadonlyArray<number>> {
  const by: ReadonlyArray<number>[] = [];
  after.forEach((deps, i) => {
    const found = new Set<number>();
    for (const j of deps) {
      if (j >= i) throw new Error(`vault run: load ${i} waits for load ${j}, which is not before it in the plan`);
      if (failed.has(j)) found.add(j);
      for (const k of by[j]!) found.add(k);
    }
    by.push([...found].sort((a, b) => a - b));
  });
  return by;
}
