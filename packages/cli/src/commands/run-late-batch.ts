/**
 * A batch dated before a snapshot a point-in-time or bridge table already holds (docs/run.md,
 * "The load timestamp"): both take load timestamps to grow. The snapshots they hold never change,
 * so the batch's rows enter none of them until the table is rebuilt; a PIT's later snapshots are
 * filled from the ones before and from the rows loaded since their cut-off, so they miss the rows
 * too, while a bridge fills each later snapshot from the raw vault and takes them in. `vault run`
 * says so before the loads (a warning: the loads themselves are right, insert-only and idempotent
 * as ever).
 */
import type { SqlLoad } from '@vault/emitters/internal';
import type { DatabasePlan, Queryable } from '../db/index.js';

/** What each kind with a `filledAfter` probe leaves out of a late batch, after "so this batch's rows enter". */
const MISSED = {
  pit: { table: 'a point-in-time table', missed: 'none of its snapshots' },
  bridge: { table: 'a bridge table', missed: 'none of the snapshots it holds' },
} as const satisfies Partial<Record<SqlLoad['kind'], { readonly table: string; readonly missed: string }>>;

function missedBy(load: SqlLoad): (typeof MISSED)[keyof typeof MISSED] {
  if (load.kind !== 'pit' && load.kind !== 'bridge') throw new Error(`vault run: ${load.kind} ${load.entity} has a filledAfter probe, and no late-batch warning says what it misses`);
  return MISSED[load.kind];
}

/** One warning line per PIT or bridge whose latest snapshot's cut-off is after `loadTs` (the value bound as `load_ts`; `shown` as the user gave it). */
export async function lateBatchWarnings(db: Queryable, plan: Pick<DatabasePlan, 'engine' | 'loads'>, loadTs: string, shown: string): Promise<string[]> {
  const lines: string[] = [];
  for (const load of plan.loads) {
    if (load.filledAfter === undefined) continue;
    const b = plan.engine.bind(load.filledAfter, { load_ts: loadTs });
    const row = (await db.query<Record<string, unknown>>(b.sql, b.params)).rows[0];
    const latest = row === undefined ? undefined : Object.values(row)[0];
    if (latest === undefined || latest === null) continue;
    const { table, missed } = missedBy(load);
    lines.push(
      `vault: warning: load_ts ${shown} is before the cut-off of ${String(latest)}, a snapshot ${load.table} already holds: ` +
        `${table} takes load timestamps to grow, so this batch's rows enter ${missed} until it is rebuilt (TRUNCATE it, then vault run)`,
    );
  }
  return lines;
}
