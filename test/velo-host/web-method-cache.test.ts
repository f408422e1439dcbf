// Web method caching as Wix documents it (webMethod's `cache: { tags, ttl }`, `invalidateCache` from
// wix-cache-backend), on the local Wix running test/fixtures/cache-site in cold mode. Each fixture
// answer carries a fresh random token: the same token again means the function did not run, and the
// host's log counts the runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startStack, type Stack } from '../../local-wix/stack.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { tokenFor, type Identity } from '../../local-wix/server/identity.js';
import { fetchQuotaStats } from '../../bench/quotaReport.js';
import { cacheOptions, DEFAULT_CACHE_TTL_SECONDS } from '../../local-wix/velo-host/webMethodCache.js';
import { startFixture } from './fixture.js';

const SITE = path.resolve(import.meta.dirname, '../fixtures/cache-site/src');
let stack: Stack | null = null;
let dataDir: string | null = null;
let closeFixture: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stack?.close(); stack = null;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
  await closeFixture?.(); closeFixture = null;
});

async function start(backendRequestsPerMin = 5000) {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-method-cache-'));
  stack = await startStack({ port: 0, dataDir, siteDir: SITE, seed: false, scheduleJobs: false, cold: true, limits: { backendRequestsPerMin } });
  return stack;
}

