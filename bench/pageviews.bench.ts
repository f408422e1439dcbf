// Benchmark: a busy page. 10,000 page views in a minute of a page with 5 counters while 300 orders are
// confirmed, on the local Wix with a live site's quotas and 20–40 ms per Wix call (LOCAL_WIX_LATENCY_MS).
// A page view is what the page's binding sends when it loads: one getCounters call with the page's 5
// definition IDs, over HTTP through the local Wix's web method route (and its web method cache). The
// views come from another thread over keep-alive node:http, as other machines would. A few real
// Chromium pages stay open the whole minute and follow the realtime pushes. Exact: every view answered
// 1 s or more after the last order, and every open page 1 s after it, equal the truth.
// The quotas are read after Wix's resends of slow deliveries (a minute later) have run; RESULT gives
// each quota's busiest minute, since the run lasts longer than one.
// (Realtime subscriptions of the simulated views are not made: whether Wix counts them as backend
// requests is not documented.)
//   npm run bench:pageviews      VIEWS, ORDERS, VIEW_MS, ORDER_MS, PAGES (env) change the load
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ticketDefinitionsV2 } from '@wix/events';
import { startStack, type Stack } from '../local-wix/stack.js';
import { ADMIN, createLocalClient } from '../local-wix/sdk-client.js';
import { launchBrowser } from '../test/support/browser.js';
import type { PageDef } from '../local-wix/site/site-module.js';
import { fetchQuotaStats, quotaLines, throttledCount } from './quotaReport.js';
import { afterSetUp, awaitRedeliveries } from './redeliveries.js';
import { adminFetch } from '../local-wix/local-key.js';
import { guid } from '../test/support/guids.js';
import { openWatchedCounterPage } from './counterPage.js';

const VIEWS = Number(process.env.VIEWS ?? 10_000);
const ORDERS = Number(process.env.ORDERS ?? 300);
const VIEW_MS = Number(process.env.VIEW_MS ?? 60_000);
/** Orders end before the views do, so views keep coming for a while after the last order. */
const ORDER_MS = Number(process.env.ORDER_MS ?? 50_000);
const PAGES = Number(process.env.PAGES ?? 3);
const DEFINITIONS = 5;
const LIMIT = 1000;
const FRESH_WITHIN_MS = 1000;
const LATENCY = process.env.LOCAL_WIX_LATENCY_MS ?? '20-40';
const QUIET_MS = 62_000;
process.env.LOCAL_WIX_EVENT_CONCURRENCY ??= '4';
process.env.LOCAL_WIX_EVENT_WORKERS ??= '2';

/** Load generator (worker thread): `count` POSTs of `body` to `path`, spread over `spreadMs`; records each answer's time. */
const LOAD = `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
w.headers = w.headers || {};
const post = (url, body) => new Promise((resolve, reject) => {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...w.headers } }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (text += c));
    res.on('end', () => resolve({ status: res.statusCode, text }));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  const url = new URL(w.baseUrl + w.path);
  const start = performance.now();
  const inflight = [];
  const out = [];
  for (let i = 0; i < w.count; i++) {
    const wait = start + (i * w.spreadMs) / w.count - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = w.bodies[i % w.bodies.length];
    inflight.push(post(url, body).then((r) => { out.push(w.keep ? { at: Date.now(), status: r.status, text: r.text } : { at: Date.now(), status: r.status }); }, (e) => out.push({ at: Date.now(), status: 0, text: String(e) })));
  }
  await Promise.all(inflight);
  agent.destroy();
  parentPort.postMessage({ out });
})().catch((e) => parentPort.postMessage({ error: String(e && e.message || e) }));
`;

