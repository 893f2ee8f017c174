/**
 * Chevrotain, loaded from its single-file ESM bundle. The package's normal entry point pulls
 * in lodash-es as ~650 separate modules and costs ~250 ms at start-up; the bundle it ships
 * (`lib/chevrotain.mjs`) costs ~15 ms. `vault check` runs in pre-commit hooks, so that matters.
 * The package's `exports` map does not expose the bundle, so resolve it next to the entry point.
 * Every parser in the project imports chevrotain's values from here, and only types from
 * 'chevrotain' itself.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

const entry = createRequire(import.meta.url).resolve('chevrotain');
const bundle = pathToFileURL(join(dirname(entry), '..', 'chevrotain.mjs')).href;

export const chevrotain: typeof Chevrotain = (await import(bundle)) as typeof Chevrotain;
