/**
 * Which landing tables `vault seed` may write, decided before anything is changed. A table the
 * seed creates, an empty one, and one vault seed wrote whose rows are all still its own are fair
 * game; a table holding rows vault seed did not write is replaced only when `--replace-tables`
 * names it. Every table is judged first, and one problem stops the whole seed: no partial seed.
 * Pure: the spec's tables and what inspect.ts read in, verdicts and problems out.
 */
import { printColumnType, type Column, type ColumnType } from '@vault/core/internal';
import type { CatalogColumn } from '../landing/catalog.js';
import { plural } from '../output.js';
import { compareTypes, databaseType } from '../landing/types.js';
import type { ExistingTable, LandingState } from './inspect.js';
import { outsideKey } from './inspect.js';

/** One landing table of the spec. */
export interface SeedTarget {
  /** The source table name, as in the spec. */
  readonly source: string;
  /** Its name in the database (names over 63 bytes are shortened). */
  readonly name: string;
  /** `schema.name`, to print. */
  readonly qualified: string;
  readonly columns: ReadonlyArray<Column>;
}

export type Verdict =
  /** Absent: setup creates it. */
  | { readonly kind: 'create' }
  /** Exists and holds no row: nothing to lose. */
  | { readonly kind: 'fill' }
  /** vault seed wrote it, and every row in it. */
  | { readonly kind: 'reseed'; readonly rows: number }
  /** Named by --replace-tables. */
  | { readonly kind: 'replace'; readonly rows: number };

/** A non-empty table with rows vault seed did not write, not named by --replace-tables. */
export interface Refusal {
  readonly source: string;
  readonly qualified: string;
  readonly rows: number;
  /** Rows vault seed did not write, when some of the rows are its own. */
  readonly foreignRows: number;
}

export interface Judgement {
  readonly verdicts: ReadonlyMap<string, Verdict>;
  readonly refusals: ReadonlyArray<Refusal>;
  /** Other reasons vault seed cannot go on (columns, views, foreign keys), one line each. */
  readonly problems: ReadonlyArray<string>;
  /** Usage mistakes: --replace-tables naming a table that does not exist. */
  readonly usage: ReadonlyArray<string>;
}

export function judgeSeed(targets: ReadonlyArray<SeedTarget>, state: LandingState, replace: ReadonlySet<string>, rowsPerTable: number): Judgement {
  const verdicts = new Map<string, Verdict>();
  const refusals: Refusal[] = [];
  const problems: string[] = [];
  const usage: string[] = [];
  for (const t of targets) {
    const found = state.existing.get(t.name);
    if (found === undefined) {
      if (replace.has(t.source)) usage.push(`--replace-tables names ${t.qualified}, which does not exist: vault seed creates it, there are no rows to replace; leave it out`);
      verdicts.set(t.source, { kind: 'create' });
      continue;
    }
    const kind = found.catalog.kind;
    if (kind !== 'table' && kind !== 'partitioned table') {
      problems.push(`${t.qualified} is a ${kind}: vault seed writes only tables`);
      continue;
    }
    problems.push(...columnProblems(t, found));
    for (const fk of found.catalog.foreignKeys) {
      const outside = state.outside.get(outsideKey(fk));
      if (outside === undefined || outside.length > 0 || rowsPerTable === 0) continue;
      const written = fk.columns.filter((c) => t.columns.some((x) => x.name === c));
      const mayBeNull =
        fk.columns.some((c) => !written.includes(c)) ||
        written.some((c) => t.columns.find((x) => x.name === c)?.nullable === true && found.catalog.columns.find((x) => x.name === c)?.notNull !== true);
      if (!mayBeNull) {
        problems.push(
          `${t.qualified}: foreign key ${fk.name} references ${fk.targetSchema}.${fk.targetTable}, which is not a landing table of the spec and holds no rows: no row vault seed could write satisfies it (fill ${fk.targetTable}, or add it to the spec)`,
        );
      }
    }
    if (replace.has(t.source)) verdicts.set(t.source, { kind: 'replace', rows: found.rows });
    else if (found.rows === 0) verdicts.set(t.source, { kind: 'fill' });
    else if (found.recorded !== undefined && found.foreignRows === 0) verdicts.set(t.source, { kind: 'reseed', rows: found.rows });
    else refusals.push({ source: t.source, qualified: t.qualified, rows: found.rows, foreignRows: found.recorded === undefined ? found.rows : found.foreignRows });
  }
  // Rows of other tables pointing at rows vault seed removes would break, or be deleted with them.
  const emptied = new Map(targets.filter((t) => (state.existing.get(t.name)?.rows ?? 0) > 0).map((t) => [t.name, t] as const));
  for (const k of state.inbound) {
    const to = emptied.get(k.to);
    if (to === undefined || k.fromRows === 0) continue;
    problems.push(
      `${k.fromSchema}.${k.fromTable} (${plural(k.fromRows, 'row')}, not a landing table of the spec) references ${to.qualified} through foreign key ${k.name}: replacing the rows of ${to.qualified} would break those rows`,
    );
  }
  return { verdicts, refusals, problems, usage };
}

