/**
 * The secrets of one vault run, gathered before anything else happens, and an `Output` that
 * masks them in every line vault prints. Messages already name URLs without their password;
 * this is the net under them, for what a driver, a server or a stack trace echoes back.
 */
import { credentialSecrets, scrubber } from '@vault/core/internal';
import type { Output } from './output.js';

/** Options whose value is a connection string or a server URL (`--opt VALUE` or `--opt=VALUE`). */
const URL_OPTIONS = ['--db', '--validate-db', '--host'] as const;

/** Options whose whole value is a secret (vault refuses `--api-key`, but it is still on the command line). */
const SECRET_OPTIONS = ['--api-key'] as const;

/** Environment variables whose whole value is a secret: what `pg`, the Spark engine and the Groq client send. */
const SECRET_ENV = ['PGPASSWORD', 'VAULT_SPARK_PASSWORD', 'VAULT_SPARK_TOKEN', 'GROQ_API_KEY'] as const;

/** Environment variables holding a URL that may carry credentials. */
const URL_ENV = ['GROQ_BASE_URL', 'OLLAMA_HOST', 'VAULT_SPARK_URL'] as const;

/**
 * Every secret the command line and the environment give this run. Read from the raw
 * arguments, not the parsed options, so a value commander refuses is known too.
 */
export function runSecrets(argv: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): string[] {
  const secrets: string[] = [];
  for (const [i, arg] of argv.entries()) {
    const next = argv[i + 1];
    for (const option of [...URL_OPTIONS, ...SECRET_OPTIONS]) {
      const value = arg.startsWith(`${option}=`) ? arg.slice(option.length + 1) : arg === option && next !== undefined && !next.startsWith('-') ? next : undefined;
      if (value === undefined) continue;
      if ((SECRET_OPTIONS as ReadonlyArray<string>).includes(option)) secrets.push(value);
      else secrets.push(...credentialSecrets(value));
    }
  }
  for (const name of SECRET_ENV) if (env[name] !== undefined) secrets.push(env[name]);
  for (const name of URL_ENV) if (env[name] !== undefined) secrets.push(...credentialSecrets(env[name]));
  return secrets;
}

/** `o` with every secret masked in what it prints. */
export function scrubbingOutput(o: Output, secrets: ReadonlyArray<string>): Output {
  const scrub = scrubber(secrets);
  return {
    out: (line) => o.out(scrub(line)),
    err: (line) => o.err(scrub(line)),
    color: o.color,
    interactive: o.interactive,
    progress: (line) => o.progress(scrub(line)),
  };
}
