import { afterEach, expect, test } from 'vitest';
import { startFixture } from './fixture.js';

let f: Awaited<ReturnType<typeof startFixture>> | null = null;
afterEach(async () => { await f?.close(); f = null; });

test('GET /_functions/<name>/<path>?q runs get_<name> with path segments and query', async () => {
  f = await startFixture();
  const res = await fetch(`${f.baseUrl}/_functions/hello/a/b?x=1`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(await res.json()).toEqual({ path: ['a', 'b'], query: { x: '1' }, method: 'GET' });
});

test('POST runs post_<name> with the body; status and headers come from the response helper', async () => {
  f = await startFixture();
  const res = await fetch(`${f.baseUrl}/_functions/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });
  expect(res.status).toBe(201);
  expect(res.headers.get('x-fixture')).toBe('yes');
  expect(await res.json()).toEqual({ received: { a: 1 } });
});

test('text bodies, missing functions, wrong method and thrown errors', async () => {
  f = await startFixture();
  const text = await fetch(`${f.baseUrl}/_functions/text`);
  expect([text.status, await text.text()]).toEqual([202, 'plain text']);
  expect((await fetch(`${f.baseUrl}/_functions/nothing`)).status).toBe(404);
  expect((await fetch(`${f.baseUrl}/_functions/hello`, { method: 'POST' })).status).toBe(404);
  const boom = await fetch(`${f.baseUrl}/_functions/boom`);
  expect(boom.status).toBe(500);
  expect((await fetch(`${f.baseUrl}/_functions/hello`)).status).toBe(200);
});
