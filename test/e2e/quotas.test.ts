// A live site's per-minute quotas on the whole local Wix (npm start's stack, limits at their defaults
// unless a test sets one lower to keep it short): Wix Data writes over REST, the genuine SDK's view of
// the refusal, Wix API calls, backend requests, and what GET /_local/stats reports.
import { afterEach, expect, test } from 'vitest';
import { items } from '@wix/data';
import { ticketDefinitionsV2 } from '@wix/events';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { startTestStack } from '../support/testStack.js';
import { fetchQuotaStats, quotaLines, throttledCount } from '../../bench/quotaReport.js';
import { adminFetch } from '../../local-wix/local-key.js';

type TestStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: TestStack | null = null;
afterEach(async () => { await stack?.close(); stack = null; });

const admin = { 'content-type': 'application/json', authorization: tokenFor(ADMIN) };

async function post(path: string, body: unknown) {
  const res = await adminFetch(`${stack!.baseUrl}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function createProbeCollection() {
  const r = await post('/wix-data/v2/collections', {
    collection: { id: 'QuotaProbe', fields: [{ key: 'n', type: 'NUMBER' }], permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } },
  });
  expect(r.status).toBe(200);
}

test('1,600 Wix Data writes within a minute over REST: the first 1,500 succeed, the rest get WDE0014', async () => {
  stack = await startTestStack('e2e-quota-writes', { seed: false });
  await createProbeCollection();
  const t0 = Date.now();
  const outcomes: { n: number; status: number; code?: string; message?: string }[] = [];
  // Batches of 50 in order: every write of a batch arrives after every write of the one before.
  for (let b = 0; b < 32; b++) {
    outcomes.push(...await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const n = b * 50 + i;
      const r = await post('/wix-data/v2/items', { dataCollectionId: 'QuotaProbe', dataItem: { data: { n } } });
      return { n, status: r.status, code: r.body?.details?.applicationError?.code, message: r.body?.message };
    })));
  }
  expect(Date.now() - t0).toBeLessThan(60_000);
  const ok = outcomes.filter((o) => o.status === 200);
  const refused = outcomes.filter((o) => o.status !== 200);
  expect(ok.map((o) => o.n)).toEqual(Array.from({ length: 1500 }, (_, i) => i));
  expect(refused).toHaveLength(100);
  for (const r of refused) {
    expect(r.status).toBe(429);
    expect(r.code).toBe('WDE0014');
    expect(r.message).toBe('WDE0014: Requests per minute quota exceeded.');
  }
  // Only the admitted writes happened; a refused write stored nothing.
  const count = await post('/wix-data/v2/items/count', { dataCollectionId: 'QuotaProbe', consistentRead: true });
  expect(count.body.totalCount).toBe(1500);

  // The genuine SDK surfaces the refusal as an error carrying WDE0014, as it would on Wix.
  const sdk = createLocalClient(stack.baseUrl, { items }, ADMIN);
  const err = await sdk.items.insert('QuotaProbe', { n: -1 }).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  expect(JSON.stringify({ message: (err as Error).message, details: (err as { details?: unknown }).details })).toContain('WDE0014');

  // Reads have their own quota: still answered.
  expect((await post('/wix-data/v2/items/count', { dataCollectionId: 'QuotaProbe', consistentRead: true })).status).toBe(200);

  const stats = await fetchQuotaStats(stack.baseUrl);
  // 1,500 inserts; the refused 100 and the SDK's insert count in refused, not in total.
  expect(stats.limits.quotas.dataWrites).toEqual({ limit: 1500, perMinute: true, total: 1500, refused: 101, peakPerMinute: 1500 });
  expect(stats.limits.quotas.dataReads).toMatchObject({ limit: 3000, total: 2, refused: 0, peakPerMinute: 2 });
  expect(throttledCount(stats)).toBe(101);
  expect(quotaLines(stats)).toContain('quota dataWrites limit=1500 peak_per_min=1500 share=1.00 total=1500 refused=101');
}, 120_000);

test('Wix API calls: the 201st ticket-definition call in a minute gets 429; local tooling routes are not counted', async () => {
  stack = await startTestStack('e2e-quota-api', { seed: false });
  const client = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
  const statuses: number[] = [];
  for (let b = 0; b < 21; b++) {
    statuses.push(...await Promise.all(Array.from({ length: 10 }, async () => {
      const r = await post('/events-ticket-definitions/v3/ticket-definitions/query', { query: { filter: { eventId: 'no-such-event' } } });
      return r.status;
    })));
  }
  expect(statuses.slice(0, 200).every((s) => s === 200)).toBe(true);
  expect(statuses.slice(200)).toEqual(Array(10).fill(429));
  // The SDK is refused too: the quota is the site's, whoever calls.
  await expect(client.ticketDefinitionsV2.queryTicketDefinitions().eq('eventId', 'x').find()).rejects.toThrow();
  // /_local/* are the local Wix's own tools, not Wix requests.
  for (let i = 0; i < 5; i++) expect((await adminFetch(`${stack.baseUrl}/_local/clock`)).status).toBe(200);
  const stats = await fetchQuotaStats(stack.baseUrl);
  expect(stats.limits.quotas.apiCalls).toMatchObject({ limit: 200, total: 200, refused: 11, peakPerMinute: 200 });
});

test('a quota set lower through startStack applies; each include is one more read; a stats reset restarts the counters, not the minute', async () => {
  stack = await startTestStack('e2e-quota-reads', { seed: false, limits: { dataReadsPerMin: 5 } });
  await createProbeCollection();
  const query = async (includes: number) => (await post('/wix-data/v2/items/query', {
    dataCollectionId: 'QuotaProbe', query: {}, ...(includes ? { referencedItemOptions: Array.from({ length: includes }, (_, i) => ({ fieldName: `ref${i}` })) } : {}),
  })).status;
  expect(await query(2)).toBe(200); // 3 reads
  expect(await query(0)).toBe(200); // 4
  expect(await query(1)).toBe(429); // would be 6
  expect(await query(0)).toBe(200); // 5
  expect(await query(0)).toBe(429);
  expect((await fetchQuotaStats(stack.baseUrl)).limits.quotas.dataReads).toEqual({ limit: 5, perMinute: true, total: 5, refused: 3, peakPerMinute: 5 });
  await post('/_local/stats/reset', {});
  expect((await fetchQuotaStats(stack.baseUrl)).limits.quotas.dataReads).toEqual({ limit: 5, perMinute: true, total: 0, refused: 0, peakPerMinute: 0 });
  expect(await query(0)).toBe(429);
  expect((await fetchQuotaStats(stack.baseUrl)).limits.quotas.dataReads).toMatchObject({ total: 0, refused: 1 });
});

test('limits: false counts but refuses nothing', async () => {
  // Turned off here on purpose: this test checks the switch itself.
  stack = await startTestStack('e2e-quota-off', { seed: false, limits: false });
  await createProbeCollection();
  const r = await post('/wix-data/v2/bulk/items/insert', { dataCollectionId: 'QuotaProbe', dataItems: [{ data: { n: 1 } }, { data: { n: 2 } }] });
  expect(r.status).toBe(200);
  const stats = await fetchQuotaStats(stack.baseUrl);
  expect(stats.limits.enabled).toBe(false);
  // A bulk call is one write request.
  expect(stats.limits.quotas.dataWrites).toEqual({ limit: null, perMinute: true, total: 1, refused: 0, peakPerMinute: 1 });
  expect(stats.limits.timeLimits).toMatchObject({ dataRequestMs: null, jobMs: null });
});

test("the local CMS page's reads and writes count against the site's Wix Data quotas", async () => {
  stack = await startTestStack('e2e-quota-cms', { seed: false, limits: { dataReadsPerMin: 1, dataWritesPerMin: 1 } });
  await createProbeCollection();
  // The per-start key, where the local Wix has one for its /_local routes (a no-op otherwise).
  const key = (stack.wix as { localKey?: string }).localKey;
  const headers: Record<string, string> = key ? { 'x-local-wix-key': key } : {};
  const cms = `${stack.baseUrl}/_local/cms/QuotaProbe`;
  const save = () => fetch(cms, { method: 'POST', redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ op: 'save', item: '{"n":1}' }).toString() });
  expect((await fetch(cms, { headers })).status).toBe(200);
  expect((await save()).status).toBe(303);
  const refused = await save();
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { message: string }).message).toBe('WDE0014: Requests per minute quota exceeded.');
  expect((await fetch(cms, { headers })).status).toBe(429);
  const q = (await fetchQuotaStats(stack.baseUrl)).limits.quotas;
  expect(q.dataReads).toMatchObject({ total: 1, refused: 1 });
  expect(q.dataWrites).toMatchObject({ total: 1, refused: 1 });
});
