/**
 * The loads of `vault run`: each loaded table of any layer in its own transaction, each started
 * once the loads it depends on have committed (run-schedule.ts; packages/emitters/src/sql/waves.ts),
 * up to `jobs` at a time on a server (one session each), skipping those the ledger shows unchanged.
 * On Spark (no transactions) each load's statements run one after the other, one INSERT per
 * table, and the rows a load inserted are counted from its table before and after (docs/spark.md).
 */
import { DUPLICATES_TABLE_NAME, EMPTY_COLUMN, keysRebuilt, MISSING_KEYS_COLUMN, type KeyStatements, type SqlLoad, type SqlStatement, type SqlTable, type VaultLayer } from '@vault/emitters/internal';
import {
  DatabaseError,
  INSUFFICIENT_PRIVILEGE,
  isServerError,
  openLedger,
  readSetupCatalog,
  sqlErrorLine,
  type Database,
  type DatabasePlan,
  type Engine,
  type Ledger,
  type Queryable,
  type SetupCatalog,
} from '../db/index.js';
import { red, type Output } from '../output.js';
import { blockedBy, startable, type LoadState } from './run-schedule.js';
import { openChangedRows, type ChangedRows } from './run-changes.js';
import { countDuplicates, DuplicatesRejected, duplicatesNote, rejectionText, type DuplicateCount } from './run-duplicates.js';

const LAYER_TITLES = { raw_vault: 'raw vault', business_vault: 'business vault', access_layer: 'access layer' } as const satisfies Record<VaultLayer, string>;

export interface LoadOptions {
  readonly loadTs: string;
  readonly skipUnchanged: boolean;
  /** Loads run at once at most (1 on the embedded database). */
  readonly jobs: number;
}

export interface LoadSummary {
  readonly rows: number;
  readonly entities: number;
  readonly skipped: number;
  /** Loads that read only the batch's changed landing rows (run-changes.ts). */
  readonly changedRowsOnly: number;
  /** Landing rows the hub loads left out because their own business key is missing, per hub (only hubs with some). */
  readonly missingKeys: ReadonlyArray<{ readonly hub: string; readonly rows: number }>;
  /** Satellites whose batch holds duplicate keys (docs/run.md, "Duplicate keys"), and the rows written to the error table. */
  readonly duplicates: ReadonlyArray<{ readonly kind: string; readonly entity: string; readonly keys: number; readonly routed: number; readonly errorTable?: string }>;
}

const NO_DUPLICATES: DuplicateCount = { keys: 0, example: undefined };

type Outcome =
  | {
      readonly kind: 'loaded';
      readonly rows: number;
      readonly missingKeys: number;
      readonly duplicates: DuplicateCount;
      readonly routed: number;
      /** A status tracking satellite's full batch held no key: nothing was marked deleted. */
      readonly emptyFullBatch: boolean;
      /** It read only the batch's changed landing rows (run-changes.ts). */
      readonly changedRowsOnly: boolean;
      readonly ms: number;
    }
  | { readonly kind: 'skipped'; readonly since: string; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: string }
  /** Not run: it depends, directly or through other loads, on these failed loads (indices, ascending). */
  | { readonly kind: 'blocked'; readonly by: ReadonlyArray<number> };

/** `"schema"."table"` in the engine's quoting. */
const qualified = (engine: Engine, t: SqlTable): string => `${engine.dialect.quoteIdent(t.schema)}.${engine.dialect.quoteIdent(t.name)}`;

/** `850 ms`, `12.3 s`. */
export const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Runs `statement` with the run's load timestamp, as the engine takes parameters. */
const runStatement = (q: Queryable, engine: Engine, statement: SqlStatement, loadTs: string) => {
  const b = engine.bind(statement, { load_ts: loadTs });
  return q.query(b.sql, b.params);
};

/**
 * Rows `run` inserted into `table`, where the engine cannot say (Spark's Thrift protocol reports
 * no row counts): the table's rows after less before. Exact, as runs of a schema take turns.
 */
async function countedInserts(q: Queryable, engine: Engine, table: SqlTable, run: () => Promise<unknown>): Promise<number> {
  const count = async (): Promise<number> => {
    const r = await q.query<{ n: string }>(`SELECT CAST(count(*) AS STRING) AS n FROM ${qualified(engine, table)}`);
    return Number(r.rows[0]?.n ?? 0);
  };
  const before = await count();
  await run();
  return (await count()) - before;
}

