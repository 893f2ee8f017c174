import { dirname, join, resolve } from 'node:path';
import { KINDS, VAULT_LAYERS, byPlural, entitiesOf, hasErrors, kindsOfLayer, type Diagnostic, type Spec, type Stage, type VaultLayer, type VaultModel } from '@vault/core/internal';
import { loadSpecFile, type ParsedSpec, type SpecSource } from '@vault/dsl/internal';
import { checkTargets } from '../target-checks.js';
import { EXIT, UsageError } from '../exit.js';
import { analyze, loadCompact } from '../load.js';
import { bold, failureJson, green, printDiagnostics, printJson, sortedDiagnosticsJson, type Output } from '../output.js';
import { DOCS_DIR, parseTargets, plannedOutput, renderTargets, type Target } from '../targets.js';
import { writeOutput, writeSummary } from '../write-output.js';
import { RenderCache, type SavedCache } from '../render-cache.js';
import { checkOutput } from '../check-output.js';
import { DEFAULT_SAMPLE_ROWS, DEFAULT_TIMEOUT_MS } from '../landing/defaults.js';
import { redactUrl } from '../db/url.js';

export interface CompileOptions {
  readonly out?: string;
  readonly stage: 'raw' | 'business' | 'access' | 'all';
  readonly target: string;
  readonly check: boolean;
  readonly json: boolean;
  readonly model?: string;
  readonly sourceTables?: string;
  readonly businessContext?: string;
  /** Run `vault validate` first, against this database (`true`: the embedded one); stop on errors. */
  readonly validateDb?: string | true;
  /** Compile again whenever the spec (or the profile it names) changes, until stopped (watch.ts). */
  readonly watch?: boolean;
}

/**
 * What a process that compiles again and again (`--watch`) keeps from one compile to the next:
 * the render cache of each output folder as the last write left it (saved to its file by the
 * session, not by each compile), and which files the last compile read.
 */
export interface CompileSession {
  readonly caches: Map<string, SavedCache>;
  /** Called with the files a compile reads: the spec, and the framework profile it names. */
  reads(paths: ReadonlyArray<string>): void;
}

/** `vault compile SPEC`: the framework code for every layer, and manifest.json. */
export async function compileCommand(specPath: string | undefined, opts: CompileOptions, o: Output): Promise<number> {
  if (opts.watch !== true) return compileOnce(specPath, opts, o);
  const { watchCompile } = await import('./watch.js');
  return watchCompile(specPath, opts, o);
}

