/**
 * The YAML front end on arbitrary input: any text or spec-shaped object gives diagnostics or a
 * spec, never an exception; the order of mapping keys does not change the parsed spec.
 */
import { test, fc } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { specArb } from '../arbitraries/spec.js';

const KEYS = [
  'version',
  'model',
  'tables',
  'columns',
  'business_key',
  'references',
  'table',
  'type',
  'nullable',
  'role',
  'kind',
  'hub',
  'link',
  'business_vault',
  'rules',
  'derive',
  'filter',
  'access_layer',
  'hashing',
  'algorithm',
  'satellites',
];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 }));
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('int', 'text', 'decimal(18,2)', 'md5', 'hub', 'a + 1', "x = 'y'"));
const specShaped = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
})).node;

/** The same data with every mapping's keys in another order. */
function permute(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => permute(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const order = entries.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101) || a - b);
  return Object.fromEntries(order.map((i) => [entries[i]![0], permute(entries[i]![1], seed + i)]));
}

describe('YAML front end on arbitrary input', () => {
  test.prop([fc.string({ maxLength: 300 })])('any text gives a spec or errors, never an exception', (text) => {
    const a = analyzeSpec(parseSpecYaml(text, 'spec.yaml'));
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    expect(a.model === undefined).toBe(errors.length > 0);
    for (const d of a.diagnostics) expect(d.span.start.line).toBeGreaterThanOrEqual(1);
  });

  test.prop([specShaped])('any spec-shaped object gives a spec or errors, never an exception', (data) => {
    const a = analyzeSpec(parseSpecYaml(stringify(data), 'spec.yaml'));
    expect(a.model === undefined).toBe(a.diagnostics.some((d) => d.severity === 'error'));
  });

  test.prop([fc.record({ version: fc.constant(1), model: fc.constant('m'), tables: specShaped })])('spec-like documents with random tables never throw', (data) => {
    const a = analyzeSpec(parseSpecYaml(stringify(data), 'spec.yaml'));
    expect(a.model === undefined).toBe(a.diagnostics.some((d) => d.severity === 'error'));
  });

  test.prop([specArb, fc.nat(1000)], { numRuns: 60 })('reordering mapping keys does not change the parsed spec or the IR', (spec, seed) => {
    const original = parseSpecYaml(stringify(spec), 'a.yaml');
    const reordered = parseSpecYaml(stringify(permute(spec, seed)), 'b.yaml');
    expect(original.diagnostics).toEqual([]);
    expect(reordered.spec).toEqual(original.spec);
    expect(JSON.stringify(analyzeSpec(reordered).model)).toBe(JSON.stringify(analyzeSpec(original).model));
  });
});
