/**
 * The hashing standard's hooks in Spark SQL: each canonical text rule (hashing-standard.ts) as
 * an expression giving exactly PostgreSQL's text (docs/spark.md, "Hashing parity"), whatever the
 * session's time zone, ASCII-only upper-casing, and the digests of a STRING's UTF-8 bytes.
 */
import type { HashAlgorithm } from '@vault/core';
import { match } from 'ts-pattern';
import type { CalendarRule, CanonicalForm, CanonicalRule } from '../../../hashing-standard.js';
import type { Spell, TypedSql } from '../dialect.js';
import { quoteIdent, quoteLiteral } from './quote.js';

type Of<F extends CanonicalForm> = Extract<CanonicalRule, { form: F }>;

const asText = (v: TypedSql) => `CAST(${v.sql} AS STRING)`;

/**
 * `body` with `name` bound to `value`, computed once: a one-element array mapped by a lambda.
 * Spark has no LET; this keeps a long expression from being spelled (and computed) twice.
 */
const bind = (value: string, name: string, body: string): string => `element_at(transform(array(${value}), ${quoteIdent(name)} -> ${body}), 1)`;

/** The UTC wall clock of an instant (TIMESTAMP), as a TIMESTAMP_NTZ: independent of the session's time zone. */
export const utcWallClock = (instant: string): string => `timestampadd(MICROSECOND, unix_micros(${instant}), TIMESTAMP_NTZ'1970-01-01 00:00:00')`;

/**
 * PostgreSQL's calendar text: `yyyy` pads to four digits and writes `+` before a fifth (dropped),
 * and counts years of the era, so a value before the year 1 gets ` BC` (`G`) after it.
 */
const calendarText = (x: string, r: CalendarRule): string => {
  const pattern = r.form === 'date' ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH:mm:ss.SSSSSS';
  const era = `date_format(${x}, ${quoteLiteral(`${pattern} G`)})`;
  const ad = r.form === 'date' ? `CAST(${x} AS STRING)` : `date_format(${x}, ${quoteLiteral(pattern)})`;
  // Spark's dates and timestamps have no infinity: nothing to spell.
  return `CASE WHEN year(${x}) <= 0 THEN ${era} ELSE TRIM(LEADING '+' FROM ${ad}) END`;
};

const calendar = (v: TypedSql, r: CalendarRule): string => calendarText(r.zone === 'utc' ? utcWallClock(v.sql) : v.sql, r);

/** Significant digits Java's `%e` needs at most for a shortest round trip: 17 for a double, 9 for a float. */
const MAX_DIGITS = { real: 9, double: 17 } as const;
/** PostgreSQL writes a float in fixed notation when its decimal exponent is in [-4, cutoff): FLT_DIG 6, DBL_DIG 15. */
const FIXED_CUTOFF = { real: 6, double: 15 } as const;

/**
 * PostgreSQL 12+'s shortest float text: the fewest significant digits that read back as the same
 * number (`%.<p>e` for p = 0, 1, …, the first that casts back equal; an exact tie at p rounded to
 * the even digit, as PostgreSQL's Ryu output does), laid out as PostgreSQL
 * does: fixed notation for exponents in [-4, cutoff), else `d.ddde+XX`; `NaN`, `Infinity`,
 * `-Infinity`, and `-0` for negative zero. NULL is NULL, tested first: the search finds no digits
 * for it, and `element_at` of an empty array fails under ANSI mode.
 */
/**
 * Whether the text `s` lies exactly half-way between the real `x` and the next real towards it
 * (-4.455531e+07 between the reals -44555312 and -44555308). Java reads such a text as `x` when
 * `x`'s last mantissa bit is 0 (ties to even); PostgreSQL's shortest text never stops on the
 * boundary, and takes one more digit (-4.4555312e+07). In doubles both numbers are exact: a
 * real's neighbours are 2^(e-23) apart (half that below a power of two), e its exponent, at
 * least -126 (subnormals).
 */
