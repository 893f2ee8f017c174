/**
 * Business rules over times read the same in every session time zone (docs/sql.md, "Business
 * rules in SQL"): a business satellite is a view, evaluated in the zone of whoever reads it, and
 * its derived values and hashdiff must not depend on it (docs/hashing.md). Rules that truncate,
 * extract from, compare and subtract a timestamptz, a timestamp and a date, or read text as an
 * instant (UTC when it has no zone), read in UTC and in
 * three other zones, give the same rows; and the values are those of the times in UTC.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { describe, expect, it } from 'vitest';
import type { Spec } from '@vault/core';
import { quoteIdent, sqlManifestBlock } from '@vault/emitters/internal';
import { dropSchemas, fileDatabase } from './database.js';

const db = fileDatabase();

const SPEC: Spec = {
  version: 1,
  model: 'tz',
  tables: {
    orders: {
      business_key: ['order_id'],
      columns: { order_id: { type: 'int', nullable: false }, ordered_on: 'date', ts: 'timestamptz', lts: 'timestamp', stamp: 'text' },
    },
  },
  business_vault: {
    rules: {
      order: {
        derive: {
          week_of_order: "DATE_TRUNC('week', ordered_on)",
          day_of_ts: "DATE_TRUNC('day', ts)",
          hour_of_lts: "DATE_TRUNC('hour', lts)",
          since_order: 'ts - ordered_on',
          ts_after_lts: 'ts - lts',
          after_order_day: 'ts > ordered_on',
          latest: 'GREATEST(ts, ordered_on)',
          either: 'COALESCE(ts, lts)',
          ts_year: 'YEAR(ts)',
          ts_day: 'DAY(ts)',
          ts_date: 'CAST(ts AS date)',
          ts_text: "'at ' || CAST(ts AS text)",
          lts_instant: 'CAST(lts AS timestamptz)',
          // Text: with a zone, its instant; in ISO form without one, read as UTC.
          stamp_instant: 'CAST(stamp AS timestamptz)',
          fixed_instant: "CAST('2024-01-01 10:00' AS timestamptz)",
        },
      },
    },
  },
};

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
const COLUMNS = [
  'week_of_order',
  'day_of_ts',
  'hour_of_lts',
  'since_order',
  'ts_after_lts',
  'after_order_day',
  'latest',
  'either',
  'ts_year',
  'ts_day',
  'ts_date',
  'ts_text',
  'lts_instant',
  'stamp_instant',
  'fixed_instant',
];

describe('business rules over times', () => {
  it('give the same values and hashdiffs in every session time zone: those of the times in UTC', async () => {
    const model = await db.setUpModel(SPEC, 'tz');
    try {
      // Late in the UTC day and year: a zone east of UTC is already in the next day (and year).
      const batch = {
        orders: [
          { order_id: 1, ordered_on: '2024-03-15', ts: '2024-03-15T23:30:00Z', lts: '2024-03-15 10:20:00', stamp: '2024-03-15 10:20:00' },
          { order_id: 2, ordered_on: '2024-12-31', ts: '2024-12-31T23:30:00Z', lts: '2024-12-31 23:45:00', stamp: '2024-12-31T23:45:00+02:00' },
        ],
      };
      await db.deliver(model, batch, '2024-06-01T00:00:00Z');
      const table = sqlManifestBlock(model.byKind.business_satellite[0]!, model).table.split('.').map(quoteIdent).join('.');
      // Every value as text, the instants in UTC whatever the session's zone, so the zones' rows can be compared.
      const instants = new Set(['week_of_order', 'day_of_ts', 'hour_of_lts', 'latest', 'either', 'lts_instant', 'stamp_instant', 'fixed_instant']);
      const text = (c: string): string => (instants.has(c) ? `to_char(${quoteIdent(c)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')` : `CAST(${quoteIdent(c)} AS text)`);
      const read = async (zone: string): Promise<Array<Record<string, string | null>>> => {
        await db.query(`SET TIME ZONE '${zone}'`);
        const { rows } = await db.query<Record<string, string | null>>(
          `SELECT hashdiff, ${COLUMNS.map((c) => `${text(c)} AS ${quoteIdent(c)}`).join(', ')} FROM ${table} WHERE ts IS NOT NULL ORDER BY ts`,
        );
        return rows;
      };
      const utc = await read('UTC');
      expect(utc).toHaveLength(2);
      for (const zone of ZONES.slice(1)) expect(await read(zone), zone).toEqual(utc);
      await db.query("SET TIME ZONE 'UTC'");
      const { hashdiff: _first, ...first } = utc[0]!;
      expect(first).toEqual({
        week_of_order: '2024-03-11 00:00',
        day_of_ts: '2024-03-15 00:00',
        hour_of_lts: '2024-03-15 10:00',
        since_order: '23:30:00',
        ts_after_lts: '13:10:00',
        after_order_day: 'true',
        latest: '2024-03-15 23:30',
        either: '2024-03-15 23:30',
        ts_year: '2024',
        ts_day: '15',
        ts_date: '2024-03-15',
        ts_text: 'at 2024-03-15 23:30:00',
        lts_instant: '2024-03-15 10:20',
        stamp_instant: '2024-03-15 10:20',
        fixed_instant: '2024-01-01 10:00',
      });
      expect(utc[1]).toMatchObject({ ts_year: '2024', ts_day: '31', ts_date: '2024-12-31', day_of_ts: '2024-12-31 00:00', stamp_instant: '2024-12-31 21:45' });
    } finally {
      await db.query("SET TIME ZONE 'UTC'");
      await dropSchemas(db, model);
    }
  }, 120_000);
  it("give the same text of dates and timestamps, and the same hashdiffs, in every DateStyle: PostgreSQL's default (ISO) text", async () => {
    const spec: Spec = {
      version: 1,
      model: 'ds',
      tables: { orders: { business_key: ['order_id'], columns: { order_id: { type: 'int', nullable: false }, ordered_on: 'date', ts: 'timestamptz', lts: 'timestamp' } } },
      business_vault: {
        rules: {
          order: {
            derive: {
              day_text: "'on ' || ordered_on",
              lts_text: 'CAST(lts AS text)',
              ts_text: 'CAST(ts AS varchar(40))',
              pair_text: "ordered_on || '/' || lts",
            },
          },
        },
      },
    };
    const model = await db.setUpModel(spec, 'ds');
    try {
      const batch = {
        orders: [
          { order_id: 1, ordered_on: '2024-03-15', ts: '2024-03-15T23:30:00.123Z', lts: '2024-03-15 10:20:00.5' },
          { order_id: 2, ordered_on: '0044-03-15 BC', ts: '-infinity', lts: 'infinity' },
          { order_id: 3, ordered_on: '12345-01-02', ts: '2024-01-01T00:00:00Z', lts: '0001-01-01 00:00:00 BC' },
        ],
      };
      await db.deliver(model, batch, '2024-06-01T00:00:00Z');
      const table = sqlManifestBlock(model.byKind.business_satellite[0]!, model).table.split('.').map(quoteIdent).join('.');
      const read = async (style: string): Promise<Array<Record<string, string | null>>> => {
        await db.query(`SET DateStyle = '${style}'`);
        const { rows } = await db.query<Record<string, string | null>>(`SELECT hashdiff, day_text, lts_text, ts_text, pair_text FROM ${table} WHERE day_text IS NOT NULL ORDER BY order_hk`);
        return rows;
      };
      const iso = await read('ISO, MDY');
      expect(iso.map(({ hashdiff: _h, ...r }) => r)).toEqual(
        expect.arrayContaining([
          { day_text: 'on 2024-03-15', lts_text: '2024-03-15 10:20:00.5', ts_text: '2024-03-15 23:30:00.123', pair_text: '2024-03-15/2024-03-15 10:20:00.5' },
          { day_text: 'on 0044-03-15 BC', lts_text: 'infinity', ts_text: '-infinity', pair_text: '0044-03-15 BC/infinity' },
          { day_text: 'on 12345-01-02', lts_text: '0001-01-01 00:00:00 BC', ts_text: '2024-01-01 00:00:00', pair_text: '12345-01-02/0001-01-01 00:00:00 BC' },
        ]),
      );
      expect(iso).toHaveLength(3);
      for (const style of ['German, DMY', 'SQL, DMY', 'Postgres, MDY', 'ISO, DMY']) expect(await read(style), style).toEqual(iso);
    } finally {
      await db.query("SET DateStyle = 'ISO, MDY'");
      await dropSchemas(db, model);
    }
  }, 120_000);
});
