/**
 * The Spark SQL dialect's pieces on their own: backtick names, backslash-escaped literals, type
 * names, the types it refuses (VLT440), and `inlineParameters`, which must replace markers only
 * where Spark would read them as markers.
 */
import { describe, expect, it } from 'vitest';
import { compileSpec, type ColumnType, type ColumnTypeKind } from '@vault/core';
import { analyzeSpec, loadSpecFile } from '@vault/dsl';
import { inlineParameters, postgresDialect, sparkDialect, sparkRefusal, sparkType, sqlPlan, validateSql, type SqlStatement } from '@vault/emitters/internal';

const { quoteIdent, quoteLiteral, identifier, numericLiteral } = sparkDialect;

describe('names', () => {
  it('quotes every identifier in backticks, doubling a backtick', () => {
    expect(quoteIdent('order')).toBe('`order`');
    expect(quoteIdent('CamelCase')).toBe('`CamelCase`');
    expect(quoteIdent('a`b')).toBe('`a``b`');
    expect(quoteIdent('$first')).toBe('`$first`');
    expect(() => quoteIdent('')).toThrow();
  });

  it('keeps names up to 128 bytes and shortens longer ones the same way every time', () => {
    const long = `sat_${'x'.repeat(200)}`;
    expect(identifier('x'.repeat(128))).toBe('x'.repeat(128));
    expect(identifier(long)).toHaveLength(128);
    expect(identifier(long)).toBe(identifier(long));
    expect(identifier(long)).not.toBe(identifier(`${long}y`));
    expect(quoteIdent(long)).toBe(`\`${identifier(long)}\``);
  });
});

describe('literals', () => {
  it("escapes ' and \\ with a backslash, and control characters as \\u", () => {
    expect(quoteLiteral('plain')).toBe("'plain'");
    expect(quoteLiteral("it's")).toBe("'it\\'s'");
    expect(quoteLiteral('a\\b')).toBe("'a\\\\b'");
    expect(quoteLiteral('\\|')).toBe("'\\\\|'");
    expect(quoteLiteral('a\nb\tc')).toBe("'a\\u000ab\\u0009c'");
    expect(quoteLiteral('Zoë ß 😀')).toBe("'Zoë ß 😀'");
    expect(quoteLiteral('')).toBe("''");
  });

  it('writes business rule numbers as digits only', () => {
    expect(numericLiteral('12')).toBe('12');
    expect(numericLiteral('1.50')).toBe('1.50');
    expect(() => numericLiteral('1e5')).toThrow();
  });
});