/**
 * A load that grew its table this much is followed by `ANALYZE` of the table and the summary of
 * its BRIN indexes' new page ranges (PostgreSQL): at
 * least `rows` rows, and at least `share` of the rows the planner's statistics counted before
 * (none when never analysed). The loads after it in the run (a PIT reading satellites) and the
 * queries after the run are then planned for the table's new size, not for the empty table
 * autovacuum may not have analysed yet (its own threshold is 10% of the rows plus 50, later).
 */
export const ANALYZE_AFTER = { rows: 1000, share: 0.2 } as const;

/**
 * Summarizes the page ranges of the table's BRIN indexes (a satellite's load order index, which a
 * PIT's incremental load reads, docs/sql.md) that are not summarized yet: PostgreSQL reads every
 * such range whatever its values, and until autovacuum summarizes them (later, or never between
 * runs close together), the first incremental PIT after a big load read the whole satellite
 * (77 ms instead of 2 ms for 500,000 rows).
 */
const SUMMARIZE_BRIN = `SELECT count(brin_summarize_new_values(i.indexrelid)) AS n FROM pg_catalog.pg_index AS i JOIN pg_catalog.pg_class AS c ON c.oid = i.indexrelid JOIN pg_catalog.pg_am AS a ON a.oid = c.relam WHERE i.indrelid = to_regclass($1) AND a.amname = 'brin'`;

/** The planner's row count of `table` (PostgreSQL's `pg_class.reltuples`; negative or 0 when never analysed). */
async function estimatedRows(q: Queryable, engine: Engine, table: SqlTable): Promise<number> {
  const r = await q.query<{ n: number | string | null }>('SELECT reltuples AS n FROM pg_class WHERE oid = to_regclass($1)', [qualified(engine, table)]);
  return Number(r.rows[0]?.n ?? 0);
}

