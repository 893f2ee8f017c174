/**
 * Point-in-time tables against a real database (docs/sql.md, "Point-in-time tables"): partners
 * with a satellite whose rows arrive late (a delta order), a multi-active satellite of ratings and
 * a status tracking satellite of CDC deletes, and signals whose partner changes (a link with an
 * effectivity satellite). Batches land through the whole plan, a day or so apart.
 *
 * - A hand-checked scenario: each snapshot is filled by the first load after its cut-off, with
 *   the pointers the vault knew then (ghost pointers where a satellite had no row), and never
 *   changes; a rerun adds nothing.
 * - A property: for random histories and snapshot settings, every PIT row equals a naive
 *   correlated as-of query written here from the definition (docs/sql.md, "As of a snapshot"),
 *   and loading batch by batch equals one load over the final state.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compileSpec, type Pit, type SnapshotsSpec, type Spec, type VaultModel } from '@vault/core';
import { bindParameters, entityTable, landingTables, postgresDialect, quoteIdent, sqlManifestBlock, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { batchTimestamps, emptyVault, snapshotSettings } from './as-of-histories.js';
import { fileDatabase } from './database.js';

const db = fileDatabase();

function spec(snapshots: SnapshotsSpec): Spec {
  return {
    version: 1,
    model: 'pitm',
    tables: {
      partners: {
        business_key: ['partner'],
        columns: { partner: { type: 'text', nullable: false }, name: 'text', day: 'int', op: 'text' },
        delta_order: 'day',
        deletes: { operation: 'op', delete_values: ['D'] },
      },
      ratings: {
        primary_key: ['partner', 'agency'],
        multi_active_key: ['agency'],
        columns: { partner: { type: 'text', nullable: false }, agency: { type: 'text', nullable: false }, grade: 'text' },
        references: [{ columns: ['partner'], table: 'partners' }],
      },
      signals: {
        business_key: ['signal'],
        columns: { signal: { type: 'text', nullable: false }, partner: 'text', day: 'int' },
        delta_order: 'day',
        references: [{ columns: ['partner'], table: 'partners' }],
      },
    },
    // The partner hub has three satellites (a PIT by default); the link only its effectivity satellite.
    business_vault: { pits: ['partner', 'signal_partner'] },
    snapshots,
  };
}

function compiled(snapshots: SnapshotsSpec, prefix: string, { ratings = true }: { readonly ratings?: boolean } = {}): VaultModel {
  const full = spec(snapshots);
  // Without the ratings table: the partner hub before its multi-active satellite was added.
  const { ratings: _ratings, ...others } = full.tables;
  const { model, diagnostics } = compileSpec(ratings ? full : { ...full, tables: others });
  if (model === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { ...model, schemas: { landing: `${prefix}_landing`, rawVault: `${prefix}_raw`, businessVault: `${prefix}_bv`, accessLayer: `${prefix}_al` } };
}

interface PartnerRow {
  readonly partner: string;
  readonly name: string;
  readonly day: number | null;
  readonly op: 'I' | 'U' | 'D';
}
interface RatingRow {
  readonly partner: string;
  readonly agency: string;
  readonly grade: string;
}
interface SignalRow {
  readonly signal: string;
  readonly partner: string | null;
  readonly day: number | null;
}
interface Batch {
  readonly partners: ReadonlyArray<PartnerRow>;
  readonly ratings: ReadonlyArray<RatingRow>;
  readonly signals: ReadonlyArray<SignalRow>;
}
const EMPTY: Batch = { partners: [], ratings: [], signals: [] };

const pitOf = (model: VaultModel, name: string): Pit => model.byKind.pit.find((p) => p.name === name)!;
const table = (model: VaultModel, kind: Parameters<typeof entityTable>[1], name: string): string => tableIdent(entityTable({ model, dialect: postgresDialect }, kind, name));

/** Lands `batch` (each landing table holds only it) and runs every load of the plan at `ts`. */
async function deliver(model: VaultModel, batch: Batch, ts: string): Promise<void> {
  const landing = (source: string): string => landingTables(model).find((t) => t.source === source)!.sql;
  const sources = new Set(landingTables(model).map((t) => t.source));
  if (!sources.has('ratings') && batch.ratings.length > 0) throw new Error('deliver: the model has no ratings table');
  for (const source of ['partners', 'ratings', 'signals'].filter((x) => sources.has(x))) await db.query(`DELETE FROM ${landing(source)}`);
  for (const r of batch.partners) await db.query(`INSERT INTO ${landing('partners')} (partner, name, day, op) VALUES ($1, $2, $3, $4)`, [r.partner, r.name, r.day, r.op]);
  for (const r of batch.ratings) await db.query(`INSERT INTO ${landing('ratings')} (partner, agency, grade) VALUES ($1, $2, $3)`, [r.partner, r.agency, r.grade]);
  for (const r of batch.signals) await db.query(`INSERT INTO ${landing('signals')} (signal, partner, day) VALUES ($1, $2, $3)`, [r.signal, r.partner, r.day]);
  for (const l of sqlPlan(model).loads) for (const st of l.statements) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
}

