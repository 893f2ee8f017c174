/**
 * `--db` URLs: checked before connecting, and printed only without their password.
 */
import { credentialSecrets, redactCredentials, scrubber } from '@vault/core/internal';
import { UsageError } from '../exit.js';

/**
 * The URL with its password (and any `password=` parameter) replaced by `***`. Read without
 * parsing the URL, so a malformed one is masked too.
 * @example redactUrl('postgres://app:s3cret@db:5432/vault') // 'postgres://app:***@db:5432/vault'
 * @example redactUrl('app:s3cret@db/vault') // '***@db/vault'
 */
export function redactUrl(url: string): string {
  return redactCredentials(url);
}

/** `text` without the URL's secrets: error text a driver or server might echo back. */
export function scrub(text: string, url: string): string {
  return scrubber(credentialSecrets(url))(text.split(url).join(redactUrl(url)));
}

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** `connect_timeout` in the URL (seconds, as libpq reads it), else 10. */
  readonly connectTimeoutSeconds: number;
}

const EXAMPLE = 'postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE';
const EXPECTED = `expected ${EXAMPLE}`;

/**
 * Validates a `postgres://` or `postgresql://` URL; a malformed one is a usage mistake, named
 * with its password masked. Only URLs that the WHATWG parser, `pg` and a reader all split the
 * same way pass: a `/`, `?` or `#` in the password would move the host into the password (or
 * the password into the path), so it must be percent-encoded.
 */
export function parseDbUrl(url: string, option = '--db URL'): ServerAddress {
  // `option` is how the command names a server (`--db URL`, compile's `--validate-db=URL`): its URL is the masked one.
  const named = option.replace(/URL$/, redactUrl(url));
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/)?/.exec(url);
  if (scheme === null || !/^postgres(ql)?$/i.test(scheme[1] ?? '')) {
    const other = scheme?.[2] !== undefined ? `, not ${scheme[1]}://` : ` such as ${EXAMPLE}`;
    throw new UsageError(`${named}: expected a postgres:// or postgresql:// URL${other}`);
  }
  if (scheme[2] === undefined) throw new UsageError(`${named}: ${scheme[1]}: must be followed by //; ${EXPECTED}`);
  const at = url.lastIndexOf('@');
  const password = at < 0 ? '' : url.slice(scheme[0].length, at).split(':').slice(1).join(':');
  if (/[/?#]/.test(password)) {
    throw new UsageError(`${named}: the password contains / ? or #, which must be percent-encoded (/ as %2F, ? as %3F, # as %23); so must an @ in the path or query (%40)`);
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${named} is not a URL; ${EXPECTED}`);
  }
  const timeout = u.searchParams.get('connect_timeout');
  const seconds = timeout === null ? 10 : Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${named}: connect_timeout must be a positive number of seconds`);
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new UsageError(`${named}: the ${what} has a % that does not start a percent-encoded character (write % as %25)`);
    }
  };
  const user = decode(u.username, 'user name');
  decode(u.password, 'password'); // pg decodes it too, and would throw outside any message of ours
  return {
    host: decode(u.hostname.replace(/^\[|\]$/g, ''), 'host') || 'localhost',
    port: u.port === '' ? 5432 : Number(u.port),
    database: decode(u.pathname.replace(/^\//, ''), 'database name') || user || 'postgres',
    user: user || 'postgres',
    connectTimeoutSeconds: seconds,
  };
}
