/**
 * The record of the hashing a raw vault's hash keys and hashdiffs were made with (docs/sql.md,
 * "Setup"): `vault_hashing` in the raw vault schema, one row written by the first setup. Every
 * later setup compares the spec's hashing with it and stops when they differ: a change of
 * algorithm, key case or hashdiff case gives the same business key another hash key (a hub would
 * hold it twice, its links and satellites split between the two) and the same payload another
 * hashdiff (states stored again). The hashing standard's version is recorded but not compared:
 * every version so far hashes each value an earlier one could represent alike (docs/hashing.md,
 * "Versions").
 */
import { hashingSettings } from '../hashing-settings.js';
import type { SqlContext } from './context.js';
import { tableEnd } from './ddl.js';
import { hashingRecordTable } from './ledger.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { statement } from './sql-writer.js';

/** The settings compared, as the text recorded: `name: value` pairs in a fixed order, as the spec writes them (no quote: Spark SQL text). */
export function recordedHashing(ctx: Pick<SqlContext, 'model'>): string {
  const h = hashingSettings(ctx.model);
  return (
    [
      ['algorithm', h.algorithm],
      ['case_sensitive_keys', h.case_sensitive_keys],
      ['case_sensitive_hashdiff', h.case_sensitive_hashdiff],
      ['delimiter', h.delimiter],
      ['null_token', h.null_token],
    ] as const
  )
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(', ');
}

/** Setup's statements: the record's table, the check against it, and the record, written once. */
export function hashingRecordStatements(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { quoteIdent: q, quoteLiteral, tableIdent } = ctx.sql;
  const d = ctx.dialect;
  const relation = hashingRecordTable(d, ctx.model.schemas.rawVault);
  const table = tableIdent(relation);
  const text = d.columnType({ kind: 'text' });
  const settings = recordedHashing(ctx);
  const create = statement((w) => {
    w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
    w.block(() => {
      w.line(`${q('settings')} ${text} NOT NULL,`);
      w.line(`${q('standard')} ${text} NOT NULL`);
    });
    w.line(tableEnd(d));
  });
  const message = [
    quoteLiteral(`the raw vault in schema ${q(ctx.model.schemas.rawVault)} holds hash keys and hashdiffs made with hashing (`),
    `${q('r')}.${q('settings')}`,
    quoteLiteral(
      `); the spec makes them with (${settings}), which would give the same business keys other hash keys and the same payloads other hashdiffs. Keep the vault's hashing in the spec (hashing: in docs/spec.md), or load a new raw vault`,
    ),
  ].join(' || ');
  const check = d.failIfAny(`SELECT ${q('settings')} FROM ${table} WHERE ${q('settings')} <> ${quoteLiteral(settings)}`, message);
  const record = statement((w) => {
    w.line(`INSERT INTO ${table} (${q('settings')}, ${q('standard')})`);
    w.line(`SELECT ${quoteLiteral(settings)}, ${quoteLiteral(hashingSettings(ctx.model).standard)}`);
    w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table})`);
  });
  return [sqlStatement('hashing', create, { relation }), sqlStatement('hashing', check), sqlStatement('hashing', record)];
}
