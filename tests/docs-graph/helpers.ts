import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultModel } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';

export const EXAMPLE_SPECS = ['specs/ews.yaml', 'specs/lgd.yaml'] as const;

/** The model of a spec file that compiles (a test fixture; throws otherwise). */
export function modelOf(specPath: string): VaultModel {
  const a = analyzeSpec(loadSpecFile(specPath));
  if (a.model === undefined) throw new Error(`${specPath} does not compile: ${a.diagnostics.map((d) => d.message).join('; ')}`);
  return a.model;
}

export const hasPython = spawnSync('python3', ['--version']).status === 0;

const XML_CHECK = `
import sys, xml.etree.ElementTree as E
for p in sys.argv[1:]:
    E.parse(p)
print(len(sys.argv) - 1)
`;

/** Parses every text with Python's XML parser (one process); throws on the first that is not well-formed XML. */
export function expectWellFormedXml(texts: ReadonlyArray<string>): void {
  const dir = mkdtempSync(join(tmpdir(), 'vault-svg-'));
  const paths = texts.map((t, i) => {
    const p = join(dir, `${i}.svg`);
    writeFileSync(p, t);
    return p;
  });
  const parsed = execFileSync('python3', ['-B', '-c', XML_CHECK, ...paths], { encoding: 'utf8' });
  if (Number(parsed.trim()) !== texts.length) throw new Error(`python3 parsed ${parsed.trim()} of ${texts.length} files`);
}

/** Text with the XML entities an SVG writer uses turned back into characters. */
export function xmlText(svg: string): string {
  return svg
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
