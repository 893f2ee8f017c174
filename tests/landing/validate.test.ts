import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeServer } from '../run/fake-server.js';
import { ON, SERVER_URL } from '../run/workspace.js';
import { bankSchemaSql } from './bank-schema.js';
import { landingFixture, type LandingFixture } from './fixture.js';

const PASSWORD = 'pw-never-printed';

/** Every `file:line:col` finding in the check tables: `CODE (line:col)` strings. */
const findings = (stdout: string): string[] => [...stdout.matchAll(/(VLT6\d\d) .*?\(spec\.yaml:(\d+):(\d+)\)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);

describe(`vault validate on ${ON}`, () => {
  let f: LandingFixture;
  let good: string;
  beforeAll(async () => {
    f = await landingFixture('val');
    await f.exec([
      ...bankSchemaSql(f.schema),
      `CREATE TABLE "${f.schema}".agent (agent_id int PRIMARY KEY, agent_name text)`,
      `CREATE TABLE "${f.schema}".customer_note (note_id int PRIMARY KEY, author_id int REFERENCES "${f.schema}".customer (customer_id), note text)`,
      `CREATE TABLE "${f.schema}".feed (feed_key int, payload text)`,
      `INSERT INTO "${f.schema}".feed VALUES (1, 'a'), (1, 'b'), (2, 'c'), (NULL, 'd')`,
      // jaffle_shop's raw tables: no keys, no NOT NULL, no foreign keys; raw_payments.order_id
      // refers to raw_orders by its name only.
      `CREATE TABLE "${f.schema}".raw_orders (id int, user_id int, order_date date, status text)`,
      `CREATE TABLE "${f.schema}".raw_payments (id int, order_id int, payment_method text, amount int)`,
      `CREATE VIEW "${f.schema}".slow AS SELECT 1 AS slow_id, 'n'::text AS note FROM (SELECT pg_sleep(3)) AS s`,
    ]);
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'account*,branch,customer,transfer', '-o', 'good.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
    good = readFileSync(join(f.dir, 'good.yaml'), 'utf8');
  });
  afterAll(async () => {
    await f.cleanup();
  });

  /** The good spec with `edit` applied, written to spec.yaml. */
  const spec = (edit: (doc: ReturnType<typeof parseDocument>) => void): string => {
    const doc = parseDocument(good);
    edit(doc);
    writeFileSync(join(f.dir, 'spec.yaml'), doc.toString());
    return 'spec.yaml';
  };

  it('a spec written by init validates: every check passes, the one lossy type is a warning, exit 0', async () => {
    const r = await f.vault(['validate', 'good.yaml', ...f.dbArgs]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const check of ['connectivity', 'existence', 'structure', 'permissions', 'access']) expect(r.stdout).toMatch(new RegExp(`^${check}$`, 'm'));
    expect(r.stdout).toMatch(/^ {2}✓ account_holder +3 of 3 columns \(table\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ transfer +SELECT … LIMIT 1 in \d+ ms$/m);
    expect(r.stdout).toMatch(/^ {2}! customer +VLT605 column customer\.tags is text in the spec but text\[\] in the database/m);
    expect(r.stdout).toMatch(/5 source tables: 0 errors, 1 warning$/m);
  });

  it('a missing table, a missing column, a wrong type: errors at the spec line, with did-you-mean', async () => {
    const file = spec((doc) => {
      doc.setIn(['tables', 'transfers_archive'], doc.createNode({ business_key: ['archive_id'], columns: { archive_id: 'int', archived_on: 'date' } }));
      doc.deleteIn(['tables', 'branch', 'columns', 'region']);
      doc.setIn(['tables', 'branch', 'columns', 'regoin'], 'text');
      doc.setIn(['tables', 'branch', 'columns', 'branch_name'], 'int');
      doc.setIn(['tables', 'transfer', 'columns', 'transfer_id'], doc.createNode({ type: 'int', nullable: false }));
    });
    const text = readFileSync(join(f.dir, file), 'utf8');
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const r = await f.vault(['validate', file, ...f.dbArgs]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`VLT602 source table 'transfers_archive' not found in schema '${f.schema}' (did you mean 'transfer'?)`);
    expect(r.stdout).toContain(`VLT603 column 'regoin' not found in ${f.schema}.branch (did you mean 'region'?)`);
    expect(r.stdout).toContain('VLT604 column branch.branch_name is int in the spec but text in the database');
    expect(r.stdout).toContain('VLT605 column transfer.transfer_id is int in the spec but bigint in the database: values are cast on load');
    expect(findings(r.stdout)).toEqual(expect.arrayContaining([`VLT602 ${lineOf('transfers_archive:')}:3`, `VLT603 ${lineOf('regoin:')}:7`, `VLT604 ${lineOf('branch_name: int')}:20`]));
    // Checks that need the table are skipped for it, not reported as passing.
    expect(r.stdout).toMatch(/^ {2}- transfers_archive +skipped: the table does not exist$/m);
  });

  it('a reference that disagrees with the foreign key in the database is a warning', async () => {
    const file = spec((doc) => {
      doc.setIn(['tables', 'agent'], doc.createNode({ primary_key: ['agent_id'], columns: { agent_id: { type: 'int', nullable: false }, agent_name: 'text' } }));
      doc.setIn(
        ['tables', 'customer_note'],
        doc.createNode({ primary_key: ['note_id'], columns: { note_id: { type: 'int', nullable: false }, author_id: 'int', note: 'text' }, references: [{ columns: ['author_id'], table: 'agent' }] }),
      );
    });
    const r = await f.vault(['validate', file, ...f.dbArgs]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`VLT608 reference (author_id) → agent(agent_id) disagrees with foreign key customer_note_author_id_fkey, which references ${f.schema}.customer(customer_id)`);
  });

  it('VLT606 flags own keys and implied-hub columns, not a reference inferred by name (jaffle_shop)', async () => {
    writeFileSync(
      join(f.dir, 'jaffle.yaml'),
      [
        'version: 1',
        `model: ${f.model}`,
        'schemas:',
        `  landing: ${f.schema}`,
        'tables:',
        '  raw_orders:',
        '    columns: { id: int, user_id: int, order_date: date, status: text }',
        '  raw_payments:',
        '    columns: { id: int, order_id: int, payment_method: text, amount: int }',
        '',
      ].join('\n'),
    );
    const r = await f.vault(['validate', 'jaffle.yaml', '--json', ...f.dbArgs]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; message: string }> };
    const flagged = out.diagnostics.filter((d) => d.code === 'VLT606').map((d) => /column (\S+) has no NOT NULL/.exec(d.message)?.[1]);
    // user_id implies a hub of its own (no table owns 'user'); order_id is a reference to raw_orders.
    expect(flagged).toEqual(['raw_orders.id', 'raw_orders.user_id', 'raw_payments.id']);
  });

  // PGlite runs queries on one thread and never fires statement_timeout: a server-only feature.
  it.runIf(SERVER_URL !== undefined)('a table that does not answer within --timeout-ms is reported, the others are still read', async () => {
    const file = spec((doc) => {
      doc.setIn(['tables', 'slow'], doc.createNode({ business_key: ['slow_id'], columns: { slow_id: 'int', note: 'text' } }));
    });
    const r = await f.vault(['validate', file, '--timeout-ms', '300', ...f.dbArgs]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`VLT611 reading ${f.schema}.slow failed: no row within the statement timeout of 300 ms (--timeout-ms to wait longer)`);
    expect(r.stdout).toMatch(/^ {2}✓ transfer +SELECT … LIMIT 1 in \d+ ms$/m);
  });

  it('--profile samples business keys: repeated and NULL keys are warnings', async () => {
    const file = spec((doc) => {
      doc.setIn(['tables', 'feed'], doc.createNode({ business_key: ['feed_key'], columns: { feed_key: 'int', payload: 'text' } }));
    });
    const r = await f.vault(['validate', file, '--profile', ...f.dbArgs]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('VLT612 business key (feed_key) of feed is not unique: 1 key value repeats in 4 sampled rows, e.g. (1) ×2; is the business key right?');
    expect(r.stdout).toContain('VLT613 business key (feed_key) of feed is NULL in 1 of 4 sampled rows (25.0%): those rows get no hub entry');
    expect(r.stdout).toMatch(/^ {2}✓ account +0 rows sampled: key \(country_code, account_number\) unique, business key never NULL$/m);
  });

  it('--json gives the checks per table and the diagnostics for tools', async () => {
    const file = spec((doc) => {
      doc.setIn(['tables', 'branch', 'columns', 'branch_name'], 'int');
    });
    const r = await f.vault(['validate', file, '--json', ...f.dbArgs]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      status: string;
      schema: string;
      connectivity: { status: string };
      checks: Record<string, Array<{ subject: string; status: string }>>;
      diagnostics: Array<{ code: string; line: number }>;
    };
    expect(out.ok).toBe(false);
    expect(out.status).toBe('failed');
    expect(out.schema).toBe(f.schema);
    expect(out.connectivity.status).toBe('ok');
    expect(Object.keys(out.checks)).toEqual(['existence', 'structure', 'permissions', 'access']);
    expect(out.checks['structure']?.find((row) => row.subject === 'branch')?.status).toBe('error');
    expect(out.checks['access']?.find((row) => row.subject === 'account')?.status).toBe('ok');
    expect(out.diagnostics.map((d) => d.code)).toEqual(['VLT604', 'VLT605']);
  });

  it('vault compile --validate-db stops on errors and writes nothing; passing, it fills source_validation', async () => {
    const bad = spec((doc) => {
      doc.setIn(['tables', 'branch', 'columns', 'branch_name'], 'int');
    });
    const validateDb = SERVER_URL !== undefined ? [`--validate-db=${SERVER_URL}`] : ['--validate-db'];
    const stopped = await f.vault(['compile', bad, '--out', 'out', ...validateDb]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/spec\.yaml:\d+:\d+: error VLT604: /);
    expect(stopped.stderr).toContain('compile stopped at source validation; nothing was written');
    expect(existsSync(join(f.dir, 'out'))).toBe(false);
    const stoppedJson = await f.vault(['compile', bad, '--out', 'out', '--json', ...validateDb]);
    expect(stoppedJson.code).toBe(1);
    expect(JSON.parse(stoppedJson.stdout)).toMatchObject({
      status: 'failed',
      error: 'spec.yaml: compile stopped at source validation; nothing was written',
      source_validation: { status: 'failed', schema: f.schema, errors: 1 },
      diagnostics: expect.arrayContaining([expect.objectContaining({ code: 'VLT604', file: 'spec.yaml' })]),
    });
    expect(existsSync(join(f.dir, 'out'))).toBe(false);
    const passed = await f.vault(['compile', 'good.yaml', '--out', 'out', '--json', ...validateDb]);
    expect(passed.code, passed.stderr).toBe(0);
    const result = JSON.parse(passed.stdout) as { source_validation: Record<string, unknown>; metadata: { pipeline_stages_completed: string[] } };
    expect(result.source_validation).toMatchObject({ status: 'passed', schema: f.schema, tables: 5, warnings: 1 });
    expect(result.metadata.pipeline_stages_completed[0]).toBe('source_validation');
  });
});

describe.runIf(SERVER_URL !== undefined)('vault validate: privileges of the connecting role (real server)', () => {
  let f: LandingFixture;
  const roleUrl = (role: string): string => {
    const u = new URL(SERVER_URL!);
    u.username = role;
    u.password = '';
    return u.toString();
  };
  let noSelect: string;
  let noUsage: string;
  beforeAll(async () => {
    f = await landingFixture('priv');
    noSelect = `${f.model}_nosel`;
    noUsage = `${f.model}_nouse`;
    await f.exec([
      ...bankSchemaSql(f.schema),
      `CREATE ROLE ${noSelect} LOGIN`,
      `GRANT USAGE ON SCHEMA "${f.schema}" TO ${noSelect}`,
      `CREATE ROLE ${noUsage} LOGIN`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA "${f.schema}" TO ${noUsage}`,
    ]);
    const init = await f.vault(['init', '--schema', f.schema, '--model', f.model, '-o', 'spec.yaml', ...f.dbArgs]);
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(async () => {
    await f.exec([`DROP OWNED BY ${noSelect}, ${noUsage}`, `DROP SCHEMA IF EXISTS "${f.schema}" CASCADE`, `DROP ROLE IF EXISTS ${noSelect}`, `DROP ROLE IF EXISTS ${noUsage}`]).catch(() => undefined);
    await f.cleanup();
  });

  it('a role without SELECT: every table is reported with the GRANT that fixes it', async () => {
    const r = await f.vault(['validate', 'spec.yaml', '--db', roleUrl(noSelect)]);
    expect(r.code).toBe(1);
    for (const t of ['account', 'account_holder', 'branch', 'customer', 'transfer']) {
      expect(r.stdout).toContain(`VLT610 role '${noSelect}' has no SELECT privilege on ${f.schema}.${t} (GRANT SELECT ON ${f.schema}.${t} TO ${noSelect})`);
    }
    expect(r.stdout).toMatch(/^ {2}- account +skipped: an earlier check failed$/m);
  });

  it('the GRANT a message carries quotes a mixed-case name, so it grants that table and not its lower-case namesake', async () => {
    await f.exec([`CREATE TABLE "${f.schema}"."Ledger" ("EntryId" int PRIMARY KEY, amount numeric(12, 2))`]);
    const spec = [
      'version: 1',
      `model: ${f.model}`,
      `schemas: {landing: ${f.schema}}`,
      'tables:',
      '  Ledger:',
      '    primary_key: [EntryId]',
      '    columns: {EntryId: {type: int, nullable: false}, amount: "decimal(12,2)"}',
      '',
    ];
    writeFileSync(join(f.dir, 'ledger.yaml'), spec.join('\n'));
    const r = await f.vault(['validate', 'ledger.yaml', '--db', roleUrl(noSelect)]);
    expect(r.code).toBe(1);
    const grant = `GRANT SELECT ON ${f.schema}."Ledger" TO ${noSelect}`;
    expect(r.stdout).toContain(`VLT610 role '${noSelect}' has no SELECT privilege on ${f.schema}.Ledger (${grant})`);
    // The GRANT as printed is the fix.
    await f.exec([grant]);
    const fixed = await f.vault(['validate', 'ledger.yaml', '--db', roleUrl(noSelect)]);
    expect(fixed.code, fixed.stdout).toBe(0);
  });

  it('init as a role that may not read the tables says so where each table is written', async () => {
    const noRead = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'account,branch', '--db', roleUrl(noSelect)]);
    expect(noRead.code, noRead.stderr).toBe(0);
    expect(noRead.stdout).toContain(`  # role ${noSelect} may not read this table (vault validate: VLT610)\n  account:\n`);
    expect(noRead.stdout).toContain(`  # role ${noSelect} may not read this table (vault validate: VLT610)\n  branch:\n`);
    const noSchema = await f.vault(['init', '--schema', f.schema, '--model', f.model, '--tables', 'account', '--db', roleUrl(noUsage)]);
    expect(noSchema.code, noSchema.stderr).toBe(0);
    expect(noSchema.stdout).toContain(`# Role ${noUsage} has no USAGE on schema ${f.schema}: it may not read these tables (vault validate: VLT609).\n`);
    expect(noSchema.stdout).not.toContain('VLT610');
  });

  it('a role without USAGE on the schema: one error for the schema, the tables are not read', async () => {
    const r = await f.vault(['validate', 'spec.yaml', '--db', roleUrl(noUsage)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`VLT609 role '${noUsage}' has no USAGE privilege on schema '${f.schema}' (GRANT USAGE ON SCHEMA ${f.schema} TO ${noUsage})`);
    expect(r.stdout).not.toContain('VLT610');
    expect(r.stdout).not.toContain('LIMIT 1 in');
  });

  it('a database that does not exist: one line, exit 1', async () => {
    const u = new URL(SERVER_URL!);
    u.pathname = `/${f.model}_missing_db`;
    const r = await f.vault(['validate', 'spec.yaml', '--db', u.toString()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^vault: cannot connect to .*: database '${f.model}_missing_db' does not exist on `));
  });
});

describe('vault validate: connection failures are one line without the password', () => {
  let f: LandingFixture;
  beforeAll(async () => {
    f = await landingFixture('conn');
    writeFileSync(join(f.dir, 'spec.yaml'), readFileSync(join(import.meta.dirname, '../../specs/ews.yaml'), 'utf8'));
  });
  afterAll(async () => {
    await f.cleanup();
  });

  const oneLine = (r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void => {
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => !/: warning VLT\d{3}: /.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  };

  it('a wrong password (a stand-in server answers 28P01)', async () => {
    const server = await fakeServer({ code: '28P01', message: 'password authentication failed for user "app"' });
    try {
      oneLine(
        await f.vault(['validate', 'spec.yaml', '--db', `postgres://app:${PASSWORD}@127.0.0.1:${server.port}/test`]),
        /^vault: cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/test: password authentication failed for user 'app'$/,
      );
    } finally {
      await server.close();
    }
  });

  it('a closed port, a server that never answers, and a server that requires TLS', async () => {
    oneLine(await f.vault(['validate', 'spec.yaml', '--db', `postgres://app:${PASSWORD}@127.0.0.1:1/test`]), /connection refused by 127\.0\.0\.1:1 \(is PostgreSQL running there\?\)/);
    const silent = await fakeServer('silent');
    const tls = await fakeServer({ code: '28000', message: 'no pg_hba.conf entry for host "127.0.0.1", user "app", database "test", no encryption' });
    try {
      oneLine(await f.vault(['validate', 'spec.yaml', '--db', `postgres://app:${PASSWORD}@127.0.0.1:${silent.port}/test?connect_timeout=1`]), /timed out after 1 s connecting to 127\.0\.0\.1:\d+/);
      oneLine(await f.vault(['validate', 'spec.yaml', '--db', `postgres://app:${PASSWORD}@127.0.0.1:${tls.port}/test`]), /the server requires an encrypted connection: add sslmode=require to the URL/);
    } finally {
      await silent.close();
      await tls.close();
    }
  });

  it('--json: a connection failure and a spec with errors are one document on standard output each', async () => {
    const r = await f.vault(['validate', 'spec.yaml', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'failed',
      error: 'no embedded database for model ews in .vault/ews/pgdata (vault seed creates one); pass --db URL to validate a server',
      ok: false,
      connectivity: { status: 'error' },
      diagnostics: [{ code: 'VLT402' }, { code: 'VLT402' }],
    });
    writeFileSync(join(f.dir, 'bad.yaml'), 'version: 1\nmodel: bad\ntables:\n  orders:\n    colums: {}\n');
    const bad = await f.vault(['validate', 'bad.yaml', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('');
    expect(JSON.parse(bad.stdout)).toMatchObject({
      status: 'failed',
      error: 'bad.yaml: validate stopped; fix the spec first',
      diagnostics: [
        { code: 'VLT103', line: 4, col: 3 },
        { code: 'VLT101', line: 5, col: 5 },
      ],
    });
  });

  it('without --db and without an embedded database: says how to get one', async () => {
    const r = await f.vault(['validate', 'spec.yaml']);
    oneLine(r, /^vault: no embedded database for model ews in \.vault\/ews\/pgdata \(vault seed creates one\); pass --db URL to validate a server$/);
    expect(existsSync(join(f.dir, '.vault'))).toBe(false);
  });

  it('compile --validate-db without a URL and without an embedded database: names its own option, compile has no --db', async () => {
    const r = await f.vault(['compile', 'spec.yaml', '--validate-db', '--out', 'out']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('vault: no embedded database for model ews in .vault/ews/pgdata (vault seed creates one); pass --validate-db=URL to validate a server\n');
    expect(r.stderr).not.toContain('--db URL');
    expect(existsSync(join(f.dir, '.vault'))).toBe(false);
  });

  it('compile --validate-db --json of a database it cannot reach: the reason, and no counts of checks that did not run', async () => {
    const r = await f.vault(['compile', 'spec.yaml', '--out', 'out', '--json', '--validate-db=postgres://postgres@127.0.0.1:1/test']);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as { status: string; source_validation: Record<string, unknown> };
    expect(result.status).toBe('failed');
    expect(Object.keys(result.source_validation)).toEqual(['status', 'database', 'schema', 'error']);
    expect(result.source_validation).toMatchObject({ status: 'failed', database: 'postgres://postgres@127.0.0.1:1/test', error: expect.stringMatching(/127\.0\.0\.1:1/) });
    expect(existsSync(join(f.dir, 'out'))).toBe(false);
  });
});
