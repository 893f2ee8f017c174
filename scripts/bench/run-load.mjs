// One entity's load as `vault run` runs it on PostgreSQL (packages/cli/src/commands/run-loads.ts),
// for the benchmarks that time loads without the CLI (bench:pit, bench:spark): into a table that
// holds nothing yet, its bulk form, with the keys of the table and of its registers dropped first
// and built again after `keysAfter` statements (docs/sql.md, "First loads"); else its statements.
// The caller runs it inside its transaction.
import { bindParameters } from '@vault/emitters';
import { EMPTY_COLUMN, keysRebuilt } from '@vault/emitters/internal';

const q = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * Runs `load` (an entry of `plan.loads`) on `client` with `loadTs`.
 * @returns the rows its INSERTs reported
 */
export async function runLoad(client, plan, load, loadTs) {
  let inserted = 0;
  const bulk = load.bulk !== undefined && Number((await client.query(load.bulk.empty.sql)).rows[0][EMPTY_COLUMN]) === 1;
  const statements = bulk ? load.bulk.statements : load.statements;
  const keys = [];
  for (const t of bulk && plan.ledger.keys !== undefined ? [load.target, ...load.registers] : [])
    keys.push(...(await client.query(plan.ledger.keys.sql, bindParameters(plan.ledger.keys, { relation: `${q(t.schema)}.${q(t.name)}` }))).rows);
  for (const s of bulk ? keysRebuilt(statements, load.bulk.keysAfter, keys) : statements) {
    if (typeof s === 'string') await client.query(s);
    else inserted += (await client.query(s.sql, bindParameters(s, { load_ts: loadTs }))).rowCount ?? 0;
  }
  return inserted;
}
