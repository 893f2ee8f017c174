import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string) => fileURLToPath(new URL(`./packages/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CLI tests spawn the built bin. Each
    // package's public entry and its `/internal` subpath map to their source files.
    alias: [
      { find: /^@vault\/(core|dsl|emitters|llm-assist|cli)$/, replacement: src('$1/src/index.ts') },
      { find: /^@vault\/(core|dsl|emitters|llm-assist)\/internal$/, replacement: src('$1/src/internal.ts') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Provides the run's directory for the one Spark Thrift server the Spark tests share
    // (tests/spark/server.ts), started on first need; its teardown stops that server.
    // And says what a machine without a PostgreSQL server skips (tests/run/server-global-setup.ts).
    // Then points TMPDIR at one folder for the run, removed when it ends (tests/helpers/tmp-global-setup.ts).
    globalSetup: ['tests/spark/global-setup.ts', 'tests/run/server-global-setup.ts', 'tests/helpers/tmp-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
