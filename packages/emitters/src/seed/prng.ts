/**
 * A small seeded pseudo-random generator, so seed data is the same for the same seed on every
 * machine. `Math.random` is never used: emitters are pure.
 */

export interface Rng {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [lo, hi] (both included). */
  int(lo: number, hi: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(xs: ReadonlyArray<T>): T;
}

/** FNV-1a over the UTF-16 code units: turns a stream name into a 32-bit seed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * An independent stream per name: `rng(seed, 'table', 'facility', 3)` draws the same numbers
 * whatever else was drawn before, so adding a table or a column does not reshuffle the others.
 * @example rng(42, 'payload', 'facility', 0).int(1, 6) // the same die roll on every run
 */
export function rng(seed: number, ...stream: ReadonlyArray<string | number>): Rng {
  // mulberry32: 32 bits of state, good enough for test data and tiny.
  let state = hash32(`${seed}\u0000${stream.join('\u0000')}`);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: <T>(xs: ReadonlyArray<T>): T => {
      const x = xs[Math.floor(next() * xs.length)];
      if (x === undefined) throw new Error('pick from an empty list');
      return x;
    },
  };
}
