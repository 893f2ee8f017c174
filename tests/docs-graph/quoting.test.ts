/**
 * Quoting, one function per format: names that need escaping survive DOT (drawn by Graphviz),
 * Mermaid (entity codes) and Markdown (escapes, code spans) without breaking out.
 */
import { test, fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { dotHtml, dotString, lineageDot, lineageMermaid, mdCode, mdText, mermaidId, mermaidText, renderSvg, type LineageGraph } from '@vault/emitters/internal';
import { expectWellFormedXml, hasPython, xmlText } from './helpers.js';

const NASTY = ['say "hi"', 'back\\slash \\N \\G \\l', 'two\nlines', 'a < b & c > d', "it's {a|b} [x]", '#35; ; end', 'pipe | and `tick`', 'ünïcödé – ✓', '--> o--x'];

/** A graph whose names need quoting in every format (a compiled model never has such names: VLT207). */
const nasty: LineageGraph = {
  model: 'm"\\',
  nodes: NASTY.map((name, i) => ({ id: `raw_vault.hubs.${name}`, layer: 'raw_vault', kind: i % 2 === 0 ? 'hub' : 'satellite', name })),
  edges: NASTY.slice(1).map((name, i) => ({ from: `raw_vault.hubs.${NASTY[i]!}`, to: `raw_vault.hubs.${name}` })),
};

/** Undoes mermaidText: Mermaid decodes `#<decimal>;` entity codes. */
const mermaidDecode = (s: string): string => s.replace(/#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)));

describe('DOT', () => {
  it('quotes ids and labels so that Graphviz draws each name as written', async () => {
    const svg = await renderSvg(lineageDot(nasty));
    if (hasPython) expectWellFormedXml([svg]);
    const text = xmlText(svg);
    // Graphviz draws a label's lines as separate text elements.
    for (const name of NASTY) for (const line of name.split('\n')) expect(text).toContain(`>${line}</text>`);
    expect(text.match(/class="edge"/g)).toHaveLength(nasty.edges.length);
  });

  it('escapes quotes, backslashes and line breaks in strings, and XML in HTML labels', () => {
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(dotHtml('<b> & "q" \'s\'')).toBe('&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39;');
  });

  const printable = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== '' && !/[\p{Cc}\p{Cf}]/u.test(s));
  test.prop([printable], { numRuns: 30 })('any one-line name survives dotString through Graphviz', async (name) => {
    const svg = await renderSvg(`digraph { n [label=${dotString(name)}, shape=box]; }`);
    expect(xmlText(svg)).toContain(`>${name}</text>`);
  });
});

describe('Mermaid', () => {
  it('spells every character that could end a label as an entity code', () => {
    const labels = lineageMermaid(nasty)
      .split('\n')
      .flatMap((l) => /^ {4}\w+\W+"(.*)"\W+:::\w+$/.exec(l)?.slice(1) ?? []);
    expect(labels).toHaveLength(NASTY.length);
    for (const [i, label] of labels.entries()) {
      expect(label.replace(/<br>/g, '')).not.toMatch(/["[\]{}|<>`\n]/);
      expect(mermaidDecode(label.split('<br>')[0]!)).toBe(NASTY[i]);
    }
    expect(mermaidText('a "b" #1')).toBe('a #34;b#34; #35;1');
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 30 })])('mermaidText keeps only safe characters and decodes back', (s) => {
    const out = mermaidText(s);
    expect(out).toMatch(/^[A-Za-z0-9 _.,:/+=*()#;-]*$/);
    expect(mermaidDecode(out)).toBe(s);
  });

  const PREFIXES = [
    'source.tables.',
    'raw_vault.hubs.',
    'raw_vault.links.',
    'raw_vault.satellites.',
    'raw_vault.link_satellites.',
    'business_vault.hubs.',
    'business_vault.links.',
    'business_vault.satellites.',
    'business_vault.link_satellites.',
    'access_layer.presentation_views.',
    'access_layer.dimensional_models.',
    'access_layer.reporting_views.',
  ];
  const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
  const id = fc.tuple(fc.constantFrom(...PREFIXES), identifier).map(([p, n]) => `${p}${n}`);

  test.prop([id, id])('mermaidId: distinct node ids (identifier names, VLT207) give distinct Mermaid ids', (a, b) => {
    expect(mermaidId(a) === mermaidId(b)).toBe(a === b);
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 20 })])('mermaidId gives a plain id for any text', (s) => {
    expect(mermaidId(`raw_vault.hubs.${s}`)).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it('keeps every layer-and-kind prefix apart, so entity ids never collide', () => {
    const prefixes = PREFIXES.map(mermaidId);
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(a.startsWith(b)).toBe(false);
  });
});

describe('Markdown', () => {
  it('escapes markup in prose and keeps identifiers readable', () => {
    expect(mdText('a *b* | c')).toBe('a \\*b\\* \\| c');
    expect(mdText('business_partner_id')).toBe('business_partner_id');
    expect(mdText('_x_ <script>')).toBe('\\_x\\_ \\<script\\>');
    expect(mdText('# not a heading\nsecond line')).toBe('\\# not a heading second line');
    expect(mdText('- not a list')).toBe('\\- not a list');
  });

  it('fences code spans past the backticks they hold and escapes pipes for tables', () => {
    expect(mdCode('a || b')).toBe('`a \\|\\| b`');
    expect(mdCode('x `y` z')).toBe('``x `y` z``');
    expect(mdCode('`edge`')).toBe('`` `edge` ``');
  });
});
