/**
 * `vault validate --engine spark` without a Spark: how `DESCRIBE TABLE`'s types read into the
 * spec's, how a spec type compares with a Spark column (as vault's own DDL makes it: same), and
 * the catalog checks on a Spark catalog (names compared case-insensitively; no NOT NULL finding,
 * as Spark's Parquet tables hold none). The checks against a real Spark: tests/spark/validate.test.ts.
 */
import { analyseTables, parseColumnType, printColumnType, type ColumnType } from '@vault/core/internal';
import { analyzeSpec, parseSpecYaml } from '@vault/dsl';
import { sparkDialect } from '@vault/emitters/internal';
import { describe, expect, it } from 'vitest';
import type { CatalogTable, LandingCatalog } from '../../packages/cli/src/landing/catalog.js';
import { catalogFindings, type SpecFacts } from '../../packages/cli/src/landing/checks.js';
import { compareSparkTypes, sparkCatalogType } from '../../packages/cli/src/landing/spark-catalog.js';

const type = (text: string): ColumnType => {
  const p = parseColumnType(text);
  if (!p.ok) throw new Error(`not a type: ${text}`);
  return p.type;
};

describe('sparkCatalogType: DESCRIBE spellings read into spec types', () => {
  it.each([
    ['bigint', 'bigint'],
    ['int', 'int'],
    ['tinyint', 'smallint'],
    ['string', 'text'],
    ['varchar(40)', 'varchar(40)'],
    ['char(3)', 'char(3)'],
    ['decimal(12,2)', 'decimal(12,2)'],
    ['decimal(38, 18)', 'decimal(38,18)'],
    ['float', 'real'],
    ['double', 'double'],
    ['boolean', 'boolean'],
    ['date', 'date'],
    // An instant (with local time zone), and a wall-clock time.
    ['timestamp', 'timestamptz'],
    ['timestamp_ntz', 'timestamp'],
    ['binary', 'bytea'],
    ['interval day to second', 'interval'],
  ])('%s is %s', (spark, spec) => {
    const t = sparkCatalogType(spark);
    expect(t && printColumnType(t)).toBe(spec);
  });

  it('has no spec type for complex types', () => {
    for (const t of ['array<int>', 'map<string,int>', 'struct<a:int>', 'void']) expect(sparkCatalogType(t), t).toBeUndefined();
  });
});

describe('compareSparkTypes', () => {
  it("is same for every type as vault's Spark DDL makes it", () => {
    for (const t of ['smallint', 'int', 'bigint', 'decimal(12,2)', 'real', 'double', 'text', 'varchar(40)', 'char(3)', 'boolean', 'date', 'timestamp', 'timestamptz', 'uuid', 'bytea']) {
      const spec = type(t);
      expect(compareSparkTypes(spec, sparkDialect.columnType(spec).toLowerCase()), t).toBe('same');
    }
  });

  it('is compatible within a family (values are cast on load), incompatible across families', () => {
    expect(compareSparkTypes(type('int'), 'bigint')).toBe('compatible');
    expect(compareSparkTypes(type('decimal(12,2)'), 'decimal(18,2)')).toBe('compatible');
    expect(compareSparkTypes(type('timestamptz'), 'timestamp_ntz')).toBe('compatible');
    expect(compareSparkTypes(type('text'), 'varchar(40)')).toBe('compatible');
    expect(compareSparkTypes(type('date'), 'string')).toBe('incompatible');
    expect(compareSparkTypes(type('int'), 'string')).toBe('incompatible');
    expect(compareSparkTypes(type('int'), 'array<int>')).toBe('incompatible');
    expect(compareSparkTypes(type('text'), 'array<int>')).toBe('compatible');
  });
});

describe('catalog checks on a Spark catalog', () => {
  const yaml = `version: 1
model: sc
tables:
  Customer:
    business_key: [customer_id]
    columns:
      customer_id: { type: bigint, nullable: false }
      Full_Name: varchar(40)
      born: date
      score: int
  orders:
    business_key: [order_id]
    columns:
      order_id: bigint
      note: text
`;
  const a = analyzeSpec(parseSpecYaml(yaml, 'spec.yaml'));
  const spec = a.parsed.spec;
  if (a.model === undefined || spec === undefined) throw new Error('the spec does not compile');
  const facts: SpecFacts = { spec, model: a.model, keys: new Map(analyseTables(spec).map((t) => [t.name, t.key])), references: new Map() };
  const table = (name: string, columns: ReadonlyArray<readonly [string, string]>): CatalogTable => ({
    name,
    kind: 'table',
    columns: columns.map(([n, t]) => ({ name: n, type: t, notNull: false, selectable: true })),
    uniqueKeys: [],
    foreignKeys: [],
    selectable: true,
  });
  const catalog = (tables: ReadonlyArray<CatalogTable>): LandingCatalog => ({
    engine: 'spark',
    schema: 'landing',
    exists: true,
    usage: true,
    user: 'anonymous',
    serverVersion: '4.0.0',
    tables: new Map(tables.map((t) => [t.name, t])),
  });
  const codes = (c: LandingCatalog): string[] => catalogFindings(facts, c).map((f) => `${f.diagnostic.code} ${f.diagnostic.path.join('.')}`);

  it('finds tables and columns whatever their case, and says nothing of NOT NULL', () => {
    const c = catalog([
      table('customer', [
        ['customer_id', 'bigint'],
        ['full_name', 'string'],
        ['born', 'date'],
        ['score', 'int'],
      ]),
      table('orders', [
        ['order_id', 'bigint'],
        ['note', 'string'],
      ]),
    ]);
    expect(codes(c)).toEqual([]);
  });

  it('reports a missing table or column, and types by family', () => {
    const c = catalog([
      table('customer', [
        ['customer_id', 'bigint'],
        ['full_name', 'string'],
        ['born', 'string'],
        ['score', 'bigint'],
      ]),
      table('order', [['order_id', 'bigint']]),
    ]);
    expect(codes(c)).toEqual(['VLT604 tables.Customer.columns.born.type', 'VLT605 tables.Customer.columns.score.type', 'VLT602 tables.orders']);
    const noSchema: LandingCatalog = { ...catalog([]), exists: false };
    expect(codes(noSchema)).toEqual(['VLT601 schemas.landing']);
  });
});
