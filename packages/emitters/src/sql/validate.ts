/**
 * What must hold for the SQL of a model to be valid. Models the compiler builds satisfy all of
 * it; this names a problem instead of emitting SQL that fails in the database, at the spec node
 * the entity comes from (its `origin`), so the CLI prints it at that line.
 */
import { type ColumnType, type PathDiagnostic, type SpecPath, type VaultEntity, type VaultModel } from '@vault/core';
import { KINDS, VIEW_COLUMNS, dispatch, entitiesOf, exprChildren, pathDiag, type Expr } from '@vault/core/internal';
import { need, parentKeySource, sqlContext } from './context.js';
import { rawParent } from './business-vault.js';
import { WIRED_DIALECT, postgresDialect, type Dialect } from './dialect/index.js';
import { duplicatesTable } from './duplicates.js';
import { changedRowsSources, changeTables } from './landing-changes.js';
import { hashKeysRecordTable, hashingRecordTable, ledgerTable, seedRecordTable } from './ledger.js';
import { businessHistoryView, entityTable, hasAsOfViews, landingTable, type SqlTable, tableText } from './names.js';
import { tableColumns } from './table-columns.js';
import { MORE_OBJECTS } from './objects.js';
import { objectsRecordTable, recordSchemas } from './ownership.js';

/**
 * The most columns a view vault builds on an entity adds to the entity's own: a history view's
 * valid_from, valid_to, is_current and key_is_deleted, and an as-of view's snapshot_date; a
 * type-2 dimension's version key and validity (four).
 */
const ADDED_COLUMNS = 5;

/** Whether a rule divides (`/`, `%`) outside a ROUND with digits, which fixes the result's scale on every engine. */
function divides(e: Expr): boolean {
  if (e.kind === 'call' && e.name === 'ROUND' && e.args.length === 2) return false;
  if (e.kind === 'binary' && (e.op === '/' || e.op === '%')) return true;
  return exprChildren(e).some(divides);
}

/** A column type as a spec writes it: `decimal`, `decimal(40,2)`, `interval`. */
function typeText(t: ColumnType): string {
  if (t.kind === 'decimal' && t.precision !== undefined) return `decimal(${t.precision}${t.scale === undefined ? '' : `,${t.scale}`})`;
  return t.kind;
}

/**
 * Problems that would make the SQL of `model` in `dialect` (the wired one unless a caller names
 * another) invalid, each at the spec node of the entity (or source table) it is about; empty
 * when the SQL can be emitted. Names are the dialect's, so whether two clash is too.
 * @example validateSql(model) // []
 * @example validateSql(clashing)[0] // { code: 'VLT412', path: ['tables', 'vault_loads'], message: "landing table 'vault_loads' and ...", ... }
 */
