/**
 * The scheduler of `vault run`'s loads (packages/cli/src/commands/run-schedule.ts): a load starts
 * once the loads it waits for have committed, not once a whole wave has; loads that depend on a
 * failed load are not run, every other load is.
 */
import { describe, expect, it } from 'vitest';
import { blockedBy, startable, type LoadState } from '../../packages/cli/dist/commands/run-schedule.js';

// The raw vault of a small model, in the plan's order: two hubs, a link of both, a satellite of
// each hub, a link satellite.
const HUB_A = 0;
const HUB_B = 1;
const LINK = 2;
const SAT_A = 3;
const SAT_B = 4;
const LINK_SAT = 5;
const AFTER: ReadonlyArray<ReadonlyArray<number>> = [[], [], [HUB_A, HUB_B], [HUB_A], [HUB_B], [LINK]];

const states = (s: Partial<Record<number, LoadState>>): LoadState[] => AFTER.map((_, i) => s[i] ?? 'waiting');

/** Runs the loads `jobs` at a time, finishing them in the order `finish` gives (or plan order); returns the order they started in. */
function simulate(jobs: number, finish: (running: ReadonlyArray<number>) => number, failing: ReadonlySet<number> = new Set()): { started: number[]; states: LoadState[] } {
  const s: LoadState[] = AFTER.map(() => 'waiting');
  const started: number[] = [];
  const running: number[] = [];
  for (;;) {
    for (const i of startable(AFTER, s, jobs - running.length)) {
      s[i] = 'running';
      started.push(i);
      running.push(i);
    }
    if (running.length === 0) break;
    const done = finish(running);
    running.splice(running.indexOf(done), 1);
    s[done] = failing.has(done) ? 'failed' : 'committed';
    const failed = new Set(s.flatMap((x, i) => (x === 'failed' ? [i] : [])));
    blockedBy(AFTER, failed).forEach((by, i) => {
      if (by.length > 0 && s[i] === 'waiting') s[i] = 'blocked';
    });
  }
  return { started, states: s };
}

describe('startable', () => {
  it('with two jobs, a satellite starts once its own hub committed, while an unrelated hub is still loading', () => {
    expect(startable(AFTER, states({ [HUB_A]: 'committed', [HUB_B]: 'running' }), 1)).toEqual([SAT_A]);
    // The link waits for both its hubs; the other satellite for its hub.
    expect(startable(AFTER, states({ [HUB_A]: 'committed', [HUB_B]: 'running' }), 5)).toEqual([SAT_A]);
    // A slow hub B: hub A, then satellite A, start and finish while it runs.
    const slowB = simulate(2, (running) => running.find((i) => i !== HUB_B) ?? HUB_B);
    expect(slowB.started).toEqual([HUB_A, HUB_B, SAT_A, LINK, SAT_B, LINK_SAT]);
    expect(slowB.states.every((x) => x === 'committed')).toBe(true);
  });

  it('among ready loads, the earliest in the plan first; with one job the plan order', () => {
    expect(startable(AFTER, states({}), 5)).toEqual([HUB_A, HUB_B]);
    expect(startable(AFTER, states({ [HUB_A]: 'committed', [HUB_B]: 'committed' }), 2)).toEqual([LINK, SAT_A]);
    expect(simulate(1, (running) => running[0]!).started).toEqual([HUB_A, HUB_B, LINK, SAT_A, SAT_B, LINK_SAT]);
  });

  it('never starts a load whose dependency failed or is not run', () => {
    expect(startable(AFTER, states({ [HUB_A]: 'failed', [HUB_B]: 'committed' }), 5)).toEqual([SAT_B]);
  });
});

describe('blockedBy', () => {
  it('names the failed loads each load depends on, directly or through others', () => {
    expect(blockedBy(AFTER, new Set([HUB_A]))).toEqual([[], [], [HUB_A], [HUB_A], [], [HUB_A]]);
    expect(blockedBy(AFTER, new Set([HUB_A, HUB_B]))).toEqual([[], [], [HUB_A, HUB_B], [HUB_A], [HUB_B], [HUB_A, HUB_B]]);
    expect(blockedBy(AFTER, new Set([SAT_A]))).toEqual([[], [], [], [], [], []]);
  });

  it('what runs after a failure is the same whatever the jobs and the order loads finish in', () => {
    const first = (running: ReadonlyArray<number>): number => running[0]!;
    const last = (running: ReadonlyArray<number>): number => running[running.length - 1]!;
    const outcomes = [1, 2, 3, 6].flatMap((jobs) => [first, last].map((finish) => simulate(jobs, finish, new Set([HUB_B])).states));
    // Hub B failed: the link, satellite B and the link satellite are not run; hub A and satellite A commit.
    for (const s of outcomes) expect(s).toEqual(['committed', 'failed', 'blocked', 'committed', 'blocked', 'blocked']);
  });

  it('refuses a dependency that is not before its load', () => {
    expect(() => blockedBy([[1], []], new Set())).toThrow(/not before it/);
  });
});
