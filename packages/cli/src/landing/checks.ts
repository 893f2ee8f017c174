/**
 * The checks of `vault validate` that need only the catalog: does every source table and column
 * exist, do types, NOT NULL and foreign keys agree with the spec, may the role read them.
 * Pure: a spec, its model and a catalog in, findings against spec paths out.
 */
import {
  checkIdentifier,
  closest,
  columnSpecObject,
  entitiesOf,
  parseColumnType,
  pathDiag,
  printColumnType,
  type ColumnType,
  type PathDiagnostic,
  type Spec,
  type VaultModel,
} from '@vault/core/internal';
import { catalogKey, type CatalogForeignKey, type CatalogTable, type LandingCatalog } from './catalog.js';
import { postgresDialect } from '@vault/emitters/internal';
import { compareSparkTypes } from './spark-catalog.js';
import { compareTypes, databaseType, type TypeMatch } from './types.js';

export const CHECKS = ['existence', 'structure', 'permissions', 'access', 'profile'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface Finding {
  readonly check: CheckName;
  /** The source table it is about; absent for the schema. */
  readonly table?: string;
  readonly diagnostic: PathDiagnostic;
}

/** What the checks need to know about the spec beyond its text. */
export interface SpecFacts {
  readonly spec: Spec;
  readonly model: VaultModel;
  /** Each table's own business key (source columns, key order), as inference chose it. */
  readonly keys: ReadonlyMap<string, ReadonlyArray<string>>;
  /**
   * Per table, its columns that refer to another table: declared references and those inferred
   * by name or role (`raw_payments.order_id`). Columns of an implied hub are not among them.
   */
  readonly references: ReadonlyMap<string, ReadonlySet<string>>;
}

const LANDING_PATH = ['schemas', 'landing'];
const tablePath = (t: string) => ['tables', t];
const columnPath = (t: string, c: string) => ['tables', t, 'columns', c];

/**
 * The business key columns of `table` that must not be NULL: its own key, and columns that imply
 * a hub of their own (`business_partner_id`). A reference column, declared or inferred, may be
 * NULL (an optional relationship), so it is left out.
 */
export function businessKeyColumns(f: SpecFacts, table: string): ReadonlyArray<string> {
  const references = f.references.get(table) ?? new Set<string>();
  const out = new Set<string>(f.keys.get(table) ?? []);
  for (const h of entitiesOf(f.model, 'hub')) for (const s of h.sources) if (s.table === table) for (const c of s.columns) if (!references.has(c)) out.add(c);
  return [...out].sort();
}

/** How a spec type compares with a column's type as the catalog's engine prints it. */
function compareColumn(catalog: LandingCatalog, spec: ColumnType, type: string): TypeMatch {
  return catalog.engine === 'spark' ? compareSparkTypes(spec, type) : compareTypes(spec, databaseType(type));
}

function didYouMean(name: string, candidates: ReadonlyArray<string>): string {
  const exactButCase = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
  if (exactButCase !== undefined) return ` (the database has '${exactButCase}': names are case-sensitive)`;
  const near = closest(name, candidates);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}

export function catalogFindings(f: SpecFacts, catalog: LandingCatalog): Finding[] {
  const schema = catalog.schema;
  if (!catalog.exists) {
    return [
      { check: 'existence', diagnostic: pathDiag('VLT601', LANDING_PATH, `landing schema '${schema}' does not exist in the database; set schemas.landing to the schema that holds the source tables`) },
    ];
  }
  const out: Finding[] = [];
  if (!catalog.usage) {
    out.push({
      check: 'permissions',
      diagnostic: pathDiag('VLT609', LANDING_PATH, `role '${catalog.user}' has no USAGE privilege on schema '${schema}' (GRANT USAGE ON SCHEMA ${grantName(schema)} TO ${grantName(catalog.user)})`),
    });
  }
  const dbTables = [...catalog.tables.keys()];
  for (const name of Object.keys(f.spec.tables).sort()) {
    const table = catalog.tables.get(catalogKey(catalog, name));
    if (table === undefined) {
      out.push({
        check: 'existence',
        table: name,
        diagnostic: pathDiag('VLT602', tablePath(name), `source table '${name}' not found in schema '${schema}'${didYouMean(name, dbTables)}`, { target: 'key' }),
      });
      continue;
    }
    out.push(...tableFindings(f, name, table, catalog));
  }
  return out;
}

function tableFindings(f: SpecFacts, name: string, table: CatalogTable, catalog: LandingCatalog): Finding[] {
  const out: Finding[] = [];
  const spec = f.spec.tables[name];
  if (spec === undefined) return out;
  const dbColumns = new Map(table.columns.map((c) => [catalogKey(catalog, c.name), c]));
  const keyColumns = new Set(businessKeyColumns(f, name));
  const unreadable: string[] = [];
  for (const columnName of Object.keys(spec.columns).sort()) {
    const column = columnSpecObject(spec.columns[columnName]!);
    const db = dbColumns.get(catalogKey(catalog, columnName));
    if (db === undefined) {
      out.push({
        check: 'existence',
        table: name,
        diagnostic: pathDiag('VLT603', columnPath(name, columnName), `column '${columnName}' not found in ${catalog.schema}.${name}${didYouMean(columnName, [...dbColumns.keys()])}`, {
          target: 'key',
        }),
      });
      continue;
    }
    if (!db.selectable) unreadable.push(columnName);
    const parsed = parseColumnType(column.type);
    if (parsed.ok) {
      const match = compareColumn(catalog, parsed.type, db.type);
      if (match !== 'same') {
        const code = match === 'compatible' ? 'VLT605' : 'VLT604';
        const tail = match === 'compatible' ? 'values are cast on load' : 'loads would fail or change values; fix the spec or the table';
        out.push({
          check: 'structure',
          table: name,
          diagnostic: pathDiag(
            code,
            [...columnPath(name, columnName), 'type'],
            `column ${name}.${columnName} is ${printColumnType(parsed.type)} in the spec but ${db.domain === undefined ? db.type : `${db.domain.name} (a domain over ${db.type})`} in the database: ${tail}`,
          ),
        });
      }
    }
    // Spark's tables hold no NOT NULL (a Parquet table has none): nothing to compare there.
    if (catalog.engine === 'spark') continue;
    if (!db.notNull && keyColumns.has(columnName)) {
      out.push({
        check: 'structure',
        table: name,
        diagnostic: pathDiag('VLT606', columnPath(name, columnName), `business key column ${name}.${columnName} has no NOT NULL constraint in the database: rows where it is NULL get no hub entry`, {
          target: 'key',
        }),
      });
    } else if (!db.notNull && column.nullable === false) {
      out.push({
        check: 'structure',
        table: name,
        diagnostic: pathDiag('VLT607', columnPath(name, columnName), `column ${name}.${columnName} is nullable: false in the spec, but the database allows NULL`, { target: 'key' }),
      });
    }
  }
  out.push(...referenceFindings(f, name, table, catalog));
  if (catalog.usage && !table.selectable && unreadable.length > 0) {
    const all = unreadable.length === Object.keys(spec.columns).filter((c) => dbColumns.has(catalogKey(catalog, c))).length;
    const what = all ? `${catalog.schema}.${name}` : `columns ${unreadable.join(', ')} of ${catalog.schema}.${name}`;
    out.push({
      check: 'permissions',
      table: name,
      diagnostic: pathDiag(
        'VLT610',
        tablePath(name),
        `role '${catalog.user}' has no SELECT privilege on ${what} (GRANT SELECT ON ${grantName(catalog.schema)}.${grantName(name)} TO ${grantName(catalog.user)})`,
        { target: 'key' },
      ),
    });
  }
  return out;
}

/**
 * A name as the GRANT of a message spells it: bare when PostgreSQL reads it back as written, else
 * double-quoted (`"Ledger"`, which bare would be folded to `ledger`, another table).
 * @example grantName('ledger') // 'ledger'
 * @example grantName('Ledger') // '"Ledger"'
 */
function grantName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && checkIdentifier(name, 'table') === undefined ? name : postgresDialect.quoteIdent(name);
}

