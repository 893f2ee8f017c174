/**
 * Every statement the Spark target emits parses with Spark SQL's grammar (dt-sql-parser's
 * SparkSQL, no Java): setup, loads and the ledger's statements, after `inlineParameters` (as
 * `vault run --engine spark` sends them), for the example specs, the good corpus and random
 * specs. The EWS files are committed as golden output. Whether they also run is for tests
 * against a real Spark.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from '@fast-check/vitest';
import { SparkSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { compileSpec, type VaultModel } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { emitSql, inlineParameters, sparkDialect, sqlPlan, validateSql, type SqlStatement } from '@vault/emitters/internal';
import { specArb } from '../arbitraries/spec.js';

const spark = new SparkSQL();

function modelOf(path: string): VaultModel {
  const a = analyzeSpec(loadSpecFile(path));
  if (a.model === undefined) throw new Error(`${path} does not compile`);
  return a.model;
}

/** What a run binds: the values every parameter may take. */
const VALUES = { load_ts: '2024-05-01T00:00:00Z', entity_table: 'raw_vault.hub_x', signature: 'abc', rows_inserted: 3, relation: '`raw_vault`.`hub_x`' } as const;

/** The grammar's complaints about one statement, with the statement, or nothing. */
function problems(sql: string): string | undefined {
  const errors = spark.validate(sql);
  return errors.length === 0 ? undefined : `${errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`).join('\n')}\n${sql}`;
}

/** Each statement once (statements repeat across loads), inlined; none may have a problem. */
function expectAllParse(model: VaultModel): void {
  // Warnings (VLT441: LGD's lendable_value divides) leave the SQL valid.
  expect(validateSql(model, sparkDialect).filter((p) => p.severity === 'error')).toEqual([]);
  const plan = sqlPlan(model, sparkDialect);
  const statements: SqlStatement[] = [
    ...plan.setup,
    ...plan.loads.flatMap((l) => [...l.statements, ...(l.duplicates?.route === undefined ? [] : [l.duplicates.route])]),
    // The late-batch probes of PITs and bridges, which vault run sends before the loads.
    ...plan.loads.flatMap((l) => (l.filledAfter === undefined ? [] : [l.filledAfter])),
    plan.ledger.create,
    plan.ledger.select,
    plan.ledger.record,
    plan.ledger.kind,
    plan.ledger.storage,
  ];
  const texts = [...new Set(statements.map((s) => inlineParameters(s, VALUES)))];
  for (const text of texts) expect(text).not.toMatch(/:(load_ts|entity_table|signature|rows_inserted|relation)\b/);
  expect(texts.map(problems).filter((p) => p !== undefined)).toEqual([]);
}

const SPEC_FILES = [
  'specs/ews.yaml',
  'specs/lgd.yaml',
  ...readdirSync(fileURLToPath(new URL('../corpus/good', import.meta.url)))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `tests/corpus/good/${f}`),
];

describe("emitted Spark SQL parses with Spark's grammar", () => {
  it('and the grammar refuses what Spark refuses (the test can fail)', () => {
    expect(problems('SELECT x::int FROM t')).toBeDefined();
    expect(problems('SELECT DISTINCT ON (k) * FROM t')).toBeDefined();
    expect(problems('SELECT CAST(x AS int) FROM `t`')).toBeUndefined();
  });

  it.each(SPEC_FILES)(
    '%s',
    (path) => {
      expectAllParse(modelOf(path));
    },
    300_000,
  );

  test.prop([specArb], { numRuns: 4 })(
    'for random specs',
    (spec) => {
      const { model, diagnostics } = compileSpec(spec);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expectAllParse(model!);
    },
    300_000,
  );
});

describe('specs/ews.yaml in Spark SQL', () => {
  const model = modelOf('specs/ews.yaml');
  const files = emitSql(model, { specPath: 'specs/ews.yaml', dir: 'spark' }, sparkDialect);

  it('setup and load match the committed golden files', async () => {
    expect(files.map((f) => f.path)).toEqual(['spark/load.sql', 'spark/setup.sql']);
    await expect(files.find((f) => f.path === 'spark/setup.sql')!.content).toMatchFileSnapshot('../golden/sql/ews-spark-setup.sql');
    await expect(files.find((f) => f.path === 'spark/load.sql')!.content).toMatchFileSnapshot('../golden/sql/ews-spark-load.sql');
  });

  it('spells nothing only PostgreSQL has', () => {
    const text = files.map((f) => f.content).join('\n');
    for (const pg of [
      '::',
      'DISTINCT ON',
      'LATERAL',
      'OFFSET 0',
      'AT TIME ZONE',
      'ON CONFLICT',
      '$1',
      'char(',
      "INTERVAL '",
      'string_agg',
      'COLLATE',
      'to_char',
      'btrim',
      'convert_to',
      'timestamptz',
      'PRIMARY KEY',
      '"',
    ])
      expect(text, pg).not.toContain(pg);
    const creates = text.split(';').filter((s) => s.includes('CREATE TABLE'));
    expect(creates.length).toBeGreaterThan(10);
    for (const c of creates) expect(c.trimEnd()).toMatch(/\) USING PARQUET$/);
  });

  it('every load takes the batch load timestamp as the named marker :load_ts', () => {
    for (const l of sqlPlan(model, sparkDialect).loads)
      for (const s of l.statements) {
        expect(s.sql).toContain('CAST(:load_ts AS TIMESTAMP)');
        expect(s.parameters).toEqual(['load_ts']);
      }
  });
});
