import { analyseTables, closest } from '@vault/core/internal';
import { landingTable, postgresDialect, seedInsertOrder, seedInserts, seedRows, tableIdent } from '@vault/emitters/internal';
import { applySetup, DatabaseError, databasePlan, INSUFFICIENT_PRIVILEGE, isServerError, readSetupCatalog, sqlErrorLine, withLockedDatabase, type SetupCatalog, type TableStep } from '../db/index.js';
import { EXIT, UsageError } from '../exit.js';
import { bold, green, plural, type Output } from '../output.js';
import { modelAsInDatabase, seedConstraints } from '../seed/constraints.js';
import { inspectLanding } from '../seed/inspect.js';
import { judgeSeed, stopLines, type SeedTarget } from '../seed/judge.js';
import { writeSeedRecord } from '../seed/record.js';
import { compileSpecForDatabase, databaseFailure, printSetup } from './run.js';

export interface SeedCommandOptions {
  readonly db?: string;
  readonly rows: number;
  readonly seed: number;
  readonly batch: number;
  /** `--replace-tables a,b`: landing tables whose rows, not written by vault seed, may be replaced. */
  readonly replaceTables?: string;
}

/** vault seed stopped before changing anything; the lines say why. */
class SeedStopped extends Error {
  constructor(readonly lines: ReadonlyArray<string>) {
    super(lines.join('\n'));
  }
}

/**
 * `vault seed SPEC --rows N`: replaces the rows of every landing table with N generated ones, in
 * one transaction with setup, after checking that no table holds rows vault seed did not write
 * (unless `--replace-tables` names it). docs/run.md says what is checked and where vault keeps
 * its record of the tables it seeded.
 */
export async function seedCommand(specPath: string, opts: SeedCommandOptions, o: Output): Promise<number> {
  const compiled = compileSpecForDatabase(specPath, 'all', 'seed', o);
  if (compiled === undefined) return EXIT.failed;
  const { spec, model } = compiled;
  const plan = databasePlan(model);
  // Seeding writes PostgreSQL (or PGlite): its names.
  const pgNames = { model, dialect: postgresDialect };
  const landingSchema = postgresDialect.identifier(model.schemas.landing);
  const rawVaultSchema = postgresDialect.identifier(model.schemas.rawVault);
  const targets: ReadonlyArray<SeedTarget> = model.sources.map((s) => {
    const t = landingTable(pgNames, s.name);
    return { source: s.name, name: t.name, qualified: plan.landingTables.get(s.name)?.qualified ?? `${t.schema}.${t.name}`, columns: s.columns };
  });
  const replace = replaceSet(opts.replaceTables, targets, landingSchema);
  const keys = new Map(analyseTables(spec).map((t) => [t.name, t.key] as const));
  try {
    return await withLockedDatabase({ model: model.name, schemas: plan.schemas, note: (l) => o.err(l), ...(opts.db !== undefined ? { url: opts.db } : {}) }, async (db) => {
      o.out(bold(o, `vault seed: model ${model.name}, seed ${opts.seed}, batch ${opts.batch}`));
      o.out(`  database  ${db.location}`);
      const done = await db.transaction(async (tx) => {
        const names = new Set(targets.map((t) => t.name));
        // What the role may do with the landing tables, read before any step PostgreSQL may refuse.
        const catalog = await readSetupCatalog(tx, [landingSchema]);
        const landing = targets.map((t) => landingTable(pgNames, t.source));
        // Locked against writes while checked (SHARE mode: UPDATE, DELETE or TRUNCATE), then counted.
        const state = await refused(
          catalog,
          'checking the landing tables',
          () =>
            inspectLanding(tx, {
              landingSchema,
              rawVaultSchema,
              tables: targets.map((t) => t.name),
              isSeeded: (schema, table) => schema === landingSchema && names.has(table),
            }),
          [
            ...landing.map((relation) => ({ verb: 'lock', relation, privileges: ['TRUNCATE', 'DELETE', 'UPDATE'] }) as const),
            ...landing.map((relation) => ({ verb: 'read', relation, privileges: ['SELECT'] }) as const),
          ],
        );
        const judged = judgeSeed(targets, state, replace, opts.rows);
        if (judged.usage.length > 0) throw new UsageError(judged.usage.join('; '));
        if (judged.problems.length > 0 || judged.refusals.length > 0) throw new SeedStopped(stopLines(judged));
        const replacing = targets.flatMap((t) => {
          const v = judged.verdicts.get(t.source);
          return v?.kind === 'replace' ? [`${t.qualified} (${plural(v.rows, 'row')})`] : [];
        });
        if (replacing.length > 0) o.out(`  replacing the rows of ${replacing.join(', ')}`);

        const setup = await applySetup(tx, plan.setup, plan.schemas);
        // Rows for the tables as they are: existing ones with their own types, NOT NULL and keys.
        const asInDatabase = modelAsInDatabase(model, targets, state);
        const written = targets.map((t) => ({ ...t, columns: asInDatabase.sources.find((s) => s.name === t.source)?.columns ?? [] }));
        const constraints = seedConstraints(spec, keys, written, state, landingSchema);
        const tables = seedRows(asInDatabase, { rows: opts.rows, seed: opts.seed, batch: opts.batch, constraints });
        // An identity column the database generates always takes generated values only when the INSERT says so.
        const overridingIdentity = new Set(tables.filter((t) => t.columns.some((c) => state.existing.get(landingTable(pgNames, t.table).name)?.identityAlways.has(c) === true)).map((t) => t.table));
        const inserts = seedInserts(model, tables, { overridingIdentity });
        const ident = (source: string): string => tableIdent(landingTable(pgNames, source));
        // A table's rows, not its inheritance children's (other tables, whose rows are not ours to
        // replace); a partitioned table's rows are its partitions'.
        const own = (source: string): string => `${state.existing.get(landingTable(pgNames, source).name)?.catalog.kind === 'table' ? 'ONLY ' : ''}${ident(source)}`;
        // The landing zone holds one batch: what the next `vault run` loads.
        const existing = tables.filter((t) => state.existing.has(landingTable(pgNames, t.table).name));
        const emptying = (how: 'TRUNCATE' | 'DELETE', of: typeof existing): ReadonlyArray<TableStep> => of.map((t) => ({ verb: 'empty', relation: landingTable(pgNames, t.table), privileges: [how] }));
        if (state.inbound.length === 0) {
          if (existing.length > 0) await refused(catalog, 'emptying the landing tables', () => tx.query(`TRUNCATE ${existing.map((t) => own(t.table)).join(', ')}`), emptying('TRUNCATE', existing));
        } else {
          // TRUNCATE refuses a table another one references; their rows are none (judgeSeed), DELETE works.
          for (const t of [...existing].reverse()) await refused(catalog, 'emptying the landing tables', () => tx.query(`DELETE FROM ${own(t.table)}`), emptying('DELETE', [t]));
        }
        // A cycle of foreign keys that may not be NULL holds only if the database checks it at commit.
        if (
          seedInsertOrder(
            model.sources.map((s) => s.name),
            constraints,
          ).backEdges.size > 0
        )
          await tx.query('SET CONSTRAINTS ALL DEFERRED');
        for (const [i, insert] of inserts.entries()) {
          o.progress(`  inserting ${i + 1}/${inserts.length} …`);
          const seeding = `seeding ${plan.landingTables.get(insert.table)?.qualified ?? insert.table}`;
          await refused(catalog, seeding, () => tx.query(insert.sql, insert.params), [{ verb: 'insert into', relation: landingTable(pgNames, insert.table), privileges: ['INSERT'] }]).catch(
            (e: unknown) => {
              if (!isServerError(e)) throw e;
              throw new DatabaseError(`${seeding} failed, nothing was changed: ${sqlErrorLine(e)}`);
            },
          );
        }
        o.progress('');
        await writeSeedRecord(
          tx,
          rawVaultSchema,
          tables.map((t) => ({ schema: landingSchema, name: landingTable(pgNames, t.table).name, created: judged.verdicts.get(t.table)?.kind === 'create', rows: t.rows.length })),
          { seed: opts.seed, batch: opts.batch },
        );
        return { setup, tables };
      });
      printSetup(o, done.setup);
      const qualified = (source: string): string => plan.landingTables.get(source)?.qualified ?? source;
      const width = Math.max(0, ...done.tables.map((t) => qualified(t.table).length));
      for (const t of done.tables) o.out(`    ${qualified(t.table).padEnd(width)}  ${String(t.rows.length).padStart(8)} rows`);
      o.out(
        `${green(o, '✓')} ${plural(
          done.tables.reduce((n, t) => n + t.rows.length, 0),
          'row',
        )} in ${plural(done.tables.length, 'landing table')}`,
      );
      return EXIT.ok;
    });
  } catch (e) {
    if (e instanceof SeedStopped) {
      o.err('vault: seed stopped, nothing was changed:');
      for (const line of e.lines) o.err(`  ${line}`);
      return EXIT.failed;
    }
    return databaseFailure(e, o);
  }
}