/** Runs only the PIT loads at `ts`. */
async function loadPits(model: VaultModel, ts: string): Promise<void> {
  for (const l of sqlPlan(model).loads.filter((x) => x.kind === 'pit')) for (const st of l.statements) await db.query(st.sql, bindParameters(st, { load_ts: ts }));
}

const GHOST_EPOCH = -62135596800;

/** Names for hash keys (the business keys: `p1`, `s1>p2`) and load timestamps (the batch's label). */
async function labels(model: VaultModel, batches: ReadonlyMap<number, string>): Promise<{ key: (hk: string) => string; ts: (epoch: number) => string }> {
  const keys = new Map<string, string>();
  for (const r of (await db.query<{ hk: string; k: string }>(`SELECT partner_hk AS hk, partner AS k FROM ${table(model, 'hub', 'partner')}`)).rows) keys.set(r.hk, r.k);
  const links = await db.query<{ hk: string; k: string }>(`SELECT signal_partner_hk AS hk, concat(signal, '>', coalesce(partner, '-')) AS k FROM ${table(model, 'link', 'signal_partner')}`);
  for (const r of links.rows) keys.set(r.hk, r.k);
  return {
    key: (hk) => keys.get(hk) ?? `?${hk}`,
    ts: (epoch) => (epoch === GHOST_EPOCH ? 'ghost' : (batches.get(epoch) ?? `?${epoch}`)),
  };
}

const epoch = (iso: string): number => Date.parse(iso) / 1000;

/** The PIT's rows, `date|key|pointer|...`, a pointer `key@batch` or `ghost` (the zero key and the ghost load_ts). */
async function pitRows(model: VaultModel, name: string, batches: ReadonlyMap<number, string>): Promise<string[]> {
  const pit = pitOf(model, name);
  const block = sqlManifestBlock(pit, model);
  const l = await labels(model, batches);
  const pointers = block.pointers!.flatMap((p) => [quoteIdent(p.hash_key), `extract(epoch FROM ${quoteIdent(p.load_ts)})::float8`]);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT to_char(snapshot_date, 'YYYY-MM-DD') AS d, ${quoteIdent(pit.parentHashKey)} AS k, ${pointers.map((p, i) => `${p} AS p${i}`).join(', ')} FROM ${table(model, 'pit', name)} ORDER BY 1, 2`,
  );
  const zero = '0'.repeat(32);
  // In date and business key order (the hash keys' order says nothing).
  return rows
    .map((r) => {
      const ptrs = block.pointers!.map((_, i) => {
        const hk = r[`p${2 * i}`] as string;
        const ts = l.ts(Number(r[`p${2 * i + 1}`]));
        return hk === zero && ts === 'ghost' ? 'ghost' : `${l.key(hk)}@${ts}`;
      });
      return [r.d as string, l.key(r.k as string), ...ptrs].join('|');
    })
    .sort();
}

async function count(model: VaultModel, name: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table(model, 'pit', name)}`)).rows[0]!.n);
}

