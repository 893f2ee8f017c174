// A lower bound of any correct initial load of a model's raw vault (npm run bench:load): the
// least SQL, written by hand, that computes the rows the load writes from the landing rows, one
// INSERT ... SELECT per table. It supports what the benchmark's model (specs/ews.yaml) loads:
// hubs, links, satellites and effectivity satellites with a delta order, each read from landing
// tables whose business keys are hashed as they come (no blank or case-folded text keys), and the
// snapshot control; anything else throws. Hash keys and hashdiffs are vault's own expressions
// (`hashExpression`), the hashdiff over the payload in name order as docs/hashing.md says.
import { hashExpression, postgresDialect as d } from '@vault/emitters/internal';

const q = (name) => d.quoteIdent(name);
const SUPPORTED = new Set(['hub', 'link', 'satellite', 'effectivity_satellite', 'snapshot_control', 'pit']);
const cast = (column, type) => `CAST("s".${q(column)} AS ${d.columnType(type)})`;
const present = (columns) => columns.map((c) => `${c} IS NOT NULL`).join(' AND ');

/**
 * The bound's statements for `model` at batch load timestamp `loadTs`, writing into the tables
 * `into(table)` names (`table`: a vault table, `{ schema, name }`): one per load that writes rows,
 * `{ sql, tables }`, `tables` the vault tables it fills. `plan` is the model's `sqlPlan`, for the
 * names of the tables each load fills.
 */