const realTie = (x: string, s: string): string => {
  const xd = `abs(CAST(${x} AS DOUBLE))`;
  const sd = `abs(CAST(${s} AS DOUBLE))`;
  const e = `greatest(floor(log2(${xd})), -126)`;
  const half = `pow(2, ${e} - 24)`;
  const below = `CASE WHEN ${xd} = pow(2, ${e}) AND ${e} > -126 THEN ${half} / 2 ELSE ${half} END`;
  return `${x} <> 0 AND CASE WHEN ${sd} > ${xd} THEN ${sd} - ${xd} = ${half} ELSE ${xd} - ${sd} = ${below} END`;
};

/**
 * Whether the text `s` of the double `x` lies exactly half-way between `x` and a neighbouring
 * double (1.801439850948199e+16, between 2^54 + 4 and 2^54 + 8): Java reads it back as `x` when
 * `x`'s last mantissa bit is 0, PostgreSQL never stops there (1.8014398509481992e+16). Spark SQL
 * has no type wider than DOUBLE to compare in, so the test is exact in integers. A boundary of
 * x = m·2^e (m of 53 bits) is odd·2^j: (2m ± 1)·2^(e-1), or (4m - 1)·2^(e-2) below a power of
 * two. A text of at most 17 digits D·10^Q (D its digits, Q an integer) equals odd·2^j only when
 * Q >= 0 and 5^Q divides odd (< 2^55, so Q <= 23), and then exactly when D·5^Q = odd·2^(j-Q);
 * both sides stay below 10^37 in DECIMAL. A boundary with fewer than 17 significant digits is an
 * integer that can end in 0, so only values from 2^54 (spacing 4) on can have one, and, as
 * D·10^Q < 10^40, none from 10^41 on. Math.pow gives integer powers exactly when they are
 * doubles, which keeps `e`, `m` and 5^Q exact.
 */
const doubleTie = (x: string, s: string): string => {
  const [ax, k, dq] = [quoteIdent('vault_ax'), quoteIdent('vault_k'), quoteIdent('vault_dq')];
  // The binary exponent k of |x|: log2's floor, corrected by exact comparisons with powers of two.
  const k0 = `CAST(floor(log2(${ax})) AS INT)`;
  const exponent = `${k0} - CASE WHEN ${ax} < pow(2, ${k0}) THEN 1 ELSE 0 END + CASE WHEN ${ax} >= pow(2, ${k0} + 1) THEN 1 ELSE 0 END`;
  // The text's digits D and exponent Q: `[-]d.ddde±XX` is D·10^(XX - (digits - 1)).
  const digits = `replace(regexp_extract(${s}, '([0-9.]+)e', 1), '.', '')`;
  const q = `CAST(regexp_extract(${s}, 'e([-+][0-9]+)', 1) AS INT) - length(${digits}) + 1`;
  const [d, qn] = [`${dq}.d`, `${dq}.q`];
  const fivePowQ = `CAST(CAST(pow(5, least(${qn}, 22)) AS BIGINT) AS DECIMAL(17,0)) * CASE WHEN ${qn} = 23 THEN 5 ELSE 1 END`;
  const left = `CAST(${d} AS DECIMAL(17,0)) * ${fivePowQ}`;
  const m = `CAST(${ax} / pow(2, ${k} - 52) AS BIGINT)`;
  /** D·10^Q = odd·2^j, for an odd `odd` (< 2^55) and j = `j`. */
  const equals = (odd: string, j: string): string => `(${j} - ${qn} BETWEEN 0 AND 62 AND ${left} = CAST(${odd} AS DECIMAL(17,0)) * CAST(shiftleft(CAST(1 AS BIGINT), ${j} - ${qn}) AS DECIMAL(19,0)))`;
  const e = `(${k} - 52)`;
  const above = equals(`2 * ${m} + 1`, `${e} - 1`);
  const below = `CASE WHEN ${m} = pow(2, 52) THEN ${equals(`4 * ${m} - 1`, `${e} - 2`)} ELSE ${equals(`2 * ${m} - 1`, `${e} - 1`)} END`;
  const tie = bind(exponent, 'vault_k', bind(`named_struct('d', ${digits}, 'q', ${q})`, 'vault_dq', `${qn} BETWEEN 0 AND 23 AND (${above} OR ${below})`));
  return bind(`abs(${x})`, 'vault_ax', `${ax} >= pow(2, 54) AND ${ax} < CAST('1e41' AS DOUBLE) AND ${tie}`);
};

