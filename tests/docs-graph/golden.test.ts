/**
 * Golden documentation for every example spec: README.md and the DOT sources, byte for byte
 * (tests/golden/docs/MODEL/). The SVG drawings depend on the Graphviz build and are checked
 * for content in svg.test.ts instead. After an intended change:
 * `npx vitest run tests/docs-graph/golden.test.ts -u`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { emitDocs, lineageDot, lineageGraph, lineageMermaid } from '@vault/emitters';
import { modelOf } from './helpers.js';

const SPECS = readdirSync(fileURLToPath(new URL('../../specs', import.meta.url)))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const GOLDEN = fileURLToPath(new URL('../golden/docs', import.meta.url));

describe.each(SPECS)('docs of specs/%s', (name) => {
  const specPath = `specs/${name}`;
  const model = modelOf(specPath);
  const { files } = emitDocs(model, { specPath });

  it('match the committed golden Markdown and DOT byte for byte', async () => {
    expect(files.map((f) => f.path)).toEqual(['README.md', 'lineage.dot', 'raw_vault_er.dot']);
    for (const f of files) await expect(f.content).toMatchFileSnapshot(join(GOLDEN, model.name, f.path));
  });

  it('has no stale golden files', () => {
    expect(readdirSync(join(GOLDEN, model.name)).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('embeds the lineage flowchart `vault graph` prints, and lineage.dot is `vault graph --format dot`', () => {
    const graph = lineageGraph(model);
    expect(files.find((f) => f.path === 'README.md')!.content).toContain(`\`\`\`mermaid\n${lineageMermaid(graph)}\`\`\`\n`);
    expect(files.find((f) => f.path === 'lineage.dot')!.content).toBe(lineageDot(graph));
  });

  it('puts every file under dir when asked (compile --target docs)', () => {
    const inCompile = emitDocs(model, { specPath, dir: 'docs/' });
    expect(inCompile.files).toEqual(files.map((f) => ({ ...f, path: `docs/${f.path}` })));
    expect(inCompile.drawings.map((d) => d.path)).toEqual(['docs/lineage.svg', 'docs/raw_vault_er.svg']);
  });
});

describe('docs of a stage-limited compile', () => {
  it('document the layers built and say which were not', () => {
    const model = analyzeSpec(loadSpecFile('specs/lgd.yaml'), { stage: 'raw' }).model!;
    const readme = emitDocs(model, { specPath: 'specs/lgd.yaml' }).files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('- Layers built: raw vault\n');
    expect(readme).toContain('## Business vault\n\nNot built: the model was compiled up to an earlier stage.\n');
    expect(readme).toContain('## Access layer\n\nNot built: the model was compiled up to an earlier stage.\n');
    expect(lineageGraph(model).nodes.every((n) => n.layer === 'source' || n.layer === 'raw_vault')).toBe(true);
  });
});
