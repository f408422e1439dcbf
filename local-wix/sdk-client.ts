// The genuine @wix/sdk pointed at the local Wix: a fetch that keeps the SDK's path and query and swaps
// only the origin, plus an auth strategy that sends the local token of the chosen identity.
import http from 'node:http';
import { createClient } from '@wix/sdk';
import { tokenFor, type Identity } from './server/identity.js';
import { localKeyHeaders } from './local-key.js';

export const ADMIN: Identity = { role: 'ADMIN', id: 'site-owner' };
export const VISITOR: Identity = { role: 'ANYONE', id: 'visitor' };

export function localWixFetch(baseUrl: string, onRequest?: (method: string, url: string, body?: string) => void): typeof fetch {
  const base = new URL(baseUrl);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const original = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    const target = new URL(original.pathname + original.search, base);
    onRequest?.(init?.method ?? 'GET', target.pathname + target.search, typeof init?.body === 'string' ? init.body : undefined);
    // The local Wix's per-start key rides along (local-key.ts); Wix itself would never see it.
    const headers = new Headers(init?.headers ?? (typeof input !== 'string' && !(input instanceof URL) ? input.headers : undefined));
    for (const [k, v] of Object.entries(localKeyHeaders(base))) headers.set(k, v);
    if (typeof input !== 'string' && !(input instanceof URL)) return fetch(target, { method: input.method, body: await input.text() || undefined, ...init, headers });
    return keepAliveFetch(target, { ...init, headers });
  }) as typeof fetch;
}

// Idle sockets are dropped well before the server's keep-alive timeout (see app.ts).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 20_000 });

/**
 * fetch over node:http with a keep-alive agent: the same request and Response, at about half the
 * CPU of Node 20's built-in fetch per call, which matters when site code makes thousands of calls.
 */
function keepAliveFetch(url: URL, init: RequestInit = {}, retried = false): Promise<Response> {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : null;
  if (body === null) return fetch(url, init); // streams, forms: leave them to fetch
  // A known length and one end(body): the request leaves in one write, not a chunk and a terminator.
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 500;
        const noBody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD';
        resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: out }));
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed just now: retry once on a new one (Node's documented pattern).
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') resolve(keepAliveFetch(url, init, true));
      else reject(err);
    });
    req.end(body);
  });
}

export function localAuth(identity: Identity | (() => Identity)) {
  const who = typeof identity === 'function' ? identity : () => identity;
  return {
    getAuthHeaders: async () => ({ headers: { Authorization: tokenFor(who()) } }),
  };
}

/** `createClient` with the given modules, talking to the local Wix as `identity`. */
export function createLocalClient<M extends Record<string, any>>(baseUrl: string, modules: M, identity: Identity | (() => Identity) = ADMIN, onRequest?: Parameters<typeof localWixFetch>[1]) {
  return createClient({ modules, auth: localAuth(identity) as any, fetch: localWixFetch(baseUrl, onRequest) });
}