const floatText = (v: TypedSql): string => {
  const kind = v.type.kind === 'real' ? 'real' : 'double';
  const sqlType = kind === 'real' ? 'FLOAT' : 'DOUBLE';
  const x = v.sql;
  const p = quoteIdent('vault_p');
  const s = quoteIdent('vault_s');
  // Java's `%.<p>e` rounds half up; PostgreSQL's shortest text, when the value lies exactly half-way
  // between two such texts (-2448527.25 as a real, to 8 digits), takes the one whose last digit is
  // even. Java pads `%.20e` with zeros past the value's own digits, so its digits show an exact tie:
  // the first digit dropped a 5, and only zeros after it. Then the even text is the one cut off there.
  const full = quoteIdent('vault_full');
  const all = `replace(regexp_extract(${full}, '([0-9.]+)e', 1), '.', '')`;
  const tie = `substr(${all}, ${p} + 2, 1) = '5' AND substr(${all}, ${p} + 3) RLIKE '^0*$' AND CAST(substr(${all}, ${p} + 1, 1) AS INT) % 2 = 0`;
  const cut = `concat(CASE WHEN startswith(${full}, '-') THEN '-' ELSE '' END, substr(${all}, 1, 1), CASE WHEN ${p} > 0 THEN concat('.', substr(${all}, 2, ${p})) ELSE '' END, regexp_extract(${full}, 'e[-+][0-9]+', 0))`;
  const candidate = bind(`format_string('%.20e', ${x})`, 'vault_full', `CASE WHEN ${tie} THEN ${cut} ELSE format_string(concat('%.', ${p}, 'e'), ${x}) END`);
  const shortest = `element_at(filter(transform(sequence(0, ${MAX_DIGITS[kind] - 1}), ${p} -> ${candidate}), ${s} -> CAST(${s} AS ${sqlType}) = ${x}${kind === 'real' ? ` AND NOT (${realTie(x, s)})` : ` AND NOT (${doubleTie(x, s)})`}), 1)`;
  // From `[-]d.ddde±XX`: the sign, the digits without the point, the exponent.
  const t = quoteIdent('vault_t');
  const sign = `CASE WHEN startswith(${t}, '-') THEN '-' ELSE '' END`;
  const digits = `replace(regexp_extract(${t}, '([0-9.]+)e', 1), '.', '')`;
  const exponent = `CAST(regexp_extract(${t}, 'e([-+][0-9]+)', 1) AS INT)`;
  const layout = bind(
    `named_struct('s', ${sign}, 'd', ${digits}, 'e', ${exponent})`,
    'vault_f',
    (() => {
      const f = quoteIdent('vault_f');
      const [sg, d, e] = [`${f}.s`, `${f}.d`, `${f}.e`];
      const n = `length(${d})`;
      const fixed = `CASE WHEN ${e} < 0 THEN concat('0.', repeat('0', -${e} - 1), ${d}) WHEN ${n} <= ${e} + 1 THEN concat(${d}, repeat('0', ${e} + 1 - ${n})) ELSE concat(substr(${d}, 1, ${e} + 1), '.', substr(${d}, ${e} + 2)) END`;
      // At least two exponent digits, more when needed (`5e-324`): lpad would cut a third one off.
      const scientific = `concat(substr(${d}, 1, 1), CASE WHEN ${n} > 1 THEN concat('.', substr(${d}, 2)) ELSE '' END, 'e', CASE WHEN ${e} < 0 THEN '-' ELSE '+' END, CASE WHEN abs(${e}) < 10 THEN '0' ELSE '' END, CAST(abs(${e}) AS STRING))`;
      return `concat(${sg}, CASE WHEN ${e} >= -4 AND ${e} < ${FIXED_CUTOFF[kind]} THEN ${fixed} ELSE ${scientific} END)`;
    })(),
  );
  const finite = bind(shortest, 'vault_t', layout);
  return `CASE WHEN ${x} IS NULL THEN CAST(NULL AS STRING) WHEN isnan(${x}) THEN 'NaN' WHEN ${x} = CAST('Infinity' AS ${sqlType}) THEN 'Infinity' WHEN ${x} = CAST('-Infinity' AS ${sqlType}) THEN '-Infinity' ELSE ${finite} END`;
};

