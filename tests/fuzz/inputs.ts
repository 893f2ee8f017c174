/**
 * Hostile inputs for the fuzz test and the fuzz campaign (scripts/fuzz.mjs): spec texts (good
 * specs damaged by random edits, and random spec-shaped data with dangerous names), compact
 * source-table strings, and command lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { specArb } from '../arbitraries/spec.js';
import { ROOT } from '../helpers/run-vault.js';

const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');
const corpus = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((n) => read(join(dir, n)));

/** Texts to damage: the example specs and the corpus of good and bad specs. */
const SEEDS: ReadonlyArray<string> = [read('specs/ews.yaml'), read('specs/lgd.yaml'), ...corpus('tests/corpus/good'), ...corpus('tests/corpus/bad')];

/** Pieces that have broken parsers and generators: YAML indicators, control characters, names Python or SQL treat specially. */
const JUNK = [
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  '- ',
  '"',
  "'",
  '#',
  '\t',
  '\u0000',
  '\n',
  '\r\n',
  '  ',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>-',
  '? ',
  '---\n',
  '...',
  '\u2028',
  '\u00e9',
  '\ud83d\ude00',
  '\\',
  '%',
  '@',
  '`',
  ',',
  'null',
  '~',
  '0x1F',
  '1e9',
  '.inf',
  'yes',
  '_',
  '__init__',
  '__proto__',
  '_x_',
  'order',
  'class',
  'json',
  'int',
  'decimal(1000,999)',
  'varchar(0)',
  'x'.repeat(70),
  'delta_order: ',
  'business_key: [',
  'hub: ',
  'link: ',
  'satellites:\n      ',
  'framework:\n  profile: ',
  'schemas:\n  raw_vault: ',
  'record_source: ',
  'kind: link\n',
  'role: sensitive',
  'references:\n      - ',
  'derive:\n          ',
  'filter: ',
  'CASE WHEN',
  "'a' || ",
  '(((',
];

const junk = fc.oneof(fc.constantFrom(...JUNK), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));

type Edit = readonly [at: number, kind: 'insert' | 'delete' | 'replace' | 'copy', piece: string, size: number];
const edit: fc.Arbitrary<Edit> = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('insert', 'delete', 'replace', 'copy'), junk, fc.integer({ min: 1, max: 40 }));

function damage(text: string, edits: ReadonlyArray<Edit>): string {
  let t = text;
  for (const [at, kind, piece, size] of edits) {
    const i = Math.floor(at * t.length);
    if (kind === 'insert') t = t.slice(0, i) + piece + t.slice(i);
    else if (kind === 'delete') t = t.slice(0, i) + t.slice(i + size);
    else if (kind === 'replace') t = t.slice(0, i) + piece + t.slice(i + piece.length);
    else t = t.slice(0, i) + t.slice(i, i + size) + t.slice(i);
  }
  return t;
}

const damaged = fc.tuple(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 5 })).map(([s, edits]) => damage(SEEDS[s]!, edits));

