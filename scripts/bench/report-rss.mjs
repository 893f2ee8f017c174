// Loaded with `node --import` into a benchmarked process: on exit, append its peak RSS (bytes).
import { appendFileSync } from 'node:fs';

const target = process.env.VAULT_BENCH_RSS_FILE;
if (target) process.on('exit', () => appendFileSync(target, `${process.resourceUsage().maxRSS * 1024}\n`));