/** The rows a PIT load wrote at `ts`, per snapshot date. */
async function filledAt(model: VaultModel, name: string, ts: string): Promise<string[]> {
  const { rows } = await db.query<{ d: string }>(`SELECT DISTINCT to_char(snapshot_date, 'YYYY-MM-DD') AS d FROM ${table(model, 'pit', name)} WHERE load_ts = $1 ORDER BY 1`, [ts]);
  return rows.map((r) => r.d);
}

describe('point-in-time tables', () => {
  it('are loaded after the snapshot control and the satellites they read, from the tables they read, whatever the batch', () => {
    const model = compiled({ start: '2024-01-01' }, 'plan');
    const loads = sqlPlan(model).loads;
    const wave = (kind: string, name: string): number => loads.find((l) => l.kind === kind && l.entity === name)!.wave;
    const partner = loads.find((l) => l.kind === 'pit' && l.entity === 'partner')!;
    expect(partner.wave).toBeGreaterThan(
      Math.max(wave('snapshot_control', 'pitm'), wave('satellite', 'partners'), wave('multi_active_satellite', 'ratings'), wave('status_tracking_satellite', 'partners')),
    );
    expect(partner.sources.map((t) => t.name)).toEqual(['hub_partner', 'sat_partners', 'msat_ratings', 'sts_partners', 'snapshot_control_pitm']);
    expect(partner.datedByLoad).toBe(true);
    const link = loads.find((l) => l.kind === 'pit' && l.entity === 'signal_partner')!;
    expect(link.wave).toBeGreaterThan(Math.max(wave('link', 'signal_partner'), wave('effectivity_satellite', 'signal_partner')));
    // The settings for the load's transaction (no parameters), then the one INSERT: a PIT with effectivity satellites alone has one way.
    const settings = postgresDialect.loadSettings.map((s) => [s, []]);
    expect(link.statements.map((s) => [s.sql.split('\n')[0], s.parameters])).toEqual([...settings, [expect.stringMatching(/^INSERT INTO /), ['load_ts']]]);
    // With satellites to point into by key: every snapshot to fill but the last, then the last, so the last is written in one go.
    expect(partner.statements.map((s) => [s.sql.split('\n')[0], s.parameters])).toEqual([
      ...settings,
      [expect.stringMatching(/^INSERT INTO /), ['load_ts']],
      [expect.stringMatching(/^INSERT INTO /), ['load_ts']],
    ]);
  });

  it('fill each snapshot once, after its cut-off, with what the vault knew then', async () => {
    const prefix = db.newPrefix('pit');
    const model = compiled({ start: '2024-01-01', every: 'day' }, prefix);
    for (const s of sqlPlan(model).setup) await db.query(s.sql);
    const B = ['2024-01-01T06:00:00.000Z', '2024-01-02T06:00:00.000Z', '2024-01-03T06:00:00.000Z', '2024-01-05T06:00:00.000Z'] as const;
    const names = new Map(B.map((ts, i) => [epoch(ts), `B${i + 1}`] as const));
    // B1: two partners, p1 rated by two agencies; signal s1 is p1's.
    await deliver(
      model,
      {
        partners: [
          { partner: 'p1', name: 'Ann', day: 1, op: 'I' },
          { partner: 'p2', name: 'Bob', day: 1, op: 'I' },
        ],
        ratings: [
          { partner: 'p1', agency: 'x', grade: 'A' },
          { partner: 'p1', agency: 'y', grade: 'B' },
        ],
        signals: [{ signal: 's1', partner: 'p1', day: 1 }],
      },
      B[0],
    );
    // January 1 ends after B1: nothing is filled yet.
    expect(await count(model, 'partner')).toBe(0);
    // B2: p1 changes; p2's row is late (day 0, before the stored day 1); p1's ratings lose agency y; s1 moves to p2.
    await deliver(
      model,
      {
        partners: [
          { partner: 'p1', name: 'Anne', day: 3, op: 'U' },
          { partner: 'p2', name: 'Bobby', day: 0, op: 'U' },
        ],
        ratings: [{ partner: 'p1', agency: 'x', grade: 'A' }],
        signals: [{ signal: 's1', partner: 'p2', day: 2 }],
      },
      B[1],
    );
    const jan1 = ['2024-01-01|p1|p1@B1|p1@B1|p1@B1', '2024-01-01|p2|p2@B1|ghost|p2@B1'];
    expect(await pitRows(model, 'partner', names)).toEqual(jan1);
    expect(await pitRows(model, 'signal_partner', names)).toEqual(['2024-01-01|s1>p1|s1>p1@B1']);
    // A rerun adds nothing, and neither does a PIT load at the same timestamp.
    await deliver(model, EMPTY, B[1]);
    await loadPits(model, B[1]);
    expect(await pitRows(model, 'partner', names)).toEqual(jan1);
    // B3: p2 is deleted (payload unchanged), p3 arrives; s1 is p1's again, s2 is p3's.
    await deliver(
      model,
      {
        partners: [
          { partner: 'p2', name: 'Bob', day: 2, op: 'D' },
          { partner: 'p3', name: 'Cy', day: 1, op: 'I' },
        ],
        ratings: [],
        signals: [
          { signal: 's1', partner: 'p1', day: 3 },
          { signal: 's2', partner: 'p3', day: 1 },
        ],
      },
      B[2],
    );
    // January 2: p1's change and new ratings set are known; p2's late row never was the valid one.
    const jan2 = ['2024-01-02|p1|p1@B2|p1@B2|p1@B1', '2024-01-02|p2|p2@B1|ghost|p2@B1'];
    expect(await pitRows(model, 'partner', names)).toEqual([...jan1, ...jan2]);
    // s1's relationship to p2 is the valid one; its start row with p1 no longer is.
    expect(await pitRows(model, 'signal_partner', names)).toEqual(['2024-01-01|s1>p1|s1>p1@B1', '2024-01-02|s1>p1|ghost', '2024-01-02|s1>p2|s1>p2@B2']);
    // B4, two days later with nothing new, fills January 3 and 4: p2's status is deleted (B3), p3 is known.
    await deliver(model, EMPTY, B[3]);
    const known = (d: string): string[] => [`${d}|p1|p1@B2|p1@B2|p1@B1`, `${d}|p2|p2@B1|ghost|p2@B3`, `${d}|p3|p3@B3|ghost|p3@B3`];
    expect(await pitRows(model, 'partner', names)).toEqual([...jan1, ...jan2, ...known('2024-01-03'), ...known('2024-01-04')]);
    const links = (d: string): string[] => [`${d}|s1>p1|s1>p1@B3`, `${d}|s1>p2|ghost`, `${d}|s2>p3|s2>p3@B3`];
    expect(await pitRows(model, 'signal_partner', names)).toEqual(['2024-01-01|s1>p1|s1>p1@B1', '2024-01-02|s1>p1|ghost', '2024-01-02|s1>p2|s1>p2@B2', ...links('2024-01-03'), ...links('2024-01-04')]);
    // Each snapshot was written by the first load after its cut-off, and only then.
    expect(await filledAt(model, 'partner', B[1])).toEqual(['2024-01-01']);
    expect(await filledAt(model, 'partner', B[2])).toEqual(['2024-01-02']);
    expect(await filledAt(model, 'partner', B[3])).toEqual(['2024-01-03', '2024-01-04']);
    const before = await count(model, 'partner');
    await deliver(model, EMPTY, B[3]);
    expect(await count(model, 'partner')).toBe(before);
  });
});

