/**
 * What setup reads of the model's schemas before it runs (PostgreSQL and the embedded database):
 * which schemas, tables and indexes exist, so that it creates only what is missing, and who owns
 * them and what the role may do with them, so that a statement the role may not run fails with
 * the privilege it lacks and the `GRANT` that gives it; `vault seed` reads it for its own steps
 * on the landing tables too. Read from the catalogs, which every role may read (unlike
 * `to_regclass`, which needs USAGE on the schema).
 */
import type { CreatedObject, SqlStatement, SqlTable } from '@vault/emitters/internal';
import { quoteIdent, tableIdent } from '@vault/emitters/internal';
import type { Queryable } from './database.js';

/** PostgreSQL's SQLSTATE for a privilege the role lacks (`permission denied …`, `must be owner of …`). */
export const INSUFFICIENT_PRIVILEGE = '42501';
/** PostgreSQL's SQLSTATE for a write in a read-only transaction (`cannot execute … in a read-only transaction`). */
export const READ_ONLY_TRANSACTION = '25006';

/** A privilege on a table a step of vault needs. */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';

/** A step on one table that needs one of `privileges` (the first is the one to grant): `insert into`, `INSERT`. */
export interface TableStep {
  readonly verb: string;
  readonly relation: SqlTable;
  readonly privileges: ReadonlyArray<TablePrivilege>;
}

export interface SetupCatalog {
  /** Whether the object a statement creates was there before setup. */
  exists(o: CreatedObject): Promise<boolean>;
  /** For a statement PostgreSQL refused for want of a privilege: what the role lacks and how to grant it; undefined when setup cannot tell. */
  deniedText(statement: SqlStatement): string | undefined;
  /** The same for a step on a table: USAGE on its schema, or one of the step's privileges on it; undefined when the role had both. */
  refusedText(step: TableStep): string | undefined;
  /** For a statement PostgreSQL refused because the session is read-only: why, and how to make it writable. */
  readOnlyText(): string;
}

interface Row {
  readonly me: string;
  readonly database: string;
  readonly schema: string;
  readonly name: string | null;
  readonly kind: string | null;
  readonly owner: string | null;
  /** The session holds the owner's privileges (is it, or a member of it that inherits them): it may alter the relation. */
  readonly mine: boolean | null;
  /** The session may use the schema (USAGE). */
  readonly usage: boolean;
  /** A table's privileges the session holds, comma-separated (`SELECT,INSERT`); null for other relations. */
  readonly privileges: string | null;
}

const PRIVILEGES: ReadonlyArray<TablePrivilege> = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];
const CATALOG =
  'SELECT current_user AS me, current_database() AS database, s.nspname AS schema, c.relname AS name, CAST(c.relkind AS text) AS kind, ' +
  "pg_get_userbyid(c.relowner) AS owner, pg_has_role(c.relowner, 'USAGE') AS mine, has_schema_privilege(s.oid, 'USAGE') AS usage, " +
  `CASE WHEN c.relkind IN ('r', 'p') THEN concat_ws(',', ${PRIVILEGES.map((p) => `CASE WHEN has_table_privilege(c.oid, '${p}') THEN '${p}' END`).join(', ')}) END AS privileges ` +
  'FROM pg_namespace s LEFT JOIN pg_class c ON c.relnamespace = s.oid WHERE s.nspname = ANY(string_to_array($1, chr(31)))';
const COLUMN =
  'SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped';
const ME = 'SELECT current_user AS me, current_database() AS database';

const KIND_NAMES: Readonly<Record<string, string>> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', i: 'index', f: 'foreign table' };

