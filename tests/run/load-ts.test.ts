/**
 * `--load-ts`: a timestamp PostgreSQL stores and vault reads back as the same instant, or a usage
 * mistake (exit 2) before anything is written, even when the ledger would skip every load.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInDatabase, parseLoadTimestamp } from '../../packages/cli/dist/commands/load-ts.js';
import { openTestDatabase, type TestDatabase } from '../sql/database.js';
import { ON, createWorkspace, skippedEntities, type Workspace } from './workspace.js';

describe('parseLoadTimestamp', () => {
  it('reads dates, times and zones as one instant in UTC', () => {
    expect(parseLoadTimestamp('2024-05-31').utc).toBe('2024-05-31T00:00:00.000000');
    expect(parseLoadTimestamp(' 2024-05-31T18:00:00Z ').utc).toBe('2024-05-31T18:00:00.000000');
    expect(parseLoadTimestamp('2024-05-31 18:00:00.25+02').utc).toBe('2024-05-31T16:00:00.250000');
    expect(parseLoadTimestamp('2024-01-01T01:30-0230').utc).toBe('2024-01-01T04:00:00.000000');
    expect(parseLoadTimestamp('0001-01-01').utc).toBe('0001-01-01T00:00:00.000000');
    expect(parseLoadTimestamp('0050-03-01T00:00:00Z').utc).toBe('0050-03-01T00:00:00.000000');
    expect(parseLoadTimestamp('9999-12-31T23:00:00-05').utc).toBe('10000-01-01T04:00:00.000000');
    expect(parseLoadTimestamp('2024-02-29').text).toBe('2024-02-29');
  });

  it.each([
    ['0000-01-01', "--load-ts '0000-01-01' names the year 0000, which does not exist (the year before 0001 is 1 BC)"],
    ['0001-01-01T00:00:00+01', "--load-ts '0001-01-01T00:00:00+01' is before 0001-01-01T00:00:00Z: PostgreSQL would store a BC timestamp, which vault does not read back as the same instant"],
    ['2023-02-29', "--load-ts '2023-02-29' is not a date: 2023-02-29 does not exist; expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'"],
    ['0099-02-29', "--load-ts '0099-02-29' is not a date: 0099-02-29 does not exist; expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'"],
    ['2024-13-01', "--load-ts '2024-13-01' is not a date: 2024-13-01 does not exist; expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'"],
    [
      '2024-01-01T24:00:00',
      "--load-ts '2024-01-01T24:00:00' is not a time of day (hours 00-23, minutes and seconds 00-59); expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'",
    ],
    [
      '2024-01-01T00:00:60',
      "--load-ts '2024-01-01T00:00:60' is not a time of day (hours 00-23, minutes and seconds 00-59); expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'",
    ],
    ['2024-01-01T00:00+16', "--load-ts '2024-01-01T00:00+16' has a zone offset PostgreSQL does not accept (at most ±15:59)"],
    ['12024-01-01', "--load-ts '12024-01-01' is not a timestamp; expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'"],
    ['yesterday', "--load-ts 'yesterday' is not a timestamp; expected e.g. 2024-05-31, 2024-05-31T18:00:00Z or '2024-05-31 18:00:00+02'"],
  ])('refuses %s', (given, message) => {
    expect(() => parseLoadTimestamp(given)).toThrow(message);
  });
});

describe(`--load-ts values read back as the same instant in ${process.env.VAULT_TEST_DATABASE_URL ? 'the PostgreSQL server' : 'PGlite'}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
    await db.query("SET TIME ZONE 'UTC'");
  });
  afterAll(async () => {
    await db?.close();
  });

  const two = (n: number): string => String(n).padStart(2, '0');
  const timestampArb = fc
    .record({
      year: fc.integer({ min: 1, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }),
      fraction: fc.constantFrom('', '.5', '.123456'),
      zone: fc.constantFrom('', 'Z', '+02', '-0530', '+15:59', '-15:59'),
    })
    .map((t) => `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${t.fraction}${t.zone}`)
    .filter((text) => {
      try {
        parseLoadTimestamp(text);
        return true;
      } catch {
        return false; // before 0001-01-01 in UTC
      }
    });

  test.prop([fc.array(timestampArb, { minLength: 1, maxLength: 20 })], { numRuns: 10 })('every timestamp vault accepts, PostgreSQL reads as the same instant', async (texts) => {
    const q = { query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => ({ ...(await db.query<R>(sql, params)), rowCount: 0, command: 'SELECT' }) };
    for (const text of texts) await checkInDatabase(q, parseLoadTimestamp(text));
  });
});

describe(`vault run --load-ts on ${ON}`, () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = createWorkspace('specs/ews.yaml', 'loadts');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('0000-01-01 is a usage mistake before anything is touched, even when the ledger would skip every load', async () => {
    const before = await ws.vaultAsync(['run', ws.spec, '--load-ts', '0000-01-01']);
    expect(before.code, before.stderr).toBe(2);
    expect(before.stderr.trimEnd().split('\n').at(-1)).toBe("vault: --load-ts '0000-01-01' names the year 0000, which does not exist (the year before 0001 is 1 BC)");
    expect(before.stdout).toBe('');

    expect((await ws.vaultAsync(['seed', ws.spec, '--rows', '20'])).code).toBe(0);
    expect((await ws.vaultAsync(['run', ws.spec, '--load-ts', '2024-01-01'])).code).toBe(0);
    const unchanged = await ws.vaultAsync(['run', ws.spec, '--load-ts', '2024-01-02']);
    expect(unchanged.code).toBe(0);
    expect(skippedEntities(unchanged.stdout).size).toBe(
      ws.model.byKind.hub.length + ws.model.byKind.link.length + ws.model.byKind.satellite.length + ws.model.byKind.link_satellite.length + ws.model.byKind.effectivity_satellite.length,
    );
    for (const bad of ['0000-01-01', '0001-01-01T00:00:00+01']) {
      const r = await ws.vaultAsync(['run', ws.spec, '--load-ts', bad]);
      expect(r.code, `${bad}: ${r.stderr}`).toBe(2);
      expect(r.stdout).not.toContain('skipped');
    }
  });
});
