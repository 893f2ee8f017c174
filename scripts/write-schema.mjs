#!/usr/bin/env node
// Writes packages/dsl/schema.json (published as `@vault/dsl/schema.json`) from the schema
// constant in @vault/dsl (built). A test fails while the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { SPEC_SCHEMA } from '@vault/dsl';

writeFileSync(new URL('../packages/dsl/schema.json', import.meta.url), `${JSON.stringify(SPEC_SCHEMA, null, 2)}\n`);
