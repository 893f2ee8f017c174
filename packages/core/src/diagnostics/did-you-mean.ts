/**
 * "Did you mean" hints: the closest known name to a misspelt one, within a budget of work per
 * check so that a spec with thousands of misspellings does not take minutes to check.
 */
import { byCodeUnit } from '../compare.js';

/** Levenshtein distance; small inputs only (names, keywords). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * Names longer than this get no "did you mean" hint: the edit distance costs the product of
 * the lengths, and a name this long is refused as an identifier anyway (63 bytes at most).
 */
export const HINT_MAX_LENGTH = 128;

/**
 * Work left for "did you mean" hints in the current check (`withHintBudget`), in units of about
 * one character comparison. Each hint compares the name with every candidate, so a spec with
 * thousands of misspelt references to thousands of tables would take minutes; once the budget
 * is spent, hints are left out and the diagnostics stay the same.
 */
let hintBudget = Number.POSITIVE_INFINITY;

/** What one check may spend on hints: about a tenth of a second. */
export const HINT_BUDGET = 50_000_000;

/** Runs `check` with `units` of hint work to spend (nested calls have their own). */
export function withHintBudget<T>(check: () => T, units: number = HINT_BUDGET): T {
  const outer = hintBudget;
  hintBudget = units;
  try {
    return check();
  } finally {
    hintBudget = outer;
  }
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > HINT_MAX_LENGTH) return undefined;
  const count = Array.isArray(candidates) ? candidates.length : candidates instanceof Set ? candidates.size : undefined;
  const cost = (count ?? 1) * (name.length + 4) ** 2;
  if (cost > hintBudget) return undefined;
  hintBudget -= cost;
  // A candidate that extends the name or abbreviates it (customer_no / customer_number) is the
  // likeliest intent, whatever the edit distance says.
  const list = [...candidates].filter((c) => c.length <= HINT_MAX_LENGTH); // may be a one-shot iterator
  const lower = name.toLowerCase();
  const canonical = normaliseAbbreviations(lower);
  const synonym = list.find((c) => c.toLowerCase() !== lower && normaliseAbbreviations(c.toLowerCase()) === canonical);
  if (synonym !== undefined) return synonym;
  const extensions = list.filter((c) => {
    const l = c.toLowerCase();
    return l !== lower && Math.min(l.length, lower.length) >= 4 && (l.startsWith(lower) || lower.startsWith(l));
  });
  if (extensions.length > 0) return extensions.sort((a, b) => Math.abs(a.length - name.length) - Math.abs(b.length - name.length) || byCodeUnit(a, b))[0];
  let best: string | undefined;
  // Allow one edit per three characters (at least one), and never a full rewrite.
  let bestDistance = Math.min(Math.max(1, Math.floor(name.length / 3)), name.length - 1) + 1;
  for (const c of list) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      if (d < bestDistance) bestDistance = d;
      best = c;
    }
  }
  return best;
}

/** Abbreviations column names use for the same word: customer_no and customer_number. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  no: 'number',
  nr: 'number',
  num: 'number',
  nbr: 'number',
  cd: 'code',
  dt: 'date',
  amt: 'amount',
  qty: 'quantity',
  desc: 'description',
  addr: 'address',
  acct: 'account',
  cust: 'customer',
  ts: 'timestamp',
};

function normaliseAbbreviations(name: string): string {
  return name
    .split('_')
    .map((w) => ABBREVIATIONS[w] ?? w)
    .join('_');
}

/**
 * The hint for a column name that is not among `columns`, without the leading "; ": "did you
 * mean 'x'?", "did you mean one of 'x', 'y'?", or undefined. A business satellite prefixes a
 * column by its satellite (a name two satellites share, or one the history views give their own
 * column: `valid_from` is then `contracts_valid_from`), so the columns ending in `_<name>` come
 * first; two satellites sharing the name give one each, and the reader must say which. Rules and
 * the access layer's column lists give the same hint.
 * @example columnHint('valid_from', ['contract_id', 'contracts_valid_from']) // "did you mean 'contracts_valid_from'?"
 */
export function columnHint(name: string, columns: Iterable<string>): string | undefined {
  const list = [...columns];
  const prefixed = list.filter((k) => k.toLowerCase().endsWith(`_${name.toLowerCase()}`));
  if (prefixed.length > 1) return `did you mean one of ${prefixed.map((k) => `'${k}'`).join(', ')}?`;
  const hint = prefixed.length === 1 ? prefixed[0] : closest(name, list);
  return hint === undefined ? undefined : `did you mean '${hint}'?`;
}