const NAMES = fc.oneof(
  fc.constantFrom('customer', 'orders', 'customer_id', 'order_id', 'amount', 'name', '_', '__init__', '_x_', 'order', 'a b', 'a\u0000b', 'x'.repeat(64), 'Customer', 'CUSTOMER'),
  fc.string({ maxLength: 8 }),
);
const scalar = fc.oneof(
  fc.constantFrom('int', 'text', 'json', 'decimal(18,2)', 'md5', 'hub', 'link', 'sensitive', 'a + 1', "x = 'y'", 'a\nb', 'r\u0000s'),
  NAMES,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const table = fc.record(
  {
    columns: fc.dictionary(NAMES, fc.oneof(scalar, fc.record({ type: scalar, nullable: fc.boolean(), role: scalar }, { requiredKeys: ['type'] })), { maxKeys: 4 }),
    business_key: fc.array(NAMES, { maxLength: 2 }),
    delta_order: NAMES,
    hub: NAMES,
    kind: scalar,
    satellites: fc.dictionary(NAMES, fc.array(NAMES, { maxLength: 2 }), { maxKeys: 2 }),
    references: fc.array(fc.record({ columns: fc.array(NAMES, { maxLength: 2 }), table: NAMES, role: NAMES }, { requiredKeys: ['columns', 'table'] }), { maxLength: 2 }),
  },
  { requiredKeys: ['columns'] },
);
const shaped = fc
  .record(
    {
      version: fc.constant(1),
      model: NAMES,
      record_source: scalar,
      schemas: fc.record({ landing: NAMES, raw_vault: NAMES }, { requiredKeys: [] }),
      framework: fc.record({ profile: fc.constantFrom('nope.yaml', '.', '/', '/dev/null', 'p.yaml') }),
      tables: fc.dictionary(NAMES, table, { minKeys: 1, maxKeys: 3 }),
    },
    { requiredKeys: ['version', 'model', 'tables'] },
  )
  .map((d) => stringify(d));

/**
 * One change to a valid spec that keeps its shape: a dangerous name, type, schema or text
 * somewhere. Spec data is edited as untyped JSON here (`any`): the point is to leave the types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- spec data edited as untyped JSON on purpose (above)
type Change = (spec: Record<string, any>, pick: number, value: unknown) => void;
const nth = <T>(xs: ReadonlyArray<T>, pick: number): T | undefined => xs[pick % Math.max(1, xs.length)];
const CHANGES: ReadonlyArray<Change> = [
  (s, pick, v) => {
    const t = nth(Object.keys(s.tables), pick)!;
    s.tables[String(v)] = s.tables[t];
    if (String(v) !== t) delete s.tables[t];
  },
  (s, pick, v) => {
    const t = s.tables[nth(Object.keys(s.tables), pick)!];
    const c = nth(Object.keys(t.columns), pick);
    if (c !== undefined) t.columns[c] = typeof v === 'string' ? v : { type: 'text', description: v };
  },
  (s, pick) => {
    const t = s.tables[nth(Object.keys(s.tables), pick)!];
    t.delta_order = nth(Object.keys(t.columns), pick + 1);
    t.columns[t.delta_order] = nth(['json', 'jsonb', 'timestamptz', 'boolean', 'uuid', 'bytea', 'interval'], pick);
  },
  (s, pick, v) => {
    s.schemas = { ...s.schemas, [nth(['landing', 'raw_vault', 'business_vault', 'access_layer'], pick)!]: v };
  },
  (s, _, v) => {
    s.record_source = v;
  },
  (s, pick, v) => {
    s.tables[nth(Object.keys(s.tables), pick)!][nth(['hub', 'link'], pick)!] = v;
  },
  (s, pick, v) => {
    const t = s.tables[nth(Object.keys(s.tables), pick)!];
    const c = nth(Object.keys(t.columns), pick);
    if (c !== undefined) t.satellites = { [String(v)]: [c] };
  },
  (s, _, v) => {
    s.description = v;
  },
  (s, pick) => {
    s.framework = { profile: nth(['nope.yaml', '.', '/dev/null'], pick) };
  },
];
const DANGEROUS = fc.oneof(
  NAMES,
  fc.constantFrom(
    'json',
    'varchar(10485761)',
    'decimal(1000,1000)',
    'timestamptz',
    'text',
    'user',
    'Raw_Vault',
    'landing',
    'raw_vault',
    'vault_loads',
    'a\tb',
    '\u2028',
    "it's",
    '"q"',
    'x'.repeat(63),
  ),
);
const changed = fc.tuple(specArb, fc.array(fc.tuple(fc.nat(CHANGES.length - 1), fc.nat(50), DANGEROUS), { minLength: 1, maxLength: 3 })).map(([spec, changes]) => {
  const s = structuredClone(spec) as Parameters<Change>[0];
  for (const [c, pick, v] of changes) CHANGES[c]!(s, pick, v);
  return stringify(s);
});

/** A spec text: a good spec damaged, a valid spec with dangerous changes, random spec-shaped data, or a valid random spec. */
export const specText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: damaged },
  { weight: 3, arbitrary: changed },
  { weight: 2, arbitrary: shaped },
  { weight: 1, arbitrary: specArb.map((s) => stringify(s)) },
);

const compactPiece = fc.oneof(
  fc.constantFrom('orders', 'customer', 'customer_id', 'int', 'decimal', 'text', '(', ')', ':', ';', ',', ' ', '18', '2', 'double precision', '_', '__init__', '\u0000', '\n', 'x'.repeat(70)),
  fc.string({ maxLength: 4 }),
);
/** A compact source-table string: grammar tokens and junk. */
export const compactText: fc.Arbitrary<string> = fc.oneof(
  fc.array(compactPiece, { maxLength: 30 }).map((ps) => ps.join('')),
  fc
    .constantFrom('orders:order_id(int),amount(decimal(18,2))', 'a:b(int);c:d(text),a_id(int)')
    .chain((good) => fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), compactPiece).map(([at, p]) => good.slice(0, Math.floor(at * good.length)) + p + good.slice(Math.floor(at * good.length)))),
);

