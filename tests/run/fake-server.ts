/**
 * A stand-in PostgreSQL server for connection failures no real test server can produce on demand
 * (a wrong password under trust authentication, a server that never answers): it reads the
 * start-up message and answers with the given SQLSTATE, or not at all.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface FakeServer {
  readonly port: number;
  close(): Promise<void>;
}

/** An ErrorResponse message: 'E', length, fields (type byte + C string), terminator. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', message]].map(([t, v]) => Buffer.from(`${t}${v}\u0000`, 'utf8')),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

const SSL_REQUEST = 80877103;

export async function fakeServer(answer: { readonly code: string; readonly message: string } | 'silent'): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      if (answer === 'silent') return;
      if (data.length === 8 && data.readInt32BE(4) === SSL_REQUEST) {
        socket.write('N');
        return;
      }
      socket.end(errorResponse(answer.code, answer.message));
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
