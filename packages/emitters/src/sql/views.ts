/** Small pieces every view shares. */
import type { EntityKind, VaultModel } from '@vault/core';
import type { CodeWriter } from '../writer.js';
import { entityTable, type SqlTable } from './names.js';
import { quoteIdent, tableIdent } from './quote.js';
import { statement, type Statement } from './sql-writer.js';

/** `"alias"."column"`. */
export function col(alias: string, name: string): string {
  return `${quoteIdent(alias)}.${quoteIdent(name)}`;
}

/** `expression AS "name"`. */
export function as(expression: string, name: string): string {
  return `${expression} AS ${quoteIdent(name)}`;
}

/** `CREATE OR REPLACE VIEW <table> AS` and the query `body` writes. */
export function createView(table: SqlTable, body: (w: CodeWriter) => void): Statement {
  return statement((w) => {
    w.line(`CREATE OR REPLACE VIEW ${tableIdent(table)} AS`);
    body(w);
  });
}

/** The view of an entity. */
export function createEntityView(model: VaultModel, kind: EntityKind, name: string, body: (w: CodeWriter) => void): Statement {
  return createView(entityTable(model, kind, name), body);
}

/** `LEFT JOIN <table> AS "alias" ON <condition>`, the condition on its own line. */
export function leftJoin(w: CodeWriter, table: SqlTable, alias: string, condition: string): void {
  w.line(`LEFT JOIN ${tableIdent(table)} AS ${quoteIdent(alias)}`);
  w.block(() => w.line(`ON ${condition}`));
}