describe('point-in-time tables, a satellite added later', () => {
  it('hold NULL pointers into it in the snapshots filled before, then its rows or the ghost pointer, as a rebuild does', async () => {
    const prefix = db.newPrefix('pita');
    const before = compiled({ start: '2024-01-01', every: 'day' }, prefix, { ratings: false });
    for (const s of sqlPlan(before).setup) await db.query(s.sql);
    const B = ['2024-01-01T06:00:00.000Z', '2024-01-02T06:00:00.000Z', '2024-01-03T06:00:00.000Z'] as const;
    const names = new Map(B.map((ts, i) => [epoch(ts), `B${i + 1}`] as const));
    const p = (partner: string, day: number): PartnerRow => ({ partner, name: partner, day, op: 'I' });
    await deliver(before, { ...EMPTY, partners: [p('p1', 1), p('p2', 1)] }, B[0]);
    // B2 fills January 1 without the ratings satellite.
    await deliver(before, { ...EMPTY, partners: [p('p3', 2)] }, B[1]);
    const after = compiled({ start: '2024-01-01', every: 'day' }, prefix);
    for (const s of sqlPlan(after).setup) await db.query(s.sql);
    const pit = table(after, 'pit', 'partner');
    const ratingsHk = sqlManifestBlock(pitOf(after, 'partner'), after).pointers!.find((x) => x.table.endsWith('msat_ratings'))!.hash_key;
    const nulls = async (): Promise<string[]> =>
      (await db.query<{ d: string }>(`SELECT DISTINCT to_char(snapshot_date, 'YYYY-MM-DD') AS d FROM ${pit} WHERE ${quoteIdent(ratingsHk)} IS NULL ORDER BY 1`)).rows.map((r) => r.d);
    expect(await nulls()).toEqual(['2024-01-01']);
    // B3, with ratings for p1 and p3, fills January 2 from January 1 (whose ratings pointers are NULL).
    await deliver(
      after,
      {
        ...EMPTY,
        partners: [{ ...p('p1', 3), name: 'p1 renamed' }],
        ratings: [
          { partner: 'p1', agency: 'x', grade: 'A' },
          { partner: 'p3', agency: 'x', grade: 'B' },
        ],
      },
      B[2],
    );
    // January 2 was known at B3 only as far as B2 goes: no rating yet (the ghost pointer, not NULL); January 1 keeps NULL.
    expect(await nulls()).toEqual(['2024-01-01']);
    const incremental = await pitRows(after, 'partner', names);
    expect(incremental.filter((r) => r.startsWith('2024-01-02'))).toEqual(['2024-01-02|p1|p1@B1|ghost|p1@B1', '2024-01-02|p2|p2@B1|ghost|p2@B1', '2024-01-02|p3|p3@B2|ghost|p3@B2']);
    // A rebuild gives the same rows for January 2, and for January 1 the ghost pointer where NULL was.
    await db.query(`TRUNCATE ${pit}`);
    await loadPits(after, B[2]);
    const rebuilt = await pitRows(after, 'partner', names);
    expect(rebuilt.filter((r) => r.startsWith('2024-01-02'))).toEqual(incremental.filter((r) => r.startsWith('2024-01-02')));
    expect(await nulls()).toEqual([]);
    // The next day's batch (nothing new) fills January 3 from January 2: p1's and p3's ratings of B3.
    await loadPits(after, '2024-01-04T06:00:00.000Z');
    expect((await pitRows(after, 'partner', names)).filter((r) => r.startsWith('2024-01-03'))).toEqual([
      '2024-01-03|p1|p1@B3|p1@B3|p1@B1',
      '2024-01-03|p2|p2@B1|ghost|p2@B1',
      '2024-01-03|p3|p3@B2|p3@B3|p3@B2',
    ]);
  });
});

