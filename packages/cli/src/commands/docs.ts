import { join, resolve } from 'node:path';
import { hasErrors } from '@vault/core';
import { byCodeUnit } from '@vault/core/internal';
import { loadSpecFile } from '@vault/dsl';
import { emitDocs, renderDrawings, type EmittedFile } from '@vault/emitters';
import { EXIT, UsageError } from '../exit.js';
import { analyze } from '../load.js';
import { bold, failureJson, green, printDiagnostics, printJson, sortedDiagnosticsJson, type Output } from '../output.js';
import { writeOutput, writeSummary } from '../write-output.js';
import { checkOutput } from '../check-output.js';

export interface DocsCommandOptions {
  readonly out?: string;
  readonly check: boolean;
  readonly json?: boolean;
}

/** Where `vault docs` writes without `--out`: `docs-out/MODEL/`. */
export const DEFAULT_DOCS_ROOT = 'docs-out';

/**
 * `vault docs SPEC [--out DIR] [--check] [--json]`: README.md with the Mermaid diagrams, the DOT
 * sources and their SVG drawings, in `DIR/MODEL/`, written like compile writes (staged, swapped
 * in, files it no longer produces removed).
 */
export async function docsCommand(file: string, opts: DocsCommandOptions, o: Output): Promise<number> {
  const json = opts.json === true;
  const a = analyze(loadSpecFile(file));
  // With --json the diagnostics go into the one JSON document, not to standard error.
  if (!json) printDiagnostics(o, a.diagnostics);
  if (hasErrors(a.diagnostics) || a.model === undefined) {
    const error = `${a.parsed.source.file}: docs stopped; nothing was written`;
    if (json) printJson(o, failureJson(error, a.diagnostics));
    else o.err(`vault: ${error}`);
    return EXIT.failed;
  }
  const model = a.model;
  const dir = join(opts.out ?? DEFAULT_DOCS_ROOT, model.name);
  if (opts.out === undefined && !resolve(dir).startsWith(resolve('.'))) throw new UsageError(`output ${dir} is outside the working directory; pass --out explicitly`);
  const docs = emitDocs(model, { specPath: a.parsed.source.file });
  const files: ReadonlyArray<EmittedFile> = [...docs.files, ...(await renderDrawings(docs.drawings))].sort((x, y) => byCodeUnit(x.path, y.path));
  const fields = { model: model.name, output_dir: dir };

  if (opts.check) return checkOutput(dir, files, files.length, o, 'documentation', 'vault docs', json ? { fields, diagnostics: sortedDiagnosticsJson(a.diagnostics) } : undefined);
  const written = await writeOutput(dir, files, files.length, { note: (line) => o.err(line) });
  if (json) {
    printJson(o, { status: 'ok', ...fields, files: files.map((f) => f.path), diagnostics: sortedDiagnosticsJson(a.diagnostics) });
    return EXIT.ok;
  }
  o.err(bold(o, `vault docs: model ${model.name}`));
  for (const f of files) o.err(`  ${green(o, '✓')} ${f.path}`);
  o.err(writeSummary(dir, files.length, written));
  return EXIT.ok;
}