/** Commands that need neither a database nor a model server, with their options and some values. */
const OFFLINE = ['check', 'compile', 'explain', 'graph'] as const;
const SPECS = ['specs/ews.yaml', 'specs/lgd.yaml', 'specs', 'missing.yaml', '/dev/null', '', '-'];
const OPTIONS: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ['--out', ['out', 'specs', 'specs/ews.yaml', '/dev/null', '/proc/vault-fuzz', '', '.', 'out/../out']],
  ['--output-dir', ['out2']],
  ['--target', ['querydsl', 'sql', 'querydsl,sql', 'sql,sql', ',', 'nope', '']],
  ['--stage', ['raw', 'business', 'access', 'all', 'x']],
  ['--check', []],
  ['--json', []],
  ['--upstream', []],
  ['--downstream', []],
  ['--help', []],
  ['--version', []],
  ['--bogus', []],
  ['--', []],
  ['--model', ['m', '__init__', '', 'a b', 'x'.repeat(70)]],
  ['--source-tables', ['t:a(int)', 'orders:order_id(int),x(json)', '', ';;', 'a:b(int);a:b(int)']],
  ['--business-context', ['ctx', '']],
  ['--format', ['json', 'text', 'mermaid', 'dot', 'xml']],
  ['--entity', ['business_partner', 'customer', 'hubs.business_partner', '']],
];
const option = fc.nat(OPTIONS.length - 1).chain((i): fc.Arbitrary<string[]> => {
  const [name, values] = OPTIONS[i]!;
  return values.length === 0 ? fc.constant([name]) : fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 5 })).map((v) => [name, v]);
});
/** A command line for an offline command: a command, maybe a spec, options with values, and junk. */
export const argvOffline: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.constantFrom(...OFFLINE),
    fc.option(fc.constantFrom(...SPECS)),
    fc.array(fc.oneof({ weight: 5, arbitrary: option }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }).map((j) => [j]) }), { maxLength: 5 }),
  )
  .map(([cmd, spec, rest]) => [cmd, ...(spec === null ? [] : [spec]), ...rest.flat()]);

/** A password that must never be printed, in a URL that nothing answers (port 1). */
export const FUZZ_PASSWORD = 'Fuzz-S3cret-pw';
const DB_URLS = [
  `postgres://fuzz:${FUZZ_PASSWORD}@127.0.0.1:1/db`,
  `postgresql://fuzz:${FUZZ_PASSWORD}@127.0.0.1:1/db?sslmode=require`,
  `postgres://fuzz:${FUZZ_PASSWORD}@127.0.0.1:1/db?sslrootcert=/nonexistent/ca.pem`,
  `postgres://fuzz:${FUZZ_PASSWORD}@127.0.0.1:1/db?connect_timeout=1`,
];
const DB_OPTIONS: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ['--rows', ['1', '0', '-1', 'x']],
  ['--seed', ['1', 'x']],
  ['--batch', ['2', '0']],
  ['--load-ts', ['2024-01-01', 'x']],
  ['--stage', ['raw', 'x']],
  ['--jobs', ['2', '0']],
  ['--profile', []],
  ['--sample', ['10', 'x']],
  ['--count-views', []],
  ['--schema', ['landing']],
];
/** A command line for a database command, always with a --db URL (so never the embedded database). */
export const argvDatabase: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.constantFrom('validate', 'seed', 'run', 'init'),
    fc.constantFrom('specs/ews.yaml', 'specs/lgd.yaml', 'missing.yaml'),
    fc.constantFrom(...DB_URLS),
    fc.array(
      fc.nat(DB_OPTIONS.length - 1).chain((i): fc.Arbitrary<string[]> => {
        const [name, values] = DB_OPTIONS[i]!;
        return values.length === 0 ? fc.constant([name]) : fc.constantFrom(...values).map((v) => [name, v]);
      }),
      { maxLength: 3 },
    ),
  )
  .map(([cmd, spec, url, rest]) => [cmd, ...(cmd === 'init' ? ['--schema', 'landing'] : [spec]), '--db', url, ...rest.flat()]);
