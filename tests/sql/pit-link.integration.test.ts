/**
 * A link's point-in-time table over a link satellite and an effectivity satellite (docs/sql.md,
 * "Point-in-time tables"): an association table `account_holder` with a declared driving key
 * (the account) and a descriptive column (the share). Its PIT points into the link satellite by
 * the link's key and into the effectivity satellite through the account, its driving key: the
 * incremental load takes the driving key from the link, as the first fill does.
 *
 * The property: for random histories (holders that change, come back, new accounts arriving in
 * later batches) and snapshot settings, every PIT row equals a naive correlated as-of query
 * written here from the definition (docs/sql.md, "As of a snapshot"), loading batch by batch
 * equals one load over the final state, and a rerun adds nothing.
 *
 * One database for the file: the server of VAULT_TEST_DATABASE_URL, or embedded PGlite.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { compileSpec, type SnapshotsSpec, type Spec, type VaultModel } from '@vault/core';
import { entityTable, postgresDialect, sqlPlan, tableIdent } from '@vault/emitters/internal';
import { batchTimestamps, emptyVault, snapshotSettings } from './as-of-histories.js';
import { fileDatabase } from './database.js';

const db = fileDatabase();
const ZERO = '0'.repeat(32);

function spec(snapshots: SnapshotsSpec): Spec {
  return {
    version: 1,
    model: 'pitl',
    tables: {
      accounts: { business_key: ['account'], columns: { account: { type: 'text', nullable: false }, name: 'text' } },
      customers: { business_key: ['customer'], columns: { customer: { type: 'text', nullable: false }, cname: 'text' } },
      account_holder: {
        primary_key: ['account', 'customer'],
        driving_key: ['account'],
        columns: { account: { type: 'text', nullable: false }, customer: { type: 'text', nullable: false }, share: 'int' },
        references: [
          { columns: ['account'], table: 'accounts' },
          { columns: ['customer'], table: 'customers' },
        ],
      },
    },
    business_vault: { pits: ['account_customer'] },
    snapshots,
  };
}

function compiled(snapshots: SnapshotsSpec, prefix: string): VaultModel {
  const { model, diagnostics } = compileSpec(spec(snapshots));
  if (model === undefined) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { ...model, schemas: { landing: `${prefix}_landing`, rawVault: `${prefix}_raw`, businessVault: `${prefix}_bv`, accessLayer: `${prefix}_al` } };
}

const table = (model: VaultModel, kind: Parameters<typeof entityTable>[1], name: string): string => tableIdent(entityTable({ model, dialect: postgresDialect }, kind, name));

const loadPit = (model: VaultModel, ts: string): Promise<void> => db.runLoads(model, ts, 'pit');

/** Names for the link's hash keys (`a1>c2`) and pointers (`a1>c2@B3`, the batch's label; `ghost`). */
async function labeller(model: VaultModel, batches: ReadonlyMap<number, string>): Promise<{ key: (hk: string) => string; pointer: (hk: string, epoch: number) => string }> {
  const keys = new Map<string, string>();
  for (const r of (await db.query<{ hk: string; k: string }>(`SELECT account_customer_hk AS hk, concat(account, '>', customer) AS k FROM ${table(model, 'link', 'account_customer')}`)).rows)
    keys.set(r.hk, r.k);
  const key = (hk: string): string => keys.get(hk) ?? `?${hk}`;
  return { key, pointer: (hk, epoch) => (hk === ZERO ? 'ghost' : `${key(hk)}@${batches.get(epoch) ?? `?${epoch}`}`) };
}

/** The PIT's rows, `date|link|link satellite pointer|effectivity pointer`. */
async function pitRows(model: VaultModel, batches: ReadonlyMap<number, string>): Promise<string[]> {
  const l = await labeller(model, batches);
  const { rows } = await db.query<{ d: string; k: string; s: string; st: number; e: string; et: number }>(
    `SELECT to_char(snapshot_date, 'YYYY-MM-DD') AS d, account_customer_hk AS k, lsat_account_customer_hk AS s, extract(epoch FROM lsat_account_customer_load_ts)::float8 AS st,
       eff_account_customer_hk AS e, extract(epoch FROM eff_account_customer_load_ts)::float8 AS et FROM ${table(model, 'pit', 'account_customer')}`,
  );
  return rows.map((r) => [r.d, l.key(r.k), l.pointer(r.s, r.st), l.pointer(r.e, r.et)].join('|')).sort();
}

