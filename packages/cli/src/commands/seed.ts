import { seedInserts, seedRows } from '@vault/emitters';
import { DatabaseError, databasePlan, isServerError, runSetup, sqlErrorLine, withLockedDatabase } from '../db/index.js';
import { EXIT } from '../exit.js';
import { bold, green, type Output } from '../output.js';
import { compileForDatabase, databaseFailure, printSetup } from './run.js';

export interface SeedCommandOptions {
  readonly db?: string;
  readonly rows: number;
  readonly seed: number;
  readonly batch: number;
}

/**
 * `vault seed SPEC --rows N`: replaces the rows of every landing table with N generated ones,
 * in one transaction (creating the tables first if needed).
 */
export async function seedCommand(specPath: string, opts: SeedCommandOptions, o: Output): Promise<number> {
  const model = compileForDatabase(specPath, 'all', 'seed', o);
  if (model === undefined) return EXIT.failed;
  const plan = databasePlan(model);
  const tables = seedRows(model, { rows: opts.rows, seed: opts.seed, batch: opts.batch });
  const inserts = seedInserts(model, tables);
  try {
    return await withLockedDatabase({ model: model.name, schemas: plan.schemas, note: (l) => o.err(l), ...(opts.db !== undefined ? { url: opts.db } : {}) }, async (db) => {
      o.out(bold(o, `vault seed: model ${model.name}, seed ${opts.seed}, batch ${opts.batch}`));
      o.out(`  database  ${db.location}`);
      printSetup(o, await runSetup(db, plan.setup, plan.schemas));
      const landing = tables.map((t) => {
        const l = plan.landingTables.get(t.table);
        if (l === undefined) throw new Error(`no landing table planned for source table ${t.table}`);
        return l;
      });
      await db.transaction(async (tx) => {
        // The landing zone holds one batch: what the next `vault run` loads.
        if (landing.length > 0) await tx.query(`TRUNCATE ${landing.map((l) => l.sql).join(', ')}`);
        for (const [i, insert] of inserts.entries()) {
          o.progress(`  inserting ${i + 1}/${inserts.length} …`);
          await tx.query(insert.sql, insert.params).catch((e: unknown) => {
            if (!isServerError(e)) throw e;
            throw new DatabaseError(`seeding ${plan.landingTables.get(insert.table)?.qualified ?? insert.table} failed, no landing table was changed: ${sqlErrorLine(e)}`);
          });
        }
        o.progress('');
      });
      const width = Math.max(0, ...landing.map((l) => l.qualified.length));
      for (const [i, t] of tables.entries()) o.out(`    ${(landing[i]?.qualified ?? '').padEnd(width)}  ${String(t.rows.length).padStart(8)} rows`);
      o.out(`${green(o, '✓')} ${tables.reduce((n, t) => n + t.rows.length, 0)} rows in ${tables.length} landing tables`);
      return EXIT.ok;
    });
  } catch (e) {
    return databaseFailure(e, o);
  }
}
