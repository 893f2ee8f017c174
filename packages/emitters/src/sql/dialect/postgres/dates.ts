/**
 * PostgreSQL's calendar arithmetic for snapshot control: `generate_series` over timestamps
 * (cast back to dates), `ISODOW` for ISO weeks, and date minus date in whole days.
 */
import { ZONELESS_ISO_TEXT, type DateArithmetic } from '../dialect.js';
import { isoText } from './hashing.js';
import { quoteLiteral } from './quote.js';

const month = (date: string): string => `EXTRACT(MONTH FROM ${date})`;
// The day after a month's last day is the first of a month.
const monthEnd = (date: string): string => `EXTRACT(DAY FROM ${date} + 1) = 1`;

export const dates: DateArithmetic = {
  literal: (date) => `DATE ${quoteLiteral(date)}`,
  dateOf: (timestamp) => `CAST((${timestamp}) AT TIME ZONE 'UTC' AS date)`,
  series: (start, end, column) => [`SELECT CAST("g" AS date) AS ${column}`, `FROM generate_series(CAST(${start} AS timestamp), CAST(${end} AS timestamp), INTERVAL '1 day') AS "g"`],
  isPeriodEnd: (date, period) => {
    switch (period) {
      case 'week_end':
        return `EXTRACT(ISODOW FROM ${date}) = 7`;
      case 'month_end':
        return monthEnd(date);
      case 'quarter_end':
        return `(${monthEnd(date)} AND ${month(date)} IN (3, 6, 9, 12))`;
      case 'year_end':
        return `(${monthEnd(date)} AND ${month(date)} = 12)`;
    }
  },
  daysBetween: (later, earlier) => `(${later} - ${earlier})`,
  // A timestamp without time zone read AT TIME ZONE 'UTC' is that instant in UTC, whatever the session's zone.
  dayAfterStart: (date) => `(CAST(${date} + 1 AS timestamp) AT TIME ZONE 'UTC')`,
  utcInstant: (timestamp) => `(${timestamp} AT TIME ZONE 'UTC')`,
  // AT TIME ZONE turns a timestamptz into the zone's wall clock, and back.
  utcClock: (instant) => `(${instant} AT TIME ZONE 'UTC')`,
  // Text cast to timestamptz reads a zone-less time in the session's zone: read as a timestamp (the zone's wall clock) it is UTC's.
  textClock: (text) => `CASE WHEN ${text} ~ ${quoteLiteral(ZONELESS_ISO_TEXT)} THEN CAST(${text} AS timestamp) ELSE (CAST(${text} AS timestamptz) AT TIME ZONE 'UTC') END`,
  isoText,
  // Timestamps count microseconds: a row strictly before T is one at or before T less one microsecond (PostgreSQL 11: RANGE offsets).
  earlierFrame: `RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1 microsecond' PRECEDING`,
};
