/**
 * `vault run`'s use of the load ledger (packages/emitters/src/sql/ledger.ts): the signature of
 * each load, from fingerprints of the landing tables taken once per run, and what each table's
 * last load recorded.
 */
import { createHash } from 'node:crypto';
import { LEDGER_SIGNATURE_VERSION, tableIdent, tableText, type KeyStatements, type LedgerStatements, type SqlLoad, type SqlTable } from '@vault/emitters/internal';
import type { Queryable } from './database.js';
import type { Engine } from './engine.js';

export interface LedgerEntry {
  readonly signature: string;
  /** The load timestamp of that load, ISO 8601 UTC. */
  readonly loadTs: string;
  /** Which landing rows the table holds (commands/run-changes.ts), as recorded; none where the engine records none. */
  readonly landingRows?: string;
}

/** A load's signature (undefined when a landing table it reads cannot be fingerprinted), and its basis: the part that is not the landing tables'. */
export interface LoadSignature {
  readonly signature: string | undefined;
  /** The storage of the target and of its registers (`SqlLoad.registers`), and the load's statements. */
  readonly basis: string;
}

export interface Ledger {
  /** What the last load of `table` (`schema.name`) recorded. */
  previous(table: string): LedgerEntry | undefined;
  /**
   * The signature `load` has now, read through `q` (outside any transaction); each landing table
   * is fingerprinted once per run. Undefined when a landing table cannot be (a view), and for a
   * load dated by the batch: that load is never skipped.
   */
  signature(load: SqlLoad, q: Queryable): Promise<LoadSignature>;
  /**
   * A landing table's fingerprint: the one of this run (taken once), or with `fresh` one read now
   * through `q`. Undefined for a relation without row versions (a view).
   */
  fingerprint(t: SqlTable, q: Queryable, options?: { readonly fresh?: boolean }): Promise<string | undefined>;
  /** A landing table's column list now (names, types, dropped columns), read through `q`; undefined for a relation without row versions. */
  columns(t: SqlTable, q: Queryable): Promise<string | undefined>;
  /** Records a load, inside its transaction (a load without a signature as NULL), with its `landing_rows` (JSON text; none as NULL). */
  record(tx: Queryable, load: SqlLoad, signature: string | undefined, loadTs: string, rowsInserted: number, landingRows?: string | null): Promise<void>;
  /** A table's storage (PostgreSQL's file node), new after TRUNCATE or a drop and re-create; 'none' for no such table. */
  storage(t: SqlTable, q: Queryable): Promise<string>;
  /**
   * The statements that drop and add again each primary and unique key of `t` (docs/sql.md, "First
   * loads: keys built after the rows"); none where the engine has no key constraints, a foreign
   * key refers to `t`, or the session may not alter `t` (it is not its owner's, nor a member of it).
   */
  keys(t: SqlTable, q: Queryable): Promise<ReadonlyArray<KeyStatements>>;
  /** Records a rows table of changed rows (commands/run-changes.ts): what its set is of, and its token. */
  recordRows(tx: Queryable, rows: SqlTable, signature: string, token: string, loadTs: string): Promise<void>;
}

