/**
 * Diagnostics point where an editor shows the problem, whatever the file's encoding marks and
 * line ends: a UTF-8 byte order mark is no column (editors hide it), and CRLF line ends move
 * nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '@vault/core';
import { analyzeSpec, loadSpecFile, parseSpecCompact, parseSpecYaml } from '@vault/dsl';
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

describe('a problem inside a business rule written over several lines', () => {
  // Each unknown function name occurs once in the text: its diagnostic points at it.
  const spec = [
    'version: 1',
    'model: shop',
    'tables:',
    '  orders:',
    '    business_key: [order_id]',
    '    columns:',
    '      order_id: { type: int, nullable: false }',
    '      amount: decimal(12,2)',
    'business_vault:',
    '  rules:',
    '    order:',
    '      derive:',
    '        plain: amount > 0 and   ',
    '          amount < 10 and',
    '',
    '          nope_plain(amount) > 1',
    '        double: "amount \\t + \\x41mount',
    '          + nope_double(amount)"',
    "        single: 'amount + ''a''",
    "          + nope_single(amount)'",
    '        escaped: "amount + \\',
    '          nope_escaped(amount)"',
    '        block: |',
    '          amount +',
    '            nope_block(amount)',
    '        lead: |',
    '',
    '          amount +',
    '            nope_lead(amount)',
    '      filter: nope_filter(amount) > 0',
    '',
  ].join('\n');
  const expected = (text: string): string[] =>
    ['nope_plain', 'nope_double', 'nope_single', 'nope_escaped', 'nope_block', 'nope_lead', 'nope_filter'].map((name) => {
      const before = text.slice(0, text.indexOf(`${name}(`)).split(/\r\n|\r|\n/);
      return `x.yaml:${before.length}:${before.at(-1)!.length + 1}: ${name}`;
    });
  const actual = (text: string): string[] =>
    printed(text).map((line) => {
      const m = /^(x\.yaml:\d+:\d+): error VLT304: unknown function '(\w+)'/.exec(line);
      return m === null ? line : `${m[1]!}: ${m[2]!}`;
    });

  it.each([
    ['LF', spec],
    ['CRLF', crlf(spec)],
    ['CR (YAML reads a lone CR as a line break too)', spec.replace(/\n/g, '\r')],
    ['a byte order mark and CRLF', BOM + crlf(spec)],
  ])('points at the name with %s line ends', (_, text) => {
    expect(actual(text)).toEqual(expected(text.replace(/^\uFEFF/, '')));
  });
});

describe('a spec file saved as UTF-16', () => {
  // Windows PowerShell 5 writes UTF-16 with a byte order mark (`>`, Out-File); YAML allows it.
  const text = 'version: 1\nmodel: shop\ndescription: Käse\ntables:\n  orders:\n    columns:\n      order_id: int\n      amount: nope\n';
  const utf16be = (s: string): Buffer => Buffer.from(Buffer.from(s, 'utf16le').swap16());
  it.each([
    ['UTF-16LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ['UTF-16LE with CRLF', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf(text), 'utf16le')])],
  ])('reads as the same spec in UTF-8: %s', (_, bytes) => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-utf16-'));
    try {
      writeFileSync(join(dir, 'x.yaml'), bytes);
      writeFileSync(join(dir, 'utf8.yaml'), text);
      const utf8 = loadSpecFile(join(dir, 'utf8.yaml'), 'x.yaml');
      const utf16 = loadSpecFile(join(dir, 'x.yaml'), 'x.yaml');
      expect(utf16.spec).toEqual(utf8.spec);
      expect(analyzeSpec(utf16).diagnostics.map(formatDiagnostic)).toEqual(["x.yaml:8:15: error VLT201: unknown column type 'nope'"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
