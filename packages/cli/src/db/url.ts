/**
 * `--db` URLs: checked before connecting, and printed only without their password.
 */
import { UsageError } from '../exit.js';

/**
 * The URL with its password (and any `password=` parameter) replaced by `***`.
 * @example redactUrl('postgres://app:s3cret@db:5432/vault') // 'postgres://app:***@db:5432/vault'
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    // Not a URL we can parse: strip anything between "//user:" and "@", and password=… pairs.
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@').replace(/(pass\w*=)[^&\s]*/gi, '$1***');
  }
}

/** Every secret in the URL, to scrub from error text the driver might echo back. */
export function urlSecrets(url: string): ReadonlyArray<string> {
  try {
    const u = new URL(url);
    const secrets = [u.password, decodeURIComponent(u.password), ...[...u.searchParams.entries()].filter(([k]) => /pass/i.test(k)).map(([, v]) => v)];
    return secrets.filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

export function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  for (const s of urlSecrets(url)) out = out.split(s).join('***');
  return out;
}

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** `connect_timeout` in the URL (seconds, as libpq reads it), else 10. */
  readonly connectTimeoutSeconds: number;
}

/** Validates a `postgres://` or `postgresql://` URL; a malformed one is a usage mistake. */
export function parseDbUrl(url: string): ServerAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--db ${redactUrl(url)} is not a URL; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new UsageError(`--db ${redactUrl(url)}: expected a postgres:// or postgresql:// URL, not ${u.protocol}//`);
  }
  const timeout = u.searchParams.get('connect_timeout');
  const seconds = timeout === null ? 10 : Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--db ${redactUrl(url)}: connect_timeout must be a positive number of seconds`);
  return {
    host: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || 'localhost',
    port: u.port === '' ? 5432 : Number(u.port),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres',
    user: decodeURIComponent(u.username) || 'postgres',
    connectTimeoutSeconds: seconds,
  };
}
