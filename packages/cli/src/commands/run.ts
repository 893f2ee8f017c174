import { hasErrors, type Spec, type Stage, type VaultModel } from '@vault/core/internal';
import { postgresDialect, validateSql, type Dialect } from '@vault/emitters/internal';
import { loadSpecFile, resolveDiagnostics } from '@vault/dsl/internal';
import { DatabaseError, databasePlan, ENGINES, isServerError, runSetup, sqlErrorLine, withLockedDatabase, type Database, type DatabasePlan, type EngineName, type SetupResult } from '../db/index.js';
import { loadEntities, missingKeysText, seconds } from './run-loads.js';
import { checkRejections } from './run-duplicates.js';
import { lateBatchWarnings } from './run-late-batch.js';
import { EXIT, UsageError } from '../exit.js';
import { checkInDatabase, checkInSpark, loadTimestamp, type LoadTimestamp } from './load-ts.js';
import { analyze } from '../load.js';
import { bold, green, plural, printDiagnostics, type Output } from '../output.js';

export type StageOption = 'raw' | 'business' | 'access' | 'all';

export interface RunOptions {
  /** `postgres` (default) or `spark` (docs/spark.md). */
  readonly engine?: EngineName;
  /** PostgreSQL URL (default: the embedded database), or the Spark endpoint (default: `VAULT_SPARK_URL`). */
  readonly db?: string;
  readonly loadTs?: string;
  readonly stage: StageOption;
  /** Count the rows of every business-vault and access-layer view (a query per view). */
  readonly countViews?: boolean;
  /** Skip loads whose ledger signature is unchanged (default); false runs every load. */
  readonly skipUnchanged?: boolean;
  /** Drop the model's views before setup creates them (after a spec change to their columns). */
  readonly replaceViews?: boolean;
  /** Loads at once at most, each on its own session (a PostgreSQL server only; default 1). Spark runs one: more is refused. */
  readonly jobs?: number;
}

/**
 * Compiles the spec for a database command: diagnostics printed, the model when there is no error.
 */
export function compileForDatabase(specPath: string, stage: StageOption, command: string, o: Output, dialect: Dialect = postgresDialect): VaultModel | undefined {
  return compileSpecForDatabase(specPath, stage, command, o, dialect)?.model;
}

/** The same, with the spec the model was compiled from. */
export function compileSpecForDatabase(
  specPath: string,
  stage: StageOption,
  command: string,
  o: Output,
  dialect: Dialect = postgresDialect,
): { readonly spec: Spec; readonly model: VaultModel } | undefined {
  const a = analyze(loadSpecFile(specPath), { stage: stage === 'all' ? 'access' : (stage satisfies Stage) });
  // Names (and, on Spark, column types) the SQL target cannot emit are the user's to fix.
  const sqlProblems = a.model === undefined ? [] : resolveDiagnostics(a.parsed.source, validateSql(a.model, dialect));
  const diagnostics = [...a.diagnostics, ...sqlProblems];
  printDiagnostics(o, diagnostics);
  if (hasErrors(diagnostics) || a.model === undefined || a.parsed.spec === undefined) {
    o.err(`vault: ${a.parsed.source.file}: ${command} stopped; the database was not touched`);
    return undefined;
  }
  return { spec: a.parsed.spec, model: a.model };
}

/**
 * The load timestamp as the engine's statements take it: PostgreSQL reads the text as given
 * (checked by checkInDatabase); Spark gets the UTC instant with its `Z`, which it reads as the
 * same instant whatever the session's zone.
 */
function loadTsValue(engine: EngineName, ts: LoadTimestamp): string {
  return engine === 'spark' ? `${ts.utc}Z` : ts.text;
}

