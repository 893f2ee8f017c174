/**
 * A spec that grows after the vault exists: setup adds the raw vault columns the spec added
 * (keeping every stored row), the loads pick them up, and views whose columns changed are
 * replaced only when asked (--replace-views), with a message that says so otherwise. A column
 * the spec widens is widened in place, its stored rows and hashdiffs kept; one it narrows or
 * converts stops setup, naming the column and both types, and nothing changes. So does a spec
 * whose hashing differs from the one the vault recorded at its first setup, or whose business key
 * of a hub is made of other columns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON, count, createWorkspace, insertedCounts, table, type Query, type Workspace } from './workspace.js';

const IGNORED = '      analyst_comment: { type: text, role: ignore }';
const PAYLOAD = '      analyst_comment: text';

describe(`a spec change on an existing vault on ${ON}`, () => {
  let ws: Workspace;
  let before = 0;
  const sat = (): string => table(ws.model, 'rawVault', 'sat_early_warning_signal');
  const satTypes = (): Promise<Record<string, string>> =>
    ws.session(async (q) =>
      Object.fromEntries(
        (await q(`SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND NOT attisdropped`, [sat()])).map((r) => [
          String(r['attname']),
          String(r['t']),
        ]),
      ),
    );
  const satColumns = (): Promise<string[]> =>
    ws.session(async (q) =>
      (await q(`SELECT attname FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [sat()])).map((r) => String(r['attname'])),
    );
  const setSpec = (from: string, to: string): void => {
    const path = join(ws.dir, ws.spec);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };

  beforeAll(async () => {
    ws = createWorkspace('specs/ews.yaml', 'evolve');
    // The first version of the spec leaves analyst_comment out of the satellite.
    setSpec(PAYLOAD, IGNORED);
    expect(ws.vault(['seed', ws.spec, '--rows', '40']).code).toBe(0);
    const first = ws.vault(['run', ws.spec, '--load-ts', '2024-07-01']);
    expect(first.code, first.stderr).toBe(0);
    expect(await satColumns()).not.toContain('analyst_comment');
    before = await ws.session((q) => count(q, `SELECT count(*) FROM ${sat()}`));
    expect(before).toBeGreaterThan(1);
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  it('a payload column added to the spec is added to the satellite; stored rows stay, each key gets its new state', async () => {
    setSpec(IGNORED, PAYLOAD);
    const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-02', '--stage', 'raw']);
    expect(r.code, r.stderr).toBe(0);
    expect((await satColumns()).at(-1)).toBe('analyst_comment');
    const inserted = insertedCounts(r.stdout).get('satellite early_warning_signal') ?? 0;
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE load_ts < '2024-07-02'`)).toBe(before);
      // The hashdiff now covers the comment: one new row per key whose rows have changed state.
      expect(inserted).toBeGreaterThan(0);
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE load_ts >= '2024-07-02'`)).toBe(inserted);
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE analyst_comment IS NOT NULL`)).toBeGreaterThan(0);
    });
  });

  it('views whose columns changed: setup stops naming the view and --replace-views; with it they are created again', async () => {
    const stopped = ws.vault(['run', ws.spec, '--load-ts', '2024-07-03']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(
      /setup failed, nothing was created: the spec changed the columns of view "[^"]+"\."bsat_early_warning_signal", which PostgreSQL cannot change in place \(ERROR 42P16: [^)]*\); run again with --replace-views/,
    );
    expect(stopped.stderr).not.toMatch(/\n\s+at /);

    // Grants on the views, which --replace-views drops: given back once they are made again.
    const view = table(ws.model, 'businessVault', 'bsat_early_warning_signal');
    const presentation = table(ws.model, 'accessLayer', 'pv_business_partner');
    const grants = (q: Query): Promise<string[]> =>
      q(
        `SELECT c.oid::regclass::text || ' ' || g.privilege_type || ' ' || g.grantee AS grant FROM pg_class AS c CROSS JOIN LATERAL aclexplode(c.relacl) AS g WHERE c.oid IN (CAST($1 AS regclass), CAST($2 AS regclass)) AND g.grantee <> c.relowner ORDER BY 1`,
        [view, presentation],
      ).then((rows) => rows.map((r) => String(r['grant'])));
    const granted = await ws.session(async (q) => {
      await q(`GRANT SELECT ON ${view}, ${presentation} TO PUBLIC`);
      await q(`GRANT UPDATE ON ${presentation} TO PUBLIC`);
      return grants(q);
    });
    expect(granted).toHaveLength(3);

    const replaced = ws.vault(['run', ws.spec, '--load-ts', '2024-07-03', '--replace-views']);
    expect(replaced.code, replaced.stderr).toBe(0);
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${view} WHERE analyst_comment IS NOT NULL`)).toBeGreaterThan(0);
      expect(await grants(q)).toEqual(granted);
    });
    // Once replaced, a plain run goes through again.
    expect(ws.vault(['run', ws.spec, '--load-ts', '2024-07-04']).code).toBe(0);
  });

  it('a column the spec widens is widened in place: stored rows keep their hashdiffs, longer values load', async () => {
    const narrow = { signal_type: 'character varying(40)', days_past_due: 'integer', overdraft_utilisation_ratio: 'numeric(9,4)' };
    expect(await satTypes()).toMatchObject(narrow);
    setSpec('signal_type: varchar(40)', 'signal_type: varchar(80)');
    setSpec('days_past_due: int', 'days_past_due: bigint');
    setSpec('overdraft_utilisation_ratio: decimal(9,4)', 'overdraft_utilisation_ratio: decimal(12,4)');
    const rows = await ws.session((q) => count(q, `SELECT count(*) FROM ${sat()}`));
    // The business satellite's view reads the columns: PostgreSQL retypes none a view reads.
    const stopped = ws.vault(['run', ws.spec, '--load-ts', '2024-07-05']);
    expect(stopped.code).toBe(1);
    // Whichever of the three the block reaches first whose column a view reads.
    const pairs = [
      '"signal_type" of "[^"]+"\\."sat_early_warning_signal" from character varying\\(40\\) to character varying\\(80\\)',
      '"days_past_due" of "[^"]+"\\."sat_early_warning_signal" from integer to bigint',
      '"overdraft_utilisation_ratio" of "[^"]+"\\."sat_early_warning_signal" from numeric\\(9,4\\) to numeric\\(12,4\\)',
    ];
    expect(stopped.stderr).toMatch(new RegExp(`setup failed, nothing was created: ERROR 2BP01: the spec widens column (${pairs.join('|')}), and a view reads it \\([^)]+\\): .*--replace-views`));
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    expect(await satTypes()).toMatchObject(narrow);

    const widened = ws.vault(['run', ws.spec, '--load-ts', '2024-07-05', '--replace-views']);
    expect(widened.code, widened.stderr).toBe(0);
    expect(await satTypes()).toMatchObject({ signal_type: 'character varying(80)', days_past_due: 'bigint', overdraft_utilisation_ratio: 'numeric(12,4)' });
    // Same values, same canonical text: no key has a new state.
    expect(insertedCounts(widened.stdout).get('satellite early_warning_signal') ?? 0).toBe(0);
    expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${sat()}`))).toBe(rows);

    // A value only the wider column holds now loads (one landing row changed: one new state).
    const landing = table(ws.model, 'landing', 'early_warning_signal');
    const long = 'X'.repeat(60);
    await ws.session(async (q) => {
      await q(`ALTER TABLE ${landing} ALTER COLUMN signal_type TYPE varchar(80), ALTER COLUMN days_past_due TYPE bigint`);
      await q(`UPDATE ${landing} SET signal_type = '${long}', days_past_due = 3000000000 WHERE ctid = (SELECT ctid FROM ${landing} ORDER BY early_warning_signal_id, updated_at DESC LIMIT 1)`);
    });
    const loaded = ws.vault(['run', ws.spec, '--load-ts', '2024-07-06']);
    expect(loaded.code, loaded.stderr).toBe(0);
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${sat()} WHERE signal_type = '${long}' AND days_past_due = 3000000000`)).toBe(1);
    });
  });

  it('a column the spec narrows or converts stops setup, naming the column and both types; nothing changes', async () => {
    const types = await satTypes();
    for (const [from, to, stored, spelled] of [
      ['signal_type: varchar(80)', 'signal_type: varchar(20)', 'character varying\\(80\\)', 'character varying\\(20\\)'],
      ['overdraft_utilisation_ratio: decimal(12,4)', 'overdraft_utilisation_ratio: text', 'numeric\\(12,4\\)', 'text'],
      ['overdraft_utilisation_ratio: decimal(12,4)', 'overdraft_utilisation_ratio: decimal(12,2)', 'numeric\\(12,4\\)', 'numeric\\(12,2\\)'],
    ] as const) {
      setSpec(from, to);
      const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-07', '--replace-views']);
      expect(r.code, r.stdout).toBe(1);
      const column = to.split(':')[0]!;
      expect(r.stderr).toMatch(
        new RegExp(
          `setup failed, nothing was created: ERROR 42804: column "${column}" of "[^"]+"\\."sat_early_warning_signal" is ${stored}; the spec makes it ${spelled}\\. vault widens a stored column .* but never narrows or converts one`,
        ),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await satTypes()).toEqual(types);
      setSpec(to, from);
    }
    // The views --replace-views dropped in the failed setups are there: setup rolled back whole.
    const view = table(ws.model, 'businessVault', 'bsat_early_warning_signal');
    await ws.session(async (q) => {
      expect(await count(q, `SELECT count(*) FROM ${view}`)).toBeGreaterThan(0);
    });
  });

  it("a spec whose hashing differs from the vault's stops setup before anything changes: the same keys would get other hash keys", async () => {
    const hub = table(ws.model, 'rawVault', 'hub_early_warning_signal');
    const rows = await ws.session((q) => count(q, `SELECT count(*) FROM ${hub}`));
    for (const [from, to] of [
      ['case_sensitive_keys: false', 'case_sensitive_keys: true'],
      ['case_sensitive_hashdiff: true', 'case_sensitive_hashdiff: false'],
      // Longer keys too: the record is checked before any column's type.
      ['algorithm: md5', 'algorithm: sha256'],
    ] as const) {
      setSpec(from, to);
      const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-08']);
      expect(r.code, r.stdout).toBe(1);
      const [name, value] = to.split(': ');
      expect(r.stderr).toMatch(
        new RegExp(
          `setup failed, nothing was created: ERROR P0001: the raw vault in schema "[^"]+" holds hash keys and hashdiffs made with hashing \\(algorithm: md5, case_sensitive_keys: false, case_sensitive_hashdiff: true, delimiter: \\|\\|, null_token: \\^\\^\\); the spec makes them with \\([^)]*${name}: ${value}[^)]*\\), which would give the same business keys other hash keys`,
        ),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${hub}`))).toBe(rows);
      setSpec(to, from);
    }
    // The vault's own hashing goes through.
    const again = ws.vault(['run', ws.spec, '--load-ts', '2024-07-08']);
    expect(again.code, again.stderr).toBe(0);
  });

  it('a business key made of other columns stops setup before anything changes: its hub and links would hold each key twice', async () => {
    const hub = table(ws.model, 'rawVault', 'hub_early_warning_signal');
    const rows = await ws.session((q) => count(q, `SELECT count(*) FROM ${hub}`));
    const columns = async (): Promise<number> => ws.session((q) => count(q, `SELECT count(*) FROM pg_attribute WHERE attrelid = CAST('${hub}' AS regclass) AND attnum > 0 AND NOT attisdropped`));
    const before = await columns();
    // As the workspace's YAML printer spells the flow sequence.
    const key = /business_key: \[ ?early_warning_signal_id ?\]/.exec(readFileSync(join(ws.dir, ws.spec), 'utf8'))?.[0];
    expect(key).toBeDefined();
    const wider = key!.replace('early_warning_signal_id', 'early_warning_signal_id, signal_date');
    setSpec(key!, wider);
    const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-09', '--replace-views']);
    expect(r.code, r.stdout).toBe(1);
    // The hub's key, or a link's that holds it: whichever the check meets first.
    expect(r.stderr).toMatch(
      /setup failed, nothing was created: ERROR P0001: the hash keys of (hub hub_early_warning_signal hash \(early_warning_signal_id\); the spec makes them hash \(early_warning_signal_id, signal_date\)|link [^ ]+ hash \(.*early_warning_signal \(early_warning_signal_id\).*\); the spec makes them hash \(.*early_warning_signal \(early_warning_signal_id, signal_date\).*\)), which would give the same business keys other hash keys/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${hub}`))).toBe(rows);
    // No column was added to the hub for the new key part.
    expect(await columns()).toBe(before);
    setSpec(wider, key!);
    const again = ws.vault(['run', ws.spec, '--load-ts', '2024-07-09']);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe(`a delta order declared on an existing history on ${ON}`, () => {
  const ORDERED = '      updated_at: { type: timestamptz, role: technical }\n    delta_order: updated_at\n';
  const UNORDERED = '      updated_at: { type: timestamptz, role: technical }\n';
  const setSpec = (ws: Workspace, from: string, to: string): void => {
    const path = join(ws.dir, ws.spec);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  const columnsOf = (ws: Workspace, name: string): Promise<string[]> =>
    ws.session(async (q) =>
      (await q(`SELECT attname FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [table(ws.model, 'rawVault', name)])).map((r) =>
        String(r['attname']),
      ),
    );

  it('is refused once the history holds loaded rows: they have no delta order, which sorts last, so they would stay current for ever', async () => {
    const ws = createWorkspace('specs/ews.yaml', 'evolve_delta');
    try {
      // The signals were first loaded without a delta order.
      setSpec(ws, ORDERED, UNORDERED);
      expect(ws.vault(['seed', ws.spec, '--rows', '20']).code).toBe(0);
      const first = ws.vault(['run', ws.spec, '--load-ts', '2024-07-01', '--stage', 'raw']);
      expect(first.code, first.stderr).toBe(0);
      const loaded = await ws.session((q) => count(q, `SELECT count(*) FROM ${table(ws.model, 'rawVault', 'sat_early_warning_signal')}`));

      // Declared now, the rows stored before would sort after every delta-ordered row (NULLS LAST)
      // and stay the business vault's current rows whatever came next: setup refuses, changing nothing.
      setSpec(ws, UNORDERED, ORDERED);
      const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-02', '--stage', 'raw']);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toMatch(
        /vault: setup failed, nothing was created: (satellite early_warning_signal|effectivity satellite early_warning_signal_business_partner): \S+ holds rows loaded before the spec gave it the delta order updated_at; .*never rewrites stored rows/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await columnsOf(ws, 'sat_early_warning_signal')).not.toContain('delta_order');
      expect(await columnsOf(ws, 'eff_early_warning_signal_business_partner')).not.toContain('delta_order');
      expect(await ws.session((q) => count(q, `SELECT count(*) FROM ${table(ws.model, 'rawVault', 'sat_early_warning_signal')}`))).toBe(loaded);
    } finally {
      await ws.cleanup();
    }
  });

  it('is added to a history that holds no loaded row yet (its ghost record aside)', async () => {
    const ws = createWorkspace('specs/ews.yaml', 'evolve_delta_empty');
    try {
      setSpec(ws, ORDERED, UNORDERED);
      // Setup only: the tables hold their ghost records.
      const first = ws.vault(['run', ws.spec, '--load-ts', '2024-07-01', '--stage', 'raw']);
      expect(first.code, first.stderr).toBe(0);
      setSpec(ws, UNORDERED, ORDERED);
      expect(ws.vault(['seed', ws.spec, '--rows', '20']).code).toBe(0);
      const r = ws.vault(['run', ws.spec, '--load-ts', '2024-07-02', '--stage', 'raw']);
      expect(r.code, r.stderr).toBe(0);
      expect(await columnsOf(ws, 'sat_early_warning_signal')).toContain('delta_order');
      expect(await columnsOf(ws, 'eff_early_warning_signal_business_partner')).toContain('delta_order');
      expect(insertedCounts(r.stdout).get('satellite early_warning_signal') ?? 0).toBeGreaterThan(0);
    } finally {
      await ws.cleanup();
    }
  });
});
