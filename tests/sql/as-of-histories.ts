/**
 * What the property tests of the as-of structures (PIT tables) share: random snapshot settings,
 * growing batch load timestamps, and emptying a model's tables between histories.
 */
import { fc } from '@fast-check/vitest';
import type { SnapshotsSpec, VaultModel } from '@vault/core';
import { quoteIdent, sqlPlan } from '@vault/emitters/internal';
import type { FileDatabase } from './database.js';

/** Daily or week-end snapshots from one of three start dates around the first batch. */
export const snapshotSettings = fc.record({
  start: fc.constantFrom('2023-12-30', '2024-01-01', '2024-01-03'),
  every: fc.constantFrom<NonNullable<SnapshotsSpec['every']>>('day', 'week_end'),
});

/** Growing load timestamps from 2024-01-01: each step's days and hours after the one before. */
export function batchTimestamps(steps: ReadonlyArray<{ readonly days: number; readonly hours: number }>): string[] {
  let t = Date.UTC(2024, 0, 1);
  return steps.map((s) => new Date((t += (s.days * 24 + s.hours) * 3_600_000)).toISOString());
}

/** Empties every table of the model's landing, raw vault and business vault schemas and puts the ghost records back. */
export async function emptyVault(db: Pick<FileDatabase, 'query'>, model: VaultModel): Promise<void> {
  const schemas = [model.schemas.landing, model.schemas.rawVault, model.schemas.businessVault];
  const { rows } = await db.query<{ s: string; t: string }>(`SELECT schemaname AS s, tablename AS t FROM pg_tables WHERE schemaname = ANY($1)`, [schemas]);
  if (rows.length > 0) await db.query(`TRUNCATE ${rows.map((r) => `${quoteIdent(r.s)}.${quoteIdent(r.t)}`).join(', ')}`);
  for (const s of sqlPlan(model).setup.filter((x) => x.kind === 'ghost_record')) await db.query(s.sql);
}