/** A declared reference and a foreign key over the same columns must point at the same key. */
function referenceFindings(f: SpecFacts, name: string, table: CatalogTable, catalog: LandingCatalog): Finding[] {
  const out: Finding[] = [];
  for (const [i, ref] of (f.spec.tables[name]?.references ?? []).entries()) {
    const over = table.foreignKeys.filter((k) => sameSet(k.columns, ref.columns));
    const fk = over[0];
    if (fk === undefined) continue; // landing zones often carry no foreign keys: nothing to compare
    const expected = ref.target_columns ?? f.keys.get(ref.table) ?? [];
    // Compare column by column: the FK's own order pairs each column with its target.
    const agreesWith = (k: CatalogForeignKey): boolean => {
      const to = new Map(k.columns.map((c, j) => [c, k.targetColumns[j]]));
      return k.targetSchema === catalog.schema && k.targetTable === ref.table && ref.columns.every((c, j) => to.get(c) === expected[j]);
    };
    // Columns may carry several foreign keys (to a table and to its subtype): one agreeing is enough.
    if (!over.some(agreesWith)) {
      const theirs = `${fk.targetSchema}.${fk.targetTable}(${fk.targetColumns.join(', ')})`;
      out.push({
        check: 'structure',
        table: name,
        diagnostic: pathDiag(
          'VLT608',
          ['tables', name, 'references', i],
          `reference (${ref.columns.join(', ')}) → ${ref.table}(${expected.join(', ')}) disagrees with foreign key ${fk.name}, which references ${theirs}`,
        ),
      });
    }
  }
  return out;
}

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => a.length === b.length && a.every((x) => b.includes(x));
