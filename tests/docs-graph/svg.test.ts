/**
 * The SVG drawings, rendered locally with WASM Graphviz: well-formed XML that names every
 * entity (and every source table in the lineage), the same bytes when drawn again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allEntities } from '@vault/core/internal';
import { emitDocs, MAX_DRAWN_NODES, renderDrawings, type EmittedFile } from '@vault/emitters/internal';
import { ROOT } from '../helpers/run-vault.js';
import { EXAMPLE_SPECS, expectWellFormedXml, hasPython, modelOf, xmlText } from './helpers.js';

describe.each(EXAMPLE_SPECS)('SVG drawings of %s', (spec) => {
  const model = modelOf(spec);
  const { files, drawings } = emitDocs(model, { specPath: spec });
  let svgs: EmittedFile[] = [];
  const svg = (path: string): string => xmlText(svgs.find((f) => f.path === path)!.content);

  it('are drawn next to their DOT sources', async () => {
    svgs = await renderDrawings(drawings);
    expect(svgs.map((f) => f.path)).toEqual(['lineage.svg', 'raw_vault_er.svg']);
    // Small enough to draw: each drawing is its DOT file.
    expect(drawings.map((d) => d.dot)).toEqual([files[1]!.content, files[2]!.content]);
    for (const f of svgs) expect(f.content).toMatch(/<svg[\s>]/);
  });

  it.skipIf(!hasPython)('are well-formed XML', () => {
    expectWellFormedXml(svgs.map((f) => f.content));
  });

  it('name every entity and source table of the lineage, and every raw vault entity of the ER diagram', () => {
    const lineage = svg('lineage.svg');
    for (const { entity } of allEntities(model)) expect(lineage).toContain(`>${entity.name}</text>`);
    for (const t of model.sources) expect(lineage).toContain(`>${t.name}</text>`);
    const er = svg('raw_vault_er.svg');
    for (const { layer, entity } of allEntities(model)) if (layer === 'raw_vault') expect(er).toContain(`>${entity.name}</text>`);
  });

  it('are the same bytes when drawn again', async () => {
    expect(await renderDrawings(drawings)).toEqual(svgs);
  });
});

describe('a model too large to draw', () => {
  // 260 tables of the benchmark's synthetic spec: over 2,000 lineage nodes, a few hundred raw vault entities.
  it("gets a note instead of the lineage SVG, the whole graph in lineage.dot, and no Mermaid block past Mermaid's size limit", async () => {
    const { syntheticSpecYaml } = (await import(pathToFileURL(join(ROOT, 'scripts/bench/synthetic-spec.mjs')).href)) as { syntheticSpecYaml: (n: number) => string };
    const dir = mkdtempSync(join(tmpdir(), 'vault-big-'));
    writeFileSync(join(dir, 'big.yaml'), syntheticSpecYaml(260));
    const model = modelOf(join(dir, 'big.yaml'));
    const docs = emitDocs(model, { specPath: 'big.yaml' });
    const lineageNodes = docs.files[1]!.content.split('\n').filter((l) => l.startsWith('    "')).length;
    expect(lineageNodes).toBeGreaterThan(MAX_DRAWN_NODES);
    const lineage = docs.drawings.find((d) => d.path === 'lineage.svg')!;
    expect(lineage.dot).toContain(`The lineage of model ${model.name} has ${lineageNodes} nodes: more than ${MAX_DRAWN_NODES} are not drawn here.`);
    const [svg] = await renderDrawings([lineage]);
    expect(xmlText(svg!.content)).toContain('vault graph SPEC --entity NAME');
    const readme = docs.files[0]!.content;
    expect(readme).not.toContain('```mermaid\nflowchart');
    expect(readme).toMatch(/The lineage diagram takes \d+ characters of Mermaid, more than code hosts draw \(50000\)/);
  });
});
