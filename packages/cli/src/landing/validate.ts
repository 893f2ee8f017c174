/**
 * `vault validate`: the four checks of source validation (connectivity, existence,
 * structure, permissions and access) plus an optional key profile, per source table.
 */
import { pathDiag, type PathDiagnostic } from '@vault/core/internal';
import { postgresDialect, sparkDialect } from '@vault/emitters/internal';
import type { Database } from '../db/index.js';
import { catalogKey, readCatalog, type LandingCatalog } from './catalog.js';
import { catalogFindings, type CheckName, type Finding, type SpecFacts } from './checks.js';
import { probeRead, profileKey, type KeyProfile } from './probe.js';
import { readSparkCatalog } from './spark-catalog.js';

export interface ValidateOptions {
  /** Statement timeout of every query that reads a table. */
  readonly timeoutMs: number;
  /** Rows sampled per table for `--profile`; absent: no profile. */
  readonly profileSample?: number;
  readonly progress?: (line: string) => void;
}

export interface Validation {
  readonly catalog: LandingCatalog;
  /** Source tables of the spec, sorted. */
  readonly tables: ReadonlyArray<string>;
  readonly findings: ReadonlyArray<Finding>;
  /** What passed, per check and table, to print beside the problems. */
  readonly passed: ReadonlyMap<CheckName, ReadonlyMap<string, string>>;
  readonly checks: ReadonlyArray<CheckName>;
}

export async function validateLanding(db: Database, facts: SpecFacts, options: ValidateOptions): Promise<Validation> {
  // The landing schema as created in the engine vault validate reads.
  const spark = db.kind === 'spark';
  const schema = (spark ? sparkDialect : postgresDialect).identifier(facts.model.schemas.landing);
  const tables = Object.keys(facts.spec.tables).sort();
  const catalog = spark ? await readSparkCatalog(db, schema, tables) : await readCatalog(db, schema);
  const findings: Finding[] = [...catalogFindings(facts, catalog)];
  // Spark keeps no privileges to read (an open-source Thrift server has none): whether a table can be read is the access check's.
  const checks: CheckName[] = ['existence', 'structure', ...(spark ? [] : (['permissions'] as const)), 'access', ...(options.profileSample !== undefined ? (['profile'] as const) : [])];
  const passed = new Map<CheckName, Map<string, string>>(checks.map((c) => [c, new Map()]));
  const failedBefore = (table: string, check: CheckName): boolean =>
    findings.some((f) => (f.table === table || f.table === undefined) && f.diagnostic.severity === 'error' && checks.indexOf(f.check) < checks.indexOf(check));

  for (const [i, table] of tables.entries()) {
    const found = catalog.tables.get(catalogKey(catalog, table));
    const specColumns = Object.keys(facts.spec.tables[table]?.columns ?? {});
    if (found === undefined) continue;
    passed.get('existence')?.set(table, `${specColumns.length} of ${specColumns.length} columns (${found.kind})`);
    passed
      .get('structure')
      ?.set(table, spark ? 'types agree (Spark tables hold no NOT NULL or keys)' : `types, NOT NULL and ${found.foreignKeys.length} foreign key${found.foreignKeys.length === 1 ? '' : 's'} agree`);
    passed.get('permissions')?.set(table, `SELECT as ${catalog.user}`);
    if (failedBefore(table, 'access')) continue;
    options.progress?.(`  reading ${i + 1}/${tables.length} ${table} …`);
    const present = specColumns.filter((c) => found.columns.some((d) => catalogKey(catalog, d.name) === catalogKey(catalog, c)));
    const target = { table, schema, columns: present };
    const read = await probeRead(db, target, options.timeoutMs);
    if (read.finding !== undefined) {
      findings.push(read.finding);
      continue;
    }
    passed.get('access')?.set(table, `SELECT … LIMIT 1 in ${read.ms} ms`);
    // Change data capture lands several versions of a key, told apart by the delta-order column.
    const deltaOrder = facts.spec.tables[table]?.delta_order;
    const key = facts.keys.get(table) ?? [];
    const unique = [...key, ...(deltaOrder !== undefined ? [deltaOrder] : [])];
    if (options.profileSample === undefined) continue;
    if (key.length === 0 || !unique.every((k) => present.includes(k))) {
      passed.get('profile')?.set(table, 'no business key of its own to profile');
      continue;
    }
    const p = await profileKey(db, target, key, unique, options.profileSample, options.timeoutMs);
    if ('check' in p) findings.push(p);
    else {
      const problems = profileFindings(table, key, unique, p);
      findings.push(...problems);
      if (problems.length === 0) passed.get('profile')?.set(table, `${p.sampled} rows sampled: key (${unique.join(', ')}) unique, business key never NULL`);
    }
  }
  options.progress?.('');
  return { catalog, tables, findings, passed, checks };
}

function profileFindings(table: string, key: ReadonlyArray<string>, unique: ReadonlyArray<string>, p: KeyProfile): Finding[] {
  const path = ['tables', table];
  const out: Finding[] = [];
  const keyText = `(${key.join(', ')})`;
  if (p.duplicateKeys > 0) {
    out.push({
      check: 'profile',
      table,
      diagnostic: diag(
        'VLT612',
        path,
        `business key ${keyText} of ${table} ${unique.length > key.length ? `with ${unique.at(-1)} ` : ''}is not unique: ${p.duplicateKeys} key ${p.duplicateKeys === 1 ? 'value repeats' : 'values repeat'} in ${p.sampled} sampled rows, e.g. ${p.examples.join(', ')}; is the business key right?`,
      ),
    });
  }
  if (p.nullKeys > 0) {
    const pct = ((100 * p.nullKeys) / Math.max(1, p.sampled)).toFixed(1);
    out.push({
      check: 'profile',
      table,
      diagnostic: diag('VLT613', path, `business key ${keyText} of ${table} is NULL in ${p.nullKeys} of ${p.sampled} sampled rows (${pct}%): those rows get no hub entry`),
    });
  }
  return out;
}

const diag = (code: 'VLT612' | 'VLT613', path: ReadonlyArray<string>, message: string): PathDiagnostic => pathDiag(code, path, message, { target: 'key' });