export function boundStatements(model, plan, into, loadTs) {
  const ts = `TIMESTAMPTZ ${d.quoteLiteral(loadTs)}`;
  const key = (inputs) => hashExpression(d, model.hashing, inputs, 'key');
  const landing = (table) => `${q(model.schemas.landing)}.${q(table)} AS "s"`;
  const source = (table) => model.sources.find((s) => s.name === table);
  const deltaOf = (table) => {
    const column = model.entities.find((e) => e.source?.table === table && e.deltaOrder !== undefined)?.deltaOrder;
    if (column === undefined) throw new Error(`bench:load bound: ${table} has no delta order`);
    return column;
  };
  const recordSource = (table) => `CAST(${d.quoteLiteral(source(table).recordSource)} AS text)`;
  const entity = (kind, name) => model.entities.find((e) => e.kind === kind && e.name === name);
  /** The landing columns of `table` that hold hub `hub`'s business key. */
  const hubKeyIn = (hub, table) => {
    const s = entity('hub', hub).sources.find((x) => x.table === table);
    if (s === undefined) throw new Error(`bench:load bound: ${table} holds no key of hub ${hub}`);
    return s.columns;
  };
  /**
   * A history with a delta order into its table and register, from `staged` (a SELECT of
   * "hk", "state" — the hashdiff or, for an effectivity satellite, the link's hash key — "delta"
   * and the payload): the rows that differ from the one before them in change order, at the
   * batch's timestamp + 0, 1, 2, ... microseconds per key, and the batch's other distinct rows
   * (key, delta order, state) in the register. One sort (the window's), which no correct load
   * avoids: a key's 10 versions have to be compared in order. The running count is a second
   * window over the same order, without a sort.
   */
  const history = (load, staged, columns, registerColumns) => {
    const order = `PARTITION BY "hk" ORDER BY "delta" NULLS LAST, "state"`;
    return `WITH "c" AS (
  SELECT "o".*, count(*) FILTER (WHERE "o"."new") OVER (${order} ROWS UNBOUNDED PRECEDING) AS "position"
  FROM (
    SELECT "x".*, lag("state") OVER "w" IS DISTINCT FROM "state" AS "new", lag("delta") OVER "w" IS NOT DISTINCT FROM "delta" AND lag("state") OVER "w" = "state" AS "again"
    FROM (${staged}) AS "x"
    WINDOW "w" AS (${order})
  ) AS "o"
  WHERE NOT "o"."again"
), "r" AS (
  INSERT INTO ${into(load.registers[0])} (${registerColumns}) SELECT "hk", "delta", "state", ${ts} FROM "c" WHERE NOT "new"
)
INSERT INTO ${into(load.target)} (${columns.map(([c]) => q(c)).join(', ')}) SELECT ${columns.map(([, v]) => v).join(', ')} FROM "c" WHERE "new"`;
  };

  /** A history's columns after its key: `load_ts` (the running count of its changes), `record_source`, its state, `delta_order`. */
  const historyColumns = (table, state) => [
    ['load_ts', `${ts} + ("position" - 1) * INTERVAL '1 microsecond'`],
    ['record_source', recordSource(table)],
    [state, '"state"'],
    ['delta_order', '"delta"'],
  ];
  const loads = [];
  for (const load of plan.loads) {
    let sql;
    if (!SUPPORTED.has(load.kind)) throw new Error(`bench:load bound: no bound for a ${load.kind}'s load`);
    const e = entity(load.kind, load.entity);
    if (load.kind === 'hub') {
      const bk = e.businessKeys.map((k) => q(k.name));
      // Per landing table its keys, each with its earliest delta order; the first seen gives the record source.
      const perSource = e.sources.map((s, i) => {
        const cols = s.columns.map((c, j) => `${cast(c, e.businessKeys[j].type)} AS ${bk[j]}`);
        const delta = `min("s".${q(deltaOf(s.table))})`;
        return `SELECT ${cols.join(', ')}, ${delta} AS "delta", ${i} AS "source", ${recordSource(s.table)} AS "record_source" FROM ${landing(s.table)} WHERE ${present(s.columns.map((c, j) => cast(c, e.businessKeys[j].type)))} GROUP BY ${cols.map((_, j) => j + 1).join(', ')}`;
      });
      const keys =
        perSource.length === 1 ? perSource[0] : `SELECT DISTINCT ON (${bk.join(', ')}) * FROM (${perSource.join(' UNION ALL ')}) AS "u" ORDER BY ${bk.join(', ')}, "delta" NULLS LAST, "source"`;
      const hk = key(e.businessKeys.map((k) => ({ sql: `"g".${q(k.name)}`, type: k.type })));
      sql = `INSERT INTO ${into(load.target)} (${[e.hashKey, ...e.businessKeys.map((k) => k.name), 'load_ts', 'record_source'].map(q).join(', ')}) SELECT ${hk}, ${bk.map((c) => `"g".${c}`).join(', ')}, ${ts}, "g"."record_source" FROM (${keys}) AS "g"`;
    } else if (load.kind === 'link') {
      if (e.sources.length !== 1 || e.dependentChildKeys !== undefined) throw new Error(`bench:load bound: link ${e.name} has more than one source or child keys`);
      const s = e.sources[0];
      const keyColumns = e.hubs.flatMap((h) => h.businessKeys);
      const names = keyColumns.map((_, i) => `"k${i}"`);
      const cols = s.columns.map((c, i) => `${cast(c, keyColumns[i].type)} AS ${names[i]}`);
      const inputs = keyColumns.map((k, i) => ({ sql: `"g".${names[i]}`, type: k.type }));
      let at = 0;
      const hubKeys = e.hubs.map((h) => {
        const mine = inputs.slice(at, (at += h.businessKeys.length));
        return `CASE WHEN ${mine.map((i) => `${i.sql} IS NULL`).join(' AND ')} THEN '${'0'.repeat(32)}' ELSE ${key(mine)} END`;
      });
      sql = `INSERT INTO ${into(load.target)} (${[e.hashKey, ...e.hubs.map((h) => h.hashKey), ...keyColumns.map((k) => k.name), 'load_ts', 'record_source'].map(q).join(', ')}) SELECT ${key(inputs)}, ${hubKeys.join(', ')}, ${names.map((n) => `"g".${n}`).join(', ')}, ${ts}, ${recordSource(s.table)} FROM (SELECT ${cols.join(', ')} FROM ${landing(s.table)} WHERE NOT (${names.map((_, i) => `${cast(s.columns[i], keyColumns[i].type)} IS NULL`).join(' AND ')}) GROUP BY ${names.map((_, i) => i + 1).join(', ')}) AS "g"`;
    } else if (load.kind === 'satellite') {
      if (e.parentKey !== undefined || e.deltaOrder === undefined || (e.duplicates !== undefined && e.duplicates.kind !== 'report'))
        throw new Error(`bench:load bound: satellite ${e.name} is not of the kind supported`);
      const table = e.source.table;
      const parent = entity('hub', e.parent);
      const keyCols = hubKeyIn(e.parent, table);
      const keySql = key(keyCols.map((c, i) => ({ sql: cast(c, parent.businessKeys[i].type), type: parent.businessKeys[i].type })));
      const byName = [...e.payload].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const hashdiff = hashExpression(
        d,
        model.hashing,
        byName.map((c) => ({ sql: cast(c.sourceColumn, c.type), type: c.type })),
        'hashdiff',
      );
      const payload = e.payload.map((c) => `${cast(c.sourceColumn, c.type)} AS ${q(c.name)}`);
      const staged = `SELECT ${keySql} AS "hk", ${hashdiff} AS "state", "s".${q(e.deltaOrder)} AS "delta", ${payload.join(', ')} FROM ${landing(table)} WHERE ${present(keyCols.map((c, i) => cast(c, parent.businessKeys[i].type)))}`;
      const columns = [[e.parentHashKey, '"hk"'], ...historyColumns(table, 'hashdiff'), ...e.payload.map((c) => [c.name, q(c.name)])];
      sql = history(load, staged, columns, [e.parentHashKey, 'delta_order', 'hashdiff', 'load_ts'].map(q).join(', '));
    } else if (load.kind === 'effectivity_satellite') {
      const link = entity('link', e.parent);
      const table = e.source.table;
      const keyColumns = link.hubs.flatMap((h) => h.businessKeys);
      const inputs = keyColumns.map((k, i) => ({ sql: cast(e.source.columns[i], k.type), type: k.type }));
      let at = 0;
      const driving = link.hubs.flatMap((h) => {
        const mine = inputs.slice(at, (at += h.businessKeys.length));
        return e.drivingKey.includes(h.hashKey) ? mine : [];
      });
      const staged = `SELECT ${key(driving)} AS "hk", ${key(inputs)} AS "state", "s".${q(e.deltaOrder)} AS "delta" FROM ${landing(table)} WHERE ${present(driving.map((i) => i.sql))}`;
      if (e.drivingKey.length !== 1) throw new Error(`bench:load bound: effectivity satellite ${e.name} has a driving key of ${e.drivingKey.length} hubs`);
      const columns = [[e.drivingKey[0], '"hk"'], ...historyColumns(table, e.parentHashKey)];
      sql = history(load, staged, columns, [e.drivingKey[0], 'delta_order', e.parentHashKey, 'load_ts'].map(q).join(', '));
    } else if (load.kind === 'snapshot_control') {
      // Its calendar, not landing rows: the month ends from its start up to the batch's date (docs/sql.md, "Snapshot control").
      if (e.every !== 'month_end') throw new Error(`bench:load bound: snapshots every ${e.every}`);
      const day = (text) => `DATE ${d.quoteLiteral(text)}`;
      sql = `INSERT INTO ${into(load.target)} ("snapshot_date", "is_week_end", "is_month_end", "is_quarter_end", "is_year_end", "load_ts") SELECT "m", EXTRACT(ISODOW FROM "m") = 7, TRUE, EXTRACT(MONTH FROM "m") IN (3, 6, 9, 12), EXTRACT(MONTH FROM "m") = 12, ${ts} FROM (SELECT CAST("g" + INTERVAL '1 month' - INTERVAL '1 day' AS date) AS "m" FROM generate_series(date_trunc('month', ${day(e.start)}), ${day(loadTs.slice(0, 10))}, INTERVAL '1 month') AS "g") AS "c" WHERE "m" BETWEEN ${day(e.start)} AND ${day(loadTs.slice(0, 10))}`;
    }
    // A PIT: none of its snapshots is due before the batch's rows are loaded (their load
    // timestamp is the batch's, not before a cut-off): vault's first load writes no PIT row.
    if (sql !== undefined) loads.push({ sql, tables: [load.target, ...load.registers] });
  }
  return loads;
}