/** One compile; `session` when the process compiles again after it (`--watch`). */
export async function compileOnce(specPath: string | undefined, opts: CompileOptions, o: Output, session?: CompileSession): Promise<number> {
  const targets = parseTargets(opts.target);
  let parsed: ParsedSpec;
  if (specPath !== undefined) {
    if (opts.sourceTables !== undefined) throw new UsageError('give either a spec file or --source-tables, not both');
    parsed = loadSpecFile(specPath);
    // Named before the profile is read (checkTargets), so a watch takes its bytes first.
    const profile = parsed.spec?.framework?.profile;
    session?.reads(profile === undefined ? [specPath] : [specPath, join(dirname(specPath), profile)]);
  } else {
    if (opts.sourceTables === undefined) throw new UsageError(withoutSpec(opts.validateDb));
    if (opts.model === undefined) throw new UsageError('--source-tables needs --model NAME');
    parsed = loadCompact(opts.sourceTables, opts.model, opts.businessContext);
  }
  // The YAML syntax tree is held only weakly (it is rebuilt if a diagnostic needs a position), but
  // V8 keeps a WeakRef's target alive until the current job ends: yield once so a large spec's
  // tree (about 60 bytes of heap per byte of YAML) can be collected before inference and emit.
  await new Promise((resolve) => setImmediate(resolve));
  const stage: Stage = opts.stage === 'all' ? 'access' : opts.stage;
  if (!opts.json && o.interactive && (parsed.spec ? Object.keys(parsed.spec.tables).length : 0) >= 500) {
    o.err(`inferring the vault of ${Object.keys(parsed.spec!.tables).length} tables …`);
  }
  const a = analyze(parsed, { stage });
  // With --json the diagnostics go into the one JSON document, not to standard error; without,
  // they are printed as soon as they are known, `shown` of them so far.
  let shown = 0;
  const show = (diagnostics: ReadonlyArray<Diagnostic>): void => {
    if (opts.json) return;
    printDiagnostics(o, diagnostics.slice(shown));
    shown = diagnostics.length;
  };
  const stopped = (error: string, diagnostics: ReadonlyArray<Diagnostic>, extra: Readonly<Record<string, unknown>> = {}): number => {
    if (opts.json) {
      printJson(o, failureJson(error, diagnostics, { ...(a.model !== undefined ? { model_name: a.model.name } : {}), ...extra }));
    } else {
      show(diagnostics);
      o.err(`vault: ${error}`);
    }
    return EXIT.failed;
  };
  show(a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined) return stopped(`${a.parsed.source.file}: compile stopped; nothing was written`, a.diagnostics);
  const model = a.model;
  const loaded = await checkTargets(a.parsed, model, specPath, targets);
  // A target's warning (VLT441) is shown; its errors, or a profile that cannot be read, stop.
  if (hasErrors(loaded.diagnostics) || loaded.profile === undefined) return stopped(`${a.parsed.source.file}: compile stopped; nothing was written`, [...a.diagnostics, ...loaded.diagnostics]);
  const sourceValidation = opts.validateDb === undefined || a.parsed.spec === undefined ? undefined : await validateFirst(a.parsed.spec, model, a.parsed.source, opts.validateDb, o);
  const diagnostics = [...a.diagnostics, ...loaded.diagnostics, ...(sourceValidation?.diagnostics ?? [])];
  if (sourceValidation !== undefined && sourceValidation.result.status === 'failed') {
    if (!opts.json && 'error' in sourceValidation.result) o.err(`vault: ${sourceValidation.result.error}`);
    return stopped(`${a.parsed.source.file}: compile stopped at source validation; nothing was written`, diagnostics, { source_validation: sourceValidation.result });
  }
  show(diagnostics);
  const specName = specPath === undefined ? '<source-tables>' : a.parsed.source.file;
  const outRoot = opts.out ?? 'generated';
  const dir = join(outRoot, model.name);
  if (opts.out === undefined && !resolve(dir).startsWith(resolve('.'))) throw new UsageError(`output ${dir} is outside the working directory; pass --out explicitly`);
  // --check reads and compares every file, whatever the cache says; a write may skip renders.
  const cache = opts.check ? undefined : (session?.caches.get(resolve(dir))?.next() ?? RenderCache.open(dir));
  const { paths, files } = plannedOutput(model, targets, specName, loaded.profile, await renderTargets(model, targets, specName), cache && ((unit, rs) => cache.files(unit, rs)));

  if (opts.check)
    return checkOutput(
      dir,
      files,
      paths.length,
      o,
      'generated',
      'vault compile',
      opts.json ? { fields: { model_name: model.name, output_dir: dir }, diagnostics: sortedDiagnosticsJson(diagnostics) } : undefined,
    );
  // Large models: say what is happening, on a terminal only (never in logs or with --json).
  const showProgress = !opts.json && o.interactive && paths.length >= 2000;
  if (showProgress) o.err(`writing ${paths.length} files to ${dir} …`);
  const written = await writeOutput(dir, files, paths.length, {
    note: (line) => o.err(line),
    ...(cache ? { known: cache.known } : {}),
    ...(showProgress ? { progress: (done: number, total: number) => o.progress(`  ${done}/${total} files`) } : {}),
  });
  if (showProgress) o.progress('');
  if (cache !== undefined) {
    const after = cache.after(written);
    if (session !== undefined) session.caches.set(resolve(dir), after);
    else {
      const warning = after.save();
      if (warning !== undefined) o.err(warning);
    }
  }
  if (opts.json)
    printJson(o, {
      status: 'ok',
      ...resultObject(model, paths, dir, sourceValidation?.result.status === 'passed' ? sourceValidation.result : undefined),
      diagnostics: sortedDiagnosticsJson(diagnostics),
    });
  else printSummary(o, model, [...targets], writeSummary(dir, paths.length, written));
  return EXIT.ok;
}

/**
 * The usage mistake of a compile without a spec. `--validate-db [url]` takes the next word as its
 * URL, so `vault compile --validate-db spec.yaml` swallows the spec: say so when that word is no
 * database URL.
 */
