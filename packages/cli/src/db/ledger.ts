/**
 * `vault run`'s use of the load ledger (packages/emitters/src/sql/ledger.ts): the signature of
 * each load, from fingerprints of the landing tables taken once per run, and what each table's
 * last load recorded.
 */
import { createHash } from 'node:crypto';
import { LEDGER_SIGNATURE_VERSION, tableIdent, type LedgerStatements, type SqlLoad, type SqlTable } from '@vault/emitters/internal';
import type { Queryable } from './database.js';
import type { Engine } from './engine.js';

export interface LedgerEntry {
  readonly signature: string;
  /** The load timestamp of that load, ISO 8601 UTC. */
  readonly loadTs: string;
}

export interface Ledger {
  /** What the last load of `table` (`schema.name`) recorded. */
  previous(table: string): LedgerEntry | undefined;
  /**
   * The signature `load` has now, read through `q` (outside any transaction); each landing table
   * is fingerprinted once per run. Undefined when a landing table cannot be (a view): that load
   * is never skipped.
   */
  signature(load: SqlLoad, q: Queryable): Promise<string | undefined>;
  /** Records a load, inside its transaction (a load without a signature as NULL). */
  record(tx: Queryable, load: SqlLoad, signature: string | undefined, loadTs: string, rowsInserted: number): Promise<void>;
}

/** The ledger of `statements`, run as `engine` takes statements (`engine.bind`). */
export async function openLedger(db: Queryable, statements: LedgerStatements, engine: Pick<Engine, 'bind'>): Promise<Ledger> {
  const run = <Row>(q: Queryable, st: Parameters<Engine['bind']>[0], values: Parameters<Engine['bind']>[1]) => {
    const b = engine.bind(st, values);
    return q.query<Row>(b.sql, b.params);
  };
  const rows = await run<{ entity_table: string; signature: string | null; load_ts: string }>(db, statements.select, {});
  // 2024-05-01T00:00:00.000000Z → 2024-05-01T00:00:00Z; 2024-05-01T00:00:00.250000Z → …00.25Z.
  const iso = (text: string): string => text.replace(/0+Z$/, 'Z').replace(/\.Z$/, 'Z');
  const previous = new Map(rows.rows.flatMap((r) => (r.signature === null ? [] : [[r.entity_table, { signature: r.signature, loadTs: iso(r.load_ts) }] as const])));
  const fingerprints = new Map<string, Promise<string | undefined>>();
  const read = async (t: SqlTable, q: Queryable): Promise<string | undefined> => {
    const key = tableIdent(t);
    const kind = (await run<{ kind: string }>(q, statements.kind, { relation: key })).rows[0]?.kind;
    if (kind === undefined || !statements.fingerprintedKinds.has(kind)) return undefined;
    const f = (await q.query<{ rows: string; versions: string; columns: string }>(statements.fingerprint(t).sql)).rows[0];
    return `${key} ${f?.rows} ${f?.versions} ${f?.columns}`;
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
  return {
    previous: (table) => previous.get(table),
    async signature(load, q) {
      const storage = await run<{ node: string | null }>(q, statements.storage, { relation: tableIdent(load.target) });
      // The statements' text, as ledgers written before statements carried their kind had it.
      // An error table's insert counts as a load statement: choosing duplicates: error_table loads again.
      const route = load.duplicates?.route === undefined ? [] : [load.duplicates.route.sql];
      const parts = [LEDGER_SIGNATURE_VERSION, `storage ${storage.rows[0]?.node ?? 'none'}`, ...load.statements.map((s) => s.sql), ...(load.bulk?.statements ?? []).map((s) => s.sql), ...route];
      for (const t of load.sources) {
        const f = await fingerprint(t, q);
        if (f === undefined) return undefined;
        parts.push(f);
      }
      return createHash('sha256').update(parts.join('\u0000')).digest('hex');
    },
    async record(tx, load, signature, loadTs, rowsInserted) {
      const values = { entity_table: load.table, signature: signature ?? null, load_ts: loadTs, rows_inserted: rowsInserted };
      await run(tx, statements.record, values);
    },
  };
}