/**
 * Runs one step of vault seed. PostgreSQL's refusal for want of a privilege becomes the step, what
 * the role lacks on which table (or schema) and the GRANT that gives it, in setup's words
 * (docs/run.md, "Roles and privileges"); any other error goes on as it is.
 */
async function refused<T>(catalog: SetupCatalog, step: string, run: () => Promise<T>, needs: ReadonlyArray<TableStep>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const denied = isServerError(e) && e.code === INSUFFICIENT_PRIVILEGE ? needs.map((n) => catalog.refusedText(n)).find((t) => t !== undefined) : undefined;
    if (denied !== undefined) throw new DatabaseError(`${step} failed, nothing was changed: ${denied} (${sqlErrorLine(e)})`);
    throw e;
  }
}

/** The source tables `--replace-tables` names (as in the spec, or `schema.name`); a name the spec does not have is a usage mistake. */
function replaceSet(text: string | undefined, targets: ReadonlyArray<SeedTarget>, landingSchema: string): ReadonlySet<string> {
  if (text === undefined) return new Set();
  const names = text.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--replace-tables takes landing table names separated by commas, e.g. customer,orders; not '${text}'`);
  const out = new Set<string>();
  for (const n of names) {
    const bare = n.startsWith(`${landingSchema}.`) ? n.slice(landingSchema.length + 1) : n;
    const t = targets.find((x) => x.source === bare || x.name === bare);
    if (t === undefined) {
      const near = closest(
        bare,
        targets.map((x) => x.source),
      );
      throw new UsageError(
        `--replace-tables names '${n}', which is not a landing table of the spec${near !== undefined ? ` (did you mean '${near}'?)` : ''}; its landing tables: ${targets.map((x) => x.source).join(', ')}`,
      );
    }
    out.add(t.source);
  }
  return out;
}
