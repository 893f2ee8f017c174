import { writeFileSync } from 'node:fs';
import { syntheticSpecYaml } from './scripts/bench/synthetic-spec.mjs';
import { loadSpecFile, analyzeSpec } from '@vault/dsl';
import { emitQueryDsl, buildManifest, manifestJson } from '@vault/emitters';
for (const n of [1000, 10000]) {
  writeFileSync('/tmp/prof.yaml', syntheticSpecYaml(n));
  let t = performance.now();
  const lap = (l) => { const x = performance.now(); console.log(n, l, (x - t).toFixed(0), 'ms'); t = x; };
  const p = loadSpecFile('/tmp/prof.yaml'); lap('parse+validate');
  const a = analyzeSpec(p); lap('infer');
  const files = emitQueryDsl(a.model, { specPath: 'x.yaml' }); lap('emit ' + files.length);
  const m = manifestJson(buildManifest(a.model, { specPath: 'x.yaml', files: files.map((x) => x.path) })); lap('manifest ' + m.length);
  console.log('rss MB', (process.memoryUsage().rss / 1048576).toFixed(0));
}
