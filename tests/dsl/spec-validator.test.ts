import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPEC_SCHEMA } from '@vault/dsl';
import { specValidatorSource } from '../../scripts/spec-validator-source.mjs';

describe('the precompiled spec validator', () => {
  it('is up to date with spec-schema.ts (run npm run build:validator after changing the schema)', async () => {
    const committed = readFileSync(new URL('../../packages/dsl/src/schema/spec-validator.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await specValidatorSource(SPEC_SCHEMA));
  });
});
