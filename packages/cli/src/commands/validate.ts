import { analyseTables, byCodeUnit, findReferences, hasErrors, type Diagnostic, type Spec, type VaultModel } from '@vault/core/internal';
import { loadSpecFile, resolveDiagnostics, type SpecSource } from '@vault/dsl/internal';
import { DatabaseError, damagedMessage, DB_OPTION, embeddedDataDir, inspectEmbedded, openDatabase, redactUrl, type Database } from '../db/index.js';
import { openSpark, parseSparkUrl, sparkEndpoint, sparkEndpointOption, sparkLocation } from '../db/spark/index.js';
import { EXIT } from '../exit.js';
import type { Finding, SpecFacts } from '../landing/checks.js';
import { checkRows, printRows, rowsJson } from '../landing/report.js';
import { validateLanding, type Validation } from '../landing/validate.js';
import { analyze } from '../load.js';
import { bold, countSummary, failureJson, plural, printDiagnostics, printJson, sortedDiagnosticsJson, type Output } from '../output.js';

export interface ValidateCommandOptions {
  /** `postgres` (default) or `spark` (docs/spark.md). */
  readonly engine?: 'postgres' | 'spark';
  readonly db?: string;
  readonly json: boolean;
  readonly profile: boolean;
  readonly sample: number;
  readonly timeoutMs: number;
}

/** The outcome of validating a spec's landing zone, for `vault validate` and `vault compile --validate-db`. */
export interface SourceValidation {
  readonly database: string;
  readonly schema: string;
  readonly validation?: Validation;
  /** Every finding, resolved to file:line:col and sorted. */
  readonly diagnostics: ReadonlyArray<Diagnostic>;
  readonly resolved: ReadonlyMap<Finding, Diagnostic>;
  /** Set when the database could not be reached: one line, without the password. */
  readonly connectionError?: string;
}

/**
 * Connects (a server with `--db`, else the model's embedded database, which must exist) and runs
 * every check. Never throws for what the user can act on.
 */
export async function validateSource(
  spec: Spec,
  model: VaultModel,
  source: SpecSource,
  opts: Omit<ValidateCommandOptions, 'json'> & {
    /** How the command names a server, in messages: `--db URL` (vault validate), `--validate-db=URL` (vault compile). */
    readonly serverOption?: string;
  },
  o: Output,
): Promise<SourceValidation> {
  const serverOption = opts.serverOption ?? DB_OPTION;
  const schema = model.schemas.landing;
  if (opts.engine === 'spark') return validateSpark(spec, model, source, opts, o);
  // Printed (and in --json) even when the connection fails: never the URL as given.
  const database = opts.db !== undefined ? redactUrl(opts.db) : embeddedDataDir(model.name);
  const embedded = opts.db === undefined ? inspectEmbedded(embeddedDataDir(model.name)) : undefined;
  if (embedded !== undefined && embedded.kind !== 'ready') {
    const connectionError =
      embedded.kind === 'damaged'
        ? damagedMessage(embeddedDataDir(model.name), embedded.problem, serverOption)
        : `no embedded database for model ${model.name} in ${embeddedDataDir(model.name)} (vault seed creates one); pass ${serverOption} to validate a server`;
    return notConnected(database, schema, connectionError);
  }
  const open = () => openDatabase({ model: model.name, note: (l) => o.err(l), serverOption, ...(opts.db !== undefined ? { url: opts.db } : {}) });
  return validateOn(database, open, spec, model, source, opts, o);
}

/**
 * `validateSource` on Spark: the endpoint of `--db` or `VAULT_SPARK_URL` (credentials from the
 * environment, as `vault run --engine spark` takes them). Only reads: no schema is locked.
 */
function validateSpark(spec: Spec, model: VaultModel, source: SpecSource, opts: Omit<ValidateCommandOptions, 'json'>, o: Output): Promise<SourceValidation> {
  const url = sparkEndpoint(opts.db);
  let location: string;
  try {
    location = sparkLocation(parseSparkUrl(url, sparkEndpointOption(opts.db)));
  } catch (e) {
    // A URL carrying credentials is refused (exit 1) before any connection, as vault run refuses it.
    if (e instanceof DatabaseError) return Promise.resolve(notConnected(redactUrl(url), model.schemas.landing, e.message));
    throw e;
  }
  return validateOn(location, () => openSpark(url, process.env, { note: (l) => o.err(l) }), spec, model, source, opts, o);
}

/** A validation that could not reach the database (`database`, printable): the one line saying why. */
const notConnected = (database: string, schema: string, connectionError: string): SourceValidation => ({ database, schema, diagnostics: [], resolved: new Map(), connectionError });

