/**
 * Raw vault tables created by an earlier version of the spec: `CREATE TABLE IF NOT EXISTS` leaves
 * them as they are, so columns the spec has added since (a payload column, a satellite's
 * `delta_order`) are added here, with the unique key a delta order brings. One `DO` block that
 * reads the catalog and alters a table only when something is missing, so a setup with nothing
 * to add takes no lock stronger than a catalog read. Columns are never dropped or retyped: the
 * vault keeps its history.
 */
import { METADATA_COLUMNS } from '@vault/core';
import { DELTA_ORDER_COLUMN } from '../columns.js';
import type { SqlContext } from './context.js';
import { entityTable } from './names.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';
import { statement, type Statement } from './sql-writer.js';
import { tableColumns } from './table-columns.js';

/** A dollar-quote tag that does not occur in `body` (a schema name may hold anything). */
function dollarTag(body: string): string {
  let tag = '$vault_evolve$';
  while (body.includes(tag)) tag = `${tag.slice(0, -1)}_$`;
  return tag;
}

export function evolveRawVaultTables(ctx: SqlContext): ReadonlyArray<Statement> {
  const rv = ctx.model.rawVault;
  const entities = [...rv.hubs, ...rv.links, ...rv.satellites, ...rv.linkSatellites];
  if (entities.length === 0) return [];
  const body = statement((w) => {
    for (const e of entities) {
      const table = tableIdent(entityTable(ctx.model, e.kind, e.name));
      const regclass = `CAST(${quoteLiteral(table)} AS regclass)`;
      const columns = tableColumns(ctx, e);
      const names = columns.map((c) => quoteLiteral(c.name)).join(', ');
      w.line(`IF (SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = ${regclass} AND NOT attisdropped AND attname IN (${names})) < ${columns.length} THEN`);
      w.block(() => {
        w.line(`ALTER TABLE ${table}`);
        w.block(() => columns.forEach((c, i) => w.line(`ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}${i < columns.length - 1 ? ',' : ';'}`)));
      });
      w.line('END IF;');
      if ((e.kind === 'satellite' || e.kind === 'link_satellite') && e.deltaOrder !== undefined) {
        const key = [e.parentHashKey, DELTA_ORDER_COLUMN, METADATA_COLUMNS.hashDiff];
        w.line('IF NOT EXISTS (');
        w.block(() => {
          w.line(`SELECT 1 FROM pg_catalog.pg_index AS i WHERE i.indrelid = ${regclass} AND i.indisunique AND CAST(i.indkey AS text) = array_to_string(ARRAY(`);
          w.block(() => {
            w.line(`SELECT a.attnum FROM unnest(ARRAY[${key.map(quoteLiteral).join(', ')}]) WITH ORDINALITY AS u(name, n)`);
            w.line(`JOIN pg_catalog.pg_attribute AS a ON a.attrelid = ${regclass} AND a.attname = u.name ORDER BY u.n`);
          });
          w.line(`), ' ')`);
        });
        w.line(') THEN');
        w.block(() => w.line(`ALTER TABLE ${table} ADD UNIQUE (${key.map(quoteIdent).join(', ')});`));
        w.line('END IF;');
      }
    }
  });
  const tag = dollarTag(body);
  return [
    statement((w) => {
      w.line(`DO ${tag}`);
      w.line('BEGIN');
      w.block(() => body.split('\n').forEach((l) => w.line(l)));
      w.line('END');
      w.line(tag);
    }),
  ];
}
