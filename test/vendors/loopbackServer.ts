// What the vendor stand-ins share: an HTTP server on the loopback at a free (or given) port, closed
// with the answers it holds open on purpose cut off; a request's body; a JSON answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class LoopbackServer {
  private server: http.Server | null = null;
  /** Answers held open on purpose (a timeout fault); destroyed on close. */
  readonly hung: http.ServerResponse[] = [];
  constructor(private readonly handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) {}

  /** Listens (again, after a close) and returns `http://127.0.0.1:<port>`. */
  async listen(port = 0): Promise<string> {
    const server = (this.server = http.createServer((req, res) => void this.handle(req, res)));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close() {
    for (const r of this.hung) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends `body` as JSON (null: an empty body) with `status` and any extra headers. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === null ? '' : JSON.stringify(body));
}
