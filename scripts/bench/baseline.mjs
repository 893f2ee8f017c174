// The floor a compile is measured against: parse the same spec file, and write the same
// number of files with the same total bytes.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const [specPath, outDir, files, bytes] = process.argv.slice(2);
parse(readFileSync(specPath, 'utf8'));
rmSync(outDir, { recursive: true, force: true });
const n = Number(files);
const size = Math.max(1, Math.floor(Number(bytes) / n));
const body = 'x'.repeat(size - 1) + '\n';
for (let i = 0; i < n; i++) {
  const dir = join(outDir, `d${i % 3}`);
  if (i < 3) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `f${i}.py`), body);
}