/** `vault run SPEC`: create what is missing, load every table the plan loads (each once the loads it depends on have committed), report the views. */
export async function runCommand(specPath: string, opts: RunOptions, o: Output): Promise<number> {
  const engine = ENGINES[opts.engine ?? 'postgres'];
  if (engine.name === 'spark' && opts.jobs !== undefined && opts.jobs > 1) {
    throw new UsageError(`--jobs ${opts.jobs}: the Spark engine runs one load at a time (each load is one Spark job over the whole cluster); leave --jobs out`);
  }
  const loadTs = loadTimestamp(opts.loadTs);
  const model = compileForDatabase(specPath, opts.stage, 'run', o, engine.dialect);
  if (model === undefined) return EXIT.failed;
  const plan = databasePlan(model, engine);
  const started = Date.now();
  try {
    const session = { engine: engine.name, model: model.name, schemas: plan.schemas, note: (l: string) => o.err(l), ...(opts.db !== undefined ? { url: opts.db } : {}) };
    return await withLockedDatabase(session, async (db) => {
      if (db.kind === 'spark') await checkInSpark(db, loadTs);
      else await checkInDatabase(db, loadTs);
      o.out(bold(o, `vault run: model ${model.name}, load_ts ${loadTs.text}`));
      o.out(`  database  ${db.location}`);
      // The views are dropped after the schemas' ownership checks (docs/sql.md, "Setup"): another model's views are never dropped.
      const checked = plan.setup.findIndex((s) => s.kind !== 'schema' && s.kind !== 'extension' && s.kind !== 'ownership');
      const cut = checked === -1 ? plan.setup.length : checked;
      // Their grants are given back once setup has made them again, in its transaction (docs/run.md).
      const setup =
        opts.replaceViews === true && plan.dropViews !== undefined
          ? [...plan.setup.slice(0, cut), plan.dropViews, ...plan.setup.slice(cut), ...(plan.restoreViewGrants === undefined ? [] : [plan.restoreViewGrants])]
          : plan.setup;
      printSetup(o, await runSetup(db, setup, plan.schemas));
      for (const line of await lateBatchWarnings(db, plan, loadTsValue(engine.name, loadTs), loadTs.text)) o.err(line);
      // duplicates: reject refuses a batch before anything is loaded (docs/run.md, "Duplicate keys").
      if (!(await checkRejections(db, plan.loads, o))) return EXIT.failed;
      const loaded = await loadEntities(db, plan, { loadTs: loadTsValue(engine.name, loadTs), skipUnchanged: opts.skipUnchanged !== false, jobs: opts.jobs ?? 1 }, o);
      if (loaded === undefined) return EXIT.failed;
      await reportViews(db, plan, o, opts.countViews === true);
      const notes = [
        ...(loaded.skipped === 0 ? [] : [`${loaded.skipped} unchanged since their last load, skipped`]),
        ...(loaded.changedRowsOnly === 0 ? [] : [`${loaded.changedRowsOnly} from changed landing rows only`]),
      ];
      const skipped = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
      o.out(`${green(o, '✓')} ${plural(loaded.rows, 'row')} inserted into ${plural(loaded.entities, 'entity', 'entities')}${skipped} in ${seconds(Date.now() - started)}`);
      // Rows no hub can hold: said once more at the end, where a long run's reader looks.
      const missing = loaded.missingKeys.reduce((n, m) => n + m.rows, 0);
      if (missing > 0) o.out(`  ${missingKeysText(missing)} (${loaded.missingKeys.map((m) => `hub ${m.hub}: ${m.rows}`).join(', ')})`);
      const duplicates = loaded.duplicates.reduce((n, d) => n + d.keys, 0);
      if (duplicates > 0)
        o.out(`  ${duplicates} duplicate key${duplicates === 1 ? '' : 's'} in the batch, one row kept per key (${loaded.duplicates.map((d) => `${d.kind} ${d.entity}: ${d.keys}`).join(', ')})`);
      for (const d of loaded.duplicates) if (d.errorTable !== undefined && d.routed > 0) o.out(`  ${d.routed} row${d.routed === 1 ? '' : 's'} of ${d.kind} ${d.entity} written to ${d.errorTable}`);
      return EXIT.ok;
    });
  } catch (e) {
    return databaseFailure(e, o);
  }
}

/** A database problem the user can act on: one line, exit 1. Anything else is a bug. */
export function databaseFailure(e: unknown, o: Output): number {
  if (e instanceof DatabaseError) o.err(`vault: ${e.message}`);
  else if (isServerError(e)) o.err(`vault: ${sqlErrorLine(e)}`);
  else throw e;
  return EXIT.failed;
}

export function printSetup(o: Output, s: SetupResult): void {
  o.out(`  setup     ${s.created === 0 ? 'nothing to create' : `created ${plural(s.created, 'table or view', 'tables and views')}`} (${plural(s.statements, 'statement')})`);
}

const LAYER_TITLES = { business_vault: 'business vault', access_layer: 'access layer' } as const;

/**
 * The views of the business vault and the access layer: nothing to load (their tables, when a kind
 * is stored as one, were loaded with the raw vault's, in their wave). Counting their rows evaluates every view (current-row windows, star joins) and took longer than the
 * loads themselves on large batches, so it is asked for with --count-views.
 */
async function reportViews(db: Database, plan: DatabasePlan, o: Output, countRows: boolean): Promise<void> {
  // The loads printed their last layer's title (a business vault table's, say): its views follow under it.
  const loadedLast = plan.loads.at(-1)?.layer;
  const title = (layer: keyof typeof LAYER_TITLES): ReadonlyArray<string> => (layer === loadedLast ? [] : [`  ${LAYER_TITLES[layer]}`]);
  if (!countRows) {
    for (const layer of ['business_vault', 'access_layer'] as const) {
      const n = plan.views.filter((v) => v.layer === layer).length;
      if (n > 0) o.out([...title(layer), `    ${n} view${n === 1 ? '' : 's'} up to date (--count-views to count their rows)`].join('\n'));
    }
    return;
  }
  const width = Math.max(0, ...plan.views.map((v) => v.label.length));
  let layer: string | undefined = loadedLast;
  for (const v of plan.views) {
    if (v.layer !== layer) {
      layer = v.layer;
      o.out(`  ${LAYER_TITLES[v.layer]}`);
    }
    const r = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${v.sql}`);
    o.out(`    ${v.label.padEnd(width)}  ${String(Number(r.rows[0]?.n ?? 0)).padStart(8)} rows`);
  }
}
