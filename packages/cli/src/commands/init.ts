import { dirname } from 'node:path';
import { checkIdentifier, hasErrors } from '@vault/core/internal';
import { analyzeSpec, errnoCode, fsReason, parseSpecYaml } from '@vault/dsl/internal';
import { DatabaseError, DB_OPTION, embeddedDataDir, inspectEmbedded, openDatabase, parseDbUrl } from '../db/index.js';
import { EXIT, UsageError } from '../exit.js';
import { existingRegularFile, NotRegularFileError, replaceFile } from '../replace-file.js';
import { readCatalog } from '../landing/catalog.js';
import { initTables, specFromCatalog } from '../landing/init-spec.js';
import { plural, printDiagnostics, type Output } from '../output.js';
import { schemaLocation } from '../schema-modeline.js';
import { vaultVersion } from '../version.js';

export interface InitCommandOptions {
  readonly db?: string;
  readonly schema: string;
  readonly model?: string;
  readonly output?: string;
  readonly tables?: string;
  readonly force: boolean;
}

/** `orders,ews_*` → a test for table names: comma-separated globs with `*` and `?`. */
export function tableFilter(patterns: string): (table: string) => boolean {
  const res = patterns
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map(
      (p) =>
        new RegExp(
          `^${p
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ),
    );
  return (t) => res.some((re) => re.test(t));
}

/** `vault init --schema NAME`: a spec from the landing schema, on stdout or in `-o FILE`. */
export async function initCommand(opts: InitCommandOptions, o: Output): Promise<number> {
  const model = opts.model ?? opts.schema;
  const unsafe = checkIdentifier(model, 'model');
  if (unsafe !== undefined) throw new UsageError(`${unsafe.message}${opts.model === undefined ? '; pass --model NAME' : ''}`);
  // Every usage mistake is reported before the output file is looked at, whatever their order.
  if (opts.db !== undefined) parseDbUrl(opts.db);
  if (opts.output !== undefined && outputExists(opts.output) && !opts.force) throw new UsageError(`${opts.output} exists; pass --force to overwrite it`);
  // An embedded database init would create holds no schema to read: say so rather than create one.
  const embedded = opts.db === undefined ? inspectEmbedded(embeddedDataDir(model)).kind : undefined;
  if (embedded === 'absent' || embedded === 'empty') {
    o.err(`vault: no embedded database for model ${model} in ${embeddedDataDir(model)} (vault seed creates one); pass ${DB_OPTION} to read a server`);
    return EXIT.failed;
  }
  let text: string;
  let tableCount: number;
  try {
    const db = await openDatabase({ model, note: (l) => o.err(l), ...(opts.db !== undefined ? { url: opts.db } : {}) });
    try {
      const catalog = await readCatalog(db, opts.schema);
      if (!catalog.exists) {
        o.err(`vault: schema '${opts.schema}' does not exist in ${db.location}`);
        return EXIT.failed;
      }
      const include = opts.tables !== undefined ? tableFilter(opts.tables) : undefined;
      tableCount = initTables(catalog, include).length;
      if (tableCount === 0) {
        o.err(`vault: no tables in schema '${opts.schema}'${opts.tables !== undefined ? ` match --tables ${opts.tables}` : ''}`);
        return EXIT.failed;
      }
      // Without -o the spec goes to standard output, most likely into a file in this directory.
      const schema = schemaLocation(opts.output !== undefined ? dirname(opts.output) : '.', vaultVersion());
      text = specFromCatalog(catalog, { model, database: db.location, schema, ...(include !== undefined ? { include } : {}) });
    } finally {
      await db.close();
    }
  } catch (e) {
    if (e instanceof DatabaseError) {
      o.err(`vault: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
  // The spec must pass the same checks as a hand-written one; what it cannot say is reported.
  const a = analyzeSpec(parseSpecYaml(text, opts.output ?? '<stdout>'));
  if (opts.output === undefined) o.out(text.trimEnd());
  else {
    try {
      replaceFile(opts.output, text);
    } catch (e) {
      // The machine's refusal (no such folder, read-only, full disk), not a bug: one line, exit 1.
      const why = e instanceof NotRegularFileError ? e.message : errnoCode(e) === 'ENOENT' ? `the folder ${dirname(opts.output)} does not exist` : fsReason(e);
      o.err(`vault: cannot write ${opts.output}: ${why}; nothing was written`);
      return EXIT.failed;
    }
  }
  printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics)) {
    o.err(`vault: the spec from schema ${opts.schema} needs edits before it compiles (see above)`);
    return EXIT.failed;
  }
  if (opts.output !== undefined) o.err(`wrote ${opts.output}: ${plural(tableCount, 'table')}, model ${model}; next: vault compile ${opts.output}`);
  return EXIT.ok;
}

/**
 * Whether `-o FILE` names an existing regular file (through symbolic links; --force replaces
 * it). Anything else there, a folder, a named pipe, a device, is never replaced: a usage mistake.
 */
function outputExists(path: string): boolean {
  try {
    return existingRegularFile(path) !== undefined;
  } catch (e) {
    if (e instanceof NotRegularFileError) throw new UsageError(`-o ${e.message}; vault init writes a regular file`);
    // Nothing can be there (a part of the path is missing or a file): the write says why, exit 1.
    return false;
  }
}
