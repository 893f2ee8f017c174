/**
 * A batch dated before a snapshot a point-in-time table already holds (docs/run.md, "The load
 * timestamp"): a PIT takes load timestamps to grow. The snapshots it holds never change, and the
 * later ones are filled from them and from the rows loaded since their cut-off, so the batch's
 * rows enter none of its snapshots until the PIT is rebuilt. `vault run` says so before the loads
 * (a warning: the loads themselves are right, insert-only and idempotent as ever).
 */
import type { DatabasePlan, Queryable } from '../db/index.js';

/** One warning line per PIT whose latest snapshot's cut-off is after `loadTs` (the value bound as `load_ts`; `shown` as the user gave it). */
export async function lateBatchWarnings(db: Queryable, plan: Pick<DatabasePlan, 'engine' | 'loads'>, loadTs: string, shown: string): Promise<string[]> {
  const lines: string[] = [];
  for (const load of plan.loads) {
    if (load.filledAfter === undefined) continue;
    const b = plan.engine.bind(load.filledAfter, { load_ts: loadTs });
    const row = (await db.query<Record<string, unknown>>(b.sql, b.params)).rows[0];
    const latest = row === undefined ? undefined : Object.values(row)[0];
    if (latest === undefined || latest === null) continue;
    lines.push(
      `vault: warning: load_ts ${shown} is before the cut-off of ${String(latest)}, a snapshot ${load.table} already holds: ` +
        `a point-in-time table takes load timestamps to grow, so this batch's rows enter none of its snapshots until it is rebuilt (TRUNCATE it, then vault run)`,
    );
  }
  return lines;
}
