/**
 * `vault suggest` end to end: the built bin, the real `ollama` and `groq-sdk` clients, and
 * fake servers on 127.0.0.1. In every case the spec on disk changes only when a valid
 * proposal was accepted with --write, and the output says what happened.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeLlm, names, rules, type FakeLlm, type Reply, type Task } from './fake-llm.js';
import { SHOP_SPEC, workspace, type Workspace } from './workspace.js';

const GOOD_NAMES = names(
  { kind: 'hub', current: 'cust', name: 'customer', description: 'A person or company that buys in the web shop.' },
  { kind: 'hub', current: 'order', name: 'order' },
  { kind: 'link', current: 'order_cust', name: 'customer_order' },
  { kind: 'satellite', current: 'tbl_cust', name: 'customer_profile' },
  { kind: 'satellite', current: 'orders', name: 'order_details' },
);
const GOOD_RULES = rules(
  { entity: 'order', kind: 'derive', name: 'order_year', expression: 'year(order_date)', rationale: 'Sales are reported per year.' },
  { entity: 'order', kind: 'filter', expression: "status != 'CANCELLED'", rationale: 'Cancelled orders are not sales.' },
);
const good = (task: Task): Reply => (task === 'names' ? GOOD_NAMES : GOOD_RULES);

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(flavour: 'ollama' | 'groq', answer: (task: Task, n: number) => Reply): Promise<{ server: FakeLlm; ws: Workspace }> {
  const server = await fakeLlm(flavour, answer);
  const ws = workspace();
  cleanup.push(
    () => server.close(),
    () => ws.remove(),
  );
  return { server, ws };
}

const ollama = (server: FakeLlm, ...more: string[]): string[] => ['suggest', 'shop.yaml', '--provider', 'ollama', '--host', server.url, '--timeout-ms', '2000', ...more];
const GROQ_KEY = 'gsk_test_secret_key_0123456789';
const groqEnv = (server: FakeLlm): Record<string, string> => ({ GROQ_API_KEY: GROQ_KEY, GROQ_BASE_URL: server.url });
const groq = (...more: string[]): string[] => ['suggest', 'shop.yaml', '--provider', 'groq', '--timeout-ms', '2000', ...more];

describe('vault suggest with a good answer', () => {
  it('prints the checked proposals as a diff and leaves the spec alone without --write', async () => {
    const { server, ws } = await setup('ollama', good);
    const r = await ws.run(ollama(server));
    expect(r.stderr).toBe(
      [
        "vault suggest: names: asked about 5 entities, answer from ollama model 'llama3.1:8b', 4 accepted, 0 dropped",
        "vault suggest: rules: asked about 3 entities, answer from ollama model 'llama3.1:8b', 2 accepted, 0 dropped",
        'shop.yaml: not written; review the diff above, then run again with --write to apply it',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toBe(`Proposed changes to shop.yaml (6):
  hub cust → customer; description: A person or company that buys in the web shop.
  link order_cust → customer_order
  satellite tbl_cust → customer_profile
  satellite orders → order_details
  order.order_year = YEAR(order_date)  (Sales are reported per year.)
  filter of order = status <> 'CANCELLED'  (Cancelled orders are not sales.)

--- a/shop.yaml
+++ b/shop.yaml
@@ -5,16 +5,30 @@
 
 tables:
   tbl_cust:   # customers from the CRM
+    description: A person or company that buys in the web shop.
+    hub: customer
     columns:
       cust_id: { type: int, nullable: false }
       cust_nm: text
       seg_cd: varchar(4)
+    satellites:
+      customer_profile: [cust_nm, seg_cd]
 
   orders:
     description: Orders placed in the web shop.
+    link: customer_order
     columns:
       order_id: { type: int, nullable: false }
       cust_id: int
       order_date: date
       amount: decimal(18,2)
       status: varchar(12)
+    satellites:
+      order_details: [amount, order_date, status]
+
+business_vault:
+  rules:
+    order:
+      derive:
+        order_year: YEAR(order_date)
+      filter: status <> 'CANCELLED'
`);
    expect(r.code).toBe(0);
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it('applies the proposals with --write, keeping comments, and the result passes vault check', async () => {
    const { server, ws } = await setup('ollama', good);
    const r = await ws.run(ollama(server, '--write'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('shop.yaml: written (6 changes)');
    const after = ws.read();
    expect(after).toContain('  tbl_cust:   # customers from the CRM\n    description: A person or company that buys in the web shop.\n    hub: customer\n');
    expect(after.startsWith('# Landing tables of the web shop.\nversion: 1\n')).toBe(true);
    const check = await ws.run(['check', 'shop.yaml']);
    expect(check.stderr).toBe('shop.yaml: ok\n');
    expect(readdirSync(ws.dir).filter((f) => f.endsWith('.tmp') || f.includes('vault-tmp'))).toEqual([]);
  });

  it('sends structured-output requests with temperature 0, a fixed seed and the few-shot examples', async () => {
    const { server, ws } = await setup('ollama', good);
    await ws.run(ollama(server, '--model', 'qwen2.5:7b'));
    expect(server.seen.map((s) => s.task)).toEqual(['names', 'rules']);
    const body = server.seen[0]!.body;
    expect(body['model']).toBe('qwen2.5:7b');
    expect(body['stream']).toBe(false);
    expect(body['options']).toEqual({ temperature: 0, seed: 42 });
    expect((body['format'] as { required: string[] }).required).toEqual(['proposals']);
    const messages = body['messages'] as Array<{ role: string; content: string }>;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[3]!.content).toContain('Business context: Web shop orders, for sales reporting and customer segmentation.');
    expect(messages[3]!.content).toContain('- hub cust: business key cust_id; from tbl_cust; describe');
  });

  it('caches answers under .vault/llm-cache: a rerun gives the same result with the server gone', async () => {
    const { server, ws } = await setup('ollama', good);
    const first = await ws.run(ollama(server));
    expect(readdirSync(join(ws.dir, '.vault', 'llm-cache')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    await server.close();
    const again = await ws.run(ollama(server));
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).toContain('names: asked about 5 entities, answer from the cache, 4 accepted, 0 dropped');
    const uncached = await ws.run(ollama(server, '--no-cache'));
    expect(uncached.code).toBe(1);
    expect(uncached.stderr).toContain('error VLT701');
  });

  it('works the same through Groq, sending the key only in the Authorization header', async () => {
    const { server, ws } = await setup('groq', good);
    const r = await ws.run(groq('--write'), groqEnv(server));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  hub cust → customer;');
    expect(ws.read()).toContain('hub: customer');
    expect(server.seen).toHaveLength(2);
    const seen = server.seen[0]!;
    expect(seen.headers.authorization).toBe(`Bearer ${GROQ_KEY}`);
    expect(seen.body['model']).toBe('openai/gpt-oss-20b');
    expect(seen.body['temperature']).toBe(0);
    expect(seen.body['seed']).toBe(42);
    expect(seen.body['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'vault_names', strict: true } });
    expect(r.stdout + r.stderr).not.toContain(GROQ_KEY);
  });
});

describe('vault suggest drops proposals that fail the checks', () => {
  it('rejects rules with SQL, Python, an unknown column or a type error, and writes nothing', async () => {
    const { server, ws } = await setup('ollama', (task) =>
      task === 'names'
        ? names()
        : rules(
            { entity: 'order', kind: 'filter', expression: "status <> 'X'; DROP TABLE landing.orders; --" },
            { entity: 'order', kind: 'derive', name: 'pwned', expression: "__import__('os').system('rm -rf /')" },
            { entity: 'order', kind: 'derive', name: 'discounted', expression: 'discount * 0.9' },
            { entity: 'order', kind: 'derive', name: 'loud_amount', expression: 'UPPER(amount)' },
            { entity: 'order', kind: 'derive', name: 'bad_sql', expression: '(SELECT max(amount) FROM orders)' },
          ),
    );
    const r = await ws.run(ollama(server, '--write'));
    expect(r.code).toBe(0);
    expect(ws.read()).toBe(SHOP_SPEC);
    const warnings = r.stderr.split('\n').filter((l) => l.includes(': warning VLT'));
    expect(warnings).toHaveLength(5);
    expect(r.stderr).toMatch(
      /^shop\.yaml:\d+:\d+: warning VLT713: proposed filter for 'order' dropped: "status <> 'X'; DROP TABLE landing\.orders; --" is not an expression of the rule language \(unexpected character ';'/m,
    );
    expect(r.stderr).toContain("warning VLT713: proposed derived attribute 'pwned' of 'order' dropped:");
    expect(r.stderr).toContain("warning VLT714: proposed derived attribute 'discounted' of 'order' dropped: 'discount * 0.9': unknown column 'discount'");
    expect(r.stderr).toContain("warning VLT714: proposed derived attribute 'loud_amount' of 'order' dropped: 'UPPER(amount)': UPPER expects text");
    expect(r.stderr).toContain("warning VLT713: proposed derived attribute 'bad_sql' of 'order' dropped:");
    expect(r.stderr).toContain('shop.yaml: no changes proposed (0 errors, 5 warnings)');
    expect(r.stdout).toBe('');
  });

  it('rejects names with a quote, a path or a clash, and keeps the good ones', async () => {
    const { server, ws } = await setup('ollama', (task) =>
      task === 'rules'
        ? rules()
        : names(
            { kind: 'hub', current: 'cust', name: "cust'omer" },
            { kind: 'satellite', current: 'tbl_cust', name: '../../etc/passwd' },
            { kind: 'link', current: 'order_cust', name: 'Cust' },
            { kind: 'satellite', current: 'orders', name: 'select' },
            { kind: 'hub', current: 'invoice', name: 'bill' },
            { kind: 'hub', current: 'order', name: 'sales_order', description: 'Orders "quoted" <b>' },
          ),
    );
    const r = await ws.run(ollama(server, '--write'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning VLT711: proposal for hub 'cust' dropped: hub name 'cust'omer' is not a safe identifier: it contains a quote");
    expect(r.stderr).toContain("warning VLT711: proposal for satellite 'tbl_cust' dropped: satellite name '../../etc/passwd' is not a safe identifier: it contains the character '.'");
    expect(r.stderr).toContain("warning VLT712: proposal for link 'order_cust' dropped: the name 'Cust' is already taken by another entity of the model");
    expect(r.stderr).toContain("warning VLT711: proposal for satellite 'orders' dropped: satellite name 'select' is a reserved word in SQL or Python");
    expect(r.stderr).toContain("warning VLT715: proposal for hub 'invoice' dropped: the model has no hub of that name");
    expect(r.stderr).toContain("warning VLT715: description proposed for hub 'order' dropped: the spec already describes it");
    expect(r.stdout).toContain('  hub order → sales_order\n');
    expect(ws.read()).toBe(SHOP_SPEC.replace('    description: Orders placed in the web shop.\n', '    description: Orders placed in the web shop.\n    hub: sales_order\n'));
  });

  it('rejects a name that would change what the model is made of, through the full analysis', async () => {
    // Naming the orders hub 'cust' would merge it with the customer hub: caught as a clash first.
    // Naming the satellite like the hub's own column is caught by analyzeSpec.
    const { server, ws } = await setup('ollama', (task) =>
      task === 'rules' ? rules() : names({ kind: 'hub', current: 'order', name: 'cust' }, { kind: 'satellite', current: 'orders', name: 'order_cust' }),
    );
    const r = await ws.run(ollama(server, '--write'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning VLT712: proposal for hub 'order' dropped: the name 'cust' is already taken");
    expect(r.stderr).toContain("warning VLT712: proposal for satellite 'orders' dropped: the name 'order_cust' is already taken");
    expect(ws.read()).toBe(SHOP_SPEC);
  });
});

describe('vault suggest prints no control or invisible character a model or a server sends', () => {
  /** Anything but the line ends and printable text: ANSI escapes, C1 controls, bidirectional overrides, zero-width spaces. */
  const HIDDEN = /[^\P{Cc}\n]|\p{Cf}|[\u2028\u2029]/u;

  it('drops rules whose string literals hide characters, and escapes them in every message and accepted line', async () => {
    const { server, ws } = await setup('ollama', (task) =>
      task === 'names'
        ? names({ kind: 'hub', current: 'cust\u001b[2J', name: 'customer' })
        : rules(
            { entity: 'order', kind: 'filter', expression: "status <> 'CANCELLED\u202e' OR amount > 0" },
            { entity: 'order', kind: 'derive', name: 'tag', expression: "'\u001b[2J' || status" },
            { entity: 'order', kind: 'derive', name: 'order_year', expression: 'year(\n  order_date\n)', rationale: 'Per year\u009b2J \u200bso \u202eit reads' },
          ),
    );
    const r = await ws.run(ollama(server, '--write'));
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(HIDDEN);
    expect(r.stderr).toContain("warning VLT715: proposal for hub 'cust\\u001b[2J' dropped");
    expect(r.stderr).toContain(
      `warning VLT713: proposed filter for 'order' dropped: "status <> 'CANCELLED\\u202e' OR amount > 0" contains the control or invisible character U+202E, which a reviewer cannot see in the diff; a proposed rule is printable text`,
    );
    expect(r.stderr).toContain("warning VLT713: proposed derived attribute 'tag' of 'order' dropped: \"'\\u001b[2J' || status\" contains the control or invisible character U+001B");
    expect(r.stdout).toContain('  order.order_year = YEAR(order_date)  (Per year\\u009b2J \\u200bso \\u202eit reads)\n');
    expect(ws.read()).toBe(`${SHOP_SPEC}\nbusiness_vault:\n  rules:\n    order:\n      derive:\n        order_year: YEAR(order_date)\n`);
  });

  it.each(['ollama', 'groq'] as const)('escapes them in a server error message (%s)', async (flavour) => {
    const { server, ws } = await setup(flavour, () => ({ status: 400, error: 'bad\u001b]0;owned\u0007 request\u202e' }));
    const r = await ws.run(flavour === 'ollama' ? ollama(server) : groq(), flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(HIDDEN);
    expect(r.stderr).toContain('answered HTTP 400: bad\\u001b]0;owned\\u0007 request\\u202e\n');
  });
});

