/**
 * `vault run`'s changed rows (docs/run.md, "Changed rows only"; the SQL and why it is exact:
 * packages/emitters/src/sql/landing-changes.ts). Per landing table, a rows table holds the
 * digests of a set of its rows, under a token; the ledger records, with each loaded table, the
 * token of each landing table's set whose every row the table has loaded. A load whose every
 * landing table's token is the current one reads only the rows not in the sets (the changes
 * tables); any other load reads whole landing tables. After the loads, each set becomes the
 * batch's, under a new token, and the loads that read the batch are recorded with it.
 *
 * What a token vouches for only grows: a table that loaded every row of a set has still loaded
 * them after any later load. The one way to lose rows is a table emptied or made anew, or a load
 * whose statements changed (a new hashdiff column makes every row new): a recorded token counts
 * only while the storage of the table and of its registers and the load's statements are the
 * same (its `basis`, from the ledger's signature).
 */
import { createHash, randomBytes } from 'node:crypto';
import { tableText, type SqlLandingChanges, type SqlLoad, type SqlPlan, type Statement } from '@vault/emitters/internal';
import { isServerError, type Database, type Ledger, type Queryable } from '../db/index.js';

/** What the ledger's `landing_rows` holds for a loaded table. */
interface LoadedRows {
  /** The storage and statements the tokens count for. */
  readonly basis: string;
  /** Landing table (source name) to the token of the set of its rows the table has loaded. */
  readonly tables: Readonly<Record<string, string>>;
}

/** A landing table's set this run: how the batch compares with it, the token it had and the one it gets. */
interface Prepared {
  readonly changes: SqlLandingChanges;
  /**
   * `same`: the batch is the set (the landing table's fingerprint is the one recorded with it);
   * `changed`: the changes table holds the batch's rows not in the set; `versions` when only the
   *   row versions the set lacked were hashed (the landing table's storage and columns are the
   *   set's), else every row was;
   * `first`: no set to compare with; the loads read the whole table, and the set is filled after them.
   */
  readonly mode: 'same' | 'changed' | 'first';
  readonly versions: boolean;
  readonly token: string | undefined;
  readonly next: string;
  /** The fingerprint recorded with the new set: the run's, taken before the set was read (`prepare` says why that is safe). */
  readonly fingerprint: string;
  /** Where the new set's row versions count (`versionsKey`). */
  readonly storage: string;
}

/** A load that read whole landing tables, committed: it is recorded with their new tokens if they did not change meanwhile. */
interface WholeRead {
  readonly load: SqlLoad;
  readonly signature: string | undefined;
  readonly loadTs: string;
  readonly rows: number;
  readonly basis: string;
  /** The tokens recorded so far (this run's bookkeeping: one landing table's token added at a time). */
  readonly tables: Record<string, string>;
}

export interface LoadRoute {
  /** Run `load.changes` instead of the load's statements. */
  readonly changedRowsOnly: boolean;
  /** The ledger's `landing_rows` to record with the load (JSON; null for none). */
  readonly record: string | null;
  /** Call once the load committed. */
  readonly committed: (signature: string | undefined, loadTs: string, rows: number) => void;
}

export interface ChangedRows {
  /**
   * How `load` runs, given its signature's basis; prepares the landing tables it reads first (once
   * per run). Without `mayReadChanges` (`vault run --no-skip-unchanged`, a landing table without
   * a fingerprint) it reads whole tables and records what its table recorded, while its basis is
   * the same (a table that loaded every row of a set still has).
   */
  route(load: SqlLoad, basis: string, session: Database, mayReadChanges: boolean): Promise<LoadRoute>;
  /** After every load: each prepared landing table's set becomes the batch's. Problems are returned as notes, never thrown: the loads are committed. */
  finish(db: Database, loadTs: string): Promise<ReadonlyArray<string>>;
}

/** `landing_rows` as recorded, or undefined (none, or from another vault). */
function parseRows(text: string | undefined): LoadedRows | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { basis, tables } = v as { basis?: unknown; tables?: unknown };
    if (typeof basis !== 'string' || typeof tables !== 'object' || tables === null) return undefined;
    return { basis, tables: Object.fromEntries(Object.entries(tables).filter((e): e is [string, string] => typeof e[1] === 'string')) };
  } catch {
    return undefined;
  }
}

