// Runs the built writeOutput and kills its own process with SIGKILL just before file-system
// change number KILL_AT: what `kill -9` does at that moment. Used by tests/cli/write-output.test.ts.
// Arguments: DIR KILL_AT FILES_JSON_PATH
import { readFileSync } from 'node:fs';
import { writeOutput } from '../../packages/cli/dist/write-output.js';

const [dir, killAt, filesPath] = process.argv.slice(2);
const files = JSON.parse(readFileSync(filesPath, 'utf8'));
await writeOutput(dir, files, files.length, {
  beforeStep: (step) => {
    if (step.n === Number(killAt)) process.kill(process.pid, 'SIGKILL');
  },
});
