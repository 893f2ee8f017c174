/**
 * Duplicate keys inside one batch, as `vault run` reports them (docs/run.md, "Duplicate keys"):
 * counted per satellite in its load's transaction, written to `vault_duplicates` under
 * `duplicates: error_table`, and under `duplicates: reject` checked before any load, so a refused
 * batch leaves every table as it was.
 */
import { DUPLICATES_COLUMNS, DUPLICATES_TABLE_NAME, type SqlDuplicates, type SqlLoad } from '@vault/emitters/internal';
import type { Queryable } from '../db/index.js';
import { red, type Output } from '../output.js';

/** A satellite's duplicate keys in the batch: how many, and the smallest as text. */
export interface DuplicateCount {
  readonly keys: number;
  readonly example: string | undefined;
}

/** Runs a load's duplicate count. */
export async function countDuplicates(q: Queryable, d: SqlDuplicates): Promise<DuplicateCount> {
  const r = await q.query<Record<string, number | string | null>>(d.count.sql);
  const row = r.rows[0];
  const example = row?.[DUPLICATES_COLUMNS.example];
  return { keys: Number(row?.[DUPLICATES_COLUMNS.count] ?? 0), example: example === null || example === undefined ? undefined : String(example) };
}

/** Thrown inside a load's transaction under `reject`, so it rolls back; the load reports it as failed. */
export class DuplicatesRejected extends Error {}

/** `2 duplicate keys (e.g. customer_id=7)`. */
export const duplicateKeysText = (c: DuplicateCount): string => `${c.keys} duplicate key${c.keys === 1 ? '' : 's'}${c.example === undefined ? '' : ` (e.g. ${c.example})`}`;

/** What a refused batch says: the table, the entity, the count and an example key. */
export function rejectionText(load: SqlLoad, d: SqlDuplicates, c: DuplicateCount): string {
  return `duplicates: reject refuses the batch of landing table ${d.table}: ${duplicateKeysText(c)} of ${load.kind} ${load.entity} with rows of different payloads`;
}

/** After a load: what it did with its duplicate keys, for its line. */
export function duplicatesNote(d: SqlDuplicates | undefined, c: DuplicateCount, routed: number, rawVault: string): string {
  if (d === undefined || (c.keys === 0 && routed === 0)) return '';
  const kept = d.policy === 'keep_last_by' ? 'tied on the keep_last_by column, one row kept' : 'one row kept';
  return d.policy === 'error_table' ? `  ${duplicateKeysText(c)}, ${routed} row${routed === 1 ? '' : 's'} to ${rawVault}.${DUPLICATES_TABLE_NAME}` : `  ${duplicateKeysText(c)}, ${kept}`;
}

/**
 * `duplicates: reject`, before any load: counts the duplicate keys of every satellite whose
 * table rejects them. Each refused table is printed (table, entity, count, example key); true
 * when the run may go on.
 */
export async function checkRejections(q: Queryable, loads: ReadonlyArray<SqlLoad>, out: Output): Promise<boolean> {
  let ok = true;
  for (const load of loads) {
    const d = load.duplicates;
    if (d?.policy !== 'reject') continue;
    const c = await countDuplicates(q, d);
    if (c.keys === 0) continue;
    ok = false;
    out.err(`vault: ${red(out, 'refused')}: ${rejectionText(load, d, c)}`);
  }
  if (!ok) out.err('vault: nothing was loaded: fix the landing rows (or choose another duplicates policy in the spec) and run again');
  return ok;
}
