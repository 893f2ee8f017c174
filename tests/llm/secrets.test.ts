/**
 * No API key, gateway or Ollama credential reaches the output, the answer cache or the spec:
 * hostile fake servers echo every credential they receive (in error bodies, in 404s, inside the
 * model's answer), and each run's standard output, standard error and working directory
 * (spec, `.vault/llm-cache/`) are searched for every secret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failedCleanly, leaks, vaultIn } from '../secrets/leaks.js';
import { fakeLlm, names, rules, type FakeLlm, type Reply, type Seen, type Task } from './fake-llm.js';
import { SHOP_SPEC, workspace, type Workspace } from './workspace.js';

const KEY = 'gsk_live_Secret0123456789abcdef';
const GW_PASSWORD = 'gw-Pass-secret-42';
const OLLAMA_PASSWORD = 'ollama-Pass-secret-7';
const TOKEN = 'tok-Secret-in-query-9';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(flavour: 'ollama' | 'groq', answer: (task: Task, n: number, request: Seen) => Reply): Promise<{ server: FakeLlm; ws: Workspace }> {
  const server = await fakeLlm(flavour, answer);
  const ws = workspace();
  cleanup.push(
    () => server.close(),
    () => ws.remove(),
  );
  return { server, ws };
}

const groq = (...more: string[]): string[] => ['suggest', 'shop.yaml', '--provider', 'groq', '--timeout-ms', '5000', '--retries', '1', ...more];
const ollama = (...more: string[]): string[] => ['suggest', 'shop.yaml', '--provider', 'ollama', '--timeout-ms', '5000', '--retries', '1', ...more];

/** Runs and checks that nothing leaked anywhere; gives the run. */
async function noLeak(ws: Workspace, args: string[], env: Record<string, string>, secrets: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await vaultIn(ws.dir, args, env);
  expect(leaks(secrets, r, [ws.dir]), `${r.stdout}\n${r.stderr}`).toEqual([]);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  return r;
}

/** What a hostile server says back: everything it was sent that could be a credential. */
const echoOf = (request: Seen): string => `${request.path} authorization=${request.headers.authorization ?? ''}`;

