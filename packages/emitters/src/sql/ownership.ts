/**
 * Which model each object of a vault schema belongs to (docs/sql.md, "Setup"): `vault_objects`
 * in each schema the model's objects are in, one row per object (`object`, its name in the
 * schema; `model`), written by the setup that first makes it for a model.
 *
 * Two models may share schemas (the default schema names do). They may share hubs and links:
 * a business key is one key whichever source brings it, and `vault_hash_keys` makes sure both
 * models hash it alike (sql/hashing-record.ts). Nothing else is shared: a satellite (of any kind),
 * a register, a PIT table or a business vault or access layer view that two models both made
 * would mix two sources' histories (each load compares its rows with the other model's) or take
 * one model's definition and then the other's at every run. So a setup whose model would make
 * an object recorded for another model stops first, before anything is created or dropped.
 */
import type { VaultEntity } from '@vault/core';
import { byCodeUnit } from '@vault/core/internal';
import type { SqlContext } from './context.js';
import { changedRowsSources, changeTables } from './landing-changes.js';
import { entityObjects } from './objects.js';
import type { NameScope, SqlTable } from './names.js';
import { sqlStatement, type SqlStatement } from './statement.js';
import { commaList, statement } from './sql-writer.js';
import { tableEnd } from './ddl.js';

/** The record's table name in each vault schema; entity tables and views carry a kind prefix, so it meets none. */
export const OBJECTS_RECORD_TABLE_NAME = 'vault_objects';

/** The record of schema `schema` (as created). */
export function objectsRecordTable(schema: string): SqlTable {
  return { schema, name: OBJECTS_RECORD_TABLE_NAME };
}

/** Kinds two models may share: their rows are keys, the same whichever model loads them (they have no objects beside their table). */
const SHARED: ReadonlySet<VaultEntity['kind']> = new Set(['hub', 'link']);

/** The schemas (as created) that hold a record: each vault schema of the model, in code-unit order. */
export function recordSchemas({ model, dialect }: NameScope): ReadonlyArray<string> {
  const s = model.schemas;
  return [...new Set([s.rawVault, s.businessVault, s.accessLayer].map(dialect.identifier))].sort(byCodeUnit);
}

/** The objects `ctx`'s model owns, by record schema (none in some), each name once, in code-unit order. */
export function ownedObjects(ctx: SqlContext): ReadonlyMap<string, ReadonlyArray<string>> {
  const bySchema = new Map(recordSchemas(ctx).map((schema) => [schema, new Set<string>()]));
  const owned = ctx.model.entities.filter((e) => !SHARED.has(e.kind));
  const tables = [...owned.flatMap((e) => entityObjects(e, ctx)), ...changedRowsSources(ctx).flatMap((source) => changeTables(ctx, source))];
  // Every object is in a vault schema; one elsewhere (never so far) would get no record.
  for (const { table } of tables) bySchema.get(table.schema)?.add(table.name);
  return new Map([...bySchema].map(([schema, names]) => [schema, [...names].sort(byCodeUnit)]));
}

/** Setup's statements, per schema: the record's table, the check that no object is another model's, and the record of the new ones. */
export function ownershipStatements(ctx: SqlContext): ReadonlyArray<SqlStatement> {
  const { quoteIdent: q, quoteLiteral, tableIdent, col } = ctx.sql;
  const d = ctx.dialect;
  const model = ctx.model.name;
  const text = d.columnType({ kind: 'text' });
  return [...ownedObjects(ctx)].flatMap(([schema, objects]) => {
    const relation = objectsRecordTable(schema);
    const table = tableIdent(relation);
    const create = statement((w) => {
      w.line(`CREATE TABLE IF NOT EXISTS ${table} (`);
      w.block(() =>
        commaList(
          w,
          ['object', 'model'].map((c) => `${q(c)} ${text} NOT NULL`),
        ),
      );
      w.line(tableEnd(d));
    });
    const spec = `(VALUES ${objects.map((o) => `(${quoteLiteral(o)})`).join(', ')}) AS ${q('v')}(${q('object')})`;
    const others = `SELECT ${col('o', 'object')}, ${col('o', 'model')} FROM ${table} AS ${q('o')} JOIN ${spec} ON ${col('o', 'object')} = ${col('v', 'object')} WHERE ${col('o', 'model')} <> ${quoteLiteral(model)} ORDER BY ${col('o', 'object')}`;
    const r = (column: string): string => col('r', column);
    const message = [
      quoteLiteral(`${schema}.`),
      r('object'),
      quoteLiteral(' belongs to model '),
      r('model'),
      quoteLiteral(
        `, and model ${model} would make it its own: two models that share a schema share only hubs and links, or each would load and replace the other's satellites and views. ` +
          `Give model ${model} schemas of its own (schemas: in docs/spec.md), or describe both models in one spec; if that model is this one before a rename, run DELETE FROM ${table} WHERE model = `,
      ),
      `${quoteLiteral("'")} || ${r('model')} || ${quoteLiteral("'")}`,
    ].join(' || ');
    const record = statement((w) => {
      w.line(`INSERT INTO ${table} (${q('object')}, ${q('model')})`);
      w.line(`SELECT ${col('v', 'object')}, ${quoteLiteral(model)} FROM ${spec}`);
      w.line(`WHERE NOT EXISTS (SELECT 1 FROM ${table} AS ${q('o')} WHERE ${col('o', 'object')} = ${col('v', 'object')})`);
    });
    const made = sqlStatement('ownership', create, { relation, creates: { kind: 'relation', relation } });
    // A schema in which the model makes nothing of its own (hubs and links only) gets the record's table, which validateSql claims, and nothing to check.
    return objects.length === 0 ? [made] : [made, sqlStatement('ownership', d.failIfAny(others, message), { relation }), sqlStatement('ownership', record, { relation })];
  });
}
