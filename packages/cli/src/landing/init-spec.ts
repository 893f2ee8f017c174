/**
 * `vault init`: a spec written from what the landing schema holds. Keys and foreign keys become
 * `primary_key`, `unique_keys` and `references`; comments become descriptions; every choice the
 * database made for the spec is said in a YAML comment, and everything it could not express is
 * said too, so the spec compiles as written and a reviewer sees where each line came from.
 */
import { Document, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { checkIdentifier, printColumnType } from '@vault/core/internal';
import type { CatalogForeignKey, CatalogTable, LandingCatalog } from './catalog.js';
import { databaseType } from './types.js';

export interface InitOptions {
  readonly model: string;
  /** Where the catalog was read, safe to print (no password). */
  readonly database: string;
  /** Tables to include; all when absent. */
  readonly include?: (table: string) => boolean;
  /** The spec's JSON Schema, for the editor modeline on the first line (schema-modeline.ts). */
  readonly schema?: string;
}

interface ReferenceOut {
  readonly columns: ReadonlyArray<string>;
  readonly table: string;
  readonly role?: string;
}

/** The key inference will give a table written without `business_key`: its primary key, else its first unique key. */
function inferredKey(t: CatalogTable): ReadonlyArray<string> | undefined {
  return t.primaryKey?.columns ?? t.uniqueKeys[0]?.columns;
}

type ReferencePlan = { readonly ok: ReferenceOut } | { readonly skip: string };

function planReference(fk: CatalogForeignKey, table: CatalogTable, catalog: LandingCatalog, included: ReadonlySet<string>): ReferencePlan {
  const target = fk.targetSchema === catalog.schema ? catalog.tables.get(fk.targetTable) : undefined;
  const where = `${fk.targetSchema}.${fk.targetTable}(${fk.targetColumns.join(', ')})`;
  if (target === undefined || !included.has(fk.targetTable)) return { skip: `foreign key ${fk.name} → ${where} is left out: the target is not in this spec` };
  const key = inferredKey(target);
  if (key === undefined || key.length !== fk.targetColumns.length || !key.every((k) => fk.targetColumns.includes(k))) {
    // Without a primary key, the target's business key is its first unique key (inferredKey).
    const why =
      target.primaryKey !== undefined || key === undefined
        ? `${fk.targetTable}'s primary key, which is its business key here`
        : `${fk.targetTable}'s first unique key (${key.join(', ')}), which is its business key here: it has no primary key`;
    return { skip: `foreign key ${fk.name} → ${where} is left out: it does not reference ${why}` };
  }
  // A reference lists its columns in the order of the target's key.
  const columns = key.map((k) => fk.columns[fk.targetColumns.indexOf(k)]!);
  const twice = table.foreignKeys.filter((other) => other.targetSchema === fk.targetSchema && other.targetTable === fk.targetTable).length > 1;
  const role = twice || fk.targetTable === table.name ? roleOf(columns, key, fk.targetTable) : undefined;
  return { ok: { columns, table: fk.targetTable, ...(role !== undefined ? { role } : {}) } };
}

/** Whether two foreign keys pair the same columns with the same columns of the same table, in any order. */
function sameForeignKey(a: CatalogForeignKey, b: CatalogForeignKey): boolean {
  const pairs = (k: CatalogForeignKey): string => JSON.stringify(k.columns.map((c, i) => [c, k.targetColumns[i]]).sort());
  return a.targetSchema === b.targetSchema && a.targetTable === b.targetTable && pairs(a) === pairs(b);
}

/**
 * The role a reference plays when a table references the same hub twice (or itself): the prefix
 * its columns share in front of the target's key columns.
 * @example roleOf(['manager_staff_id'], ['staff_id'], 'staff') // 'manager'
 * @example roleOf(['from_country_code', 'from_account_number'], ['country_code', 'account_number'], 'account') // 'from_account'
 */
function roleOf(columns: ReadonlyArray<string>, key: ReadonlyArray<string>, target: string): string {
  const prefixes = columns.map((c, i) => {
    const k = key[i] ?? '';
    return c.endsWith(`_${k}`) && c.length > k.length + 1 ? c.slice(0, c.length - k.length - 1) : undefined;
  });
  const prefix = prefixes[0];
  if (prefix === undefined || prefixes.some((p) => p !== prefix)) return columns[0] ?? target;
  // `from` is a reserved word: `from_account` says the same and is a safe name.
  return checkIdentifier(prefix, 'role') === undefined ? prefix : `${prefix}_${target}`;
}

/**
 * The tables a spec from `catalog` lists: those `include` keeps, without the partitions of a
 * partitioned table of the schema, whose rows a read of that table returns.
 */
export function initTables(catalog: LandingCatalog, include?: (table: string) => boolean): string[] {
  return [...catalog.tables.values()].filter((t) => t.partitionOf?.schema !== catalog.schema && (include?.(t.name) ?? true)).map((t) => t.name);
}

export function specFromCatalog(catalog: LandingCatalog, options: InitOptions): string {
  const names = initTables(catalog, options.include);
  const included = new Set(names);
  const comments = new Map<string, string[]>();
  const note = (path: string, text: string): void => void comments.set(path, [...(comments.get(path) ?? []), text]);
  const tables: Record<string, unknown> = {};
  for (const name of names) {
    const t = catalog.tables.get(name)!;
    const columns: Record<string, unknown> = {};
    for (const c of t.columns) {
      const type = databaseType(c.type);
      // A domain's values are values of the type it is over; its CHECK constraints stay the database's.
      const found = c.domain === undefined ? c.type : `${c.domain.name}, a domain over ${c.type},`;
      if (type === undefined) note(`${name}.${c.name}`, `${found} in the database: read as text`);
      else if (c.domain !== undefined) note(`${name}.${c.name}`, `${found} in the database`);
      const spelled = type === undefined ? 'text' : printColumnType(type);
      columns[c.name] = !c.notNull && c.comment === undefined ? spelled : { type: spelled, ...(c.notNull ? { nullable: false } : {}), ...(c.comment !== undefined ? { description: c.comment } : {}) };
    }
    const references: ReferenceOut[] = [];
    // A foreign key over the same columns to the same columns as an earlier one (migrations leave
    // such twins) is the same relationship: written twice, it would be two references alike.
    const distinct: CatalogForeignKey[] = [];
    for (const fk of t.foreignKeys) {
      const twin = distinct.find((d) => sameForeignKey(d, fk));
      if (twin !== undefined) note(name, `foreign key ${fk.name} is left out: it repeats ${twin.name}`);
      else distinct.push(fk);
    }
    for (const fk of distinct) {
      const plan = planReference(fk, { ...t, foreignKeys: distinct }, catalog, included);
      if ('ok' in plan) references.push(plan.ok);
      else note(name, plan.skip);
    }
    const keys = [t.primaryKey ? `primary key ${t.primaryKey.name}` : undefined, ...t.uniqueKeys.map((k) => `unique ${k.name}`), ...t.foreignKeys.map((k) => `foreign key ${k.name}`)].filter(
      (x) => x !== undefined,
    );
    note(name, `${t.kind} ${catalog.schema}.${name}${keys.length > 0 ? `: ${keys.join(', ')}` : ': no keys in the database; inference looks at column names'}`);
    // What the role init read the catalog as may not read, so loads as that role would fail (VLT610).
    const hidden = t.selectable ? [] : t.columns.filter((c) => !c.selectable).map((c) => c.name);
    if (catalog.usage && hidden.length > 0)
      note(name, `role ${catalog.user} may not read ${hidden.length === t.columns.length ? 'this table' : `columns ${hidden.join(', ')}`} (vault validate: VLT610)`);
    const partitions = [...catalog.tables.values()].filter((p) => p.partitionOf?.schema === catalog.schema && p.partitionOf.table === name).map((p) => p.name);
    if (partitions.length > 0) note(name, `read with its partitions ${partitions.join(', ')}`);
    // A read of a table returns the rows of the tables inheriting from it: a source listed beside
    // its parent is loaded twice, once through each (docs/validate.md).
    const children = [...catalog.tables.values()].filter((c) => (c.inheritsFrom ?? []).some((p) => p.schema === catalog.schema && p.table === name)).map((c) => c.name);
    if (children.length > 0) note(name, `read with the rows of ${children.join(', ')}, which ${children.length > 1 ? 'inherit' : 'inherits'} from it`);
    const parents = (t.inheritsFrom ?? []).map((p) => (p.schema === catalog.schema ? p.table : `${p.schema}.${p.table}`));
    if (parents.length > 0) note(name, `inherits from ${parents.join(', ')}: its rows are read through ${parents.length > 1 ? 'those' : 'that table'} too`);
    tables[name] = {
      ...(t.comment !== undefined ? { description: t.comment } : {}),
      ...(t.primaryKey !== undefined ? { primary_key: t.primaryKey.columns } : {}),
      ...(t.uniqueKeys.length > 0 ? { unique_keys: t.uniqueKeys.map((k) => k.columns) } : {}),
      columns,
      ...(references.length > 0 ? { references } : {}),
      // The spec was read from the whole table: a batch of it is the whole source, so a key it no
      // longer holds was deleted (docs/spec.md, "Deletes"). A table later fed changes only says delta.
      batches: 'full',
    };
  }
  const doc = new Document({
    version: 1,
    model: options.model,
    ...(catalog.schema !== 'landing' ? { schemas: { landing: catalog.schema } } : {}),
    tables,
  });
  doc.commentBefore = [
    ...(options.schema !== undefined ? [` yaml-language-server: $schema=${options.schema}`] : []),
    ` Written by vault init from schema ${catalog.schema} on ${options.database}.`,
    ' Keys, NOT NULL, foreign keys and comments come from the database; review the inferred',
    ' vault with `vault explain`, and add a description (the business context) and business rules.',
    ...(catalog.usage ? [] : [` Role ${catalog.user} has no USAGE on schema ${catalog.schema}: it may not read these tables (vault validate: VLT609).`]),
  ].join('\n');
  decorate(doc, comments);
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
}

/** Flow style for short lists and column objects; comments before tables and after columns. */
function decorate(doc: Document, comments: ReadonlyMap<string, ReadonlyArray<string>>): void {
  const tables = doc.get('tables', true);
  if (!isMap(tables)) return;
  for (const pair of tables.items as Array<Pair<Node, Node>>) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (isScalar(pair.key)) pair.key.commentBefore = (comments.get(name) ?? []).map((c) => ` ${c}`).join('\n');
    const table = pair.value;
    if (!isMap(table)) continue;
    for (const key of ['primary_key', 'unique_keys']) flow(table.get(key, true));
    const unique = table.get('unique_keys', true);
    if (isSeq(unique)) for (const item of unique.items) flow(item);
    const columns = table.get('columns', true);
    if (isMap(columns)) {
      for (const c of columns.items as Array<Pair<Node, Node>>) {
        flow(c.value);
        const text = comments.get(`${name}.${isScalar(c.key) ? String(c.key.value) : ''}`);
        if (text !== undefined && c.value !== null) c.value.comment = ` ${text.join('; ')}`;
      }
    }
    const refs = table.get('references', true);
    if (isSeq(refs)) for (const r of refs.items) flow(r);
  }
}

function flow(node: unknown): void {
  if (isMap(node) || isSeq(node)) node.flow = true;
}