async function runLoad(
  db: Database,
  load: SqlLoad,
  ledger: Ledger,
  engine: Engine,
  o: LoadOptions,
  changed: ChangedRows | undefined,
  catalog: (session: Database) => Promise<SetupCatalog | undefined>,
): Promise<Outcome> {
  const t0 = Date.now();
  const countsRows = db.kind === 'spark';
  try {
    const { signature, basis } = await ledger.signature(load, db);
    const previous = ledger.previous(load.table);
    if (o.skipUnchanged && load.datedByLoad === undefined && signature !== undefined && previous?.signature === signature) return { kind: 'skipped', since: previous.loadTs, ms: Date.now() - t0 };
    // Only the batch's changed rows where that is exact and the table holds every other row (run-changes.ts); never when told to run every load in full.
    const route = changed !== undefined && load.changes !== undefined ? await changed.route(load, basis, db, o.skipUnchanged && signature !== undefined) : undefined;
    const only = route?.changedRowsOnly === true ? load.changes : undefined;
    const dupCount = only === undefined ? load.duplicates : only.duplicates;
    const before = countsRows ? 0 : Math.max(0, await estimatedRows(db, engine, load.target));
    const [rows, missingKeys, duplicates, routed, keyed] = await db.transaction(async (tx: Queryable) => {
      // In the load's transaction: the counts describe the landing rows the load reads. A batch
      // a `reject` refuses is refused here too (rolled back), should it have changed since the check before the loads.
      const dup = dupCount === undefined ? NO_DUPLICATES : await countDuplicates(tx, dupCount);
      if (dupCount?.policy === 'reject' && dup.keys > 0) throw new DuplicatesRejected(rejectionText(load, dupCount, dup));
      let n = 0;
      // A first load (its table empty) takes the bulk form (a history's: no look-ups into what is
      // stored), and the table's keys are built once after it rather than row by row (docs/sql.md, "First loads: keys built after the rows").
      const bulk = only === undefined && load.bulk !== undefined && Number((await tx.query<Record<string, number | string>>(load.bulk.empty.sql)).rows[0]?.[EMPTY_COLUMN] ?? 0) === 1;
      const statements = only !== undefined ? only.statements : bulk ? load.bulk!.statements : load.statements;
      const keys: KeyStatements[] = [];
      for (const t of bulk ? [load.target, ...load.registers] : []) keys.push(...(await ledger.keys(t, tx)));
      const runAll = async (): Promise<void> => {
        for (const s of bulk ? keysRebuilt(statements, load.bulk!.keysAfter, keys) : statements) {
          if (typeof s === 'string') {
            await tx.query(s);
            continue;
          }
          const r = await runStatement(tx, engine, s, o.loadTs);
          // Rows inserted into the entity's table, not into a satellite's register.
          if (r.command === 'INSERT' && (s.relation === undefined || (s.relation.schema === load.target.schema && s.relation.name === load.target.name))) n += r.rowCount;
        }
      };
      if (countsRows) n = await countedInserts(tx, engine, load.target, runAll);
      else await runAll();
      // The error table's rows are reported apart from the rows inserted into the entity.
      const routeDup = load.duplicates?.route;
      const moved =
        routeDup === undefined
          ? 0
          : countsRows && routeDup.relation !== undefined
            ? await countedInserts(tx, engine, routeDup.relation, () => runStatement(tx, engine, routeDup, o.loadTs))
            : (await runStatement(tx, engine, routeDup, o.loadTs)).rowCount;
      await ledger.record(tx, load, signature, o.loadTs, n, route?.record ?? null);
      const missing = only === undefined ? load.missingKeys : only.missingKeys;
      const counted = missing === undefined ? undefined : await tx.query<Record<string, number | string>>(missing.sql);
      const keyedRows = load.keyedRows === undefined ? undefined : await tx.query<Record<string, number | string>>(load.keyedRows.sql);
      return [n, Number(counted?.rows[0]?.[MISSING_KEYS_COLUMN] ?? 0), dup, moved, keyedRows === undefined ? undefined : Number(keyedRows.rows[0]?.[MISSING_KEYS_COLUMN] ?? 0)] as const;
    });
    route?.committed(signature, o.loadTs, rows);
    // Outside the load's transaction: the statistics of what it committed (the owner's right; else PostgreSQL warns and skips).
    if (!countsRows && rows >= ANALYZE_AFTER.rows && rows >= ANALYZE_AFTER.share * before) {
      // Committed already: a failed ANALYZE (a lock not granted) leaves the load loaded, with the statistics autovacuum keeps.
      const target = qualified(engine, load.target);
      for (const [sql, params] of [
        [`ANALYZE ${target}`, []],
        [SUMMARIZE_BRIN, [target]],
      ] as const) {
        await db.query(sql, params).catch((e: unknown) => {
          if (!isServerError(e)) throw e;
        });
      }
    }
    return { kind: 'loaded', rows, missingKeys, duplicates, routed, emptyFullBatch: keyed === 0, changedRowsOnly: only !== undefined, ms: Date.now() - t0 };
  } catch (e) {
    if (e instanceof DuplicatesRejected) return { kind: 'failed', error: e.message };
    // Spark's errors, and a connection lost during a load, are the load's failure there.
    if (countsRows && e instanceof DatabaseError) return { kind: 'failed', error: sqlErrorLine(e) };
    if (!isServerError(e)) throw e;
    // A privilege the role lacks: which one, on what, and the GRANT that gives it, as setup says it.
    // Read on this load's session, whose transaction is over (another may be in a load's).
    const refused = e.code === INSUFFICIENT_PRIVILEGE ? await catalog(db) : undefined;
    const denied =
      refused === undefined
        ? undefined
        : [...load.sources.map((relation) => ({ verb: 'read', relation, privileges: ['SELECT'] }) as const), { verb: 'insert into', relation: load.target, privileges: ['INSERT'] } as const]
            .map((step) => refused.refusedText(step))
            .find((t) => t !== undefined);
    return { kind: 'failed', error: denied === undefined ? sqlErrorLine(e) : `${denied} (${sqlErrorLine(e)})` };
  }
}

/**
 * Runs the plan's loads, each committed or rolled back on its own: a load starts as soon as the
 * loads it waits for (`SqlLoad.after`) have committed, up to `jobs` at once, the earliest ready in
 * the plan first (run-schedule.ts). A load that depends, directly or through others, on a failed
 * load is not run; every other load is, so what is kept does not depend on `jobs` or timing.
 * Results print in the plan's order. Undefined when a load failed (already reported).
 */
