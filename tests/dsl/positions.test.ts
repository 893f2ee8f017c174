/**
 * Diagnostics point where an editor shows the problem, whatever the file's encoding marks and
 * line ends: a UTF-8 byte order mark is no column (editors hide it), and CRLF line ends move
 * nothing.
 */
import { formatDiagnostic } from '@vault/core';
import { analyzeSpec, parseSpecCompact, parseSpecYaml } from '@vault/dsl';
import { describe, expect, it } from 'vitest';

const printed = (text: string): string[] => analyzeSpec(parseSpecYaml(text, 'x.yaml')).diagnostics.map(formatDiagnostic);
const BOM = '\uFEFF';
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

describe('a byte order mark', () => {
  const cases: Record<string, string> = {
    'a problem on line 1': 'version: 2\nmodel: shop\ntables:\n  orders:\n    columns:\n      order_id: int\n',
    'a syntax error on line 1': 'version: "1\n',
    'a flow mapping on line 1': '{version: 1, model: shop, tables: {orders: {columns: {order_id: nope}}}}\n',
    'a problem on line 2': 'version: 1\nmodel: Bad-Name\ntables:\n  orders:\n    columns:\n      order_id: int\n',
  };
  it.each(Object.entries(cases))('is no column: %s', (_, text) => {
    const plain = printed(text);
    expect(plain.length).toBeGreaterThan(0);
    expect(printed(BOM + text)).toEqual(plain);
    expect(printed(BOM + crlf(text))).toEqual(plain);
  });

  it('is no column in a compact source-table string either', () => {
    const at = (text: string): string[] => analyzeSpec(parseSpecCompact(text, { model: 'm' })).diagnostics.map(formatDiagnostic);
    const plain = at('orders:order_id(nope)');
    expect(plain.length).toBeGreaterThan(0);
    expect(at(`${BOM}orders:order_id(nope)`)).toEqual(plain);
  });
});
