#!/usr/bin/env node
// Regenerates packages/dsl/src/schema/spec-validator.generated.ts: the spec's JSON Schema
// compiled by ajv ahead of time (standalone code), so `vault check` neither imports ajv nor
// compiles the schema at start-up. Run after changing spec-schema.ts (`npm run build:validator`);
// a test fails while the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { specValidatorSource } from './spec-validator-source.mjs';

writeFileSync(new URL('../packages/dsl/src/schema/spec-validator.generated.ts', import.meta.url), await specValidatorSource());
