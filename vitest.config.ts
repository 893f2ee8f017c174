import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CLI tests spawn the built bin.
    alias: {
      '@vault/core': pkg('core'),
      '@vault/dsl': pkg('dsl'),
      '@vault/emitters': pkg('emitters'),
      '@vault/llm-assist': pkg('llm-assist'),
      '@vault/cli': pkg('cli'),
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
