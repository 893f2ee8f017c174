/**
 * Test data for a model's landing tables: pure, deterministic for a seed.
 * @example
 * const tables = seedRows(model, { rows: 200, seed: 1 });
 * for (const insert of seedInserts(model, tables)) await db.query(insert.sql, insert.params);
 */
export { seedRows, SEED_RATES, type SeedOptions, type SeedTable, type SeedValue } from './rows.js';
export {
  constrainTables as seedConstrainTables,
  insertOrder as seedInsertOrder,
  type SeedConstraints,
  type SeedForeignKey,
  type SeedForeignKeyTarget,
  type SeedTableConstraints,
} from './constraints.js';
export { seedInserts, type SeedInsert } from './inserts.js';
export { planTables as seedTablePlans, type KeyGroup as SeedKeyGroup, type TablePlan as SeedTablePlan } from './plan.js';
