import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkIdentifier, hasErrors } from '@vault/core';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { DatabaseError, openDatabase } from '../db/index.js';
import { EnvironmentError, EXIT, UsageError } from '../exit.js';
import { errnoCode, fsReason } from '../fs-errors.js';
import { readCatalog } from '../landing/catalog.js';
import { specFromCatalog } from '../landing/init-spec.js';
import { printDiagnostics, type Output } from '../output.js';

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
  const res = patterns.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (t) => res.some((re) => re.test(t));
}

/** `vault init --schema NAME`: a spec from the landing schema, on stdout or in `-o FILE`. */
export async function initCommand(opts: InitCommandOptions, o: Output): Promise<number> {
  const model = opts.model ?? opts.schema;
  const unsafe = checkIdentifier(model, 'model');
  if (unsafe !== undefined) throw new UsageError(`${unsafe.message}${opts.model === undefined ? '; pass --model NAME' : ''}`);
  if (opts.output !== undefined && existsSync(opts.output) && !opts.force) throw new UsageError(`${opts.output} exists; pass --force to overwrite it`);
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
      tableCount = [...catalog.tables.keys()].filter((t) => include?.(t) ?? true).length;
      if (tableCount === 0) {
        o.err(`vault: no tables in schema '${opts.schema}'${opts.tables !== undefined ? ` match --tables ${opts.tables}` : ''}`);
        return EXIT.failed;
      }
      text = specFromCatalog(catalog, { model, database: db.location, ...(include !== undefined ? { include } : {}) });
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
  else writeAtomically(opts.output, text);
  printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics)) {
    o.err(`vault: the spec from schema ${opts.schema} needs edits before it compiles (see above)`);
    return EXIT.failed;
  }
  if (opts.output !== undefined) o.err(`wrote ${opts.output}: ${tableCount} tables, model ${model}; next: vault compile ${opts.output}`);
  return EXIT.ok;
}

/** Written next to the target and renamed over it: a reader never sees half a spec. */
function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Never created: its folder is missing or not a folder, which the message below says.
    }
    // The machine's refusal (no such folder, read-only, full disk), not a bug: one line, exit 1.
    const why = errnoCode(e) === 'ENOENT' ? `the folder ${dirname(path)} does not exist` : fsReason(e);
    throw new EnvironmentError(`cannot write ${path}: ${why}; nothing was written`);
  }
}
