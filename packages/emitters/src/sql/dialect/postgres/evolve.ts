/**
 * Bringing raw vault tables created by an earlier version of the spec up to date, in
 * PostgreSQL: one `DO` block that reads the catalog and alters a table only when something is
 * missing, so a setup with nothing to add takes no lock stronger than a catalog read.
 */
import type { EvolvedTable } from '../dialect.js';
import { statement, type Statement } from '../../sql-writer.js';
import { quoteIdent, quoteLiteral, tableIdent } from './quote.js';

/** A dollar-quote tag that does not occur in `body` (a schema name may hold anything). */
function dollarTag(body: string): string {
  let tag = '$vault_evolve$';
  while (body.includes(tag)) tag = `${tag.slice(0, -1)}_$`;
  return tag;
}

/** `DO $tag$ BEGIN <body> END $tag$`: PL/pgSQL run once. */
export function proceduralBlock(body: string): Statement {
  const tag = dollarTag(body);
  return statement((w) => {
    w.line(`DO ${tag}`);
    w.line('BEGIN');
    w.block(() => body.split('\n').forEach((l) => w.line(l)));
    w.line('END');
    w.line(tag);
  });
}

export function evolveTables(tables: ReadonlyArray<EvolvedTable>): ReadonlyArray<Statement> {
  if (tables.length === 0) return [];
  const body = statement((w) => {
    for (const e of tables) {
      const table = tableIdent(e.table);
      const regclass = `CAST(${quoteLiteral(table)} AS regclass)`;
      const columns = e.columns;
      const names = columns.map((c) => quoteLiteral(c.name)).join(', ');
      w.line(`IF (SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = ${regclass} AND NOT attisdropped AND attname IN (${names})) < ${columns.length} THEN`);
      w.block(() => {
        w.line(`ALTER TABLE ${table}`);
        w.block(() => columns.forEach((c, i) => w.line(`ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}${i < columns.length - 1 ? ',' : ';'}`)));
      });
      w.line('END IF;');
      if (e.uniqueKey !== undefined) {
        const key = e.uniqueKey;
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
  return [proceduralBlock(body)];
}