/**
 * The type vault seed writes into column `d` of the database: undefined for types the spec has no
 * word for, and for a domain with CHECK constraints, which random values of the type it is over
 * would break. A domain without them takes any value of that type.
 */
export function seedableType(d: CatalogColumn): ColumnType | undefined {
  return d.domain?.checked === true ? undefined : databaseType(d.type);
}

/** Column `d`'s type as the database names it: a domain by its name and the type it is over. */
function inDatabase(d: CatalogColumn): string {
  return d.domain === undefined ? d.type : `${d.domain.name} (a domain over ${d.type}${d.domain.checked ? ', with CHECK constraints' : ''})`;
}

/** The table's columns must take the spec's rows: every spec column there, of a type its values fit. */
function columnProblems(t: SeedTarget, found: ExistingTable): string[] {
  const out: string[] = [];
  const db = new Map(found.catalog.columns.map((c) => [c.name, c] as const));
  for (const c of t.columns) {
    const d = db.get(c.name);
    if (d === undefined) out.push(`${t.qualified} has no column ${c.name}, which the spec declares`);
    else if (seedableType(d) === undefined) {
      // Arrays, enums, domains with CHECK constraints, …: vault seed leaves such a column NULL (constraints.ts).
      if (d.notNull && !found.defaulted.has(d.name)) out.push(`${t.qualified}.${c.name} is ${inDatabase(d)} in the database, a type vault seed cannot write, and NOT NULL without a default`);
    } else if (compareTypes(c.type, seedableType(d)) === 'incompatible') out.push(`${t.qualified}.${c.name} is ${printColumnType(c.type)} in the spec but ${inDatabase(d)} in the database`);
  }
  const declared = new Set(t.columns.map((c) => c.name));
  for (const d of found.catalog.columns) {
    if (!declared.has(d.name) && d.notNull && !found.defaulted.has(d.name)) {
      out.push(`${t.qualified}.${d.name} is NOT NULL without a default in the database and not in the spec: vault seed cannot fill it`);
    }
  }
  return out;
}

/**
 * The lines that stop a seed, and the option that would let it go on.
 * @example
 * stopLines(judgement)
 * // ['this landing table holds rows vault seed did not write:', '  landing.customer  100 rows',
 * //  'to replace their rows with generated ones, name them: --replace-tables customer']
 */
export function stopLines(j: Judgement): string[] {
  const lines = [...j.problems];
  if (j.refusals.length > 0) {
    const width = Math.max(...j.refusals.map((r) => r.qualified.length));
    lines.push(`${j.refusals.length === 1 ? 'this landing table holds' : `these ${j.refusals.length} landing tables hold`} rows vault seed did not write:`);
    for (const r of j.refusals) {
      const mine = r.rows - r.foreignRows;
      lines.push(`  ${r.qualified.padEnd(width)}  ${plural(r.rows, 'row')}${mine > 0 ? ` (${r.foreignRows} not written by vault seed)` : ''}`);
    }
    lines.push(`to replace their rows with generated ones, name them: --replace-tables ${j.refusals.map((r) => r.source).join(',')}`);
  }
  return lines;
}