function withoutSpec(validateDb: string | true | undefined): string {
  const plain = 'vault compile needs a spec file, or --model and --source-tables';
  if (typeof validateDb !== 'string' || /^postgres(ql)?:\/\//i.test(validateDb)) return plain;
  const taken = redactUrl(validateDb);
  return `${plain}: --validate-db took '${taken}' as its database URL; put the spec first (vault compile ${taken} --validate-db) or write --validate-db=URL`;
}

/**
 * `source_validation` of the result object when `--validate-db` ran: the counts of what the
 * checks found, or, when the database could not be reached (nothing was checked, so no counts),
 * the reason.
 */
export type SourceValidationResult =
  | {
      readonly status: 'passed' | 'failed';
      readonly database: string;
      readonly schema: string;
      readonly tables: number;
      readonly errors: number;
      readonly warnings: number;
    }
  /** One line, without the password. */
  | { readonly status: 'failed'; readonly database: string; readonly schema: string; readonly error: string };

/** `--validate-db`: the checks of `vault validate`; `status: 'failed'` stops the compile. */
async function validateFirst(spec: Spec, model: VaultModel, source: SpecSource, url: string | true, o: Output): Promise<{ result: SourceValidationResult; diagnostics: ReadonlyArray<Diagnostic> }> {
  const { validateSource } = await import('./validate.js');
  const r = await validateSource(
    spec,
    model,
    source,
    { ...(url !== true ? { db: url } : {}), profile: false, sample: DEFAULT_SAMPLE_ROWS, timeoutMs: DEFAULT_TIMEOUT_MS, serverOption: '--validate-db=URL' },
    o,
  );
  if (r.connectionError !== undefined) return { result: { status: 'failed', database: r.database, schema: r.schema, error: r.connectionError }, diagnostics: r.diagnostics };
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const result: SourceValidationResult = {
    status: errors > 0 ? 'failed' : 'passed',
    database: r.database,
    schema: r.schema,
    tables: r.validation?.tables.length ?? 0,
    errors,
    warnings: r.diagnostics.length - errors,
  };
  return { result, diagnostics: r.diagnostics };
}

const LAYER_DIRS = { raw_vault: 'raw_vault/', business_vault: 'business_vault/', access_layer: 'access_layer/' } as const;

/**
 * The `--json` result object (docs/cli.md): the model's entities and files per layer, the
 * source validation, and a summary; nothing that depends on the clock.
 */
export function resultObject(model: VaultModel, paths: ReadonlyArray<string>, dir: string, sourceValidation?: SourceValidationResult): Record<string, unknown> {
  const under = (prefix: string): string[] => paths.filter((p) => p.startsWith(prefix));
  const names = <T extends { name: string }>(xs: ReadonlyArray<T>): string[] => xs.map((x) => x.name);
  const stages = [
    'source_validation',
    'raw_vault',
    ...(model.stages.includes('business') ? ['business_vault'] : []),
    ...(model.stages.includes('access') ? ['access_layer'] : []),
    'framework_integration',
  ];
  return {
    model_name: model.name,
    source_validation: sourceValidation ?? { status: 'skipped', reason: 'no database given; pass --validate-db URL or run vault validate' },
    ...Object.fromEntries(VAULT_LAYERS.map((layer) => [layer, { ...byPlural(layer, (kind) => names(entitiesOf(model, kind))), files: under(LAYER_DIRS[layer]) }])),
    framework_integration: { files: paths.filter((p) => !p.includes('/')) },
    metadata: { model_name: model.name, output_dir: dir, total_files_generated: paths.length, pipeline_stages_completed: stages },
  };
}

const count = (n: number, singular: string): string => `${n} ${singular}${n === 1 ? '' : 's'}`;

function printSummary(o: Output, model: VaultModel, targets: ReadonlyArray<Target>, written: string): void {
  const layer = (l: VaultLayer): string =>
    kindsOfLayer(l)
      .map((kind) => count(entitiesOf(model, kind).length, KINDS[kind].noun))
      .join(', ');
  o.err(bold(o, `vault compile: model ${model.name}`));
  o.err(`  ${green(o, '✓')} raw vault       ${layer('raw_vault')}`);
  if (model.stages.includes('business')) o.err(`  ${green(o, '✓')} business vault  ${layer('business_vault')}`);
  if (model.stages.includes('access')) o.err(`  ${green(o, '✓')} access layer    ${layer('access_layer')}`);
  if (targets.includes('querydsl')) o.err(`  ${green(o, '✓')} framework       registry.py`);
  if (targets.includes('sql')) o.err(`  ${green(o, '✓')} postgresql      sql/setup.sql, sql/load.sql`);
  if (targets.includes('spark')) o.err(`  ${green(o, '✓')} spark sql       spark/setup.sql, spark/load.sql`);
  if (targets.includes('docs')) o.err(`  ${green(o, '✓')} documentation   ${DOCS_DIR}README.md, ${DOCS_DIR}lineage.svg, ${DOCS_DIR}raw_vault_er.svg`);
  o.err(`  ${green(o, '✓')} manifest        manifest.json`);
  o.err(written);
}
