/**
 * A spec with tens of thousands of mistakes is checked in time linear in its size: every
 * diagnostic with its position, "did you mean" hints within a budget. Sizes, not timers: before,
 * hints compared each misspelt name with every table and each position was found by scanning
 * the whole mapping, so this spec took many minutes.
 */
import { describe, expect, it } from 'vitest';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';

describe('many diagnostics in one large spec', () => {
  it('20,000 tables, each with a reference to a missing table and a missing business key column', () => {
    let text = 'version: 1\nmodel: m\ntables:\n';
    for (let i = 0; i < 20_000; i++) text += `  t${i}:\n    business_key: [nope${i}]\n    columns: { t${i}_id: int }\n    references: [{ columns: [t${i}_id], table: zz${i} }]\n`;
    const a = analyzeSpec(parseSpecYaml(text, 's.yaml'));
    const byCode = new Map<string, number>();
    for (const d of a.diagnostics) byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
    expect(Object.fromEntries(byCode)).toEqual({ VLT202: 20_000, VLT204: 20_000 });
    const last = a.diagnostics.filter((d) => d.code === 'VLT202').at(-1)!;
    expect(last.span.start).toEqual({ line: 3 + 4 * 19_999 + 4, col: 49 });
  });
});
