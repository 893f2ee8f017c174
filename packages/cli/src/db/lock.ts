/**
 * One writer per schema at a time. `vault run` and `vault seed` create and write the model's four
 * schemas; two models may share schemas (the default names), so a lock by model name would let
 * their loads interleave and duplicate rows. Each command instead takes a session-level advisory
 * lock per schema it writes, `(hashtext('vault schema'), hashtext(SCHEMA))`, held until released
 * or until the session ends (a killed run frees them with its connection).
 */
import { DatabaseError, type Queryable } from './database.js';

/** The first half of every schema lock's key: keeps vault's locks apart from other programs'. */
export const SCHEMA_LOCK_CLASS = 'vault schema';

export interface SchemaLock {
  release(): Promise<void>;
}

/**
 * SQL taking the lock of schema `$2` (class `$1`) without waiting; for tests that hold one.
 * @example await client.query(TRY_LOCK_SCHEMA, [SCHEMA_LOCK_CLASS, 'raw_vault'])
 */
export const TRY_LOCK_SCHEMA = 'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked';
const UNLOCK_SCHEMA = 'SELECT pg_advisory_unlock(hashtext($1), hashtext($2))';
// The two-key form: key 1 in classid, key 2 in objid, objsubid 2; the int4 keys read as oids.
const HOLDER =
  "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = (hashtext($1)::bigint & 4294967295)::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid AND pid <> pg_backend_pid() LIMIT 1";

/**
 * Takes the locks of `schemas`, in sorted order, or fails at once naming a schema that another
 * session holds (and releases what it took): runs never queue silently.
 */
export async function lockSchemas(db: Queryable, schemas: ReadonlyArray<string>): Promise<SchemaLock> {
  const held: string[] = [];
  const release = async (): Promise<void> => {
    while (held.length > 0) await db.query(UNLOCK_SCHEMA, [SCHEMA_LOCK_CLASS, held.pop()!]);
  };
  try {
    for (const schema of [...new Set(schemas)].sort()) {
      const got = await db.query<{ locked: boolean }>(TRY_LOCK_SCHEMA, [SCHEMA_LOCK_CLASS, schema]);
      if (got.rows[0]?.locked !== true) {
        const holder = await db
          .query<{ pid: number }>(HOLDER, [SCHEMA_LOCK_CLASS, schema])
          .then((r) => r.rows[0]?.pid)
          .catch(() => undefined);
        throw new DatabaseError(
          `another vault run or seed is writing schema ${schema} (${holder !== undefined ? `PostgreSQL backend pid ${holder} holds its lock` : 'its lock is held'}); ` +
            'models that share a schema run one at a time: try again when it has finished',
        );
      }
      held.push(schema);
    }
  } catch (e) {
    await release().catch(() => undefined);
    throw e;
  }
  return { release };
}