describe('vault suggest reports failed requests and never writes then', () => {
  it('malformed JSON', async () => {
    const { server, ws } = await setup('ollama', () => ({ content: '{"proposals": [' }));
    const r = await ws.run(ollama(server, '--write'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^shop\.yaml:1:1: error VLT706: names: ollama model 'llama3\.1:8b' gave an answer vault cannot use, so nothing was taken from it: the answer is not valid JSON \(/m);
    expect(r.stderr).toContain('shop.yaml: 1 error, 0 warnings; the spec was not changed');
    expect(ws.read()).toBe(SHOP_SPEC);
    expect(existsSync(join(ws.dir, '.vault', 'llm-cache'))).toBe(false);
  });

  it.each(['ollama', 'groq'] as const)('an answer cut off at the length limit (%s)', async (flavour) => {
    const { server, ws } = await setup(flavour, () => ({ content: '{"proposals": [{"kind": "hub", "cur', finishReason: 'length' }));
    const r = await ws.run(flavour === 'ollama' ? ollama(server, '--write') : groq('--write'), flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      flavour === 'ollama'
        ? `shop.yaml:1:1: error VLT706: names: Ollama at ${server.url} cut the answer off at its length limit (num_predict or the context size), so it is not complete JSON\n`
        : 'shop.yaml:1:1: error VLT706: names: Groq cut the answer off at its length limit, so it is not complete JSON\n',
    );
    expect(ws.read()).toBe(SHOP_SPEC);
    expect(existsSync(join(ws.dir, '.vault', 'llm-cache'))).toBe(false);
  });

  it('JSON that breaks the schema', async () => {
    const { server, ws } = await setup('groq', () => ({ content: JSON.stringify({ proposals: [{ kind: 'table', current: 'cust', name: 'x', description: '', extra: 1 }] }) }));
    const r = await ws.run(groq('--write'), groqEnv(server));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error VLT707: names: groq model 'openai/gpt-oss-20b' gave an answer vault cannot use, so nothing was taken from it: the answer does not match the names schema: /proposals/0 has an unexpected property 'extra'; /proposals/0/kind must be one of 'hub', 'link', 'satellite'",
    );
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it.each(['ollama', 'groq'] as const)('429 then success (%s): retried after a backoff', async (flavour) => {
    const { server, ws } = await setup(flavour, (task, n) => (n === 0 ? { status: 429, error: 'rate limit reached' } : good(task)));
    const r = await ws.run(flavour === 'ollama' ? ollama(server, '--write') : groq('--write'), flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('shop.yaml: written (6 changes)');
    expect(server.seen.map((s) => s.task)).toEqual(['names', 'names', 'rules', 'rules']);
  });

  it.each(['ollama', 'groq'] as const)('500 until the retries run out (%s)', async (flavour) => {
    const { server, ws } = await setup(flavour, () => ({ status: 500, error: 'model runner crashed' }));
    const r = await ws.run(flavour === 'ollama' ? ollama(server, '--write', '--retries', '3') : groq('--write', '--retries', '3'), flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(1);
    const where = flavour === 'ollama' ? `Ollama at ${server.url}` : `Groq at ${server.url}`;
    expect(r.stderr).toContain(`shop.yaml:1:1: error VLT705: names: ${where} answered HTTP 500: model runner crashed; gave up after 4 attempts\n`);
    expect(server.seen).toHaveLength(4);
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it.each(['ollama', 'groq'] as const)('a server that never answers times out (%s)', async (flavour) => {
    const { server, ws } = await setup(flavour, () => 'hang');
    const started = Date.now();
    const args = ['suggest', 'shop.yaml', '--provider', flavour, '--timeout-ms', '300', '--write', ...(flavour === 'ollama' ? ['--host', server.url] : [])];
    const r = await ws.run(args, flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error VLT702: names: (Ollama|Groq) at http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it.each(['ollama', 'groq'] as const)(
    'a server that sends headers and then stalls still times out within --timeout-ms (%s)',
    async (flavour) => {
      const { server, ws } = await setup(flavour, () => ({ partial: 'stall' }));
      const started = Date.now();
      const args = ['suggest', 'shop.yaml', '--provider', flavour, '--timeout-ms', '300', '--write', ...(flavour === 'ollama' ? ['--host', server.url] : [])];
      const r = await ws.run(args, flavour === 'groq' ? groqEnv(server) : {});
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^shop\.yaml:1:1: error VLT702: names: (Ollama|Groq) at http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms/m);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(ws.read()).toBe(SHOP_SPEC);
    },
    20_000,
  );

  it.each(['ollama', 'groq'] as const)('a connection closed in the middle of the answer (%s): one line, no stack trace', async (flavour) => {
    const { server, ws } = await setup(flavour, () => ({ partial: 'close' }));
    const r = await ws.run(flavour === 'ollama' ? ollama(server, '--write') : groq('--write'), flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        flavour === 'ollama'
          ? `shop.yaml:1:1: error VLT701: names: cannot reach Ollama at ${server.url}: the connection closed before the answer was complete; is 'ollama serve' running? (set the server with --host or OLLAMA_HOST)`
          : `shop.yaml:1:1: error VLT701: names: could not read the answer of Groq at ${server.url}: the connection closed before the answer was complete (check the network, or GROQ_BASE_URL)`,
        'shop.yaml: 1 error, 0 warnings; the spec was not changed',
        '',
      ].join('\n'),
    );
    expect(r.stdout).toBe('');
    expect(ws.read()).toBe(SHOP_SPEC);
    expect(existsSync(join(ws.dir, '.vault', 'llm-cache'))).toBe(false);
  });

  it.each(['ollama', 'groq'] as const)('an error page sent as JSON that is not JSON (%s): one line on standard error, nothing on standard output', async (flavour) => {
    const { server, ws } = await setup(flavour, () => ({ status: 400, body: '<html><body>Bad request</body></html>', contentType: 'application/json' }));
    const r = await ws.run(flavour === 'ollama' ? ollama(server, '--write') : groq('--write'), flavour === 'groq' ? groqEnv(server) : {});
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        flavour === 'ollama'
          ? `shop.yaml:1:1: error VLT705: names: Ollama at ${server.url} answered HTTP 400: <html><body>Bad request</body></html>`
          : `shop.yaml:1:1: error VLT705: names: Groq at ${server.url} answered HTTP 400`,
        'shop.yaml: 1 error, 0 warnings; the spec was not changed',
        '',
      ].join('\n'),
    );
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it.each(['ollama', 'groq'] as const)('a closed port (%s)', async (flavour) => {
    const port = await closedPort();
    const ws = workspace();
    cleanup.push(() => ws.remove());
    const url = `http://127.0.0.1:${port}`;
    const r =
      flavour === 'ollama'
        ? await ws.run(['suggest', 'shop.yaml', '--provider', 'ollama', '--write'], { OLLAMA_HOST: url })
        : await ws.run(groq('--write'), { GROQ_API_KEY: GROQ_KEY, GROQ_BASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      flavour === 'ollama'
        ? `error VLT701: names: cannot reach Ollama at ${url}: connection refused; is 'ollama serve' running? (set the server with --host or OLLAMA_HOST)`
        : `error VLT701: names: cannot reach Groq at ${url}: connection refused`,
    );
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it('a model the Ollama server does not have', async () => {
    const { server, ws } = await setup('ollama', () => ({ status: 404, error: "model 'nope' not found, try pulling it first" }));
    const r = await ws.run(ollama(server, '--model', 'nope'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error VLT703: names: Ollama at ${server.url} has no model 'nope' (model 'nope' not found, try pulling it first); run 'ollama pull nope' or choose another with --model`,
    );
    expect(server.seen).toHaveLength(1);
  });

  it('a missing Groq API key: nothing is sent', async () => {
    const { server, ws } = await setup('groq', good);
    const r = await ws.run(groq('--write'), { GROQ_BASE_URL: server.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shop.yaml:1:1: error VLT704: names: GROQ_API_KEY is not set; export it in the environment (vault never takes a key on the command line)');
    expect(server.seen).toHaveLength(0);
    expect(ws.read()).toBe(SHOP_SPEC);
  });

  it('a rejected Groq key is never printed, even when the server echoes it', async () => {
    const { server, ws } = await setup('groq', () => ({ status: 401, error: `Invalid API Key: ${GROQ_KEY}` }));
    const r = await ws.run(groq(), groqEnv(server));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error VLT704: names: Groq rejected the key in GROQ_API_KEY (HTTP 401: Invalid API Key: ***)');
    expect(r.stdout + r.stderr).not.toContain(GROQ_KEY);
    expect(server.seen).toHaveLength(1);
  });

  it('refuses a key on the command line without echoing it', async () => {
    const ws = workspace();
    cleanup.push(() => ws.remove());
    const r = await ws.run(['suggest', 'shop.yaml', '--provider', 'groq', `--api-key=${GROQ_KEY}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('vault: vault takes no API key on the command line, where process lists and shell history show it; set GROQ_API_KEY in the environment\n');
  });

  it('usage mistakes exit 2', async () => {
    const ws = workspace();
    cleanup.push(() => ws.remove());
    expect((await ws.run(['suggest', 'shop.yaml'])).code).toBe(2);
    expect((await ws.run(['suggest', 'shop.yaml', '--provider', 'openai'])).code).toBe(2);
    const what = await ws.run(['suggest', 'shop.yaml', '--provider', 'ollama', '--what', 'tables']);
    expect(what.code).toBe(2);
    expect(what.stderr).toBe("vault: --what takes names, rules or names,rules, not 'tables'\n");
    const model = await ws.run(['suggest', 'shop.yaml', '--provider', 'ollama', '--model', '']);
    expect(model.code).toBe(2);
    expect(model.stderr).toBe('vault: --model needs a model name, such as llama3.1:8b\n');
    const host = await ws.run(['suggest', 'shop.yaml', '--provider', 'ollama', '--host', ' ']);
    expect(host.code).toBe(2);
    expect(host.stderr).toBe('vault: --host needs a URL, such as http://127.0.0.1:11434\n');
  });
});

describe('vault suggest needs a valid spec', () => {
  it("reports the spec's errors and asks nothing", async () => {
    const { server, ws } = await setup('ollama', good);
    const broken = await ws.run(['suggest', 'missing.yaml', '--provider', 'ollama', '--host', server.url]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('missing.yaml:1:1: error VLT001: cannot read the spec file: no such file');
    const bad = workspace(SHOP_SPEC.replace('amount: decimal(18,2)', 'amount: money'));
    cleanup.push(() => bad.remove());
    const r = await bad.run(['suggest', 'shop.yaml', '--provider', 'ollama', '--host', server.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error VLT201: unknown column type 'money'");
    expect(r.stderr).toContain('vault suggest: the spec has errors: fix them first (vault check)');
    expect(server.seen).toHaveLength(0);
  });
});

describe('vault compile never calls a model', () => {
  it('compiles with a fake Ollama server configured and sends it nothing', async () => {
    const { server, ws } = await setup('ollama', good);
    const r = await ws.run(['compile', 'shop.yaml', '--out', 'out'], { OLLAMA_HOST: server.url, GROQ_API_KEY: GROQ_KEY, GROQ_BASE_URL: server.url });
    expect(r.code).toBe(0);
    expect(server.seen).toHaveLength(0);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