describe('types', () => {
  const cases: ReadonlyArray<readonly [ColumnType, string]> = [
    [{ kind: 'smallint' }, 'SMALLINT'],
    [{ kind: 'int' }, 'INT'],
    [{ kind: 'bigint' }, 'BIGINT'],
    [{ kind: 'decimal', precision: 18, scale: 2 }, 'DECIMAL(18,2)'],
    [{ kind: 'decimal', precision: 9 }, 'DECIMAL(9,0)'],
    [{ kind: 'real' }, 'FLOAT'],
    [{ kind: 'double' }, 'DOUBLE'],
    [{ kind: 'text' }, 'STRING'],
    [{ kind: 'varchar', length: 20 }, 'STRING'],
    [{ kind: 'char', length: 32 }, 'STRING'],
    [{ kind: 'boolean' }, 'BOOLEAN'],
    [{ kind: 'date' }, 'DATE'],
    [{ kind: 'timestamp' }, 'TIMESTAMP_NTZ'],
    [{ kind: 'timestamptz' }, 'TIMESTAMP'],
    [{ kind: 'uuid' }, 'STRING'],
    [{ kind: 'bytea' }, 'BINARY'],
  ];
  it.each(cases)('%j is %s', (t, name) => {
    expect(sparkType(t)).toBe(name);
    expect(sparkRefusal(t)).toBeUndefined();
  });

  const refused: ReadonlyArray<ColumnType> = [{ kind: 'time' }, { kind: 'interval' }, { kind: 'json' }, { kind: 'jsonb' }, { kind: 'decimal' }, { kind: 'decimal', precision: 40, scale: 2 }];
  it.each(refused)('refuses %j, saying what to declare instead', (t) => {
    expect(sparkRefusal(t)).toMatch(/declare/);
  });

  it('hash keys are STRING columns, their ghost a zero key of the right length', () => {
    const model = compileSpec({ version: 1, model: 'm', tables: { customers: { columns: { customer_id: 'int', name: 'text' }, primary_key: ['customer_id'] } } }).model!;
    const setup = sqlPlan(model, sparkDialect).setup.map((s) => s.sql);
    const hub = setup.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS `raw_vault`.`hub_customer` ('))!;
    expect(hub).toContain('`customer_hk` STRING NOT NULL');
    expect(hub.trimEnd().endsWith(') USING PARQUET')).toBe(true);
    expect(hub).not.toContain('PRIMARY KEY');
    const ghost = setup.find((s) => s.startsWith('INSERT INTO `raw_vault`.`hub_customer` '))!;
    expect(ghost).toContain(quoteLiteral('0'.repeat(32)));
    expect(ghost).toContain('WHERE NOT EXISTS');
  });
});

describe('VLT440', () => {
  const spec = (types: Record<string, string>) => compileSpec({ version: 1, model: 'm', tables: { events: { columns: { event_id: 'int', ...types }, primary_key: ['event_id'] } } }).model!;

  it('reports each column whose type Spark cannot store or hash as PostgreSQL, at the column', () => {
    const model = spec({ at_time: 'time', took: 'interval', doc: 'jsonb', amount: 'numeric', price: 'decimal(12,2)' });
    const problems = validateSql(model, sparkDialect);
    expect(problems.map((p) => [p.code, p.severity, p.path])).toEqual([
      ['VLT440', 'error', ['tables', 'events', 'columns', 'amount']],
      ['VLT440', 'error', ['tables', 'events', 'columns', 'at_time']],
      ['VLT440', 'error', ['tables', 'events', 'columns', 'doc']],
      ['VLT440', 'error', ['tables', 'events', 'columns', 'took']],
    ]);
    expect(problems[1]!.message).toContain("column 'events.at_time' is time, which the Spark SQL target cannot take");
    // PostgreSQL takes them all.
    expect(validateSql(model)).toEqual([]);
  });
});

describe('inlineParameters', () => {
  const stmt = (sql: string, parameters: SqlStatement['parameters']): SqlStatement => ({ kind: 'load', sql, parameters });

  it('writes each declared marker as a literal: text quoted, numbers as digits, null as NULL', () => {
    const s = stmt('INSERT INTO t VALUES (:entity_table, :signature, CAST(:load_ts AS TIMESTAMP), :rows_inserted)', ['entity_table', 'signature', 'load_ts', 'rows_inserted']);
    expect(inlineParameters(s, { entity_table: "raw_vault.it's", signature: null, load_ts: '2024-05-01T00:00:00Z', rows_inserted: 12 })).toBe(
      "INSERT INTO t VALUES ('raw_vault.it\\'s', NULL, CAST('2024-05-01T00:00:00Z' AS TIMESTAMP), 12)",
    );
  });

  it('leaves markers inside string literals, quoted names and comments alone', () => {
    const sql = ["SELECT ':load_ts', 'it\\'s :load_ts', \":load_ts\", `:load_ts`, `a``:load_ts`", '-- :load_ts in a comment', '/* :load_ts */ :load_ts, x::int, :other'].join('\n');
    expect(inlineParameters(stmt(sql, ['load_ts']), { load_ts: 'T' })).toBe(
      ["SELECT ':load_ts', 'it\\'s :load_ts', \":load_ts\", `:load_ts`, `a``:load_ts`", '-- :load_ts in a comment', "/* :load_ts */ 'T', x::int, :other"].join('\n'),
    );
  });

  it('fails loudly on a declared parameter without a value, and on a number SQL cannot write', () => {
    expect(() => inlineParameters(stmt('SELECT :load_ts', ['load_ts']), {})).toThrow(/load_ts/);
    expect(() => inlineParameters(stmt('SELECT :rows_inserted', ['rows_inserted']), { rows_inserted: Number.NaN })).toThrow(/NaN/);
  });

  it('inlines every statement of a plan, so no declared marker is left', () => {
    const model = compileSpec({ version: 1, model: 'm', tables: { customers: { columns: { customer_id: 'int', name: 'text' }, primary_key: ['customer_id'] } } }).model!;
    const plan = sqlPlan(model, sparkDialect);
    for (const s of plan.loads.flatMap((l) => l.statements)) {
      expect(s.parameters).toEqual(['load_ts']);
      expect(s.sql).toContain('CAST(:load_ts AS TIMESTAMP)');
      expect(inlineParameters(s, { load_ts: '2024-05-01T00:00:00Z' })).not.toContain(':load_ts');
    }
  });
});

it("reads a key's latest stored state with max_by, where PostgreSQL orders by load_ts DESC LIMIT 1", () => {
  // Spark turns a correlated ORDER BY … LIMIT 1 whose order column is not selected into a sort of the
  // whole table and a row_number() per key without that order (docs/spark.md).
  const model = analyzeSpec(loadSpecFile('specs/lgd.yaml')).model!;
  const loadsOf = (dialect: typeof sparkDialect) => sqlPlan(model, dialect).loads.map((l) => ({ kind: l.kind, sql: l.statements.map((s) => s.sql).join('\n') }));
  const postgres = loadsOf(postgresDialect).filter((l) => l.sql.includes('DESC LIMIT 1'));
  const spark = loadsOf(sparkDialect);
  expect(postgres.map((l) => l.kind)).toEqual(expect.arrayContaining(['satellite', 'multi_active_satellite', 'status_tracking_satellite']));
  expect(spark.filter((l) => /\bLIMIT\b/.test(l.sql))).toEqual([]);
  expect(spark.flatMap((l) => l.sql.match(/max_by\(`t`\.`\w+`, `t`\.`load_ts`\)/g) ?? []).length).toBe(postgres.flatMap((l) => l.sql.match(/DESC LIMIT 1/g) ?? []).length);
});

it("reads a key's latest status by delta order, then load order, with max_by over a struct: loads and views, never ORDER BY … LIMIT 1", () => {
  // A CDC table with a delta order: its statuses are ordered by the delta order first (NULL, a
  // delete found by absence, latest), then by load (docs/sql.md, "Status tracking").
  const { model } = compileSpec({
    version: 1,
    model: 'm',
    tables: {
      accounts: {
        business_key: ['id'],
        columns: { id: { type: 'int', nullable: false }, balance: 'int', op: 'text', updated_at: { type: 'timestamptz', role: 'technical' } },
        delta_order: 'updated_at',
        deletes: { operation: 'op', delete_values: ['D'] },
      },
    },
  });
  const sqlOf = (dialect: typeof sparkDialect): string => {
    const plan = sqlPlan(model!, dialect);
    return [...plan.setup, ...plan.loads.flatMap((l) => l.statements)].map((s) => s.sql).join('\n');
  };
  const postgres = sqlOf(postgresDialect);
  const spark = sqlOf(sparkDialect);
  const twoTerms = postgres.match(/ORDER BY "\w+"\."delta_order" DESC NULLS FIRST, "\w+"\."load_ts" DESC LIMIT 1/g) ?? [];
  // The load's comparison with the stored status, and the views' current status.
  expect(twoTerms.length).toBeGreaterThanOrEqual(2);
  expect(spark).not.toMatch(/\bLIMIT\b/);
  const structs = spark.match(/max_by\(`\w+`\.`is_deleted`, named_struct\('absent', `\w+`\.`delta_order` IS NULL, 'first', `\w+`\.`delta_order`, 'latest', `\w+`\.`load_ts`\)\)/g) ?? [];
  expect(structs.length).toBe(twoTerms.length);
});

it('covers every column type kind', () => {
  const kinds: ReadonlyArray<ColumnTypeKind> = [
    'smallint',
    'int',
    'bigint',
    'decimal',
    'real',
    'double',
    'text',
    'varchar',
    'char',
    'boolean',
    'date',
    'time',
    'timestamp',
    'timestamptz',
    'interval',
    'uuid',
    'json',
    'jsonb',
    'bytea',
  ];
  for (const kind of kinds) expect(sparkDialect.ghostValue({ kind } as ColumnType)).toMatch(/^CAST\('.*' AS [A-Z_]+(\(\d+,\d+\))?\)$/);
});

describe('names Spark compares case-insensitively', () => {
  it('a landing table named like the ledger but for case is the ledger in Spark (VLT412), another table in PostgreSQL', () => {
    const { model, diagnostics } = compileSpec({
      version: 1,
      model: 'm',
      schemas: { landing: 'raw_vault' },
      tables: { Vault_Loads: { columns: { load_id: 'int', note: 'text' }, primary_key: ['load_id'] } },
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(validateSql(model!)).toEqual([]);
    expect(validateSql(model!, sparkDialect).map((p) => [p.code, p.path, p.message])).toEqual([
      ['VLT412', ['tables', 'Vault_Loads'], "landing table 'Vault_Loads' and the load ledger of vault run would both be raw_vault.vault_loads"],
    ]);
  });
});

describe('VLT441', () => {
  const rules = (derive: Record<string, string>) =>
    compileSpec({
      version: 1,
      model: 'm',
      tables: { loans: { columns: { loan_id: 'int', amount: 'decimal(18,2)', rate: 'decimal(5,2)' }, primary_key: ['loan_id'] } },
      business_vault: { rules: { loan: { derive } } },
    });

  it('warns of a hashed quotient whose scale Spark computes otherwise, not of a rounded one', () => {
    const { model, diagnostics } = rules({ share: 'amount / 100', rounded: 'ROUND(amount / 100, 2)', sum: 'amount + rate' });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const problems = validateSql(model!, sparkDialect);
    expect(problems.map((p) => [p.code, p.severity])).toEqual([['VLT441', 'warning']]);
    expect(problems[0]!.message).toContain("derived attribute 'share'");
    expect(validateSql(model!)).toEqual([]);
    // A warning: the SQL is still written, the rule's value keeping Spark's own decimal type.
    const setup = sqlPlan(model!, sparkDialect)
      .setup.map((s) => s.sql)
      .join('\n');
    expect(setup).toContain('ELSE (`b`.`amount` + `b`.`rate`) END AS `sum`');
    expect(setup).not.toContain('DECIMAL(38,18)');
  });
});

it('divides whole numbers as decimals, as PostgreSQL divides numerics', () => {
  const { model } = compileSpec({
    version: 1,
    model: 'm',
    tables: { loans: { columns: { loan_id: 'int', parts: 'int', amount: 'decimal(18,2)' }, primary_key: ['loan_id'] } },
    business_vault: { rules: { loan: { derive: { per_part: 'ROUND(amount / parts, 2)', halves: 'ROUND(parts / 2, 1)' } } } },
  });
  const setup = sqlPlan(model!, sparkDialect)
    .setup.map((s) => s.sql)
    .join('\n');
  expect(setup).toContain('ELSE round((`b`.`amount` / CAST(`b`.`parts` AS DECIMAL(20,0))), CAST(2 AS INT)) END AS `per_part`');
  expect(setup).toContain('ELSE round((CAST(`b`.`parts` AS DECIMAL(20,0)) / CAST(2 AS DECIMAL(20,0))), CAST(1 AS INT)) END AS `halves`');
});
