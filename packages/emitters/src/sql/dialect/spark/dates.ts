/**
 * Spark's calendar arithmetic for snapshot control: `sequence` of dates exploded to rows,
 * `dayofweek` (Sunday is 1), `last_day`, `datediff`. Instants are built from day and microsecond
 * counts since the epoch (`timestamp_seconds`, `unix_date`), never through the session's time
 * zone, so a snapshot's cut-off is the same instant whatever the session says.
 */
import { ZONELESS_ISO_TEXT, type DateArithmetic } from '../dialect.js';
import { utcWallClock } from './hashing.js';
import { quoteLiteral } from './quote.js';

const monthEnd = (date: string): string => `${date} = last_day(${date})`;

export const dates: DateArithmetic = {
  literal: (date) => `DATE ${quoteLiteral(date)}`,
  dateOf: (timestamp) => `CAST(${utcWallClock(timestamp)} AS DATE)`,
  series: (start, end, column) => [`SELECT explode(sequence(${start}, ${end})) AS ${column}`],
  isPeriodEnd: (date, period) => {
    switch (period) {
      case 'week_end':
        return `dayofweek(${date}) = 1`;
      case 'month_end':
        return monthEnd(date);
      case 'quarter_end':
        return `(${monthEnd(date)} AND month(${date}) IN (3, 6, 9, 12))`;
      case 'year_end':
        return `(month(${date}) = 12 AND day(${date}) = 31)`;
    }
  },
  daysBetween: (later, earlier) => `datediff(${later}, ${earlier})`,
  dayAfterStart: (date) => `timestamp_seconds(CAST(unix_date(${date}) + 1 AS BIGINT) * 86400)`,
  // Microseconds from the epoch's wall clock, both without zone: the instant they name in UTC.
  utcInstant: (timestamp) => `timestamp_micros(timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', ${timestamp}))`,
  // The instant's microseconds from the epoch, added to the epoch's wall clock (a cast to TIMESTAMP_NTZ would use the session's zone).
  utcClock: utcWallClock,
  // Text cast to TIMESTAMP reads a zone-less time in the session's zone; cast to TIMESTAMP_NTZ it is the wall clock.
  textClock: (text) => `CASE WHEN ${text} RLIKE ${quoteLiteral(ZONELESS_ISO_TEXT)} THEN CAST(${text} AS TIMESTAMP_NTZ) ELSE ${utcWallClock(`CAST(${text} AS TIMESTAMP)`)} END`,
  // Spark's text of a date or timestamp is ISO in every session.
  isoText: (sql) => `CAST(${sql} AS STRING)`,
  // Timestamps count microseconds: a row strictly before T is one at or before T less one microsecond.
  earlierFrame: 'RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING',
};