describe('point-in-time tables, a satellite removed later', () => {
  it('stop setup, naming the table and how to rebuild it: no load could fill its pointers into the satellite', async () => {
    const prefix = db.newPrefix('pitr');
    const before = compiled({ start: '2024-01-01', every: 'day' }, prefix);
    for (const s of sqlPlan(before).setup) await db.query(s.sql);
    await deliver(before, { ...EMPTY, partners: [{ partner: 'p1', name: 'p1', day: 1, op: 'I' }] }, '2024-01-01T06:00:00.000Z');
    const after = compiled({ start: '2024-01-01', every: 'day' }, prefix, { ratings: false });
    const setup = async (): Promise<void> => {
      for (const s of sqlPlan(after).setup) await db.query(s.sql);
    };
    const pit = table(after, 'pit', 'partner');
    await expect(setup()).rejects.toThrow(`point-in-time table ${pit} was made for other satellites than the spec gives`);
    await db.query(`DROP TABLE ${pit}`);
    await setup();
    await loadPits(after, '2024-01-02T06:00:00.000Z');
    expect(Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${pit}`)).rows[0]!.n)).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// The property: random histories, random snapshot settings, compared with a naive as-of query.

const PARTNERS = ['p1', 'p2', 'p3'];

const partnerRows = fc
  .array(
    fc.record({
      partner: fc.constantFrom(...PARTNERS),
      name: fc.constantFrom('a', 'b', 'c'),
      day: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
      op: fc.constantFrom<PartnerRow['op']>('I', 'U', 'D'),
    }),
    {
      maxLength: 5,
    },
  )
  // One row per key and delta-order value in a batch (else it is a duplicate key).
  .map((rows) => rows.filter((r, i) => rows.findIndex((x) => x.partner === r.partner && x.day === r.day) === i));
const ratingRows = fc
  .array(fc.record({ partner: fc.constantFrom(...PARTNERS), agency: fc.constantFrom('x', 'y'), grade: fc.constantFrom('A', 'B') }), { maxLength: 4 })
  .map((rows) => rows.filter((r, i) => rows.findIndex((x) => x.partner === r.partner && x.agency === r.agency) === i));
const signalRows = fc
  .array(fc.record({ signal: fc.constantFrom('s1', 's2'), partner: fc.option(fc.constantFrom(...PARTNERS), { nil: null, freq: 5 }), day: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }) }), {
    maxLength: 3,
  })
  .map((rows) => rows.filter((r, i) => rows.findIndex((x) => x.signal === r.signal && x.day === r.day) === i));
/** Batches with growing load timestamps: 0 to 3 days and some hours after the one before. */
const history = fc.array(
  fc.record({ batch: fc.record({ partners: partnerRows, ratings: ratingRows, signals: signalRows }), days: fc.integer({ min: 0, max: 3 }), hours: fc.integer({ min: 1, max: 20 }) }),
  {
    minLength: 1,
    maxLength: 5,
  },
);

/**
 * The PIT rows by the definition, one correlated query per pointer: for each snapshot whose
 * cut-off (the start of the next day in UTC) is at or before `last`, each key loaded before the
 * cut-off, and per satellite the row loaded before the cut-off that is latest in change order
 * (delta order, NULL latest, then the compared value, then load_ts; a status's ties of one
 * delta-order value break by load_ts alone, as current views read statuses, status.ts).
 */
async function naive(model: VaultModel, last: string, batches: ReadonlyMap<number, string>): Promise<{ partner: string[]; link: string[] }> {
  const t = (kind: Parameters<typeof entityTable>[1], name: string): string => table(model, kind, name);
  const cut = `(CAST(c.snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC')`;
  const at = (sql: string): string => `extract(epoch FROM (${sql}))::float8`;
  const l = await labels(model, batches);
  const label = (key: string | null, epochs: unknown): string => (key === null ? 'ghost' : `${l.key(key)}@${l.ts(Number(epochs))}`);
  const partner = await db.query<{ d: string; k: string; s: number | null; m: number | null; t: number | null }>(
    `SELECT to_char(c.snapshot_date, 'YYYY-MM-DD') AS d, h.partner_hk AS k,
       ${at(`SELECT s.load_ts FROM ${t('satellite', 'partners')} AS s WHERE s.partner_hk = h.partner_hk AND s.load_ts < ${cut} ORDER BY s.delta_order DESC NULLS FIRST, s.hashdiff DESC, s.load_ts DESC LIMIT 1`)} AS s,
       ${at(`SELECT m.load_ts FROM ${t('multi_active_satellite', 'ratings')} AS m WHERE m.partner_hk = h.partner_hk AND m.load_ts < ${cut} ORDER BY m.load_ts DESC LIMIT 1`)} AS m,
       ${at(`SELECT x.load_ts FROM ${t('status_tracking_satellite', 'partners')} AS x WHERE x.partner_hk = h.partner_hk AND x.load_ts < ${cut} ORDER BY x.delta_order DESC NULLS FIRST, x.load_ts DESC LIMIT 1`)} AS t
     FROM ${t('snapshot_control', 'pitm')} AS c JOIN ${t('hub', 'partner')} AS h ON h.load_ts < ${cut} AND h.partner_hk <> $2
     WHERE ${cut} <= $1 ORDER BY 1, 2`,
    [last, '0'.repeat(32)],
  );
  const link = await db.query<{ d: string; k: string; e: string | null; et: number | null }>(
    `SELECT to_char(c.snapshot_date, 'YYYY-MM-DD') AS d, k.signal_partner_hk AS k, v.signal_partner_hk AS e, extract(epoch FROM v.load_ts)::float8 AS et
     FROM ${t('snapshot_control', 'pitm')} AS c JOIN ${t('link', 'signal_partner')} AS k ON k.load_ts < ${cut} AND k.signal_partner_hk <> $2
     LEFT JOIN LATERAL (
       SELECT e.signal_partner_hk, e.load_ts FROM ${t('effectivity_satellite', 'signal_partner')} AS e
       WHERE e.signal_hk = k.signal_hk AND e.load_ts < ${cut} ORDER BY e.delta_order DESC NULLS FIRST, e.signal_partner_hk DESC, e.load_ts DESC LIMIT 1
     ) AS v ON v.signal_partner_hk = k.signal_partner_hk
     WHERE ${cut} <= $1 ORDER BY 1, 2`,
    [last, '0'.repeat(32)],
  );
  return {
    partner: partner.rows.map((r) => [r.d, l.key(r.k), label(r.s === null ? null : r.k, r.s), label(r.m === null ? null : r.k, r.m), label(r.t === null ? null : r.k, r.t)].join('|')).sort(),
    link: link.rows.map((r) => [r.d, l.key(r.k), label(r.e, r.et)].join('|')).sort(),
  };
}

describe('point-in-time tables, for any history', () => {
  let prefix: string | undefined;
  test.prop([history, snapshotSettings], { numRuns: 20 })(
    'hold the naive as-of rows, batch by batch as in one load',
    async (steps, settings) => {
      const first = prefix === undefined;
      prefix ??= db.newPrefix('pitp');
      const model = compiled(settings, prefix);
      if (first) for (const s of sqlPlan(model).setup) await db.query(s.sql);
      else await emptyVault(db, model);
      const ts = batchTimestamps(steps);
      const batches = new Map(ts.map((x, i) => [epoch(x), `B${i + 1}`] as const));
      for (const [i, s] of steps.entries()) await deliver(model, s.batch, ts[i]!);
      const last = ts[ts.length - 1]!;
      const expected = await naive(model, last, batches);
      const incremental = { partner: await pitRows(model, 'partner', batches), link: await pitRows(model, 'signal_partner', batches) };
      expect(incremental).toEqual(expected);
      // A rerun adds nothing.
      await loadPits(model, last);
      expect({ partner: await count(model, 'partner'), link: await count(model, 'signal_partner') }).toEqual({ partner: expected.partner.length, link: expected.link.length });
      // A rebuild (truncate, load once at the last timestamp) gives the same rows.
      await db.query(`TRUNCATE ${table(model, 'pit', 'partner')}, ${table(model, 'pit', 'signal_partner')}`);
      await loadPits(model, last);
      expect({ partner: await pitRows(model, 'partner', batches), link: await pitRows(model, 'signal_partner', batches) }).toEqual(incremental);
      // Twenty histories of up to five batches through the whole plan: more than the default minute on a busy machine.
    },
    300_000,
  );
});