/** The ledger of `statements`, run as `engine` takes statements (`engine.bind`). */
export async function openLedger(db: Queryable, statements: LedgerStatements, engine: Pick<Engine, 'bind'>): Promise<Ledger> {
  const run = <Row>(q: Queryable, st: Parameters<Engine['bind']>[0], values: Parameters<Engine['bind']>[1]) => {
    const b = engine.bind(st, values);
    return q.query<Row>(b.sql, b.params);
  };
  const rows = await run<{ entity_table: string; signature: string | null; load_ts: string; landing_rows?: string | null }>(db, statements.select, {});
  // 2024-05-01T00:00:00.000000Z → 2024-05-01T00:00:00Z; 2024-05-01T00:00:00.250000Z → …00.25Z.
  const iso = (text: string): string => text.replace(/0+Z$/, 'Z').replace(/\.Z$/, 'Z');
  const previous = new Map(
    rows.rows.flatMap((r) =>
      r.signature === null ? [] : [[r.entity_table, { signature: r.signature, loadTs: iso(r.load_ts), ...(typeof r.landing_rows === 'string' ? { landingRows: r.landing_rows } : {}) }] as const],
    ),
  );
  const fingerprints = new Map<string, Promise<string | undefined>>();
  const fingerprinted = async (t: SqlTable, q: Queryable): Promise<boolean> => {
    const kind = (await run<{ kind: string }>(q, statements.kind, { relation: tableIdent(t) })).rows[0]?.kind;
    return kind !== undefined && statements.fingerprintedKinds.has(kind);
  };
  const read = async (t: SqlTable, q: Queryable): Promise<string | undefined> => {
    if (!(await fingerprinted(t, q))) return undefined;
    const f = (await q.query<{ rows: string; versions: string; columns: string }>(statements.fingerprint(t).sql)).rows[0];
    return `${tableIdent(t)} ${f?.rows} ${f?.versions} ${f?.columns}`;
  };
  const fingerprint = (t: SqlTable, q: Queryable): Promise<string | undefined> => {
    const key = tableIdent(t);
    let f = fingerprints.get(key);
    if (f === undefined) {
      f = read(t, q);
      fingerprints.set(key, f);
    }
    return f;
  };
  const sha256 = (parts: ReadonlyArray<string>): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const storage = async (t: SqlTable, q: Queryable): Promise<string> => (await run<{ node: string | null }>(q, statements.storage, { relation: tableIdent(t) })).rows[0]?.node ?? 'none';
  return {
    previous: (table) => previous.get(table),
    async signature(load, q) {
      // The statements' text, as ledgers written before statements carried their kind had it.
      // An error table's insert counts as a load statement: choosing duplicates: error_table loads again.
      const route = load.duplicates?.route === undefined ? [] : [load.duplicates.route.sql];
      const parts = [LEDGER_SIGNATURE_VERSION, `storage ${await storage(load.target, q)}`, ...load.statements.map((s) => s.sql), ...(load.bulk?.statements ?? []).map((s) => s.sql), ...route];
      // A register's rows count as the table's: emptied or made anew, the load runs again to fill it.
      for (const r of load.registers) parts.push(`register ${tableIdent(r)} ${await storage(r, q)}`);
      const basis = sha256(parts);
      // A load dated by the batch is never skipped, so nothing compares its signature: its
      // sources (a PIT's satellites, the whole history) are not read for one.
      if (load.datedByLoad !== undefined) return { signature: undefined, basis };
      for (const t of load.sources) {
        const f = await fingerprint(t, q);
        if (f === undefined) return { signature: undefined, basis };
        parts.push(f);
      }
      return { signature: sha256(parts), basis };
    },
    storage,
    fingerprint: (t, q, options) => (options?.fresh === true ? read(t, q) : fingerprint(t, q)),
    columns: async (t, q) => ((await fingerprinted(t, q)) ? String((await q.query<{ columns: string }>(statements.columns(t).sql)).rows[0]?.columns) : undefined),
    async record(tx, load, signature, loadTs, rowsInserted, landingRows = null) {
      const values = { entity_table: load.table, signature: signature ?? null, load_ts: loadTs, rows_inserted: rowsInserted, landing_rows: landingRows };
      await run(tx, statements.record, values);
    },
    keys: async (t, q) => (statements.keys === undefined ? [] : (await run<KeyStatements>(q, statements.keys, { relation: tableIdent(t) })).rows),
    async recordRows(tx, rows, signature, token, loadTs) {
      await run(tx, statements.record, { entity_table: tableText(rows), signature, load_ts: loadTs, rows_inserted: 0, landing_rows: token });
    },
  };
}
