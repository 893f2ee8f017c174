import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { buildManifest, emitQueryDsl, manifestJson, type EmittedFile, type Manifest } from '@vault/emitters';

/** What `vault compile SPEC` writes to OUT/MODEL, computed in-process (the CLI adds `.vault-files`). */
export function compileFiles(specPath: string): { readonly model: string; readonly files: EmittedFile[]; readonly manifest: Manifest } {
  const a = analyzeSpec(loadSpecFile(specPath));
  if (a.model === undefined) throw new Error(`${specPath} does not compile: ${a.diagnostics.map((d) => d.message).join('; ')}`);
  const emitted = emitQueryDsl(a.model, { specPath });
  const manifest = buildManifest(a.model, { specPath, files: emitted.map((f) => f.path) });
  return { model: a.model.name, files: [...emitted, { path: 'manifest.json', content: manifestJson(manifest) }], manifest };
}
