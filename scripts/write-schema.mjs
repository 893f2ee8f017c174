#!/usr/bin/env node
// Writes schema/vault-spec.schema.json from the schema constant in @vault/dsl (built).
import { writeFileSync } from 'node:fs';
import { SPEC_SCHEMA } from '@vault/dsl';

writeFileSync(new URL('../schema/vault-spec.schema.json', import.meta.url), `${JSON.stringify(SPEC_SCHEMA, null, 2)}\n`);
