/**
 * What the HTTPS test server (server.ts, `sparkHttpsServer`) needs besides Spark, made when it
 * starts, in its folder: a self-signed certificate for 127.0.0.1 in a PKCS12 keystore and its PEM
 * (`keytool`), and a HiveServer2 password check (`PasswdAuthenticationProvider`, compiled with
 * `javac` against Spark's Thrift server jar) that accepts user `token` with the one token of the
 * run, as a Databricks SQL warehouse accepts a personal access token. Nothing here imports vitest.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The HTTP path the server answers at. */
export const HTTPS_PATH = '/cliservice';

/** The environment variable the password check reads the token from (set in the server's environment only). */
const TOKEN_ENV = 'VAULT_TEST_SPARK_HTTPS_TOKEN';
const CLASS = 'VaultTestTokenAuth';

const SOURCE = `import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/** Accepts user "token" with the token in $${TOKEN_ENV}; refuses everything else. */
public class ${CLASS} implements PasswdAuthenticationProvider {
  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    String token = System.getenv("${TOKEN_ENV}");
    if (token == null || token.isEmpty() || !"token".equals(user) || !token.equals(password)) {
      throw new AuthenticationException("wrong user or token");
    }
  }
}
`;

/** Where the start leaves the token and the certificate's PEM in `dir`, for the workers to read. */
export const httpsFiles = (dir: string): { readonly token: string; readonly ca: string } => ({ token: join(dir, 'token'), ca: join(dir, 'ca.pem') });

/** Why the HTTPS server cannot be prepared here (no `javac` or `keytool`), or undefined. */
export function httpsToolsMissing(): string | undefined {
  for (const [tool, args] of [
    ['javac', ['-version']],
    ['keytool', ['-help']],
  ] as const) {
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) return `no ${tool} on PATH (the HTTPS test server needs a JDK: ${tool === 'javac' ? 'it compiles its token check' : 'it makes its certificate'})`;
  }
  return undefined;
}

function run(tool: string, args: ReadonlyArray<string>): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) throw new Error(`${tool} ${args[0] ?? ''} failed (exit ${r.status}): ${r.error?.message ?? ''}${r.stderr}${r.stdout}`.trim());
}

/**
 * Makes the certificate, the PEM, the token file and the compiled check in `dir`, for the Spark of
 * `home`: the `https` options of `spawnThriftServer` (scripts/spark/thrift-server.mjs).
 */
export function prepareHttps(
  home: string,
  dir: string,
  token: string,
): {
  readonly keystore: { readonly path: string; readonly password: string };
  readonly auth: { readonly classPath: string; readonly className: string };
  readonly env: Readonly<Record<string, string>>;
} {
  mkdirSync(dir, { recursive: true });
  const jars = join(home, 'jars');
  const jar = readdirSync(jars).find((f) => /^spark-hive-thriftserver_.*\.jar$/.test(f));
  if (jar === undefined) throw new Error(`no spark-hive-thriftserver jar in ${jars}`);
  const source = join(dir, `${CLASS}.java`);
  const classes = join(dir, 'classes');
  writeFileSync(source, SOURCE);
  run('javac', ['-d', classes, '-cp', join(jars, jar), source]);

  const keystore = join(dir, 'keystore.p12');
  const password = randomBytes(16).toString('hex');
  // prettier-ignore
  run('keytool', ['-genkeypair', '-alias', 'vault-test', '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '2', '-dname', 'CN=127.0.0.1',
    '-ext', 'SAN=ip:127.0.0.1', '-keystore', keystore, '-storetype', 'PKCS12', '-storepass', password, '-keypass', password]);
  run('keytool', ['-exportcert', '-rfc', '-alias', 'vault-test', '-keystore', keystore, '-storepass', password, '-file', httpsFiles(dir).ca]);
  writeFileSync(httpsFiles(dir).token, token, { mode: 0o600 });
  return { keystore: { path: keystore, password }, auth: { classPath: classes, className: CLASS }, env: { [TOKEN_ENV]: token } };
}
