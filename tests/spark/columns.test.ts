/**
 * Spark setup's comparison of the tables that exist with the columns the spec declares
 * (packages/cli/src/db/spark/columns.ts), without a Spark server: each `CREATE TABLE` statement
 * of a plan names its columns (`CreatedObject`), and the check reads them from there, not from
 * the SQL text. The server test of the whole run is tests/spark/evolve.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { sparkDialect, sqlPlan, type SqlStatement } from '@vault/emitters/internal';
import { postgresDialect } from '../../packages/emitters/src/sql/dialect/postgres/index.js';
import type { Queryable } from '../../packages/cli/src/db/database.js';
import { sparkColumnProblems } from '../../packages/cli/src/db/spark/columns.js';

function model(path: string) {
  const a = analyzeSpec(loadSpecFile(path));
  if (a.model === undefined) throw new Error(`${path} does not compile`);
  return a.model;
}

/** The column lines of a `CREATE TABLE … (` statement as the text spells them: name and type, keys aside. */
function columnsInText(sql: string, quote: string): Array<{ name: string; type: string }> {
  const out: Array<{ name: string; type: string }> = [];
  for (const line of sql.split('\n').slice(1)) {
    if (line.startsWith(')')) break;
    const t = line.trim().replace(/,$/, '');
    if (!t.startsWith(quote)) continue; // PRIMARY KEY (…), UNIQUE (…)
    const end = t.indexOf(quote, 1);
    out.push({
      name: t.slice(1, end),
      type: t
        .slice(end + 1)
        .trim()
        .replace(/ NOT NULL$/, ''),
    });
  }
  return out;
}

describe('CREATE TABLE statements name the columns they declare', () => {
  for (const [engine, dialect, quote] of [
    ['PostgreSQL', postgresDialect, '"'],
    ['Spark', sparkDialect, '`'],
  ] as const) {
    it(`${engine}: every table of the ews and lgd setups, as its text declares them`, () => {
      for (const spec of ['specs/ews.yaml', 'specs/lgd.yaml']) {
        const tables = sqlPlan(model(spec), dialect).setup.filter((s) => s.sql.startsWith('CREATE TABLE IF NOT EXISTS ') && s.kind === 'table' && s.creates?.kind === 'relation');
        // Landing, raw vault and register tables: the ones Spark's check compares.
        expect(tables.length, spec).toBeGreaterThan(10);
        for (const s of tables) {
          const creates = s.creates;
          if (creates?.kind !== 'relation') throw new Error('unreachable');
          expect(creates.columns, `${spec}: ${s.sql.split('\n')[0]}`).toEqual(columnsInText(s.sql, quote));
        }
      }
    });
  }
});

describe('sparkColumnProblems', () => {
  const setup = sqlPlan(model('specs/ews.yaml'), sparkDialect).setup;
  const first = setup.find((s): s is SqlStatement & { creates: { kind: 'relation' } } => s.creates?.kind === 'relation' && s.creates.columns !== undefined)!;
  const creates = first.creates as Extract<SqlStatement['creates'], { kind: 'relation' }>;
  const { schema, name } = creates.relation;
  const declared = creates.columns!;
  const q = sparkDialect.quoteIdent;
  /**
   * A table that exists as DESCRIBE shows it (names in another case, types in lower case with a
   * space after a comma), its columns `declared` but the last two, then its detail rows; with
   * `retype`, one column's stored type replaced.
   */
  const describe = (retype?: { readonly column: string; readonly type: string }): Queryable =>
    ({
      query: async <R>(sql: string) => {
        expect(sql).toBe(`DESCRIBE TABLE ${q(schema)}.${q(name)}`);
        const rows = [
          ...declared.slice(0, -2).map((c) => ({ col_name: c.name.toUpperCase(), data_type: c.name === retype?.column ? retype.type : c.type.toLowerCase().replace(',', ', ') })),
          { col_name: '', data_type: '' },
          { col_name: '# Partitioning', data_type: '' },
          { col_name: declared.at(-1)!.name, data_type: 'int' },
        ];
        return { rows: rows as R[], rowCount: rows.length } as never;
      },
    }) as Queryable;
  const fold = (n: string): string => sparkDialect.foldName(n);

  it('names the columns a table that exists lacks, with the ALTER TABLE that adds them', async () => {
    const missing = declared.slice(-2);
    expect(await sparkColumnProblems(describe(), setup, new Set([`${fold(schema)}.${fold(name)}`]))).toEqual({
      missing: [
        `${schema}.${name} lacks columns ${missing.map((c) => c.name).join(', ')} of the spec (ALTER TABLE ${q(schema)}.${q(name)} ADD COLUMNS (${missing.map((c) => `${q(c.name)} ${c.type}`).join(', ')}))`,
      ],
      retyped: [],
    });
  });

  it('names a column the table holds as another type than the spec', async () => {
    const column = declared[0]!;
    const problems = await sparkColumnProblems(describe({ column: column.name, type: 'decimal(10,2)' }), setup, new Set([`${fold(schema)}.${fold(name)}`]));
    expect(problems.retyped).toEqual([`${schema}.${name} holds column ${column.name} as DECIMAL(10,2) (the spec: ${column.type})`]);
  });

  it('asks nothing of a table that does not exist yet', async () => {
    expect(await sparkColumnProblems(describe(), setup, new Set())).toEqual({ missing: [], retyped: [] });
  });
});
