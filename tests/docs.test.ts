import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES, RULES } from '@vault/core';
import { SPEC_SCHEMA } from '@vault/dsl';

const read = (p: string): string => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

describe('documentation stays in step with the code', () => {
  it('docs/diagnostics.md lists every diagnostic code with its severity and meaning', () => {
    const doc = read('docs/diagnostics.md');
    for (const [code, { severity, title }] of Object.entries(CODES)) {
      expect(doc).toContain(`| ${code} | ${severity} | ${title} |`);
    }
    const documented = [...doc.matchAll(/^\| (VLT\d{3}) \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(CODES));
  });

  it('docs/inference.md lists every inference rule', () => {
    const doc = read('docs/inference.md');
    for (const [id, text] of Object.entries(RULES)) expect(doc).toContain(`| \`${id}\` | ${text} |`);
  });

  it('packages/dsl/schema.json (@vault/dsl/schema.json) is the schema vault validates against', () => {
    expect(JSON.parse(read('packages/dsl/schema.json'))).toEqual(SPEC_SCHEMA);
  });
});