/**
 * The rows by the definition: for each snapshot whose cut-off is at or before `last` and each
 * link loaded before it, the link satellite's latest row loaded before the cut-off (no delta
 * order: by load_ts), and the driving key's latest effectivity row before it (no delta order:
 * by load_ts) when that row names this link; the ghost pointer otherwise.
 */
async function naive(model: VaultModel, last: string, batches: ReadonlyMap<number, string>): Promise<string[]> {
  const l = await labeller(model, batches);
  const cut = `(CAST(c.snapshot_date + 1 AS timestamp) AT TIME ZONE 'UTC')`;
  const { rows } = await db.query<{ d: string; k: string; st: number | null; e: string | null; et: number | null }>(
    `SELECT to_char(c.snapshot_date, 'YYYY-MM-DD') AS d, k.account_customer_hk AS k,
       (SELECT extract(epoch FROM s.load_ts)::float8 FROM ${table(model, 'link_satellite', 'account_customer')} AS s
        WHERE s.account_customer_hk = k.account_customer_hk AND s.load_ts < ${cut} ORDER BY s.load_ts DESC LIMIT 1) AS st,
       v.account_customer_hk AS e, extract(epoch FROM v.load_ts)::float8 AS et
     FROM ${table(model, 'snapshot_control', 'pitl')} AS c JOIN ${table(model, 'link', 'account_customer')} AS k ON k.load_ts < ${cut} AND k.account_customer_hk <> $2
     LEFT JOIN LATERAL (
       SELECT e.account_customer_hk, e.load_ts FROM ${table(model, 'effectivity_satellite', 'account_customer')} AS e
       WHERE e.account_hk = k.account_hk AND e.load_ts < ${cut} ORDER BY e.load_ts DESC LIMIT 1
     ) AS v ON v.account_customer_hk = k.account_customer_hk
     WHERE ${cut} <= $1`,
    [last, ZERO],
  );
  return rows.map((r) => [r.d, l.key(r.k), r.st === null ? 'ghost' : l.pointer(r.k, r.st), r.e === null ? 'ghost' : l.pointer(r.e, r.et!)].join('|')).sort();
}

/** A batch: at most one holder per account (the driving key), accounts a1..a3 (a3 rarely, so it tends to arrive late). */
const holders = fc
  .array(fc.record({ account: fc.constantFrom('a1', 'a2', 'a1', 'a2', 'a3'), customer: fc.constantFrom('c1', 'c2', 'c3'), share: fc.integer({ min: 1, max: 3 }) }), { maxLength: 3 })
  .map((rows) => rows.filter((r, i) => rows.findIndex((x) => x.account === r.account) === i));
/** Batches with growing load timestamps: 0 to 3 days and some hours after the one before. */
const history = fc.array(fc.record({ holders, days: fc.integer({ min: 0, max: 3 }), hours: fc.integer({ min: 1, max: 20 }) }), { minLength: 2, maxLength: 6 });
describe('a link point-in-time table over a link satellite and an effectivity satellite, for any history', () => {
  let prefix: string | undefined;
  test.prop([history, snapshotSettings], { numRuns: 15 })(
    'holds the naive as-of rows, batch by batch as in one load',
    async (steps, settings) => {
      const first = prefix === undefined;
      prefix ??= db.newPrefix('pitl');
      const model = compiled(settings, prefix);
      if (first) for (const s of sqlPlan(model).setup) await db.query(s.sql);
      else await emptyVault(db, model);
      const ts = batchTimestamps(steps);
      const batches = new Map(ts.map((x, i) => [Date.parse(x) / 1000, `B${i + 1}`] as const));
      for (const [i, s] of steps.entries()) await db.deliver(model, { account_holder: s.holders }, ts[i]!);
      const last = ts[ts.length - 1]!;
      const incremental = await pitRows(model, batches);
      expect(incremental).toEqual(await naive(model, last, batches));
      // A rerun adds nothing.
      await loadPit(model, last);
      expect(await pitRows(model, batches)).toEqual(incremental);
      // A rebuild (truncate, load once at the last timestamp) gives the same rows.
      await db.query(`TRUNCATE ${table(model, 'pit', 'account_customer')}`);
      await loadPit(model, last);
      expect(await pitRows(model, batches)).toEqual(incremental);
    },
    300_000,
  );
});