/** A call as the local site's web-method client makes it (POST /_webMethods/<file>/<fn>). */
async function call(fn: string, args: unknown[] = [], who?: Identity, base = stack!.baseUrl) {
  const res = await adminFetch(`${base}/_webMethods/cached.web.js/${fn}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(who ? { authorization: tokenFor(who) } : {}) }, body: JSON.stringify({ args }),
  });
  return { status: res.status, cache: res.headers.get('x-local-wix-cache'), body: (await res.json()) as any };
}
const runs = async (base = stack!.baseUrl) => ((await (await adminFetch(`${base}/_local/velo/log`)).json()) as any).counts as { webMethods: number; webMethodCacheHits: number };
const MEMBER: Identity = { role: 'SITE_MEMBER', id: 'member-7' };

describe('webMethod cache option', () => {
  test('hits: the same arguments get the cached answer without running the function; other arguments run it', async () => {
    await start();
    const first = await call('prices', ['ev-1']);
    expect(first).toMatchObject({ status: 200, cache: null, body: { result: { eventId: 'ev-1', token: expect.any(String) } } });
    const before = await runs();
    const again = await call('prices', ['ev-1']);
    expect(again.cache).toBe('HIT');
    expect(again.body).toEqual(first.body);
    expect(await runs()).toMatchObject({ webMethods: before.webMethods, webMethodCacheHits: before.webMethodCacheHits + 1 });
    const other = await call('prices', ['ev-2']);
    expect(other.body.result.token).not.toBe(first.body.result.token);
    expect((await runs()).webMethods).toBe(before.webMethods + 1);
  });

  test('a cached answer does not count against the backend request quota', async () => {
    const s = await start(3);
    expect((await call('prices', ['ev-1'])).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await call('prices', ['ev-1'])).cache).toBe('HIT');
    const quota = (await fetchQuotaStats(s.baseUrl)).limits.quotas.backendRequests;
    expect(quota.total).toBe(1);
    expect(quota.refused).toBe(0);
    // Uncached calls still count: two more fit the quota of 3, the next is refused.
    expect((await call('untagged')).status).toBe(200);
    expect((await call('untagged')).status).toBe(200);
    expect((await call('untagged')).status).toBe(429);
    expect((await call('prices', ['ev-1'])).status).toBe(200); // still served from the cache
  });

  test('TTL: after ttl seconds the function runs again', async () => {
    await start();
    const first = await call('brief');
    expect((await call('brief')).body).toEqual(first.body);
    await new Promise((r) => setTimeout(r, 1100));
    const later = await call('brief');
    expect(later.cache).toBeNull();
    expect(later.body.result.token).not.toBe(first.body.result.token);
  });

  test('without tags nothing is cached; a failure is not cached; the permission is checked on every hit', async () => {
    await start();
    const a = await call('untagged');
    expect((await call('untagged')).body.result.token).not.toBe(a.body.result.token);
    expect((await call('failing')).status).toBe(500);
    const before = (await runs()).webMethods;
    expect((await call('failing')).status).toBe(500);
    expect((await runs()).webMethods).toBe(before + 1);
    const member = await call('membersOnly', [], MEMBER);
    expect((await call('membersOnly', [], MEMBER)).body).toEqual(member.body);
    const visitor = await call('membersOnly');
    expect(visitor.status).toBe(403);
    expect(visitor.body.details.applicationError.code).toBe('PERMISSION_DENIED');
  });

  test('the option is checked as Wix documents it: ttl defaults to a week, a malformed option is an error', () => {
    expect(cacheOptions({ cache: { tags: ['a'] } })).toEqual({ tags: ['a'], ttlSeconds: DEFAULT_CACHE_TTL_SECONDS });
    expect(DEFAULT_CACHE_TTL_SECONDS).toBe(604_800);
    expect(cacheOptions({ cache: { tags: [] } })).toBeNull();
    expect(cacheOptions(undefined)).toBeNull();
    expect(() => cacheOptions({ cache: { tags: 'a' } })).toThrow(/tags/);
    expect(() => cacheOptions({ cache: { tags: ['a'], ttl: -5 } })).toThrow(/ttl/);
  });
});

describe('invalidateCache from wix-cache-backend', () => {
  test('clears every answer carrying any of the tags, only those, and needs elevation', async () => {
    await start();
    const prices = await call('prices', ['ev-1']);
    const stock = await call('stock');
    // Without elevate(): refused, and nothing is cleared.
    const refused = await call('clearWithoutElevation', ['prices']);
    expect(refused.status).toBe(500);
    expect(refused.body.message).toMatch(/elevated permissions/);
    expect((await call('prices', ['ev-1'])).cache).toBe('HIT');
    // No tags: nothing is invalidated.
    expect((await call('clearTags', [[]])).body.result).toBe('cleared');
    expect((await call('prices', ['ev-1'])).cache).toBe('HIT');
    // 'events' is the second tag of prices: clears prices, leaves stock.
    await call('clearTags', [['events', 'unknown-tag']]);
    const fresh = await call('prices', ['ev-1']);
    expect(fresh.cache).toBeNull();
    expect(fresh.body.result.token).not.toBe(prices.body.result.token);
    expect((await call('stock')).body).toEqual(stock.body);
  });

  test('an event handler in an event worker thread clears the tags it names', async () => {
    const f = await startFixture({ siteDir: SITE, cold: true, eventWorkers: 1 });
    closeFixture = () => f.close();
    expect(f.host.eventWorkers).toBe(1);
    const stock = await call('stock', [], undefined, f.baseUrl);
    expect((await call('stock', [], undefined, f.baseUrl)).cache).toBe('HIT');
    f.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: 'C-1' });
    await f.host.idle();
    const after = await call('stock', [], undefined, f.baseUrl);
    expect(after.cache).toBeNull();
    expect(after.body.result.token).not.toBe(stock.body.result.token);
  });

  test('a code change to the web file clears its answers (as a publish does)', async () => {
    await start();
    const first = await call('prices', ['ev-1']);
    const file = path.join(SITE, 'backend/cached.web.js');
    const stat = fs.statSync(file);
    fs.utimesSync(file, stat.atime, new Date(stat.mtimeMs + 5000));
    try {
      const after = await call('prices', ['ev-1']);
      expect(after.cache).toBeNull();
      expect(after.body.result.token).not.toBe(first.body.result.token);
    } finally {
      fs.utimesSync(file, stat.atime, stat.mtime);
    }
  });
});
