/**
 * The batch load timestamp of `vault run`: `--load-ts`, or now. A given one must be a real
 * instant that PostgreSQL stores and vault reads back as the same text: checked here before
 * anything is opened, and once more by the database before setup (`checkInDatabase`), so a
 * timestamp PostgreSQL would refuse never reaches the loads (where the ledger could skip every
 * load and hide it).
 */
import type { Queryable } from '../db/index.js';
import { UsageError } from '../exit.js';

/** `YYYY-MM-DD`, with an optional time and zone; without a zone it is UTC (the session's zone). */
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const EXAMPLES = "expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'";

export interface LoadTimestamp {
  /** As given (trimmed): the text bound as `$1`. */
  readonly text: string;
  /** The instant in UTC, `YYYY-MM-DDTHH:MM:SS.ffffff`: what PostgreSQL must read it as. */
  readonly utc: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const leap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/**
 * Parses `--load-ts`; a usage mistake (exit 2) when it is not a timestamp vault can store.
 * @example parseLoadTimestamp('2024-05-31 18:00:00+02').utc // '2024-05-31T16:00:00.000000'
 */
export function parseLoadTimestamp(given: string): LoadTimestamp {
  const text = given.trim();
  const bad = (why: string): UsageError => new UsageError(`--load-ts '${given}' ${why}`);
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) throw bad(`is not a timestamp; ${EXAMPLES}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const micros = Number((m[7] ?? '').padEnd(6, '0'));
  const offsetMinutes = m[8] === undefined || m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
  if (year === 0) throw bad('names the year 0000, which does not exist (the year before 0001 is 1 BC)');
  const days = [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days) throw bad(`is not a date: ${text.slice(0, 10)} does not exist; ${EXAMPLES}`);
  if (hour > 23 || minute > 59 || second > 59) throw bad(`is not a time of day (hours 00-23, minutes and seconds 00-59); ${EXAMPLES}`);
  if (m[10] !== undefined && (Number(m[10]) > 15 || Number(m[11] ?? 0) > 59)) throw bad('has a zone offset PostgreSQL does not accept (at most ±15:59)');
  // Date.UTC maps the years 0-99 to 1900-1999: set the full year explicitly.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const first = new Date(0);
  first.setUTCFullYear(1, 0, 1);
  if (d.getTime() < first.getTime()) {
    throw bad('is before 0001-01-01T00:00:00Z: PostgreSQL would store a BC timestamp, which vault does not read back as the same instant');
  }
  const utc = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(micros, 6)}`;
  return { text, utc };
}

/**
 * The batch's load timestamp. Without `--load-ts` it is now: the one place the clock decides
 * anything a run writes, so a run given the same `--load-ts` writes exactly the same rows
 * (the clock is otherwise read only to print how long things took).
 */
export function loadTimestamp(given: string | undefined): LoadTimestamp {
  return parseLoadTimestamp(given ?? new Date().toISOString());
}

/** PostgreSQL must read the timestamp as the same instant; a usage mistake (exit 2) otherwise. */
export async function checkInDatabase(db: Queryable, ts: LoadTimestamp): Promise<void> {
  let read: string | undefined;
  try {
    const r = await db.query<{ utc: string }>(`SELECT to_char(CAST($1 AS timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US BC') AS utc`, [ts.text]);
    read = r.rows[0]?.utc;
  } catch (e) {
    throw new UsageError(`--load-ts '${ts.text}' is not a timestamp PostgreSQL accepts (${e instanceof Error ? e.message : String(e)}); ${EXAMPLES}`);
  }
  if (read !== `${ts.utc} AD`) throw new UsageError(`--load-ts '${ts.text}' is read by PostgreSQL as ${read ?? 'nothing'}, not ${ts.utc}Z; ${EXAMPLES}`);
}

/**
 * Spark must read the timestamp (as `vault run` gives it there: the UTC instant with `Z`) as the
 * same instant; a usage mistake (exit 2) otherwise.
 */
export async function checkInSpark(db: Queryable, ts: LoadTimestamp): Promise<void> {
  let read: string | undefined;
  try {
    const r = await db.query<{ utc: string | null }>(`SELECT date_format(CAST('${ts.utc}Z' AS TIMESTAMP), 'yyyy-MM-dd\\'T\\'HH:mm:ss.SSSSSS') AS utc`);
    read = r.rows[0]?.utc ?? undefined;
  } catch (e) {
    throw new UsageError(`--load-ts '${ts.text}' is not a timestamp Spark accepts (${e instanceof Error ? e.message : String(e)}); ${EXAMPLES}`);
  }
  if (read !== ts.utc) throw new UsageError(`--load-ts '${ts.text}' is read by Spark as ${read ?? 'nothing'}, not ${ts.utc}Z; ${EXAMPLES}`);
}
