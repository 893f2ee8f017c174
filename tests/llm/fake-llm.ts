/**
 * Stand-ins for an Ollama server and Groq's API on 127.0.0.1, speaking their real HTTP
 * protocols (Ollama's /api/chat, Groq's OpenAI-compatible chat completions), so the real `ollama` and `groq-sdk` clients are
 * what the tests drive. Each request is answered by a script: a good answer, a broken one,
 * an HTTP error, or silence.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Flavour = 'ollama' | 'groq';
export type Task = 'names' | 'rules';

export type Reply =
  /** A 200 answer whose message content is `content` (any text: the JSON is the model's); `finishReason` is Ollama's done_reason, Groq's finish_reason. */
  | { readonly content: string; readonly finishReason?: string }
  /** An error in the provider's own shape: Ollama `{"error": "..."}`, Groq `{"error": {"message": "..."}}`. */
  | { readonly status: number; readonly error: string; readonly headers?: Readonly<Record<string, string>> }
  /** Any body with any status and content type (a proxy's page, a broken gateway). */
  | { readonly status: number; readonly body: string; readonly contentType: string }
  /** Accept the request and never answer. */
  | 'hang'
  /** Send 200 headers and the start of a body, then close the connection or go silent. */
  | { readonly partial: 'close' | 'stall' };

export interface Seen {
  readonly task: Task;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

export interface FakeLlm {
  readonly url: string;
  readonly port: number;
  /** Every chat request received, in order. */
  readonly seen: Seen[];
  close(): Promise<void>;
}

/**
 * `answer(task, n, request)` answers the n-th request (0-based) for that task; `request` lets a
 * hostile server echo what it received (the Authorization header, the URL); a promise delays
 * the answer (the test can act while vault waits for the model).
 */
export async function fakeLlm(flavour: Flavour, answer: (task: Task, n: number, request: Seen) => Reply | Promise<Reply>): Promise<FakeLlm> {
  const seen: Seen[] = [];
  const counts = new Map<Task, number>();
  const sockets = new Set<Socket>();
  const chatPath = flavour === 'ollama' ? '/api/chat' : '/openai/v1/chat/completions';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Like a careless gateway, the 404 repeats the request: its URL and its credentials.
      const echo = `${req.method ?? ''} ${req.url ?? ''} authorization: ${req.headers.authorization ?? ''}`;
      if (req.method !== 'POST' || req.url !== chatPath) return send(res, 404, flavour === 'ollama' ? { error: `not found: ${echo}` } : { error: { message: `Unknown request URL: ${echo}` } });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const task = taskOf(flavour, body);
      const n = counts.get(task) ?? 0;
      counts.set(task, n + 1);
      const request: Seen = { task, path: req.url, headers: req.headers, body };
      seen.push(request);
      void Promise.resolve(answer(task, n, request)).then((reply) => {
        if (reply === 'hang') return;
        if ('partial' in reply) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"model": ');
          if (reply.partial === 'close') setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        if ('body' in reply) {
          res.writeHead(reply.status, { 'content-type': reply.contentType });
          return res.end(reply.body);
        }
        if ('content' in reply) return send(res, 200, flavour === 'ollama' ? ollamaReply(body, reply.content, reply.finishReason) : groqReply(body, reply.content, reply.finishReason));
        return send(res, reply.status, flavour === 'ollama' ? { error: reply.error } : { error: { message: reply.error, type: 'invalid_request_error' } }, reply.headers);
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake LLM server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function taskOf(flavour: Flavour, body: Record<string, unknown>): Task {
  const name = flavour === 'groq' ? (body['response_format'] as { json_schema?: { name?: string } } | undefined)?.json_schema?.name : undefined;
  if (name !== undefined) return name === 'vault_rules' ? 'rules' : 'names';
  const schema = JSON.stringify(body['format'] ?? {});
  return schema.includes('"expression"') ? 'rules' : 'names';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function ollamaReply(req: Record<string, unknown>, content: string, doneReason = 'stop'): unknown {
  return {
    model: req['model'],
    created_at: '2025-01-01T00:00:00Z',
    message: { role: 'assistant', content },
    done: true,
    done_reason: doneReason,
    total_duration: 1,
    eval_count: 1,
  };
}

function groqReply(req: Record<string, unknown>, content: string, finishReason = 'stop'): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1735689600,
    model: req['model'],
    choices: [{ index: 0, finish_reason: finishReason, logprobs: null, message: { role: 'assistant', content } }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    system_fingerprint: 'fp_fake',
  };
}

/** The JSON a model would send for these proposals. */
export const names = (...proposals: ReadonlyArray<{ kind: 'hub' | 'link' | 'satellite'; current: string; name: string; description?: string }>): Reply => ({
  content: JSON.stringify({ proposals: proposals.map((p) => ({ description: '', ...p })) }),
});

export const rules = (...proposals: ReadonlyArray<{ entity: string; kind: 'derive' | 'filter'; name?: string; expression: string; rationale?: string }>): Reply => ({
  content: JSON.stringify({ proposals: proposals.map((p) => ({ name: '', rationale: '', ...p })) }),
});
