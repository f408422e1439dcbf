// The local Wix's own surface against the web pages a developer visits while `npm start` runs: one
// test per attack (wildcard CORS, a cross-site form post to the CMS, an admin route without the key,
// DNS rebinding), over real HTTP against the whole stack. Requests carry the headers a browser sends
// (Origin, Sec-Fetch-Site), which page script cannot forge; node:http lets the test set Host.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { items } from '@wix/data';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { LOCAL_KEY_HEADER } from '../../local-wix/local-key.js';
import type { Stack } from '../../local-wix/stack.js';

let stack: Stack;
let port: number;
beforeAll(async () => {
  stack = await startTestStack('local-surface', { seed: false });
  port = Number(new URL(stack.baseUrl).port);
});
afterAll(async () => stack?.close());

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: any }
function request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* HTML or empty */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
const key = () => ({ [LOCAL_KEY_HEADER]: stack.apiKey });
const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' };

describe('the local Wix surface', () => {
  test('wildcard CORS: no route answers another origin with access-control-allow-origin, preflights included', async () => {
    for (const [method, path] of [['GET', '/_local/stats'], ['GET', '/_local/velo/log'], ['POST', '/wix-data/v2/items/query'], ['GET', '/_local/cms']] as const) {
      const answer = await request(method, path, { ...evil, ...key(), 'content-type': 'application/json' }, method === 'POST' ? '{}' : undefined);
      expect(answer.headers['access-control-allow-origin'], `${method} ${path}`).toBeUndefined();
    }
    const preflight = await request('OPTIONS', '/_local/jobs/sweepSaleAlerts/run', { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': LOCAL_KEY_HEADER });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  test('cross-site form post to the CMS: refused, and no row is saved', async () => {
    const form = new URLSearchParams({ op: 'save', item: JSON.stringify({ _id: 'evil-target', title: 'x', kind: 'signedRest', baseUrl: 'https://evil.example', secretName: 'SYNC_X' }) }).toString();
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
    // What a browser sends for a form on another site auto-submitting to the local CMS.
    const crossSite = await request('POST', '/_local/cms/SyncTargets', { ...formHeaders, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, form);
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.details.applicationError.code).toBe('CROSS_SITE_REQUEST_REFUSED');
    // A browser without Fetch Metadata still sends Origin on a POST; a sandboxed page sends "null".
    expect((await request('POST', '/_local/cms/SyncTargets', { ...formHeaders, origin: 'https://evil.example' }, form)).status).toBe(403);
    expect((await request('POST', '/_local/cms/SyncTargets', { ...formHeaders, origin: 'null' }, form)).status).toBe(403);
    // The key does not make a cross-site browser request acceptable either.
    expect((await request('POST', '/_local/cms/SyncTargets', { ...formHeaders, ...evil, ...key() }, form)).status).toBe(403);
    const owner = createLocalClient(stack.baseUrl, { items }, ADMIN);
    expect(await owner.items.get('SyncTargets', 'evil-target', { consistentRead: true }).catch(() => null)).toBeNull();

    // The CMS page's own form (same origin) still saves.
    const own = await request('POST', '/_local/cms/SyncTargets', { ...formHeaders, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' },
      new URLSearchParams({ op: 'save', item: JSON.stringify({ _id: 'own-target', title: 'Own', kind: 'signedRest', baseUrl: 'https://tickets.example', secretName: 'SYNC_OWN' }) }).toString());
    expect(own.status).toBe(303);
    expect(own.headers.location).toBe('/_local/cms/SyncTargets');
  });

  test('missing key on an admin route: refused (401) without the per-start key, allowed with it or from the local site', async () => {
    const routes: [string, string, string?][] = [
      ['GET', '/_local/stats'], ['GET', '/_local/inbox'], ['GET', '/_local/contacts'], ['GET', '/_local/cms'],
      ['POST', '/_local/clock', '{}'], ['POST', '/_local/jobs/sweepSaleAlerts/run', '{}'], ['POST', '/_local/realtime/drop', '{"holdMs":0}'],
    ];
    for (const [method, path, body] of routes) {
      const json = { 'content-type': 'application/json' };
      const bare = await request(method, path, json, body);
      expect(bare.status, `${method} ${path} without the key`).toBe(401);
      expect(bare.body.details.applicationError.code).toBe('UNAUTHENTICATED');
      expect((await request(method, path, { ...json, [LOCAL_KEY_HEADER]: 'LWK.guessed' }, body)).status, `${method} ${path} with a wrong key`).toBe(401);
      expect((await request(method, path, { ...json, ...key() }, body)).status, `${method} ${path} with the key`).toBe(200);
    }
    // The key is also an admin API key, as ApiKeyStrategy sends it (Authorization + wix-site-id).
    expect((await request('GET', '/_local/stats', { authorization: stack.apiKey })).status).toBe(200);
    // The local site's pages (same origin) and the developer's address bar need no key.
    expect((await request('POST', '/_local/clock', { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }, '{}')).status).toBe(200);
    expect((await request('GET', '/_local/inbox.html', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' })).status).toBe(200);
    // The local admin identity is no way around it: a LocalWix ADMIN token without the key is refused.
    const forged = await request('POST', '/wix-data/v2/items/query', { 'content-type': 'application/json', authorization: 'LocalWix ADMIN site-owner' }, JSON.stringify({ dataCollectionId: 'SyncTargets', query: {} }));
    expect(forged.status).toBe(401);
    const keyed = await request('POST', '/wix-data/v2/items/query', { 'content-type': 'application/json', authorization: 'LocalWix ADMIN site-owner', ...key() }, JSON.stringify({ dataCollectionId: 'SyncTargets', query: {} }));
    expect(keyed.status).toBe(200);
    // Visitor routes stay open: the site's scripts and the realtime client.
    expect((await request('GET', '/_local/site/browser/web-methods.js')).status).toBe(200);
  });

  test('rebinding Host: a request naming another host is refused on every route, with or without the key', async () => {
    const rebound = { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'sec-fetch-site': 'same-origin' };
    for (const [method, path] of [['GET', '/_local/stats'], ['GET', '/'], ['POST', '/_local/clock'], ['GET', '/_functions/saleAlertUnsubscribe']] as const) {
      const answer = await request(method, path, { ...rebound, ...key(), 'content-type': 'application/json' }, method === 'POST' ? '{}' : undefined);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.details.applicationError.code).toBe('HOST_NOT_ALLOWED');
    }
    expect((await request('GET', '/_local/stats', { ...key(), host: '127.0.0.1' })).status).toBe(403); // no port: not this server
    expect((await request('GET', '/_local/stats', { ...key(), host: `localhost:${port}` })).status).toBe(200);
  });
});
