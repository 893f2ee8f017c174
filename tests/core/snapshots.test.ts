/**
 * Snapshot control's spec (docs/spec.md, "Snapshots"): its validation, and the date rules
 * (which dates end an ISO week, a month, a quarter or a year; which a retention keeps).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '@vault/core';
import { fallsOn, formatDate, keeps, MAX_KEEP_DAYS, parseDate, periodEnds, snapshotDates } from '@vault/core/internal';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { codes, type SpecBody } from './spec-body.js';

const tables: SpecBody['tables'] = { customers: { business_key: ['id'], columns: { id: { type: 'int', nullable: false }, name: 'text' } } };
const day = (text: string): number => parseDate(text)!;
const dates = (start: string, end: string, every: Parameters<typeof snapshotDates>[2]): string[] => snapshotDates(day(start), day(end), every).map(formatDate);

describe('snapshots: validation', () => {
  it('accepts real dates and today', () => {
    expect(codes({ tables, snapshots: { start: '2024-01-01' } })).toEqual([]);
    expect(codes({ tables, snapshots: { start: '2024-02-29', end: 'today', every: 'month_end', keep: [{ every: 'day', for_days: 60 }, { every: 'month_end' }] } })).toEqual([]);
    expect(codes({ tables, snapshots: { start: '2024-01-01', end: '2024-01-01' } })).toEqual([]);
  });

  it('a start or end that is no calendar date is VLT232', () => {
    expect(codes({ tables, snapshots: { start: '2023-02-29' } })).toEqual([['VLT232', ['snapshots', 'start']]]);
    expect(codes({ tables, snapshots: { start: '2024-1-1' } })).toEqual([['VLT232', ['snapshots', 'start']]]);
    expect(codes({ tables, snapshots: { start: '2024-01-01', end: 'tomorrow' } })).toEqual([['VLT232', ['snapshots', 'end']]]);
    expect(codes({ tables, snapshots: { start: '2024-13-01', end: '2024-04-31' } })).toEqual([
      ['VLT232', ['snapshots', 'start']],
      ['VLT232', ['snapshots', 'end']],
    ]);
  });

  it('an end before the start is VLT233', () => {
    expect(codes({ tables, snapshots: { start: '2024-03-01', end: '2024-02-29' } })).toEqual([['VLT233', ['snapshots', 'end']]]);
  });

  it('the schema checks the keys, every and for_days', () => {
    const check = (snapshots: string): string[] =>
      analyzeSpec(parseSpecYaml(`version: 1\nmodel: test\ntables:\n  customers:\n    business_key: [id]\n    columns: { id: int }\nsnapshots:\n${snapshots}`, 'test.yaml'))
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => d.code);
    expect(check('  start: 2024-01-01\n  end: today\n  every: day\n  keep:\n    - { every: day, for_days: 60 }\n    - { every: month_end }\n')).toEqual([]);
    expect(check('  end: today\n')).not.toEqual([]);
    expect(check('  start: 2024-01-01\n  every: fortnight\n')).not.toEqual([]);
    expect(check('  start: 2024-01-01\n  keep: [{ every: day, for_days: 0 }]\n')).not.toEqual([]);
    expect(check('  start: 2024-01-01\n  keep: [{ for_days: 3 }]\n')).not.toEqual([]);
    expect(check('  start: 2024-01-01\n  daily: true\n')).not.toEqual([]);
  });

  it('for_days is at most 3652059, the days from 0001-01-01 to 9999-12-31: a larger number, exact or not, is VLT106 at the value, stating the range', () => {
    const diagnostics = (forDays: string) =>
      analyzeSpec(
        parseSpecYaml(
          `version: 1\nmodel: test\ntables:\n  customers:\n    business_key: [id]\n    columns: { id: int }\nsnapshots:\n  start: 2024-01-01\n  keep:\n    - { every: day, for_days: ${forDays} }\n`,
          'test.yaml',
        ),
      )
        .diagnostics.filter((d) => d.severity === 'error')
        .map(formatDiagnostic);
    expect(diagnostics('3652059')).toEqual([]);
    const at = 'test.yaml:10:31: error VLT106:';
    expect(diagnostics('3652060')).toEqual([`${at} 'snapshots.keep.0.for_days' must be between 1 and 3652059, not 3652060`]);
    expect(diagnostics('0')).toEqual([`${at} 'snapshots.keep.0.for_days' must be between 1 and 3652059, not 0`]);
    // Beyond 2^53 the number read is not the one written (9007199254740993 reads as ...992): the message does not echo it.
    for (const large of ['9007199254740993', '99999999999999999999999']) {
      expect(diagnostics(large)).toEqual([`${at} 'snapshots.keep.0.for_days' must be between 1 and 3652059, not a number this large`]);
    }
    // The bound is every date a spec can write.
    expect(MAX_KEEP_DAYS).toBe(day('9999-12-31') - day('0001-01-01') + 1);
  });
});

describe('snapshots: date rules', () => {
  it('parses and prints calendar dates, leap days included', () => {
    expect(formatDate(day('2024-02-29'))).toBe('2024-02-29');
    expect(parseDate('2024-02-30')).toBeUndefined();
    expect(parseDate('2100-02-29')).toBeUndefined();
    expect(formatDate(day('2000-02-29'))).toBe('2000-02-29');
    expect(day('1970-01-01')).toBe(0);
    // The years 0001-0099 are years of their own (Date.UTC would read 0050 as 1950); there is no year zero.
    expect(formatDate(day('0050-06-30'))).toBe('0050-06-30');
    expect(day('0050-06-30')).toBeLessThan(day('1000-01-01'));
    expect(formatDate(day('0001-01-01'))).toBe('0001-01-01');
    expect(formatDate(day('9999-12-31'))).toBe('9999-12-31');
    expect(parseDate('0000-01-01')).toBeUndefined();
    expect(parseDate('0004-02-29')).toBeDefined();
    expect(parseDate('0100-02-29')).toBeUndefined();
  });

  it('a week ends on Sunday (ISO)', () => {
    expect(dates('2024-01-01', '2024-01-31', 'week_end')).toEqual(['2024-01-07', '2024-01-14', '2024-01-21', '2024-01-28']);
    expect(periodEnds(day('1969-12-28')).week_end).toBe(true);
    expect(periodEnds(day('1970-01-03')).week_end).toBe(false);
  });

  it('month ends follow the calendar, February 29 in leap years only', () => {
    expect(dates('2023-01-01', '2023-04-30', 'month_end')).toEqual(['2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30']);
    expect(dates('2024-02-01', '2024-03-01', 'month_end')).toEqual(['2024-02-29']);
    expect(dates('1900-02-01', '1900-03-01', 'month_end')).toEqual(['1900-02-28']);
    expect(dates('2000-02-01', '2000-03-01', 'month_end')).toEqual(['2000-02-29']);
  });

  it('quarter and year ends', () => {
    expect(dates('2024-01-01', '2025-12-31', 'quarter_end')).toEqual(['2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31', '2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31']);
    expect(dates('2023-06-01', '2025-06-01', 'year_end')).toEqual(['2023-12-31', '2024-12-31']);
    expect(periodEnds(day('2024-12-31'))).toEqual({ week_end: false, month_end: true, quarter_end: true, year_end: true });
  });

  it('every day from start to end, both included', () => {
    expect(dates('2024-02-27', '2024-03-01', 'day')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(fallsOn(day('2024-02-27'), 'day')).toBe(true);
  });

  it('retention: daily for the 60 days up to the latest snapshot (latest - 59 .. latest), month ends before', () => {
    const rules = [{ every: 'day', for_days: 60 }, { every: 'month_end' }] as const;
    const latest = day('2024-06-15');
    const kept = snapshotDates(day('2024-01-01'), latest, 'day')
      .filter((d) => keeps(d, latest, rules))
      .map(formatDate);
    expect(kept.slice(0, 4)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-17']);
    expect(kept.at(-1)).toBe('2024-06-15');
    expect(kept.length).toBe(3 + 60);
    expect(keeps(day('2024-01-02'), latest, undefined)).toBe(true);
  });
});
