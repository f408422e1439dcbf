// A local push service (the role FCM or Mozilla autopush play for a browser), following RFC 8030:
// POST /push/<id> with an aes128gcm body → 201 Created; an expired subscription → 410 Gone.
// It checks the VAPID Authorization header (RFC 8292: ES256 JWT, `aud` = the push service origin,
// `exp` within 24 h) the way real push services do, and keeps what arrived for the test to decrypt.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMessage { id: string; headers: Record<string, string>; body: Buffer }

export interface PushService {
  url: string;
  endpoint(id: string): string;
  received: ReceivedMessage[];
  gone: Set<string>;
  /** Answer this status (with Retry-After seconds) for a subscription, as an overloaded service would. */
  overloaded: Map<string, number>;
  /** Requests refused for a bad VAPID header, with the reason. */
  refused: string[];
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const received: ReceivedMessage[] = [];
  const gone = new Set<string>();
  const refused: string[] = [];
  const overloaded = new Map<string, number>();
  let origin = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/push\/([A-Za-z0-9_-]{1,200})$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return reply(res, 404, { reason: 'not found' });
      const id = m[1]!;
      const problem = vapidProblem(String(req.headers.authorization ?? ''), origin);
      if (problem) { refused.push(problem); return reply(res, 401, { reason: problem }); }
      if (req.headers['content-encoding'] !== 'aes128gcm') return reply(res, 415, { reason: 'content-encoding must be aes128gcm' });
      if (!req.headers.ttl || !/^\d+$/.test(String(req.headers.ttl))) return reply(res, 400, { reason: 'TTL header required' });
      const wait = overloaded.get(id);
      if (wait !== undefined) { res.writeHead(429, { 'retry-after': String(wait), 'content-type': 'application/json' }).end('{"reason":"too many requests"}'); return; }
      if (gone.has(id)) return reply(res, 410, { reason: 'push subscription has unsubscribed or expired' });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
      received.push({ id, headers, body: Buffer.concat(chunks) });
      res.writeHead(201, { location: `${origin}/message/${received.length}` }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin, endpoint: (id) => `${origin}/push/${id}`, received, gone, overloaded, refused,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function reply(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** RFC 8292 §2–3: `vapid t=<JWT>, k=<public key>`; returns what is wrong, or null. */
function vapidProblem(auth: string, origin: string): string | null {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(auth);
  if (!m) return 'Authorization must be "vapid t=…, k=…"';
  const [h, p, s] = m[1]!.split('.');
  if (!h || !p || !s) return 'malformed JWT';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  if (header.alg !== 'ES256') return 'JWT alg must be ES256';
  const point = Buffer.from(m[2]!, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return 'k must be an uncompressed P-256 point';
  const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) return 'bad JWT signature';
  if (claims.aud !== origin) return `aud must be ${origin}`;
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) return 'exp must be within 24 hours';
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return 'sub must be mailto: or https:';
  return null;
}
