import { join } from 'node:path';
import { EXIT } from './exit.js';
import { plural, printJson, type Output } from './output.js';
import { plannedChanges, type OutputFile } from './write-output.js';

/**
 * `--check` of `vault compile` and `vault docs`: writes nothing, lists every file that writing
 * would add, change or remove, and exits 1 when there is any (for CI and pre-commit).
 * `what` names the files in the message ("generated", "documentation"), `command` the fix.
 * With `json`, prints one document instead: `{ status: 'up_to_date' | 'out_of_date', ...json,
 * changes: [{ change, path }], diagnostics }`, paths under `dir` as in the text form.
 */
export function checkOutput(
  dir: string,
  files: Iterable<OutputFile>,
  total: number,
  o: Output,
  what: string,
  command: string,
  json?: { readonly fields: Readonly<Record<string, unknown>>; readonly diagnostics: unknown },
): number {
  const changes = plannedChanges(dir, files);
  if (json !== undefined) {
    const status = changes.length > 0 ? 'out_of_date' : 'up_to_date';
    printJson(o, { status, ...json.fields, changes: changes.map((c) => ({ change: c.change, path: join(dir, c.path) })), diagnostics: json.diagnostics });
    return changes.length > 0 ? EXIT.failed : EXIT.ok;
  }
  for (const c of changes) o.out(`${c.change}: ${join(dir, c.path)}`);
  if (changes.length > 0) {
    o.err(`vault: ${plural(changes.length, `${what} file`)} in ${dir} ${changes.length === 1 ? 'is' : 'are'} out of date; run ${command}`);
    return EXIT.failed;
  }
  o.err(`${dir}: up to date (${plural(total, 'file')})`);
  return EXIT.ok;
}