export function validateSql(model: VaultModel, dialect: Dialect = WIRED_DIALECT): ReadonlyArray<PathDiagnostic> {
  const ctx = sqlContext(model, dialect);
  const problems: PathDiagnostic[] = [];
  // The key, not the value: a table's or entity's problem prints at the line that names it.
  const problem = (at: SpecPath, message: string): void => void problems.push(pathDiag('VLT412', at, message, { target: 'key' }));
  const owners = new Map<string, string>();
  const claim = (t: SqlTable, what: string, at: SpecPath): void => {
    const key = dialect.foldName(tableText(t));
    const other = owners.get(key);
    if (other !== undefined) problem(at, `${what} and ${other} would both be ${key}`);
    else owners.set(key, what);
  };
  // Claimed first, so a clash with it is reported at the table or entity that takes its name.
  claim(ledgerTable(dialect, model.schemas.rawVault), 'the load ledger of vault run', ['model']);
  claim(hashingRecordTable(dialect, model.schemas.rawVault), "the record of the raw vault's hashing", ['model']);
  claim(hashKeysRecordTable(dialect, model.schemas.rawVault), 'the record of what each hash key hashes', ['model']);
  // vault seed fills PostgreSQL landing tables only, and keeps its record there.
  if (dialect === postgresDialect) claim(seedRecordTable(dialect, model.schemas.rawVault), 'the record of vault seed', ['model']);
  const routed = [...entitiesOf(model, 'satellite'), ...entitiesOf(model, 'link_satellite')].some((s) => s.duplicates?.kind === 'error_table');
  if (routed) claim(duplicatesTable(dialect, model.schemas.rawVault), 'the error table of duplicates: error_table', ['model']);
  for (const schema of recordSchemas(ctx)) claim(objectsRecordTable(schema), 'the record of which model owns each object of the schema', ['model']);
  for (const source of changedRowsSources(ctx)) for (const { table, what } of changeTables(ctx, source)) claim(table, what, ['tables', source]);
  for (const t of model.sources) claim(landingTable(ctx, t.name), `landing table '${t.name}'`, ['tables', t.name]);
  // An engine comparing names case-insensitively says so when two names clash only that way
  // (two names spelled alike clash on every engine, in the same words: said once for sql and spark).
  const caseless = (a: string, b: string): string => (a === b ? '' : ` (${dialect.name} compares names case-insensitively)`);
  /** A table's or view's columns, named once each. */
  const twice = (at: SpecPath, what: string, columns: ReadonlyArray<string>): void => {
    const seen = new Map<string, string>();
    for (const c of columns) {
      const other = seen.get(dialect.foldName(c));
      if (other !== undefined) problem(at, `${what} would have two columns named '${c}'${caseless(c, other)}`);
      else seen.set(dialect.foldName(c), c);
    }
  };
  // A table's or view's columns within the engine's limit; an entity's with the most columns the views vault builds on it add (ADDED_COLUMNS).
  /** Each entity's table or view columns, worked out once (the checks below read them twice). */
  const columnsCache = new Map<VaultEntity, ReturnType<typeof tableColumns>>();
  const columnsOf = (e: VaultEntity): ReturnType<typeof tableColumns> => {
    const known = columnsCache.get(e);
    if (known !== undefined) return known;
    const columns = tableColumns(ctx, e);
    columnsCache.set(e, columns);
    return columns;
  };
  const max = dialect.maxColumns;
  const tooWide = (at: SpecPath, what: string, n: number, added: number): void => {
    if (max !== undefined && n + added > max)
      problems.push(
        pathDiag(
          'VLT442',
          at,
          `${what} would have ${n} columns${added === 0 ? '' : `, and the views vault builds on it up to ${n + added}`}; ${dialect.name} allows at most ${max} in a table or view: leave out the columns no one reads (role: ignore in the spec; a hub's business satellite joins all its satellites' columns, so splitting them into satellites does not help there)`,
          { target: 'key' },
        ),
      );
  };
  for (const t of model.sources) tooWide(['tables', t.name], `landing table '${t.name}'`, t.columns.length, 0);
  // One problem per spec entry: the widest of the entities a table gives (its satellite, business satellite, presentation view).
  const widest = new Map<string, { readonly e: VaultEntity; readonly n: number }>();
  for (const e of model.entities) {
    const n = columnsOf(e).length;
    const key = JSON.stringify(e.origin);
    if (n > (widest.get(key)?.n ?? -1)) widest.set(key, { e, n });
  }
  for (const { e, n } of widest.values()) tooWide(e.origin, `${e.kind} '${e.name}'`, n, ADDED_COLUMNS);
  for (const t of model.sources)
    twice(
      ['tables', t.name],
      `landing table '${t.name}'`,
      t.columns.map((c) => c.name),
    );
  // A hashed business rule whose quotient gets another scale than PostgreSQL gives it: a warning (VLT441), as the tables and loads are unaffected.
  if (!dialect.capabilities.exactDivision)
    for (const sat of [...entitiesOf(model, 'business_satellite'), ...entitiesOf(model, 'business_link_satellite')])
      for (const d of sat.derived)
        if (divides(d.expr))
          problems.push(
            pathDiag(
              'VLT441',
              sat.origin,
              `derived attribute '${d.name}' of ${sat.kind} '${sat.name}' divides ('${d.text}'): ${dialect.name} gives the quotient another scale than PostgreSQL, so the view's value text and hashdiff differ from PostgreSQL's; ROUND(x, digits) makes them equal`,
            ),
          );
  // Types the engine cannot store or hash as the standard says: at the column's type (VLT440).
  for (const t of model.sources)
    for (const c of t.columns) {
      const why = dialect.columnTypeProblem(c.type);
      if (why !== undefined)
        problems.push(pathDiag('VLT440', ['tables', t.name, 'columns', c.name], `column '${t.name}.${c.name}' is ${typeText(c.type)}, which the ${dialect.name} target cannot take: ${why}`));
    }
  for (const entity of model.entities) {
    claim(entityTable(ctx, entity.kind, entity.name), `${entity.kind} '${entity.name}'`, entity.origin);
    for (const { table, what } of dispatch(entity, MORE_OBJECTS, ctx)) claim(table, what, entity.origin);
  }
  for (const s of [...entitiesOf(model, 'satellite'), ...entitiesOf(model, 'link_satellite')]) {
    if (!ctx.sourceColumns.has(s.source.table)) problem(s.origin, `${s.kind} '${s.name}' reads '${s.source.table}', which is not a landing table of the model`);
    else if (parentKeySource(ctx, s) === undefined) problem(s.origin, `${s.kind} '${s.name}' reads '${s.source.table}', which does not carry the key of '${s.parent}'`);
  }
  for (const e of [...entitiesOf(model, 'hub'), ...entitiesOf(model, 'link'), ...entitiesOf(model, 'non_historized_link')]) {
    for (const s of e.sources) if (!ctx.sourceColumns.has(s.table)) problem(e.origin, `${e.kind} '${e.name}' reads '${s.table}', which is not a landing table of the model`);
  }
  for (const l of entitiesOf(model, 'non_historized_link')) {
    const type = l.deltaOrder === undefined ? undefined : ctx.sourceColumns.get(l.sources[0]?.table ?? '')?.get(l.deltaOrder)?.type;
    if (l.deltaOrder !== undefined && type === undefined) problem(l.origin, `non-historized link '${l.name}' orders its events by '${l.deltaOrder}', which is not a column of its table`);
    else if (type !== undefined && !ctx.dialect.sortable(type.kind))
      problem(l.origin, `non-historized link '${l.name}' orders its events by '${l.deltaOrder}', a ${type.kind} column, which ${ctx.dialect.name} cannot sort`);
  }
  // A history view (and an as-of view) shows the parent's keys beside columns of its own; a payload
  // column named like one is prefixed in the business vault, a key cannot be.
  const own = [VIEW_COLUMNS.validFrom, VIEW_COLUMNS.validTo, VIEW_COLUMNS.isCurrent, VIEW_COLUMNS.keyIsDeleted, ...(hasAsOfViews(model) ? [VIEW_COLUMNS.snapshotDate] : [])];
  for (const sat of [...entitiesOf(model, 'business_satellite'), ...entitiesOf(model, 'business_link_satellite')]) {
    const parent = sat.kind === 'business_satellite' ? need(ctx.businessHubs, sat.parent, 'business hub') : need(ctx.businessLinks, sat.parent, 'business link');
    const raw = parent.kind === 'business_hub' ? need(ctx.hubs, parent.hub, 'hub') : need(ctx.links, parent.link, 'link');
    for (const k of rawParent(ctx, sat).keys) {
      const taken = own.find((c) => dialect.foldName(c) === dialect.foldName(k.name));
      if (taken !== undefined)
        problem(
          raw.origin,
          `${raw.kind} '${raw.name}' has key column '${k.name}', a name ${taken === VIEW_COLUMNS.snapshotDate ? 'the as-of views give a column of their own' : `${tableText(businessHistoryView(ctx, sat))} gives a column of its own`}: rename it in the landing table, or read the table through a view that renames it`,
        );
    }
  }
  for (const e of model.entities.filter((x) => KINDS[x.kind].storage === 'table')) {
    if (e.kind === 'satellite' || e.kind === 'link_satellite') {
      const columns = ctx.sourceColumns.get(e.source.table);
      if (columns === undefined) continue; // reported above
      if (e.deltaOrder !== undefined) {
        const type = columns.get(e.deltaOrder)?.type;
        const where = `${e.kind} '${e.name}' orders its changes by '${e.source.table}.${e.deltaOrder}'`;
        if (type === undefined) {
          problem(e.origin, `${where}, which is not a column of that table`);
          continue;
        }
        // Loads sort and compare delta-order values (PostgreSQL's json has no ordering; jsonb has).
        if (!ctx.dialect.sortable(type.kind)) problem(e.origin, `${where}, a ${type.kind} column, which ${ctx.dialect.name} cannot sort`);
      }
    }
    twice(
      e.origin,
      `${e.kind} '${e.name}'`,
      columnsOf(e).map((c) => c.name),
    );
  }
  // Views too: PostgreSQL refuses a view with two columns of one name at setup, and names in the
  // spec can meet names vault gives (a measure or a dimension's attribute named like a
  // dimension's hash key column in the fact or dimension view).
  for (const e of model.entities.filter((x) => KINDS[x.kind].storage === 'view')) {
    const what = e.kind === 'dimensional_model' ? `the fact view of dimensional model '${e.name}'` : `${e.kind} '${e.name}'`;
    twice(
      e.origin,
      what,
      columnsOf(e).map((c) => c.name),
    );
  }
  for (const m of entitiesOf(model, 'dimensional_model'))
    for (const d of m.dimensions) {
      const versions = d.versionKey === undefined ? [] : [d.versionKey, VIEW_COLUMNS.validFrom, VIEW_COLUMNS.validTo, VIEW_COLUMNS.isCurrent];
      twice(m.origin, `dimension '${d.name}' of dimensional model '${m.name}'`, [d.hashKey, ...versions, ...d.attributes.map((a) => a.name)]);
    }
  return problems;
}
