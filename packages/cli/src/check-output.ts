import { join } from 'node:path';
import { EXIT } from './exit.js';
import type { Output } from './output.js';
import { plannedChanges, type OutputFile } from './write-output.js';

/**
 * `--check` of `vault compile` and `vault docs`: writes nothing, lists every file that writing
 * would add, change or remove, and exits 1 when there is any (for CI and pre-commit).
 * `what` names the files in the message ("generated", "documentation"), `command` the fix.
 */
export function checkOutput(dir: string, files: Iterable<OutputFile>, total: number, o: Output, what: string, command: string): number {
  const changes = plannedChanges(dir, files);
  for (const c of changes) o.out(`${c.change}: ${join(dir, c.path)}`);
  if (changes.length > 0) {
    o.err(`vault: ${changes.length} ${what} file(s) in ${dir} are out of date; run ${command}`);
    return EXIT.failed;
  }
  o.err(`${dir}: up to date (${total} files)`);
  return EXIT.ok;
}
