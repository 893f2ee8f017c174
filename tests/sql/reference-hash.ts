/**
 * Vault hashing standard v2 (docs/hashing.md; the steps after the canonical text are those of v1), written again in TypeScript from the document,
 * independently of the SQL: the integration test checks every hash the database computes
 * against it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HashAlgorithm } from '@vault/core';

/** A value already in its canonical text (integers as digits, decimals with their scale), or NULL. */
export type HashValue = string | null;

/** Steps 2-5 of the standard for one value. */
export function referenceHashText(value: HashValue, keepCase: boolean): string {
  if (value === null) return '^^';
  let text = value.replace(/^ +| +$/g, '');
  if (!keepCase) text = text.replace(/[a-z]+/g, (s) => s.toUpperCase());
  if (text === '') text = '^^';
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** Steps 6-7: join with `||`, digest the UTF-8 bytes, lower-case hex. */
export function referenceHash(algorithm: HashAlgorithm, values: ReadonlyArray<HashValue>, keepCase: boolean): string {
  return createHash(algorithm)
    .update(values.map((v) => referenceHashText(v, keepCase)).join('||'), 'utf8')
    .digest('hex');
}

/** A business key is missing when every value is NULL or blank. */
export function referenceMissing(values: ReadonlyArray<HashValue>): boolean {
  return values.every((v) => v === null || v.replace(/^ +| +$/g, '') === '');
}

/**
 * A date or timestamp as the standard sees it: a day of the proleptic Gregorian calendar with
 * its era (years count 1, 2, … in each era: there is no year 0), an optional time of day, or
 * one of the infinities.
 */
export type CalendarValue =
  | 'infinity'
  | '-infinity'
  | {
      readonly year: number;
      readonly bc: boolean;
      readonly month: number;
      readonly day: number;
      readonly time?: { readonly hour: number; readonly minute: number; readonly second: number; readonly micro: number };
    };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Step 1 for dates, timestamps and timestamptz values (in UTC), from docs/hashing.md:
 * `YYYY-MM-DD[ HH:MM:SS.ffffff][ BC]`, the year with at least four digits, or `infinity` / `-infinity`.
 */
export function referenceCalendarText(v: CalendarValue): string {
  if (typeof v === 'string') return v;
  const time = v.time === undefined ? '' : ` ${pad(v.time.hour, 2)}:${pad(v.time.minute, 2)}:${pad(v.time.second, 2)}.${pad(v.time.micro, 6)}`;
  return `${pad(v.year, 4)}-${pad(v.month, 2)}-${pad(v.day, 2)}${time}${v.bc ? ' BC' : ''}`;
}

/** The value as PostgreSQL reads it (a timestamptz in UTC: `+00`), whatever the DateStyle's order. */
export function calendarLiteral(v: CalendarValue, zone: boolean): string {
  if (typeof v === 'string') return v;
  const time = v.time === undefined ? '' : ` ${pad(v.time.hour, 2)}:${pad(v.time.minute, 2)}:${pad(v.time.second, 2)}.${pad(v.time.micro, 6)}${zone ? '+00' : ''}`;
  return `${pad(v.year, 4)}-${pad(v.month, 2)}-${pad(v.day, 2)}${time}${v.bc ? ' BC' : ''}`;
}

/** The lines of docs/hashing.md's block of float texts: type, value (a number's text), canonical text. */
export function docFloatTexts(): ReadonlyArray<{ readonly type: 'real' | 'double'; readonly value: string; readonly text: string }> {
  const doc = readFileSync(new URL('../../docs/hashing.md', import.meta.url), 'utf8');
  const block = [...doc.matchAll(/```jsonl\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes('"type":"double"')) ?? '';
  return block
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: 'real' | 'double'; value: string; text: string });
}
