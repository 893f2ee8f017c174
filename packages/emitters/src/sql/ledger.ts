/**
 * The load ledger: `vault run`'s record of what each raw vault table was last loaded from, so a
 * batch already loaded is not read, hashed and compared again (docs/run.md, "Unchanged batches").
 *
 * A load is skipped when its signature equals the one recorded by the table's last load. The
 * signature covers the load statements, the storage of the target table and of its registers
 * (new after TRUNCATE or a drop and re-create) and a fingerprint of each landing table it reads,
 * built from the row versions the engine keeps (the dialect's `ledger`: PostgreSQL's in dialect/postgres/ledger.ts),
 * so that any committed change, or a column added or dropped, changes it. A landing table
 * changed while a load runs gives that load a fingerprint older than what it read, so the next
 * run loads again: never too little.
 */
import type { Dialect } from './dialect/dialect.js';
import type { SqlTable } from './names.js';
import type { SqlStatement } from './statement.js';

/** The ledger table's name in the raw vault schema; entity tables carry a kind prefix, so it meets none. */
export const LEDGER_TABLE_NAME = 'vault_loads';

/** `vault seed`'s record of the landing tables it filled, beside the ledger (PostgreSQL only: seed fills no other engine). */
export const SEED_RECORD_TABLE_NAME = 'vault_seeded_tables';

/** The hashing the raw vault's hash keys were made with, recorded at its first setup (sql/hashing-record.ts). */
export const HASHING_RECORD_TABLE_NAME = 'vault_hashing';

/** What each hub's and link's hash key hashes, recorded when the table is first set up (sql/hashing-record.ts). */
export const HASH_KEYS_RECORD_TABLE_NAME = 'vault_hash_keys';

/** Bumped when what a signature covers changes, so older ledger rows never match. */
export const LEDGER_SIGNATURE_VERSION = 'vault load ledger v1';

/** The ledger table, in the raw vault schema as `d` creates it. */
export function ledgerTable(d: Dialect, rawVaultSchema: string): SqlTable {
  return { schema: d.identifier(rawVaultSchema), name: LEDGER_TABLE_NAME };
}

/** The record of `vault seed`, in the raw vault schema as `d` names it. */
export function seedRecordTable(d: Dialect, rawVaultSchema: string): SqlTable {
  return { schema: d.identifier(rawVaultSchema), name: SEED_RECORD_TABLE_NAME };
}

/** The record of the raw vault's hashing, in the raw vault schema as `d` names it. */
export function hashingRecordTable(d: Dialect, rawVaultSchema: string): SqlTable {
  return { schema: d.identifier(rawVaultSchema), name: HASHING_RECORD_TABLE_NAME };
}

/** The record of what each hash key hashes, in the raw vault schema as `d` names it. */
export function hashKeysRecordTable(d: Dialect, rawVaultSchema: string): SqlTable {
  return { schema: d.identifier(rawVaultSchema), name: HASH_KEYS_RECORD_TABLE_NAME };
}

/** Each statement declares the parameters it takes (`SqlStatement.parameters`). */
export interface LedgerStatements {
  readonly create: SqlStatement;
  /** Adds to a ledger made by an earlier vault what this one records (setup); none where nothing is added. */
  readonly evolve?: SqlStatement;
  /**
   * Rows `{ entity_table, signature, load_ts }` (load_ts as ISO 8601 UTC text) of every table
   * loaded before, and `landing_rows` where the dialect has changed rows (sql/landing-changes.ts).
   */
  readonly select: SqlStatement;
  /** Takes the table loaded (`entity_table`, `schema.name`), its `signature`, `load_ts` and `rows_inserted`, and `landing_rows` where the dialect records it. */
  readonly record: SqlStatement;
  /** Takes a table as `relation` (`"schema"."name"`): `{ node }`, its storage's file node as text. */
  readonly storage: SqlStatement;
  /** Takes a table as `relation` (`"schema"."name"`): `{ kind }`, its kind of relation (PostgreSQL: `pg_class.relkind`; no row: no such table). */
  readonly kind: SqlStatement;
  /**
   * Takes a table as `relation`: rows `{ drop, add }`, the statements that drop and add again each
   * of its primary and unique keys, for a first load into it to build them once after inserting
   * (docs/sql.md, "First loads: keys built after the rows"); no row when a foreign key refers to the table, or when the session may not
   * alter it (neither its owner nor a member of the owner's role: it loads the table with its keys
   * in place). None where the engine has no key constraints.
   */
  readonly keys?: SqlStatement;
  /** The kinds `kind` gives of the relations `fingerprint` can read (a view has no row versions). */
  readonly fingerprintedKinds: ReadonlySet<string>;
  /**
   * The fingerprint query of a landing table: one row `{ rows, versions, columns }`, all text.
   * Only for kinds `fingerprintedKinds`.
   */
  fingerprint(landing: SqlTable): SqlStatement;
  /** The column list of a landing table, as `fingerprint` has it: one row `{ columns }`, text. Only for kinds `fingerprintedKinds`. */
  columns(landing: SqlTable): SqlStatement;
}

/** The ledger's statements in the dialect, its table in the raw vault schema. */
export function ledgerStatements(d: Dialect, rawVaultSchema: string): LedgerStatements {
  return d.ledger(ledgerTable(d, rawVaultSchema));
}
