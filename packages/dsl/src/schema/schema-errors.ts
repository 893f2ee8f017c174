/**
 * Turns ajv's errors into path diagnostics with messages a data engineer can act on:
 * which key, where, what was expected, and a "did you mean" for unknown keys and values.
 */
import type { ErrorObject } from 'ajv';
import { closest, pathDiag, type PathDiagnostic, type SpecPath } from '@vault/core/internal';

/** `root` names the whole document in messages ("the spec", "the framework profile"). */
export function schemaDiagnostics(errors: ReadonlyArray<ErrorObject>, data: unknown, root = 'the spec'): PathDiagnostic[] {
  const kept = pickAnyOfBranches(errors, data);
  const out: PathDiagnostic[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const d = convert(e, data, root);
    if (d === undefined) continue;
    const key = `${d.code}\u0000${d.path.join('\u0000')}\u0000${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

function convert(e: ErrorObject, data: unknown, root: string): PathDiagnostic | undefined {
  const path = pointerToPath(e.instancePath);
  const where = describe(path, root);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closest(key, known);
      return pathDiag('VLT101', [...path, key], `unknown key '${key}' in ${where}${hint ? `; did you mean '${hint}'?` : known.length ? `; expected one of: ${known.join(', ')}` : ''}`, {
        target: 'key',
      });
    }
    case 'required':
      return pathDiag('VLT103', path, `${where} is missing the required key '${String(params['missingProperty'])}'`, { target: path.length ? 'key' : 'value' });
    case 'type':
      return pathDiag('VLT102', path, `${where} must be ${typeName(String(params['type']))}, not ${describeValue(valueAt(data, path))}`);
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const value = valueAt(data, path);
      const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
      return pathDiag('VLT104', path, `${where} must be one of ${allowed.join(', ')}, not ${describeValue(value)}${hint ? `; did you mean '${hint}'?` : ''}`);
    }
    case 'const':
      if (path.length === 1 && path[0] === 'version') {
        const v = valueAt(data, path);
        return pathDiag(
          'VLT105',
          path,
          typeof v === 'string' && v.trim() === '1'
            ? "version must be the number 1, not the string '1'; remove the quotes"
            : `unsupported spec version ${describeValue(v)}; this vault reads version 1`,
        );
      }
      return pathDiag('VLT104', path, `${where} must be ${JSON.stringify(params['allowedValue'])}`);
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return pathDiag('VLT106', path, `${where} must not be empty`);
    case 'minimum':
    case 'maximum':
      return pathDiag('VLT106', path, `${where} must be ${rangeOf(e.parentSchema)}, not ${describeNumber(valueAt(data, path))}`);
    case 'anyOf':
      return pathDiag('VLT102', path, `${where} must be ${anyOfExpectation(e)}, not ${describeValue(valueAt(data, path))}`);
    default:
      return pathDiag('VLT106', path, `${where} ${e.message ?? 'is not valid'}`);
  }
}

/**
 * ajv reports every failing branch of an `anyOf`. Keep only the errors of the branch whose
 * type matches the data (so `{ type: int, nulable: true }` reports the unknown key, not "must
 * be a string"), or the single anyOf error when no branch has the data's type.
 */
function pickAnyOfBranches(errors: ReadonlyArray<ErrorObject>, data: unknown): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  if (anyOfs.length === 0) return [...errors];
  const drop = new Set<ErrorObject>();
  for (const a of anyOfs) {
    const prefix = `${a.schemaPath.slice(0, -'/anyOf'.length)}/anyOf/`;
    // Errors of this anyOf: its schema path, and this value or one inside it (two columns fail
    // the same anyOf at different places; one's errors must not decide about the other's).
    const own = (e: ErrorObject): boolean => e.schemaPath.startsWith(prefix) && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`));
    const branches = (a.schema as ReadonlyArray<{ type?: string }>) ?? [];
    const actual = jsonType(valueAt(data, pointerToPath(a.instancePath)));
    const match = branches.findIndex((b) => b.type === actual);
    // A value of the right type that fails only an enum: say every form the value may take.
    const branchErrors = errors.filter((e) => own(e) && e.schemaPath.startsWith(`${prefix}${match}/`));
    if (match >= 0 && branchErrors.length > 0 && branchErrors.every((e) => e.keyword === 'enum' && e.instancePath === a.instancePath)) {
      for (const e of errors) if (own(e)) drop.add(e);
      continue;
    }
    for (const e of errors) {
      if (!own(e)) continue;
      const branch = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      if (match < 0 || branch !== match) drop.add(e);
    }
    if (match >= 0) drop.add(a);
  }
  return errors.filter((e) => !drop.has(e));
}

function anyOfExpectation(e: ErrorObject): string {
  const branches = (e.schema as ReadonlyArray<{ type?: string; enum?: unknown[] }>) ?? [];
  return branches.map((b) => (b.enum ? b.enum.map((v) => `'${String(v)}'`).join(' or ') : typeName(b.type ?? 'value'))).join(' or ');
}

export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: SpecPath): unknown {
  let v = data;
  for (const s of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[String(s)] : undefined;
  return v;
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

function typeName(t: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    boolean: 'true or false',
    integer: 'a whole number',
    number: 'a number',
    null: 'null',
  };
  return names[t] ?? t;
}

/** A number's bounds as a message states them: "between 1 and 10", "at least 1". */
function rangeOf(schema: unknown): string {
  const { minimum, maximum } = (schema ?? {}) as { minimum?: number; maximum?: number };
  if (minimum !== undefined && maximum !== undefined) return `between ${minimum} and ${maximum}`;
  return minimum !== undefined ? `at least ${minimum}` : `at most ${String(maximum)}`;
}

/** A number out of range: as read, unless it is beyond 2^53, where the number read is not always the one written (9007199254740993 reads as …992). */
function describeNumber(v: unknown): string {
  return typeof v === 'number' && Math.abs(v) > Number.MAX_SAFE_INTEGER ? 'a number this large' : describeValue(v);
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  return String(v);
}

/** "table 'orders'", "column 'id' of table 'orders'", "hashing", "the spec". */
export function describe(path: SpecPath, root = 'the spec'): string {
  const [a, b, c, d, e] = path;
  if (path.length === 0) return root;
  if (a === 'tables' && b !== undefined) {
    if (c === undefined) return `table '${b}'`;
    if (c === 'columns' && d !== undefined) return e === undefined ? `column '${d}' of table '${b}'` : `'${e}' of column '${d}' in table '${b}'`;
    if (c === 'references' && d !== undefined) return e === undefined ? `reference ${Number(d) + 1} of table '${b}'` : `'${e}' of reference ${Number(d) + 1} in table '${b}'`;
    return `'${path.slice(2).join('.')}' of table '${b}'`;
  }
  return `'${path.join('.')}'`;
}