export async function loadEntities(db: Database, plan: DatabasePlan, options: LoadOptions, out: Output): Promise<LoadSummary | undefined> {
  const loads = plan.loads;
  const after = loads.map((l) => l.after);
  // One session, one load at a time, on a database that opens no other session (the embedded one).
  const jobs = db.fork === undefined ? 1 : Math.max(1, options.jobs);
  const width = Math.max(0, ...loads.map((l) => l.kind.length + 1 + l.entity.length));
  const stepWidth = String(loads.length).length * 2 + 3;
  const ledger = await openLedger(db, plan.ledger, plan.engine);
  // What the role may do with the model's schemas and tables, to explain a load PostgreSQL refuses (Spark keeps no such catalog).
  // Read once, and only when a load is refused: a run whose loads all run reads no catalog.
  let read: Promise<SetupCatalog | undefined> | undefined;
  const catalog = (session: Database): Promise<SetupCatalog | undefined> =>
    (read ??= session.kind === 'spark' ? Promise.resolve(undefined) : readSetupCatalog(session, plan.schemas).catch(() => undefined));
  const changed = await openChangedRows(db, plan, ledger);
  const sessions: Database[] = [db];
  const idle: Database[] = [db];
  const outcomes: (Outcome | undefined)[] = loads.map(() => undefined);
  const states: LoadState[] = loads.map(() => 'waiting');
  // The first layer's title before anything runs, each later layer's before its first result.
  let layer: VaultLayer = loads[0]?.layer ?? 'raw_vault';
  out.out(`  ${LAYER_TITLES[layer]}`);
  let printed = 0;
  /** Prints the results known, in the plan's order, up to the first load still waiting or running. */
  const flush = (): void => {
    for (; printed < loads.length && outcomes[printed] !== undefined; printed++) {
      const load = loads[printed]!;
      const x = outcomes[printed]!;
      out.progress('');
      // A failed load prints after the run (reportFailure), under no title.
      if (x.kind !== 'failed' && load.layer !== layer) out.out(`  ${LAYER_TITLES[(layer = load.layer)]}`);
      printOutcome(out, load, printed, loads.length, x, width, stepWidth, loads);
    }
  };
  const fork = async (): Promise<Database> => {
    if (db.fork === undefined) throw new Error(`vault run: ${jobs} jobs on a database that cannot open another session`);
    const session = await db.fork();
    sessions.push(session);
    return session;
  };
  const running = new Map<number, Promise<{ readonly i: number; readonly session: Database; readonly outcome: Outcome }>>();
  const progress = (): void => {
    const names = [...running.keys()].sort((a, b) => a - b);
    if (names.length > 0) out.progress(`  [${names[0]! + 1}/${loads.length}] loading ${names.map((i) => `${loads[i]!.kind} ${loads[i]!.entity}`).join(', ')} …`);
  };
  try {
    for (;;) {
      for (const i of startable(after, states, jobs - running.size)) {
        // Another session only when every open one is busy.
        const session = idle.pop() ?? (await fork());
        states[i] = 'running';
        running.set(
          i,
          runLoad(session, loads[i]!, ledger, plan.engine, options, changed, catalog).then((outcome) => ({ i, session, outcome })),
        );
      }
      if (running.size === 0) break;
      progress();
      const { i, session, outcome } = await Promise.race(running.values());
      running.delete(i);
      idle.push(session);
      outcomes[i] = outcome;
      states[i] = outcome.kind === 'failed' ? 'failed' : 'committed';
      if (outcome.kind === 'failed') {
        // Every failed load a load depends on, those already not run included: a load prints only
        // once every load before it has a result, so by then the list is complete whatever the timing.
        const failed = new Set(states.flatMap((x, j) => (x === 'failed' ? [j] : [])));
        blockedBy(after, failed).forEach((by, j) => {
          if (by.length === 0 || (states[j] !== 'waiting' && states[j] !== 'blocked')) return;
          states[j] = 'blocked';
          outcomes[j] = { kind: 'blocked', by };
        });
      }
      flush();
    }
  } catch (e) {
    // A bug or a lost session, not a load's failure: let the loads still running end before the sessions close.
    await Promise.allSettled(running.values());
    throw e;
  } finally {
    for (const s of sessions.slice(1)) await s.close();
  }
  // Each landing table's set of rows becomes the batch's, failed loads or not (those committed are kept).
  for (const note of (await changed?.finish(db, options.loadTs)) ?? []) out.err(`vault: ${note}`);
  // Every load ran or depends on one that failed.
  const all = outcomes.map((x, i) => {
    if (x === undefined) throw new Error(`vault run: load ${i} (${loads[i]!.kind} ${loads[i]!.entity}) neither ran nor waits for a failed load`);
    return x;
  });
  if (all.some((x) => x.kind === 'failed')) {
    reportFailure(out, loads, all, db.kind !== 'spark');
    return undefined;
  }
  const done = all;
  return {
    rows: done.reduce((n, x) => n + (x.kind === 'loaded' ? x.rows : 0), 0),
    entities: loads.length,
    skipped: done.filter((x) => x.kind === 'skipped').length,
    changedRowsOnly: done.filter((x) => x.kind === 'loaded' && x.changedRowsOnly).length,
    missingKeys: loads.flatMap((l, i) => {
      const x = outcomes[i];
      return x?.kind === 'loaded' && x.missingKeys > 0 ? [{ hub: l.entity, rows: x.missingKeys }] : [];
    }),
    duplicates: loads.flatMap((l, i) => {
      const x = outcomes[i];
      if (x?.kind !== 'loaded' || (x.duplicates.keys === 0 && x.routed === 0)) return [];
      return [
        { kind: l.kind, entity: l.entity, keys: x.duplicates.keys, routed: x.routed, ...(l.duplicates?.route === undefined ? {} : { errorTable: `${l.target.schema}.${DUPLICATES_TABLE_NAME}` }) },
      ];
    }),
  };
}