export async function readSetupCatalog(q: Queryable, schemas: ReadonlyArray<string>): Promise<SetupCatalog> {
  const rows = (await q.query<Row>(CATALOG, [schemas.join('\u001f')])).rows;
  const who = rows[0] ?? (await q.query<{ me: string; database: string }>(ME)).rows[0];
  const me = who?.me ?? 'CURRENT_USER';
  const database = who?.database ?? 'DATABASE';
  const key = (schema: string, name?: string): string => JSON.stringify(name === undefined ? [schema] : [schema, name]);
  const relations = new Map(rows.flatMap((r) => (r.name === null ? [] : [[key(r.schema, r.name), r] as const])));
  const present = new Set([...rows.map((r) => key(r.schema)), ...relations.keys()]);
  const grantee = quoteIdent(me);
  // Schemas the role may not use: every statement naming an object in one is refused.
  const unusable = [...new Set(rows.filter((r) => !r.usage).map((r) => r.schema))];
  const useText = (schemas: ReadonlyArray<string>): string =>
    `role ${me} may not use schema${schemas.length > 1 ? 's' : ''} ${schemas.map(quoteIdent).join(', ')}: GRANT USAGE ON SCHEMA ${schemas.map(quoteIdent).join(', ')} TO ${grantee}`;
  return {
    exists: async (o) => {
      if (o.kind === 'schema') return present.has(key(o.name));
      const table = present.has(key(o.relation.schema, o.relation.name));
      if (o.kind === 'relation' || !table) return table;
      return (await q.query(COLUMN, [o.relation.schema, o.relation.name, o.column])).rows.length > 0;
    },
    deniedText: (statement) => {
      const creates = statement.creates;
      if (creates?.kind === 'schema')
        return `role ${me} may not create schema ${quoteIdent(creates.name)} in database ${database}: GRANT CREATE ON DATABASE ${quoteIdent(database)} TO ${grantee}, or have it created for the role: CREATE SCHEMA ${quoteIdent(creates.name)} AUTHORIZATION ${grantee}`;
      const relation: SqlTable | undefined = creates?.kind === 'column' ? creates.relation : (statement.relation ?? (creates?.kind === 'relation' ? creates.relation : undefined));
      const found = relation === undefined ? undefined : relations.get(key(relation.schema, relation.name));
      // A record of setup's (which model owns each object, sql/ownership.ts; the hashing and hash keys the raw vault was made
      // with, sql/hashing-record.ts) is read and written on every run: SELECT and INSERT.
      if (relation !== undefined && (statement.kind === 'ownership' || statement.kind === 'hashing') && creates === undefined) {
        if (unusable.includes(relation.schema)) return useText([relation.schema]);
        const held = found?.privileges?.split(',') ?? [];
        const lacking = (['SELECT', 'INSERT'] as const).filter((p) => !held.includes(p));
        if (found !== undefined && lacking.length > 0)
          return `role ${me} may not read and write ${tableIdent(relation)}, which setup reads and writes on every run: GRANT ${lacking.join(', ')} ON ${tableIdent(relation)} TO ${grantee}`;
      }
      if (relation !== undefined && found?.owner != null && found.mine === false) {
        const what = `${KIND_NAMES[found.kind ?? ''] ?? 'relation'} ${tableIdent(relation)}`;
        const act = statement.kind === 'view' ? 'replace' : 'alter';
        return (
          `${what} belongs to role ${found.owner}, and only its owner may ${act} it, as setup does on every run: ` +
          `run vault as ${found.owner}, or make ${me} a member of it: GRANT ${quoteIdent(found.owner)} TO ${grantee}`
        );
      }
      if (creates?.kind === 'relation' && found === undefined)
        return `role ${me} may not create ${tableIdent(creates.relation)}: GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(creates.relation.schema)} TO ${grantee}, or have the table created for the role`;
      // A statement that reads another schema than the one it writes (a view, a check in a procedural block): the one it may not use first.
      if (unusable.length > 0) return useText(relation !== undefined && unusable.includes(relation.schema) ? [relation.schema] : unusable);
      return undefined;
    },
    refusedText: (step) => {
      if (unusable.includes(step.relation.schema)) return useText([step.relation.schema]);
      const held = relations.get(key(step.relation.schema, step.relation.name))?.privileges;
      if (held == null || step.privileges.some((p) => held.split(',').includes(p))) return undefined;
      return `role ${me} may not ${step.verb} ${tableIdent(step.relation)}: GRANT ${step.privileges[0]!} ON ${tableIdent(step.relation)} TO ${grantee}`;
    },
    readOnlyText: () =>
      `the session is read-only: default_transaction_read_only is on (for database ${database} or role ${me}, in postgresql.conf or PGOPTIONS), or the server is a standby: ` +
      `turn it off for the role, ALTER ROLE ${grantee} SET default_transaction_read_only = off, or connect to the primary`,
  };
}