describe('GROQ_API_KEY that an HTTP header cannot carry: refused before any request, exit 1', () => {
  const BAD: Record<string, string> = {
    'a line break': `gsk_line_one_Secret\ngsk_line_two_Secret`,
    'a carriage return and line feed inside': `gsk_crlf_Secret_a\r\ngsk_crlf_Secret_b`,
    'a tab': `gsk_tab_Secret_a\tgsk_tab_Secret_b`,
    'a character beyond Latin-1': `gsk_euro_Secret€0123`,
    'a Latin-1 character that is not ASCII': `gsk_latin_Secreté0123`,
  };
  for (const [what, key] of Object.entries(BAD)) {
    it(what, async () => {
      const { server, ws } = await setup('groq', () => names());
      const r = await noLeak(ws, groq('--write'), { GROQ_API_KEY: key, GROQ_BASE_URL: server.url }, [key]);
      expect(r.code, r.stderr).toBe(1);
      expect(failedCleanly(r)).toBe(true);
      expect(r.stderr).toMatch(/error VLT704: names: GROQ_API_KEY contains a (line break|space or control character|character that is not ASCII) \(character \d+ of \d+\)/);
      expect(server.seen).toHaveLength(0);
      expect(ws.read()).toBe(SHOP_SPEC);
    });
  }

  it('a trailing line break (as `$(cat keyfile)` might leave) is not part of the key', async () => {
    const { server, ws } = await setup('groq', () => names());
    const r = await noLeak(ws, groq(), { GROQ_API_KEY: `${KEY}\n`, GROQ_BASE_URL: server.url }, [KEY]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});

describe('servers that echo the credentials they receive', () => {
  it('Groq error bodies repeating the Authorization header (401, 500 after retries, 404)', async () => {
    for (const status of [401, 500, 404]) {
      const { server, ws } = await setup('groq', (_t, _n, request) => ({ status, error: `rejected ${echoOf(request)}` }));
      const r = await noLeak(ws, groq('--write'), { GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url }, [KEY]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('***');
    }
  });

  it('a token in the query of GROQ_BASE_URL, repeated by the gateway', async () => {
    const { server, ws } = await setup('groq', () => names());
    const r = await noLeak(ws, groq(), { GROQ_API_KEY: KEY, GROQ_BASE_URL: `${server.url}/?api_key=${TOKEN}` }, [KEY, TOKEN]);
    expect(r.code, r.stderr).toBe(1);
  });

  it('a user name and password in GROQ_BASE_URL: refused, masked, nothing sent', async () => {
    for (const base of [`http://gwuser:${GW_PASSWORD}@127.0.0.1:PORT`, `http://gwuser:pa/${GW_PASSWORD}@127.0.0.1:PORT`, `gwuser:${GW_PASSWORD}@127.0.0.1:PORT`]) {
      const { server, ws } = await setup('groq', () => names());
      const r = await noLeak(ws, groq(), { GROQ_API_KEY: KEY, GROQ_BASE_URL: base.replace('PORT', String(server.port)) }, [KEY, GW_PASSWORD]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/error VLT701: names: GROQ_BASE_URL \S*\*\*\*@127\.0\.0\.1:\d+ holds a user name or password/);
      expect(server.seen).toHaveLength(0);
    }
  });

  it('an Ollama host with credentials (--host and OLLAMA_HOST): sent as Basic auth, echoed back, never shown', async () => {
    const basic = Buffer.from(`ouser:${OLLAMA_PASSWORD}`).toString('base64');
    for (const via of ['--host', 'OLLAMA_HOST'] as const) {
      const { server, ws } = await setup('ollama', (_t, _n, request) => ({ status: 500, error: `upstream failed for ${echoOf(request)} (${OLLAMA_PASSWORD})` }));
      const host = `http://ouser:${encodeURIComponent(OLLAMA_PASSWORD)}@127.0.0.1:${server.port}`;
      const r = await noLeak(ws, via === '--host' ? ollama('--host', host) : ollama(), via === 'OLLAMA_HOST' ? { OLLAMA_HOST: host } : {}, [OLLAMA_PASSWORD, basic]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/error VLT705: names: Ollama at http:\/\/ouser:\*\*\*@127\.0\.0\.1:\d+ answered HTTP 500/);
      expect(server.seen[0]?.headers.authorization).toBe(`Basic ${basic}`);
    }
  });

  it('an Ollama host without a scheme, with credentials, that cannot be reached', async () => {
    const { ws } = await setup('ollama', () => names());
    const r = await noLeak(ws, ollama('--host', `ouser:${OLLAMA_PASSWORD}@127.0.0.1:1`), {}, [OLLAMA_PASSWORD]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error VLT701: names: cannot reach Ollama at \*\*\*@127\.0\.0\.1:1/);
  });

  it('a malformed Ollama host with a / in the password', async () => {
    const { ws } = await setup('ollama', () => names());
    const r = await noLeak(ws, ollama('--host', `http://ouser:pa/${OLLAMA_PASSWORD}@127.0.0.1:1`), {}, [OLLAMA_PASSWORD]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('***');
  });
});

describe('a model that puts a credential in its answer', () => {
  /** Answers with the good proposals plus some that carry what the request carried. */
  const hostile =
    (secret: (request: Seen) => string) =>
    (task: Task, _n: number, request: Seen): Reply => {
      const s = secret(request);
      return task === 'names'
        ? names(
            { kind: 'hub', current: 'cust', name: 'customer', description: 'A person or company that buys in the web shop.' },
            { kind: 'hub', current: 'order', name: s.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase() },
            { kind: 'link', current: 'order_cust', name: 'customer_order', description: `Your key is ${s}` },
          )
        : rules(
            { entity: 'order', kind: 'derive', name: 'order_year', expression: 'year(order_date)', rationale: 'Sales are reported per year.' },
            { entity: 'order', kind: 'filter', expression: `status != '${s}'`, rationale: 'Leaked.' },
            { entity: 'order', kind: 'derive', name: 'k', expression: `'${s}'`, rationale: `${s}` },
          );
    };

  it('Groq: the key is dropped with VLT718, the rest is written; not in stdout, the cache or the spec', async () => {
    const key = 'gsk_live_secret_0123456789abcdef';
    const { server, ws } = await setup(
      'groq',
      hostile((request) => (request.headers.authorization ?? '').replace(/^Bearer /, '')),
    );
    const r = await noLeak(ws, groq('--write'), { GROQ_API_KEY: key, GROQ_BASE_URL: server.url }, [key]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning VLT718: names: proposal 2 of the answer dropped: it contains an API key, password or token vault was given; the answer was not cached/);
    expect(r.stderr).toMatch(/warning VLT718: rules: proposal 2 of the answer dropped/);
    expect(r.stderr).toMatch(/warning VLT718: rules: proposal 3 of the answer dropped/);
    expect(r.stderr).toContain("names: asked about 5 entities, answer from groq model 'openai/gpt-oss-20b', 1 accepted, 2 dropped");
    expect(ws.read()).toContain('hub: customer');
    expect(ws.read()).toContain('order_year: YEAR(order_date)');
    // Not cached: the next run asks again, and drops the same proposals.
    const again = await noLeak(ws, groq(), { GROQ_API_KEY: key, GROQ_BASE_URL: server.url }, [key]);
    expect(again.stderr).toContain('answer from groq model');
  });

  it('Ollama: the password of the host, raw and as its Basic header, is dropped the same way', async () => {
    const basic = Buffer.from(`ouser:${OLLAMA_PASSWORD}`).toString('base64');
    const { server, ws } = await setup(
      'ollama',
      hostile((request) => (request.headers.authorization ?? '').replace(/^Basic /, '') + OLLAMA_PASSWORD),
    );
    const r = await noLeak(ws, ollama('--write', '--host', `http://ouser:${OLLAMA_PASSWORD}@127.0.0.1:${server.port}`), {}, [OLLAMA_PASSWORD, basic]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/warning VLT718/g)).toHaveLength(3);
  });

  it('an answer that is not JSON but starts with the key: no piece of it is quoted', async () => {
    const { server, ws } = await setup('groq', (_t, _n, request) => ({ content: `${(request.headers.authorization ?? '').replace(/^Bearer /, '')} is your key` }));
    const r = await noLeak(ws, groq(), { GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url }, [KEY, KEY.slice(0, 10)]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error VLT706: names: .* the answer is not valid JSON \(Unexpected token 'g'\)/);
  });

  it('an answer with the key as a property name: the schema error does not show it', async () => {
    const { server, ws } = await setup('groq', () => ({ content: JSON.stringify({ proposals: [], [KEY]: 1 }) }));
    const r = await noLeak(ws, groq(), { GROQ_API_KEY: KEY, GROQ_BASE_URL: server.url }, [KEY]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error VLT707: .*unexpected property '\*\*\*'/);
  });
});