function printOutcome(out: Output, load: SqlLoad, i: number, total: number, x: Outcome, width: number, stepWidth: number, loads: ReadonlyArray<SqlLoad>): void {
  if (x.kind === 'failed') return; // reported after the run
  const step = `[${i + 1}/${total}]`.padEnd(stepWidth);
  const label = `${load.kind} ${load.entity}`.padEnd(width);
  if (x.kind === 'blocked') {
    out.out(`    ${step} ${label}  ${notLoadedText(x.by.map((j) => `${loads[j]!.kind} ${loads[j]!.entity}`))}`);
    return;
  }
  const rows = String(x.kind === 'loaded' ? x.rows : 0).padStart(8);
  const note =
    x.kind === 'skipped'
      ? `  skipped: landing unchanged since load_ts ${x.since}`
      : `${x.missingKeys > 0 ? `  ${missingKeysText(x.missingKeys)}` : ''}${duplicatesNote(load.duplicates, x.duplicates, x.routed, load.target.schema)}${x.emptyFullBatch ? `  ${EMPTY_FULL_BATCH}` : ''}${x.changedRowsOnly ? `  ${CHANGED_ROWS_ONLY}` : ''}`;
  out.out(`    ${step} ${label}  ${rows} rows inserted  ${seconds(x.ms)}${note}`);
}

/** The note of a load that read only the batch's changed landing rows (docs/run.md, "Changed rows only"). */
export const CHANGED_ROWS_ONLY = 'changed landing rows only';

/** `not loaded: it depends on satellite a, which failed`. */
export const notLoadedText = (failed: ReadonlyArray<string>): string => `not loaded: it depends on ${failed.join(' and ')}, which failed`;

/** An empty landing table of a table whose batches are full: taken for one not filled, never for a source that lost every key. */
export const EMPTY_FULL_BATCH = 'empty full batch: no key marked deleted';

/** `3 rows without a business key, not loaded`. */
export const missingKeysText = (n: number): string => `${n} row${n === 1 ? '' : 's'} without a business key, not loaded`;

/**
 * The failed loads and what is kept. `transactional`: each failed load was rolled back; on Spark
 * a failed load's table INSERT wrote nothing (Parquet inserts are all or nothing), registers it
 * filled before may keep rows, and a rerun completes it.
 */
function reportFailure(out: Output, loads: ReadonlyArray<SqlLoad>, outcomes: ReadonlyArray<Outcome>, transactional: boolean): void {
  const failed: string[] = [];
  const blocked: string[] = [];
  loads.forEach((load, i) => {
    const x = outcomes[i]!;
    if (x.kind === 'blocked') blocked.push(`${load.kind} ${load.entity}`);
    if (x.kind !== 'failed') return;
    failed.push(`${load.kind} ${load.entity}`);
    out.err(`vault: ${red(out, 'failed')} loading ${load.kind} ${load.entity} (${load.table}): ${x.error}`);
  });
  const kept = loads.length - failed.length - blocked.length;
  const one = failed.length === 1;
  const failedState = transactional
    ? `${one ? 'was' : 'were'} rolled back and ${one ? 'is as it was' : 'are as they were'}`
    : `${one ? 'was' : 'were'} not written (Spark writes a table's INSERT all or nothing; rows of registers before it stay, and a rerun completes the load)`;
  const notLoaded = blocked.length === 0 ? '0 not loaded' : `${blocked.length} not loaded, as ${blocked.length === 1 ? 'it depends' : 'they depend'} on ${one ? 'it' : 'them'}: ${blocked.join(', ')}`;
  out.err(`vault: ${failed.join(', ')} ${failedState}; ${kept} entit${kept === 1 ? 'y' : 'ies'} loaded ${kept === 1 ? 'is' : 'are'} kept; ${notLoaded}`);
}
