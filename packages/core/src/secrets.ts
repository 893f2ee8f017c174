/**
 * Credentials in connection strings and server URLs: found without parsing the string as a URL,
 * so a malformed one (a `/` in the password, one slash after the scheme, no scheme at all) is
 * masked as surely as a good one. Pure string functions, shared by the CLI (database URLs) and
 * llm-assist (API keys, gateway and Ollama hosts); nothing here reads the environment.
 */

/**
 * Secrets shorter than this are masked where they stand in a URL but not searched for in other
 * text: `pw` would turn every "pw" of a message into `***`.
 */
export const MIN_SECRET_LENGTH = 4;

export const MASK = '***';

/** Parameter names whose value is a credential: `password`, `sslpassword`, `api_key`, `token`, `sig`, ... (not `sslkey`, a file). */
const SECRET_PARAM = /^(?:.*(?:pass|pwd|secret|token|auth|credential).*|(?:x-)?(?:api)?[-_]?key|sig(?:nature)?)$/i;

/** `name=value` as in a query string or a libpq keyword/value string; the value may be quoted. */
const PARAM = /([A-Za-z_][\w.-]*)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^&\s;]*)/g;

/** A scheme followed by `//`, as in every well-formed URL vault takes. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** A known scheme written without `//` (`postgres:/app:pw@host`, `postgres:app:pw@host`). */
const BARE_SCHEME = /^(?:postgres(?:ql)?|https?):\/?/i;

/**
 * The schemes vault takes. Anything else (`app://x@host` may be `app:` + a password `//x`) is
 * read as user info that is all secret.
 */
const KNOWN_SCHEME = /^(?:postgres(?:ql)?|https?):\/\//i;

interface UserInfo {
  /** Index where the user name starts, and of the `@` that ends the user info. */
  readonly start: number;
  readonly at: number;
  /** Index of the `:` before the password; -1 when there is none. */
  readonly colon: number;
  /** Whether the string is malformed enough that the whole user info is treated as secret. */
  readonly ambiguous: boolean;
}

/**
 * The user info of a connection string, read up to its last `@` (a password may contain `@`,
 * `/`, `?` or `#`; a host never contains `@`).
 */
function userInfo(text: string): UserInfo | undefined {
  const at = text.lastIndexOf('@');
  if (at < 0) return undefined;
  const scheme = SCHEME.exec(text) ?? BARE_SCHEME.exec(text);
  const start = scheme !== null && scheme[0].length <= at ? scheme[0].length : 0;
  const colonAt = text.indexOf(':', start);
  const colon = colonAt >= 0 && colonAt < at ? colonAt : -1;
  return { start, at, colon, ambiguous: !KNOWN_SCHEME.test(text) };
}

/**
 * The text with every credential replaced by `***`: the password of the user info (all of the
 * user info unless the string starts with `postgres://`, `postgresql://`, `http://` or
 * `https://`), and the values of password, key and token parameters.
 * @example redactCredentials('postgres://app:pa/ss@db:5432/vault') // 'postgres://app:***@db:5432/vault'
 * @example redactCredentials('app:s3cret@db/vault') // '***@db/vault'
 */
export function redactCredentials(text: string): string {
  const u = userInfo(text);
  let out = text;
  if (u !== undefined) {
    if (u.ambiguous) out = `${text.slice(0, u.start)}${MASK}${text.slice(u.at)}`;
    else if (u.colon >= 0) out = `${text.slice(0, u.colon + 1)}${MASK}${text.slice(u.at)}`;
  }
  return out.replace(PARAM, (whole, name: string, eq: string) => (SECRET_PARAM.test(name) ? `${name}${eq}${MASK}` : whole));
}

/**
 * Every credential in a connection string or URL, in each form a server or a library might echo
 * it: as written, percent-decoded, percent-encoded, JSON-escaped, and `user:password` in base64
 * (an HTTP Basic `Authorization` header).
 */
export function credentialSecrets(text: string): string[] {
  const raw: string[] = [];
  const u = userInfo(text);
  if (u !== undefined) {
    if (u.colon >= 0) {
      raw.push(text.slice(u.colon + 1, u.at));
      const basic = `${decoded(text.slice(u.start, u.colon))}:${decoded(text.slice(u.colon + 1, u.at))}`;
      raw.push(Buffer.from(basic, 'utf8').toString('base64'));
    }
    if (u.ambiguous) raw.push(text.slice(u.start, u.at));
  }
  for (const m of text.matchAll(PARAM)) {
    const [, name = '', , value = ''] = m;
    if (SECRET_PARAM.test(name)) raw.push(/^['"]/.test(value) ? value.slice(1, -1) : value);
  }
  return secretForms(raw);
}

/** Each secret with its decoded, encoded, escaped and per-line forms; none shorter than MIN_SECRET_LENGTH. */
export function secretForms(secrets: Iterable<string | undefined>): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    if (s === undefined) continue;
    const plain = decoded(s);
    for (const form of [s, s.trim(), plain, encodeURIComponent(plain), JSON.stringify(s).slice(1, -1)]) {
      if (form.length >= MIN_SECRET_LENGTH) out.add(form);
    }
    // A key broken over lines may be printed line by line; short pieces would mask ordinary words.
    const pieces = s.trim().split(/[\s\u0085\u2028\u2029]+/);
    if (pieces.length > 1) for (const piece of pieces) if (piece.length >= 2 * MIN_SECRET_LENGTH) out.add(piece);
  }
  return [...out];
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A function that replaces every secret in a text by `***`, longest first so a secret that
 * contains another is masked whole.
 * @example scrubber(['s3cret'])('auth failed for s3cret') // 'auth failed for ***'
 */
export function scrubber(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set(secretForms(secrets))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    // Masking one secret can join the text around it into another: repeat until none is left
    // (each pass shortens the text, as every secret is longer than the mask).
    for (let again = true; again;) {
      again = false;
      for (const s of list) {
        if (!out.includes(s)) continue;
        out = out.split(s).join(MASK);
        again = true;
      }
    }
    return out;
  };
}

/** Whether the text holds any of the secrets, in any of the forms `secretForms` knows. */
export function containsSecret(text: string, secrets: Iterable<string>): boolean {
  return secretForms(secrets).some((s) => text.includes(s));
}
