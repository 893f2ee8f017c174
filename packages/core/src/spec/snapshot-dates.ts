/**
 * The date rules of snapshot control (docs/spec.md, "Snapshots"), in TypeScript: which calendar
 * dates end a week (ISO: Sunday), a month, a quarter or a year, which dates between a start and
 * an end are snapshots, and which of them a retention keeps. The SQL target computes the same
 * rules in the database; tests compare the two.
 */
import type { SnapshotEvery, SnapshotKeepSpec } from './spec.js';

/** A calendar date as days since 1970-01-01 (UTC): plain integers, so ranges are loops. */
export type DayNumber = number;

const MS_PER_DAY = 86_400_000;

/**
 * The largest `for_days` of a `keep` rule: the days from 0001-01-01 to 9999-12-31, both included,
 * every date a spec can write (four-digit years, no year zero; PostgreSQL and Spark dates span
 * them too). `latest - day` is then below it for any two snapshot dates, so a rule with this
 * value keeps every date it falls on, and every number the rule is compared with is exact (a day
 * count in JavaScript, an integer `date - date` in SQL). A larger number could only mean the
 * same, and beyond 2^53 it is not even the number written: the schema refuses it (VLT106).
 */
export const MAX_KEEP_DAYS = 3_652_059;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `YYYY-MM-DD` → its day number, or undefined when the text is not a real calendar date. Years
 * run from 0001 (PostgreSQL has no year zero: 1 BC precedes AD 1).
 */
export function parseDate(text: string): DayNumber | undefined {
  const m = DATE_PATTERN.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1) return undefined;
  // Not Date.UTC, which reads the years 0-99 as 1900-1999.
  const back = new Date(0);
  back.setUTCFullYear(y, mo - 1, d);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return back.getTime() / MS_PER_DAY;
}

/** A day number → `YYYY-MM-DD`. */
export function formatDate(day: DayNumber): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The period ends a date is: the flags of a snapshot row. */
export interface PeriodEnds {
  readonly week_end: boolean;
  readonly month_end: boolean;
  readonly quarter_end: boolean;
  readonly year_end: boolean;
}

export function periodEnds(day: DayNumber): PeriodEnds {
  const date = new Date(day * MS_PER_DAY);
  const next = new Date((day + 1) * MS_PER_DAY);
  const monthEnd = next.getUTCDate() === 1;
  const month = date.getUTCMonth() + 1;
  return {
    // 1970-01-01 was a Thursday: day 3 is a Sunday.
    week_end: (((day - 3) % 7) + 7) % 7 === 0,
    month_end: monthEnd,
    quarter_end: monthEnd && month % 3 === 0,
    year_end: monthEnd && month === 12,
  };
}

/** The date falls on `every`. */
export function fallsOn(day: DayNumber, every: SnapshotEvery): boolean {
  return every === 'day' || periodEnds(day)[every];
}

/** The snapshot dates from `start` to `end` (both included) that fall on `every`. */
export function snapshotDates(start: DayNumber, end: DayNumber, every: SnapshotEvery): DayNumber[] {
  const out: DayNumber[] = [];
  for (let day = start; day <= end; day++) if (fallsOn(day, every)) out.push(day);
  return out;
}

/**
 * A snapshot is kept while some rule keeps it: the rule's `every` takes the date and, when the
 * rule has `for_days` (1 to `MAX_KEEP_DAYS`), the date is less than `for_days` days before
 * `latest` (the latest snapshot). Without rules every snapshot is kept.
 */
export function keeps(day: DayNumber, latest: DayNumber, rules: ReadonlyArray<SnapshotKeepSpec> | undefined): boolean {
  if (rules === undefined) return true;
  return rules.some((r) => fallsOn(day, r.every) && (r.for_days === undefined || latest - day < r.for_days));
}
