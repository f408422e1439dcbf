// A live site's limits as site code meets them, on the whole stack running test/fixtures/limits-site:
// backend requests from outside (web methods and HTTP functions share one quota), the CRM calls and
// triggered emails site code makes in-process, Wix Data's per-request time limit, the job time limit,
// and the per-call latency. Limits are set low here so each test stays short.
import { adminFetch } from '../../local-wix/local-key.js';
import path from 'node:path';
import { expect, test, vi } from 'vitest';
import type { Stack, StackOptions } from '../../local-wix/stack.js';
import { ADMIN } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { SiteLimits } from '../../local-wix/server/siteLimits.js';
import { fetchQuotaStats } from '../../bench/quotaReport.js';
import { callWebMethod } from './fixture.js';
import { stackPerTest } from '../support/testStack.js';

const SITE = path.resolve(import.meta.dirname, '../fixtures/limits-site/src');
const stacks = stackPerTest('local-wix-limits');

async function start(limits: StackOptions['limits']) {
  return stacks.start({ siteDir: SITE, seed: false, scheduleJobs: false, cold: true, limits });
}

const admin = { 'content-type': 'application/json', authorization: tokenFor(ADMIN) };
async function post(path: string, body: unknown) {
  const res = await adminFetch(`${stacks.stack.baseUrl}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

test('backend requests: web methods and HTTP functions from outside share one per-minute quota; past it, 429', async () => {
  const s = await start({ backendRequestsPerMin: 3 });
  const calls = [];
  for (let i = 0; i < 3; i++) calls.push((await callWebMethod(s.baseUrl, 'limits.web.js', 'hello', [])).status);
  expect(calls).toEqual([200, 200, 200]);
  const refused = await callWebMethod(s.baseUrl, 'limits.web.js', 'hello', []);
  expect(refused.status).toBe(429);
  expect(refused.body.message).toBe('/backend/limits.web.js/hello was throttled because your site exceeded the maximum number of backend requests per minute.');
  const http = await fetch(`${s.baseUrl}/_functions/ping`);
  expect(http.status).toBe(429);
  // The refused calls never ran site code.
  expect((await (await adminFetch(`${s.baseUrl}/_local/velo/log`)).json()).counts).toMatchObject({ webMethods: 3, http: 0 });
  expect((await fetchQuotaStats(s.baseUrl)).limits.quotas.backendRequests).toEqual({ limit: 3, perMinute: true, total: 3, refused: 2, peakPerMinute: 3 });
});

test('wix-crm-backend calls from site code count as Wix API calls, triggered emails against their own cap', async () => {
  const s = await start({ apiCallsPerMin: 2, emailsPerMin: 1 });
  const a = await callWebMethod(s.baseUrl, 'limits.web.js', 'addContact', ['ada@example.com']);
  const b = await callWebMethod(s.baseUrl, 'limits.web.js', 'addContact', ['bob@example.com']);
  expect([a.status, b.status]).toEqual([200, 200]);
  const c = await callWebMethod(s.baseUrl, 'limits.web.js', 'addContact', ['cy@example.com']);
  expect(c.status).toBe(500);
  expect(c.body.message).toMatch(/Too many requests: the site exceeded 2 Wix API calls per minute \(wix-crm-backend appendOrCreateContact\)/);
  // The refused call created nobody.
  const contacts = (await (await adminFetch(`${s.baseUrl}/_local/contacts`)).json()).contacts as { primaryInfo?: { email?: string } }[];
  expect(contacts).toHaveLength(2);

  expect((await callWebMethod(s.baseUrl, 'limits.web.js', 'sendEmail', [a.body.result])).body.result).toBe('sent');
  const second = await callWebMethod(s.baseUrl, 'limits.web.js', 'sendEmail', [b.body.result]);
  expect(second.status).toBe(500);
  expect(second.body.message).toMatch(/Too many triggered emails: the site exceeded 1 a minute/);
  expect((await (await adminFetch(`${s.baseUrl}/_local/inbox`)).json()).emails).toHaveLength(1);

  const q = (await fetchQuotaStats(s.baseUrl)).limits.quotas;
  expect(q.apiCalls).toMatchObject({ limit: 2, total: 2, refused: 1 });
  expect(q.emails).toMatchObject({ limit: 1, total: 1, refused: 1 });
});

test('a Wix Data request that takes longer than the time limit fails with WDE0028', async () => {
  const s = await start({ dataRequestMs: 300 });
  expect((await post('/wix-data/v2/collections', { collection: { id: 'SlowNotes', fields: [], permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } } })).status).toBe(200);
  const quick = await post('/wix-data/v2/items', { dataCollectionId: 'SlowNotes', dataItem: { data: { delayMs: 0 } } });
  expect(quick.status).toBe(200);
  const slow = await post('/wix-data/v2/items', { dataCollectionId: 'SlowNotes', dataItem: { data: { delayMs: 800 } } });
  expect(slow.status).toBe(504);
  expect(slow.body.details.applicationError.code).toBe('WDE0028');
  expect(slow.body.message).toBe('WDE0028: Operation time limit exceeded.');
  expect((await fetchQuotaStats(s.baseUrl)).limits.timeLimits).toMatchObject({ dataRequestMs: 300, dataRequestsTimedOut: 1 });
});

test('a job run is stopped at the job time limit; what it tries afterwards fails', async () => {
  const s = await start({ jobMs: 200 });
  const g = globalThis as { __limitsSiteSlowJob?: string };
  delete g.__limitsSiteSlowJob;
  const res = await adminFetch(`${s.baseUrl}/_local/jobs/slowJob/run`, { method: 'POST' });
  expect(res.status).toBe(500);
  expect(((await res.json()) as { message: string }).message).toBe('job slowJob was stopped after 200 ms (Wix stops a job run after 5 minutes; LOCAL_WIX_JOB_MS)');
  await s.host.idle();
  expect(g.__limitsSiteSlowJob).toMatch(/^failed: .*job slowJob was stopped: Wix stops a job run after 200 ms/);
  expect((await (await adminFetch(`${s.baseUrl}/_local/jobs/quickJob/run`, { method: 'POST' })).json())).toMatchObject({ result: 'done' });
  expect((await fetchQuotaStats(s.baseUrl)).limits.timeLimits).toMatchObject({ jobMs: 200, jobsStopped: 1 });
});

for (const workers of [0, 1]) {
  test(`an event handler is stopped at LOCAL_WIX_EVENT_MS (event workers: ${workers}); what it tries afterwards fails`, async () => {
    process.env.LOCAL_WIX_EVENT_WORKERS = String(workers);
    let s: Stack;
    try { s = await start({ eventMs: 300 }); } finally { delete process.env.LOCAL_WIX_EVENT_WORKERS; }
    expect((await post('/wix-data/v2/collections', { collection: { id: 'Notes', fields: [], permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } } })).status).toBe(200);
    expect((await post('/_local/velo/events/wixEvents_onEventCreated', { metadata: { id: 'e1' } })).status).toBe(200);
    await s.host.idle();
    const notes = s.wix.db.prepare("SELECT id FROM wix_data_items WHERE collection = 'Notes' ORDER BY id").all() as { id: string }[];
    expect(notes.map((n) => n.id)).toEqual(['e1-before']);
    expect((await fetchQuotaStats(s.baseUrl)).limits.timeLimits).toMatchObject({ eventMs: 300, eventsStopped: 1 });
    const log = (await (await adminFetch(`${s.baseUrl}/_local/velo/log`)).json()) as { warnings?: unknown[] };
    expect(JSON.stringify(log)).toContain('event handler wixEvents_onEventCreated was stopped after 300 ms (LOCAL_WIX_EVENT_MS; Wix publishes no event-handler limit)');
  });
}

test('event handlers are not cut by default (Wix publishes no event-handler limit)', async () => {
  const s = await start({});
  expect((await post('/wix-data/v2/collections', { collection: { id: 'Notes', fields: [], permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } } })).status).toBe(200);
  await post('/_local/velo/events/wixEvents_onEventCreated', { metadata: { id: 'e2' } });
  await s.host.idle();
  const notes = s.wix.db.prepare("SELECT id FROM wix_data_items WHERE collection = 'Notes' ORDER BY id").all() as { id: string }[];
  expect(notes.map((n) => n.id)).toEqual(['e2-after', 'e2-before']);
  expect((await fetchQuotaStats(s.baseUrl)).limits.timeLimits).toMatchObject({ eventMs: null, eventsStopped: 0 });
});

test('the latency is added to Wix Data and Wix API calls, not to the local tooling routes', async () => {
  const s = await start({ latencyMs: '400-450' });
  const waits = vi.spyOn(SiteLimits.prototype, 'latency');
  const waited = async (f: () => Promise<unknown>) => { const before = waits.mock.calls.length; await f(); return waits.mock.calls.length - before; };
  expect(await waited(() => post('/wix-data/v2/items/count', { dataCollectionId: 'SyncRuns' }))).toBe(1);
  expect(await waited(() => post('/events-ticket-definitions/v3/ticket-definitions/query', { query: {} }))).toBe(1);
  expect(await waited(() => adminFetch(`${s.baseUrl}/_local/clock`))).toBe(0);
  // A realtime publish and a cache invalidation from site code are Wix calls: each waits the latency
  // before it takes effect (the web method call itself, a visitor's request to the site, waits none).
  const published = s.hub.published.length;
  expect(await waited(() => callWebMethod(s.baseUrl, 'limits.web.js', 'announce', []))).toBe(1);
  expect(s.hub.published.length).toBe(published + 1);
  expect(await waited(() => callWebMethod(s.baseUrl, 'limits.web.js', 'clearAnswers', []))).toBe(1);
  expect((await fetchQuotaStats(s.baseUrl)).limits.latencyMs).toEqual({ min: 400, max: 450 });
  waits.mockRestore();
});
