/**
 * Each package's entry point exports its documented API and nothing else (README "Use it as a
 * library", docs/sql.md, docs/run.md, docs/docs-and-graph.md, docs/profile.md, docs/suggest.md);
 * everything the packages share among themselves is behind `@vault/<package>/internal`. A name
 * added to an index fails here until it is documented and listed.
 */
import { describe, expect, it } from 'vitest';

const PUBLIC: Record<string, ReadonlyArray<string>> = {
  '@vault/core': [
    'CODES',
    'HASHING_DEFAULTS',
    'METADATA_COLUMNS',
    'RULES',
    'SCHEMA_DEFAULTS',
    'compile',
    'compileSpec',
    'formatDiagnostic',
    'hasErrors',
    'parseExpression',
    'printExpression',
    'sortDiagnostics',
    'validateConformance',
    'validatePipelineFlow',
    'validateSpec',
  ],
  '@vault/dsl': ['SPEC_SCHEMA', 'analyzeSpec', 'loadSpec', 'loadSpecFile', 'parseSpecCompact', 'parseSpecYaml', 'printSourceTables', 'validateSpecShape'],
  '@vault/emitters': [
    'DEFAULT_PROFILE',
    'DELTA_ORDER_COLUMN',
    'PROFILE_SCHEMA',
    'bindParameters',
    'buildManifest',
    'checkProfile',
    'columnLineage',
    'emitDocs',
    'emitQueryDsl',
    'emitSql',
    'findLineageNode',
    'inlineParameters',
    'landingTables',
    'lineageDot',
    'lineageGraph',
    'lineageJson',
    'lineageMermaid',
    'manifestJson',
    'mergeProfile',
    'quoteIdent',
    'quoteLiteral',
    'rawVaultErDot',
    'rawVaultErMermaid',
    'renderDrawings',
    'renderSvg',
    'seedInserts',
    'seedRows',
    'selectLineage',
    'sparkDialect',
    'sqlManifestBlock',
    'sqlPlan',
    'validateQueryDsl',
    'validateSql',
  ],
  '@vault/llm-assist': [
    'BUILTIN_EXAMPLES_DIR',
    'DEFAULT_CACHE_DIR',
    'DEFAULT_GROQ_BASE_URL',
    'DEFAULT_MODELS',
    'DEFAULT_OLLAMA_HOST',
    'DEFAULT_RETRY_POLICY',
    'DEFAULT_TIMEOUT_MS',
    'LlmFailure',
    'NO_CACHE',
    'fileCache',
    'groqProvider',
    'loadExamples',
    'ollamaProvider',
    'suggest',
    'unifiedDiff',
  ],
  '@vault/cli': [
    'analyzeSpec',
    'buildManifest',
    'compile',
    'compileSpec',
    'emitDocs',
    'emitQueryDsl',
    'formatDiagnostic',
    'lineageGraph',
    'loadSpec',
    'main',
    'manifestJson',
    'parseSpecCompact',
    'parseSpecYaml',
    'renderDrawings',
    'selectLineage',
  ],
};

const load: Record<string, () => Promise<Record<string, unknown>>> = {
  '@vault/core': () => import('@vault/core'),
  '@vault/dsl': () => import('@vault/dsl'),
  '@vault/emitters': () => import('@vault/emitters'),
  '@vault/llm-assist': () => import('@vault/llm-assist'),
  '@vault/cli': () => import('@vault/cli'),
};

const internal: Record<string, () => Promise<Record<string, unknown>>> = {
  '@vault/core': () => import('@vault/core/internal'),
  '@vault/dsl': () => import('@vault/dsl/internal'),
  '@vault/emitters': () => import('@vault/emitters/internal'),
  '@vault/llm-assist': () => import('@vault/llm-assist/internal'),
};

describe('public package surfaces', () => {
  for (const [name, names] of Object.entries(PUBLIC)) {
    it(`${name} exports exactly its documented values`, async () => {
      expect(Object.keys(await load[name]!()).sort()).toEqual([...names].sort());
    });
  }

  for (const [name, get] of Object.entries(internal)) {
    it(`${name}/internal still has everything the public entry has, and more`, async () => {
      const all = Object.keys(await get());
      expect(all).toEqual(expect.arrayContaining([...PUBLIC[name]!]));
      expect(all.length).toBeGreaterThan(PUBLIC[name]!.length);
    });
  }
});
