/**
 * Naming conventions real landing zones use. All comparisons are case-insensitive.
 */
const TABLE_PREFIXES = ['tbl_', 'tb_', 't_', 'src_', 'stg_', 'raw_', 'lz_', 'land_'];

/** `tbl_Customers` → `customer`: the business concept a table name stands for. */
export function entityOf(table: string): string {
  let name = table.toLowerCase();
  for (const p of TABLE_PREFIXES) {
    if (name.startsWith(p) && name.length > p.length + 1) {
      name = name.slice(p.length);
      break;
    }
  }
  return singular(name);
}

/** Singular of the last word of a snake_case name: orders → order, categories → category. */
export function singular(name: string): string {
  const i = name.lastIndexOf('_');
  const head = name.slice(0, i + 1);
  const word = name.slice(i + 1);
  const one =
    /ies$/.test(word) && word.length > 4
      ? `${word.slice(0, -3)}y`
      : /(sses|xes|ches|shes)$/.test(word)
        ? word.slice(0, -2)
        : /(ss|us|is|ics)$/.test(word)
          ? word
          : /s$/.test(word) && word.length > 3
            ? word.slice(0, -1)
            : word;
  return head + one;
}

/** Column names that would be the key of `entity`, best first. */
export function keyNamesFor(entity: string): string[] {
  const bare = entity.replace(/_/g, '');
  const forms = [...new Set([entity, bare])];
  const suffixes = ['_id', 'id', '_key', 'key', '_code', '_number', '_no', '_nr'];
  return [...forms.flatMap((f) => suffixes.map((s) => f + s)), 'id'];
}

/** `c_custkey` → prefix `c`, stem `cust`, suffix `key`: the TPC-H way of naming keys. */
export function prefixedKeyParts(column: string): { prefix: string; stem: string; suffix: string } | undefined {
  const m = /^([a-z]{1,3})_([a-z]+?)(_?key|_?id)$/.exec(column.toLowerCase());
  return m === null || m[2]!.length < 3 ? undefined : { prefix: m[1]!, stem: m[2]!, suffix: m[3]!.replace('_', '') };
}

/** `c_custkey` in `customer`: a short prefix, then an abbreviation of the entity, then key/id. */
export function isPrefixedKeyFor(column: string, entity: string): boolean {
  const parts = prefixedKeyParts(column);
  return parts !== undefined && abbreviates(parts.stem, entity.replace(/_/g, ''));
}

/**
 * A column named like a dependent child key, a line within its parent: `line_no`,
 * `l_linenumber`, `seq`, `position_nr`: the word line, seq or sequence ending the name or
 * followed only by a number word, or a name ending in a number word. Key-like names (`*_id`,
 * `*key`, `*_code`) never are, nor words that only start with line (`l_linestatus`).
 */
export function looksLikeChildKey(column: string): boolean {
  const lower = column.toLowerCase();
  if (/(id|key|_code)$/.test(lower)) return false;
  return /(^|_)(line|seq|sequence)(_?(no|nr|num|number))?\d*$/.test(lower) || /(^|_)(no|nr|num|number)$/.test(lower);
}

function abbreviates(stem: string, word: string): boolean {
  if (word.startsWith(stem)) return true;
  if (stem[0] !== word[0]) return false;
  let j = 0;
  for (const ch of word) if (ch === stem[j]) j++;
  return j === stem.length;
}

const TECHNICAL =
  /^(load_?(ts|timestamp|date|datetime|dts|time)|ldts|record_source|rsrc|(dss|dv|etl|dw|meta|cdc)_.*|_.*|(created|updated|modified|inserted|changed|loaded|extracted)_(at|on|ts|timestamp|date|time|by)|last_(updated|modified)(_at|_on|_ts|_date)?|op|operation|op_type|cdc_flag|row_hash)$/;

/**
 * Load/update timestamps, CDC operation columns and other bookkeeping a source adds. A soft-delete
 * flag (`is_deleted`) is none: it is the source's data, kept in its satellite (status-tracking.ts).
 */
export function looksTechnical(column: string): boolean {
  return TECHNICAL.test(column.toLowerCase());
}

const SENSITIVE_WORDS = new Set(['password', 'passwd', 'pwd', 'ssn', 'email', 'mail', 'phone', 'mobile', 'iban', 'dob', 'passport', 'salary', 'pin', 'cvv']);
const SENSITIVE_PARTS = ['birth', 'social_security', 'card_number', 'credit_card', 'tax_id', 'national_id', 'email', 'phone'];

/** Columns to keep in a satellite of their own, so they can be secured apart. */
export function looksSensitive(column: string): boolean {
  const lower = column.toLowerCase();
  return lower.split('_').some((w) => SENSITIVE_WORDS.has(w)) || SENSITIVE_PARTS.some((p) => lower.includes(p));
}

/** `business_partner_id` → `business_partner`: the concept a key-like column names. */
export function conceptOfKeyColumn(column: string): string | undefined {
  const m = /^([a-z][a-z0-9_]*?)_(id|key)$/.exec(column.toLowerCase());
  return m === null ? undefined : m[1];
}
