/**
 * A stand-in PostgreSQL server for connection failures no real test server can produce on demand
 * (a wrong password under trust authentication, a server that never answers): it reads the
 * start-up message and answers with the given SQLSTATE, or not at all, or (echo) asks for the
 * password and repeats it in its error.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeServer {
  readonly port: number;
  close(): Promise<void>;
}

/** An ErrorResponse message: 'E', length, fields (type byte + C string), terminator. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', code],
      ['M', message],
    ].map(([t, v]) => Buffer.from(`${t}${v}\u0000`, 'utf8')),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

const SSL_REQUEST = 80877103;

/** AuthenticationCleartextPassword: the client answers with the password as it is. */
const ASK_PASSWORD = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);

/**
 * `echo`: a hostile server that asks for the password in clear text, then fails with `code` and
 * a message repeating every credential it received (the start-up parameters and the password),
 * as a careless or malicious server could.
 */
export type FakeAnswer = { readonly code: string; readonly message: string } | { readonly code: string; readonly echo: true } | 'silent';

export async function fakeServer(answer: FakeAnswer): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    let startup: Record<string, string> | undefined;
    socket.on('data', (data) => {
      if (answer === 'silent') return;
      pending = Buffer.concat([pending, data]);
      if (pending.length >= 8 && pending.readInt32BE(0) === 8 && pending.readInt32BE(4) === SSL_REQUEST) {
        pending = pending.subarray(8);
        socket.write('N');
        return;
      }
      if (!('echo' in answer)) {
        socket.end(errorResponse(answer.code, answer.message));
        return;
      }
      if (startup === undefined) {
        if (pending.length < 4 || pending.length < pending.readInt32BE(0)) return;
        const parts = pending.subarray(8, pending.readInt32BE(0)).toString('utf8').split('\u0000');
        pending = pending.subarray(pending.readInt32BE(0));
        startup = {};
        for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] !== '') startup[parts[i]!] = parts[i + 1] ?? '';
        socket.write(ASK_PASSWORD);
        return;
      }
      if (pending.length < 5 || pending.length < 1 + pending.readInt32BE(1)) return;
      const password = pending
        .subarray(5, 1 + pending.readInt32BE(1))
        .toString('utf8')
        .replace(/\u0000$/, '');
      const said = Object.entries(startup)
        .map(([k, v]) => `${k}="${v}"`)
        .join(' ');
      socket.end(errorResponse(answer.code, `refused ${said} password="${password}" (password ${password}, no encryption)`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
