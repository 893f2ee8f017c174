/**
 * vitest globalSetup: says once per run, before the tests, what a machine without a PostgreSQL
 * server skips (tests/run/workspace.ts, `SERVER_URL`): the tests that need a real server (locks
 * between sessions, several jobs at once, privileges, TLS). Every other database test runs on
 * the embedded database.
 */
export default function setup(): void {
  if (process.env['VAULT_TEST_DATABASE_URL']) return;
  console.warn(
    'PostgreSQL server tests skipped: VAULT_TEST_DATABASE_URL is not set (for example postgres://postgres@127.0.0.1:5432/test); the other database tests run on the embedded database (PGlite)',
  );
}