type Answer = { at: number; status: number; text?: string };
function load(baseUrl: string, spec: { path: string; bodies: string[]; count: number; spreadMs: number; keep: boolean; headers?: Record<string, string> }): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, { eval: true, workerData: { baseUrl, ...spec } });
    w.once('message', (m: { error?: string; out?: Answer[] }) => (m.error ? reject(new Error(m.error)) : resolve(m.out!)));
    w.once('error', reject);
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pageviews-'));
  const benchPage: PageDef = { path: '/bench', name: 'Home', layoutFile: path.resolve(import.meta.dirname, 'counter-page.html'), title: 'Page views benchmark' };
  const stack: Stack = await startStack({ port: 0, dataDir, cold: process.env.COLD === '1', seed: false, scheduleJobs: false, pages: [benchPage], limits: { latencyMs: LATENCY } });
  const browser = await launchBrowser();
  try {
    const client = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
    const eventId = guid('bench-pageviews');
    const defs: string[] = [];
    for (let i = 0; i < DEFINITIONS; i++) {
      const d = await client.ticketDefinitionsV2.createTicketDefinition({ eventId, name: `Views ${i + 1}`, initialLimit: LIMIT, feeType: 'FEE_INCLUDED', pricingMethod: { fixedPrice: { value: `${30 + i}.00`, currency: 'USD' } } });
      defs.push(d._id!);
    }
    await afterSetUp(stack.host);
    benchPage.vars = Object.fromEntries(defs.map((id, i) => [`bench:${i}`, id]));
    const pages = [];
    for (let i = 0; i < PAGES; i++) {
      const page = await openWatchedCounterPage(browser, stack.baseUrl, 60_000);
      pages.push(page);
    }
    await sleep(QUIET_MS);
    stack.wix.stats.clear();
    await adminFetch(`${stack.baseUrl}/_local/stats/reset`, { method: 'POST' });

    const viewBody = JSON.stringify({ args: [{ definitionIds: defs }] });
    const orderBodies = defs.map((id) => JSON.stringify({ eventId, tickets: [{ ticketDefinitionId: id, quantity: 1 }] }));
    const started = Date.now();
    const [views, orders] = await Promise.all([
      load(stack.baseUrl, { path: '/_webMethods/counter.web.js/getCounters', bodies: [viewBody], count: VIEWS, spreadMs: VIEW_MS, keep: true }),
      load(stack.baseUrl, { path: '/_local/checkout/orders', bodies: orderBodies, count: ORDERS, spreadMs: ORDER_MS, keep: true, headers: { 'x-local-wix-key': stack.apiKey } }),
    ]);
    const lastOrderAt = Math.max(...orders.map((o) => o.at));
    const failedOrders = orders.filter((o) => o.status !== 200).length;
    if (failedOrders) console.log(`an order was refused: ${orders.find((o) => o.status !== 200)!.status} ${orders.find((o) => o.status !== 200)!.text?.slice(0, 300)}`);
    await sleep(FRESH_WITHIN_MS);

    const truth = new Map<string, number>();
    for (const id of defs) truth.set(id, (await client.ticketDefinitionsV2.getTicketDefinition(id, { fields: ['SALES_DETAILS'] })).salesDetails!.unsoldCount!);
    const answerOf = (v: Answer): Map<string, number> | null => {
      try {
        const r = JSON.parse(v.text ?? '').result;
        return r?.ok ? new Map((r.counters as any[]).map((c) => [c.definitionId, c.unsold])) : null;
      } catch { return null; }
    };
    const refused = views.filter((v) => v.status !== 200 || !answerOf(v)).length;
    const late = views.filter((v) => v.at >= lastOrderAt + FRESH_WITHIN_MS);
    const lateStale = late.filter((v) => { const a = answerOf(v); return !a || defs.some((id) => a.get(id) !== truth.get(id)); }).length;
    // Each open page: the time it last changed to its final value, which must be the truth, within 1 s.
    let pagesFresh = true;
    let slowestPageMs = 0;
    for (const page of pages) {
      const seen = await page.evaluate(() => (window as any).domSeen) as { definitionId: string; unsold: number; at: number }[];
      for (const id of defs) {
        const mine = seen.filter((s) => s.definitionId === id);
        const final = mine.at(-1);
        if (!final || final.unsold !== truth.get(id)) { pagesFresh = false; continue; }
        // When the page reached the truth for good: the first change after its last other value (the
        // screen-reader live region repeats the same text up to 10 s later; that is not a new value).
        const lastOther = mine.map((s) => s.unsold !== truth.get(id)).lastIndexOf(true);
        const reached = mine[lastOther + 1]!;
        slowestPageMs = Math.max(slowestPageMs, reached.at - lastOrderAt);
      }
    }
    // Slow order handlers are resent by Wix a minute later: their cost belongs to this minute's load.
    const resent = await awaitRedeliveries(stack.host);
    const stats = await fetchQuotaStats(stack.baseUrl);
    const exact = refused === 0 && lateStale === 0 && late.length > 0 && pagesFresh && slowestPageMs <= FRESH_WITHIN_MS && failedOrders === 0
      && defs.every((id) => truth.get(id) === LIMIT - ORDERS / DEFINITIONS);
    const q = stats.limits.quotas;
    const veloLog = await (await adminFetch(`${stack.baseUrl}/_local/velo/log`)).json().catch(() => null) as any;
    console.log(`views=${VIEWS} over ${VIEW_MS} ms, orders=${ORDERS} over ${ORDER_MS} ms (${failedOrders} refused), pages_open=${PAGES}, wall_ms=${Date.now() - started}, event_workers=${(stack.host as any).eventWorkers}`);
    console.log(`views refused or unanswered=${refused}; views after the last order + ${FRESH_WITHIN_MS} ms=${late.length}, of them stale=${lateStale}; open pages at the truth ${Math.round(slowestPageMs)} ms after the last order (${pagesFresh ? 'all' : 'not all'})`);
    if (veloLog?.counts) console.log(`velo host: ${JSON.stringify(veloLog.counts)}`);
    console.log(`Wix's resends of slow or failed deliveries=${resent.ran} (${resent.waiting} still waiting for a later step of the schedule), counted below; backend_requests and data_reads in RESULT are the busiest minute's (each quota is per minute), totals in the quota lines`);
    for (const line of quotaLines(stats)) console.log(line);
    console.log(`RESULT pageviews views=${VIEWS} exact=${exact} backend_requests=${q.backendRequests.peakPerMinute} data_reads=${q.dataReads.peakPerMinute} throttled=${throttledCount(stats)} backend_share=${(q.backendRequests.peakPerMinute / (q.backendRequests.limit ?? Infinity)).toFixed(3)} data_reads_share=${(q.dataReads.peakPerMinute / (q.dataReads.limit ?? Infinity)).toFixed(3)} settle_ms=${Math.round(slowestPageMs)}`);
  } finally {
    await browser.close();
    await stack.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
