// The local Wix's router (find-my-way underneath) answers like a front server past its routes:
// 405 with Allow, 400 for a malformed `%` escape, 413 past the body limit; replies are explicit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataModule } from '../../local-wix/server/dataModule.js';
import { BODY_LIMITS, Reply } from '../../local-wix/server/http.js';
import type { LocalWixModule } from '../../local-wix/server/app.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';

const probe: LocalWixModule = (ctx) => {
  ctx.router.get('/probe/:name', (req) => ({ name: req.params.name }));
  ctx.router.get('/probe-files/*', (req) => ({ rest: req.params.rest }));
  // A plain object shaped like a reply is still a JSON body: replies are explicit (Reply.*).
  ctx.router.get('/probe-shape', () => ({ status: 201, text: 'not a reply' }));
  ctx.router.get('/probe-reply', () => Reply.text('hello', { status: 202, headers: { 'x-probe': '1' } }));
  ctx.router.post('/_functions/probe', (req) => ({ bytes: req.rawBytes.length }));
  ctx.router.post('/probe-body', (req) => ({ bytes: req.rawBytes.length }));
};

let s: StartedLocalWix;
beforeAll(async () => { s = await startLocalWix([dataModule, probe]); });
afterAll(async () => s.close());

const post = (path: string, body: string, type = 'text/plain') => fetch(`${s.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

describe('local Wix router', () => {
  it('answers 405 with Allow where the path exists for another method, 404 where it does not', async () => {
    const bulk = await fetch(`${s.baseUrl}/wix-data/v2/bulk/items/insert`);
    expect(bulk.status).toBe(405);
    expect(bulk.headers.get('allow')).toBe('POST');
    expect(await bulk.json()).toMatchObject({ message: expect.stringContaining('GET'), details: { applicationError: { code: 'METHOD_NOT_ALLOWED' } } });
    // GET and POST both exist for items/query: a PATCH is told both.
    const query = await fetch(`${s.baseUrl}/wix-data/v2/items/query`, { method: 'PATCH' });
    expect(query.status).toBe(405);
    expect(query.headers.get('allow')).toBe('GET, POST');
    const missing = await fetch(`${s.baseUrl}/wix-data/v2/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('allow')).toBeNull();
  });

  it('answers 400 with a Wix error body for a malformed % escape, and decodes good ones', async () => {
    for (const bad of ['/probe/100%', '/probe/%E0%A4%A', '/probe/%FF', '/wix-data/v2/items/%zz']) {
      const res = await fetch(`${s.baseUrl}${bad}`);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ message: expect.stringContaining('INVALID_ARGUMENT'), details: { validationError: { fieldViolations: [expect.objectContaining({ field: 'path' })] } } });
    }
    expect(await (await fetch(`${s.baseUrl}/probe/My%20Coll%2F2`)).json()).toEqual({ name: 'My Coll/2' });
    expect(await (await fetch(`${s.baseUrl}/probe/100%2525`)).json()).toEqual({ name: '100%25' });
    expect(await (await fetch(`${s.baseUrl}/probe-files/a%2Fb/c%20d`)).json()).toEqual({ rest: 'a/b/c d' });
    // An encoded character in a fixed part of a path is not that path (the guard and quotas see the same path).
    expect((await fetch(`${s.baseUrl}/%70robe/x`)).status).toBe(404);
    // So an escaped admin path cannot slip past the local surface's key check to an admin route.
    expect((await fetch(`${s.baseUrl}/_local/stats`)).status).toBe(401);
    const escaped = await fetch(`${s.baseUrl}/%5Flocal/stats`);
    expect(escaped.status).toBe(404);
    expect(await escaped.json()).not.toHaveProperty('stats');
  });

  it('refuses bodies past the limit with 413: 512 KB for HTTP functions (Wix), 4 MB elsewhere', async () => {
    expect(BODY_LIMITS).toEqual({ httpFunctions: 512 * 1024, other: 4 * 1024 * 1024 });
    const fnOk = await post('/_functions/probe', 'x'.repeat(512 * 1024));
    expect(await fnOk.json()).toEqual({ bytes: 512 * 1024 });
    const fnBig = await post('/_functions/probe', 'x'.repeat(512 * 1024 + 1));
    expect(fnBig.status).toBe(413);
    expect(await fnBig.json()).toMatchObject({ details: { applicationError: { code: 'PAYLOAD_TOO_LARGE', data: { limitBytes: 512 * 1024 } } } });
    expect(await (await post('/probe-body', 'x'.repeat(1024 * 1024))).json()).toEqual({ bytes: 1024 * 1024 });
    const big = await post('/wix-data/v2/items', JSON.stringify({ dataCollectionId: 'C', dataItem: { data: { big: 'x'.repeat(4 * 1024 * 1024) } } }), 'application/json');
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ details: { applicationError: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('refuses a body past the limit that comes without a Content-Length (chunked)', async () => {
    const chunks = new ReadableStream({
      start(c) { for (let i = 0; i < 9; i++) c.enqueue(new Uint8Array(64 * 1024)); c.close(); },
    });
    const res = await fetch(`${s.baseUrl}/_functions/probe`, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('sends what a handler returns as JSON unless it returns a Reply', async () => {
    const shape = await fetch(`${s.baseUrl}/probe-shape`);
    expect(shape.status).toBe(200);
    expect(shape.headers.get('content-type')).toBe('application/json');
    expect(await shape.json()).toEqual({ status: 201, text: 'not a reply' });
    const reply = await fetch(`${s.baseUrl}/probe-reply`);
    expect(reply.status).toBe(202);
    expect(reply.headers.get('x-probe')).toBe('1');
    expect(reply.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await reply.text()).toBe('hello');
  });
});