const rowsText = (r: LoadedRows): string => JSON.stringify({ basis: r.basis, tables: Object.fromEntries(Object.entries(r.tables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) });

/** A set's token: new for every set, never reused. */
const newToken = (): string => randomBytes(16).toString('hex');

const definitionHash = (c: SqlLandingChanges): string => createHash('sha256').update(c.definition).digest('hex').slice(0, 16);

/** What a set was recorded with: `<definition> <storage> <fingerprint>` (a fingerprint has spaces of its own). */
function parseSetSignature(signature: string): { readonly definition: string; readonly storage: string; readonly fingerprint: string } {
  const [definition = '', storage = '', ...fingerprint] = signature.split(' ');
  return { definition, storage, fingerprint: fingerprint.join(' ') };
}

const setSignature = (c: SqlLandingChanges, storage: string, fingerprint: string): string => `${definitionHash(c)} ${storage} ${fingerprint}`;

async function runAll(q: Queryable, statements: ReadonlyArray<Statement>): Promise<void> {
  for (const s of statements) await q.query(s);
}

/** The changed rows of `plan`'s landing tables, recorded in `ledger`; none when the engine cannot compute digests. */
export async function openChangedRows(db: Database, plan: Pick<SqlPlan, 'landingChanges'>, ledger: Ledger): Promise<ChangedRows | undefined> {
  const first = plan.landingChanges[0];
  if (first === undefined || db.kind === 'spark') return undefined;
  const available = await db.query<{ n: string | number }>(first.available);
  if (Number(available.rows[0]?.n ?? 0) === 0) return undefined;
  const bySource = new Map(plan.landingChanges.map((c) => [c.source, c] as const));
  const prepared = new Map<string, Promise<Prepared | undefined>>();
  const wholeReads: WholeRead[] = [];
  const notes: string[] = [];

  /**
   * Where a set's row versions count, read in the transaction that reads the rows: the landing
   * table's storage (new after TRUNCATE, a re-create, VACUUM FULL) and its columns (a column
   * dropped, or added with a default, changes every row without a new version); 'none' where
   * they never count (a partitioned table, whose partitions' storage is not followed).
   */
  const versionsKey = async (c: SqlLandingChanges, q: Queryable): Promise<string> => {
    const storage = await ledger.storage(c.landing, q);
    const columns = await ledger.columns(c.landing, q);
    return storage === 'none' || columns === undefined ? 'none' : `${storage}.${createHash('sha256').update(columns).digest('hex').slice(0, 16)}`;
  };
  const prepare = async (c: SqlLandingChanges, q: Database): Promise<Prepared | undefined> => {
    const fingerprint = await ledger.fingerprint(c.landing, q);
    // A view has no row versions: its loads always read it whole.
    if (fingerprint === undefined) return undefined;
    const set = ledger.previous(tableText(c.rows));
    const definition = definitionHash(c);
    const recorded = parseSetSignature(set?.signature ?? '');
    const token = recorded.definition === definition ? set?.landingRows : undefined;
    // No set, or an empty one (a first batch after an empty landing table): the loads read the whole table.
    const empty = async (): Promise<boolean> => (await q.query<{ n: string | number }>(c.anyRow)).rows.length === 0;
    if (token === undefined || (await empty())) return { changes: c, mode: 'first', versions: false, token: undefined, next: newToken(), fingerprint, storage: 'none' };
    if (recorded.fingerprint === fingerprint) {
      await runAll(q, c.empty);
      return { changes: c, mode: 'same', versions: false, token, next: token, fingerprint, storage: recorded.storage };
    }
    // The batch's digests and where their versions count in one snapshot. The new set is recorded
    // with the run's fingerprint, taken before (a second read would cost another scan): should the
    // table have changed in between, that fingerprint is older than the set, and a table never has
    // an older state's fingerprint again, so the next run compares the rows again rather than
    // trusting the set as the batch, and no load that read the table whole is recorded with it (finish).
    const now = await q.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const storage = await versionsKey(c, tx);
      // Row versions count only where the set's were read (not after TRUNCATE or a column change, nor in a partitioned table).
      const versions = storage !== 'none' && storage === recorded.storage;
      await runAll(tx, versions ? c.prepareVersions : c.prepare);
      return { storage, versions };
    });
    return { changes: c, mode: 'changed', versions: now.versions, token, next: newToken(), fingerprint, storage: now.storage };
  };
  /** A landing table whose digests cannot be computed (a column type without a hash function) is read whole, with a note. */
  const tryPrepare = async (c: SqlLandingChanges, q: Database): Promise<Prepared | undefined> => {
    try {
      return await prepare(c, q);
    } catch (e) {
      if (!isServerError(e)) throw e;
      notes.push(`could not find the changed rows of landing table ${tableText(c.landing)} (${e.message}); its loads read it whole`);
      return undefined;
    }
  };
  const preparedFor = (source: string, q: Database): Promise<Prepared | undefined> => {
    let p = prepared.get(source);
    if (p === undefined) {
      const c = bySource.get(source);
      p = c === undefined ? Promise.resolve(undefined) : tryPrepare(c, q);
      prepared.set(source, p);
    }
    return p;
  };

  return {
    async route(load, basis, q, mayReadChanges) {
      const recorded = parseRows(ledger.previous(load.table)?.landingRows);
      // Tokens count only for the same storage and statements; else the table vouches for no set.
      const kept: LoadedRows = recorded?.basis === basis ? recorded : { basis, tables: {} };
      if (!mayReadChanges) return { changedRowsOnly: false, record: rowsText(kept), committed: () => undefined };
      const sources = load.changes?.sources ?? [];
      // One landing table after the other: a preparation runs its own transaction on this session.
      const sets: Array<Prepared | undefined> = [];
      for (const s of sources) sets.push(await preparedFor(s, q));
      const changedRowsOnly = sources.length > 0 && sets.every((p, i) => p !== undefined && p.mode !== 'first' && kept.tables[sources[i]!] === p.token);
      if (changedRowsOnly) {
        const tables = { ...kept.tables, ...Object.fromEntries(sets.map((p) => [p!.changes.source, p!.next] as const)) };
        return { changedRowsOnly, record: rowsText({ basis, tables }), committed: () => undefined };
      }
      return {
        changedRowsOnly,
        record: sources.length === 0 ? null : rowsText(kept),
        committed: (signature, loadTs, rows) => {
          if (sources.length > 0) wholeReads.push({ load, signature, loadTs, rows, basis, tables: { ...kept.tables } });
        },
      };
    },
    async finish(database, loadTs) {
      // A run stopped before its end (killed, a lost connection) leaves the changes, gone and fresh
      // tables of the landing tables it prepared; a landing table this run did not prepare (every
      // load reading it skipped, or reading it whole) would keep them, copies of landing rows,
      // until it changes. They are this run's to drop: runs of a schema take turns.
      for (const c of plan.landingChanges) {
        if (prepared.has(c.source)) continue;
        await runAll(database, c.drop).catch((e: unknown) => {
          if (!isServerError(e)) throw e;
        });
      }
      for (const [source, p] of prepared) {
        const set = await p;
        if (set === undefined) continue;
        const c = set.changes;
        const readers = wholeReads.filter((w) => w.load.changes?.sources.includes(source));
        // Nothing to record: the set is the batch, and no load read the table whole.
        if (set.mode === 'same' && readers.length === 0) {
          await runAll(database, c.drop).catch((e: unknown) => {
            if (!isServerError(e)) throw e;
          });
          continue;
        }
        try {
          await database.transaction(async (tx) => {
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
            // The loads that read the whole table (and a first set) read the new set's rows if the table did not change since.
            const unchanged = readers.length === 0 && set.mode === 'changed' ? false : (await ledger.fingerprint(c.landing, tx, { fresh: true })) === set.fingerprint;
            let storage = set.storage;
            if (set.mode === 'first') {
              // A batch that changed during the loads: no set is known to be loaded; the next run fills one.
              if (!unchanged) return;
              storage = await versionsKey(c, tx);
              await runAll(tx, c.fill);
            } else if (set.mode === 'changed') await runAll(tx, set.versions ? c.applyVersions : c.apply);
            else await runAll(tx, c.drop);
            await ledger.recordRows(tx, c.rows, setSignature(c, storage, set.fingerprint), set.next, loadTs);
            if (!unchanged) return;
            for (const w of readers) {
              w.tables[source] = set.next;
              await ledger.record(tx, w.load, w.signature, w.loadTs, w.rows, rowsText({ basis: w.basis, tables: w.tables }));
            }
          });
        } catch (e) {
          if (!isServerError(e)) throw e;
          notes.push(`the changed rows of landing table ${tableText(c.landing)} were not recorded (${e.message}); the next run reads it whole`);
        }
      }
      return notes;
    },
  };
}
