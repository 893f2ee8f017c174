/**
 * One vault run (or seed) per model at a time: a session-level advisory lock on
 * `hashtext('vault:' || model)`, held until released or until the session ends (a killed run
 * frees it with its connection).
 */
import { DatabaseError, type Queryable } from './database.js';

export interface ModelLock {
  release(): Promise<void>;
}

/** Takes the model's lock, or fails at once with who holds it: runs never queue silently. */
export async function lockModel(db: Queryable, model: string): Promise<ModelLock> {
  const key = `vault:${model}`;
  const got = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key]);
  if (got.rows[0]?.locked !== true) {
    const holder = await db
      .query<{ pid: number }>(
        // The int4 hash widens to the bigint key: high half in classid, low half in objid.
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND objid = (hashtext($1)::bigint & 4294967295)::oid AND classid = ((hashtext($1)::bigint >> 32) & 4294967295)::oid LIMIT 1",
        [key],
      )
      .then((r) => r.rows[0]?.pid)
      .catch(() => undefined);
    throw new DatabaseError(`another vault run of model ${model} is running${holder !== undefined ? ` (PostgreSQL backend pid ${holder} holds advisory lock '${key}')` : ` (advisory lock '${key}' is held)`}; try again when it has finished`);
  }
  return {
    release: async () => {
      await db.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    },
  };
}
