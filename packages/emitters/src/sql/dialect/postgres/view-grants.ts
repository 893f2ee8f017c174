/**
 * `vault run --replace-views` on PostgreSQL: the model's views are dropped and setup creates them
 * again, in one transaction. A dropped view takes its grants with it, so the drop first keeps each
 * view's grants (`aclexplode` of its `relacl`, the owner's own privileges aside) in a temporary
 * table that the transaction's end drops, and after setup has created the views, the grants are
 * given again to every view that exists once more (docs/sql.md, "Setup").
 */
import type { Statement } from '../../sql-writer.js';
import { proceduralBlock } from './evolve.js';
import { quoteLiteral } from './quote.js';

/** The temporary table holding the grants of the views dropped (`pg_temp`: the session's own). */
const GRANTS = 'pg_temp.vault_view_grants';

/** Keeps the grants of the views that exist among `views` (quoted and qualified), then drops them in one statement. */
export function dropViewsKeepingGrants(views: ReadonlyArray<string>): Statement {
  return proceduralBlock(
    [
      `CREATE TEMPORARY TABLE IF NOT EXISTS vault_view_grants (view_name text NOT NULL, grantee oid NOT NULL, privilege_type text NOT NULL, is_grantable boolean NOT NULL) ON COMMIT DROP;`,
      `INSERT INTO ${GRANTS}`,
      `SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), g.grantee, g.privilege_type, g.is_grantable`,
      'FROM pg_catalog.pg_class AS c',
      'JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace',
      'CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS g',
      `WHERE c.relkind = 'v' AND g.grantee <> c.relowner AND c.oid IN (SELECT pg_catalog.to_regclass(v) FROM pg_catalog.unnest(ARRAY[${views.map(quoteLiteral).join(', ')}]) AS v);`,
      // One statement for them all: views reading each other need no CASCADE.
      `DROP VIEW IF EXISTS ${views.join(', ')};`,
    ].join('\n'),
  );
}

/** Gives the views `dropViewsKeepingGrants` dropped, where setup created them again, the grants they had. */
export function restoreViewGrants(): Statement {
  const grant = `pg_catalog.format('GRANT %s ON %s TO %s%s', g.privilege_type, g.view_name, CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END, CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)`;
  return proceduralBlock(
    [
      `IF pg_catalog.to_regclass('${GRANTS}') IS NOT NULL THEN`,
      `  FOR g IN SELECT * FROM ${GRANTS} WHERE pg_catalog.to_regclass(view_name) IS NOT NULL ORDER BY view_name, grantee, privilege_type LOOP`,
      `    EXECUTE ${grant};`,
      '  END LOOP;',
      `  DROP TABLE ${GRANTS};`,
      'END IF;',
    ].join('\n'),
    'g record;',
  );
}