/** A form Spark never hashes: validateSql refuses its columns (VLT440) before SQL is built. */
const refused = (form: CanonicalForm) => (): string => {
  throw new Error(`vault SQL: Spark cannot give the ${form} canonical text (validateSql reports VLT440)`);
};

/** Each rule in Spark SQL. */
const RENDER = {
  integer: asText,
  // A DECIMAL(p,s) as text has exactly s decimals, as numeric(p,s) in PostgreSQL.
  decimal: asText,
  float: floatText,
  text: (v) => v.sql,
  boolean: asText,
  date: (v, r) => calendar(v, r),
  timestamp: (v, r) => calendar(v, r),
  time: refused('time'),
  interval: refused('interval'),
  // PostgreSQL reads a uuid in any of its input forms (upper case, braces, no hyphens, a hyphen
  // after any four digits) and prints the lower-case 8-4-4-4-12 form; a STRING keeps what landed,
  // so the text is brought to that form: hex digits only, then the hyphens where PostgreSQL prints them.
  uuid: (v) => `regexp_replace(regexp_replace(lower(${v.sql}), ${quoteLiteral('[{}-]')}, ''), ${quoteLiteral('^(.{8})(.{4})(.{4})(.{4})(.{12})$')}, ${quoteLiteral('$1-$2-$3-$4-$5')})`,
  json: refused('json'),
  hex: (v) => `lower(hex(${v.sql}))`,
} as const satisfies { [F in CanonicalForm]: (v: TypedSql, rule: Of<F>, spell: Spell) => string };

export function canonicalText(rule: CanonicalRule, value: TypedSql, spell: Spell): string {
  return (RENDER[rule.form] as (v: TypedSql, r: CanonicalRule, spell: Spell) => string)(value, rule, spell);
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Upper-cases a-z only: Spark's upper() follows Unicode (`ß`, `ǆ`), which the standard does not. */
export const upperAscii = (text: string): string => `translate(${text}, ${quoteLiteral(LOWER)}, ${quoteLiteral(LOWER.toUpperCase())})`;

/** U+0020 only: the standard trims spaces, not other white space. */
export const trimSpaces = (text: string): string => `TRIM(BOTH ' ' FROM ${text})`;

/** Step 7: Spark's digests read a STRING as its UTF-8 bytes and give lower-case hex. */
const DIGEST = {
  md5: (text) => `md5(${text})`,
  sha1: (text) => `sha1(${text})`,
  sha256: (text) => `sha2(${text}, 256)`,
} as const satisfies Record<HashAlgorithm, (text: string) => string>;

export const digest = (algorithm: HashAlgorithm, text: string): string => DIGEST[algorithm](text);

/** Every digest is built in. */
export function digestSetup(algorithm: HashAlgorithm): ReadonlyArray<string> {
  return match(algorithm)
    .with('md5', 'sha1', 'sha256', () => [])
    .exhaustive();
}

/** Spark compares STRING by its UTF-8 bytes: code point order already. */
export const byteOrder = (sql: string): string => sql;