/** Opens the database (`database` names it before it is open) and runs every check on it; closes it. */
async function validateOn(
  database: string,
  open: () => Promise<Database>,
  spec: Spec,
  model: VaultModel,
  source: SpecSource,
  opts: Omit<ValidateCommandOptions, 'json'>,
  o: Output,
): Promise<SourceValidation> {
  const schema = model.schemas.landing;
  let db: Database;
  try {
    db = await open();
  } catch (e) {
    if (e instanceof DatabaseError) return notConnected(database, schema, e.message);
    throw e;
  }
  try {
    const validation = await validateLanding(db, specFacts(spec, model), {
      timeoutMs: opts.timeoutMs,
      progress: (l) => o.progress(l),
      ...(opts.profile ? { profileSample: opts.sample } : {}),
    });
    const resolved = new Map(validation.findings.map((f) => [f, resolveDiagnostics(source, [f.diagnostic])[0]!] as const));
    const diagnostics = [...resolved.values()].sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.col - b.span.start.col || byCodeUnit(a.code, b.code));
    return { database: db.location, schema: validation.catalog.schema, validation, diagnostics, resolved };
  } catch (e) {
    if (e instanceof DatabaseError) return notConnected(db.location, schema, e.message);
    throw e;
  } finally {
    await db.close();
  }
}

/** What the checks need beyond the spec: each table's key and its reference columns, as inference found them. */
function specFacts(spec: Spec, model: VaultModel): SpecFacts {
  const tables = analyseTables(spec);
  const references = new Map<string, Set<string>>();
  // The spec compiled without errors, so finding the references again reports nothing new.
  for (const r of findReferences(tables, [])) {
    if (r.target.kind !== 'table') continue; // an implied hub's column is that hub's business key
    const columns = references.get(r.from) ?? new Set<string>();
    for (const c of r.columns) columns.add(c);
    references.set(r.from, columns);
  }
  return { spec, model, keys: new Map(tables.map((t) => [t.name, t.key])), references };
}

/** `vault validate SPEC`: check that the landing zone holds what the spec describes and can be read. */
export async function validateCommand(specPath: string, opts: ValidateCommandOptions, o: Output): Promise<number> {
  const a = analyze(loadSpecFile(specPath));
  // With --json every diagnostic goes into the one JSON document, not to standard error.
  if (!opts.json) printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined || a.parsed.spec === undefined) {
    const error = `${a.parsed.source.file}: validate stopped; fix the spec first`;
    if (opts.json) printJson(o, failureJson(error, a.diagnostics));
    else o.err(`vault: ${error}`);
    return EXIT.failed;
  }
  const model = a.model;
  if (!opts.json) o.out(bold(o, `vault validate: model ${model.name}, schema ${model.schemas.landing}`));
  const result = await validateSource(a.parsed.spec, model, a.parsed.source, opts, o);
  if (result.connectionError !== undefined) {
    if (opts.json) {
      printJson(o, {
        status: 'failed',
        error: result.connectionError,
        model: model.name,
        database: result.database,
        schema: result.schema,
        ok: false,
        connectivity: { status: 'error', message: result.connectionError },
        diagnostics: sortedDiagnosticsJson(a.diagnostics),
      });
    } else {
      o.err(`vault: ${result.connectionError}`);
    }
    return EXIT.failed;
  }
  const v = result.validation!;
  const rows = checkRows(v, result.resolved);
  const ok = !hasErrors(result.diagnostics);
  if (opts.json) {
    printJson(o, {
      status: ok ? 'ok' : 'failed',
      model: model.name,
      database: result.database,
      schema: result.schema,
      ok,
      connectivity: { status: 'ok', user: v.catalog.user, server_version: v.catalog.serverVersion },
      checks: rowsJson(rows),
      diagnostics: sortedDiagnosticsJson([...a.diagnostics, ...result.diagnostics]),
    });
    return ok ? EXIT.ok : EXIT.failed;
  }
  o.out(bold(o, 'connectivity'));
  o.out(`  ✓ ${result.database} as ${v.catalog.user}, ${v.catalog.engine === 'spark' ? 'Spark' : 'PostgreSQL'} ${v.catalog.serverVersion}`);
  // The rows carry each finding with its file:line:col; printing them again on stderr would say it twice.
  printRows(o, rows);
  o.out(`${plural(v.tables.length, 'source table')}: ${countSummary(result.diagnostics)}`);
  return ok ? EXIT.ok : EXIT.failed;
}
