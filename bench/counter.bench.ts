// Benchmark, on the local Wix with a live site's quotas and 20–40 ms per Wix call (LOCAL_WIX_LATENCY_MS):
// 1. burst: 1,000 confirmed orders over 5 definitions within about 2 s, 10% of deliveries duplicated.
//    Our flow (a schedule of coalesced reads, no write per order) vs. the naive flow from Wix's guide (one
//    Get Ticket Definition per webhook), in the same run. Confirm→DOM latency is read from a real
//    Chromium page. Prints each quota's busiest minute and the `RESULT counter …` line.
// 2. rush: 10,000 orders over 10 minutes (RUSH_ORDERS, RUSH_MS; RUSH=0 skips it), real time: the local
//    Wix's quota windows use the wall clock. Prints the quotas and `RESULT counter-rush …`.
// Each phase starts after a quiet minute, so that its busiest minute is its own.
// Slow or failed deliveries are sent again a minute later, as Wix does: each phase's quotas are read
// after those resends have run, and it prints how many there were.
// The shoppers check out through a checkout in its own thread (local-wix/server/checkoutWorker.ts) on
// the local Wix's database, as Wix's checkout runs apart from the APIs the site's code calls; each
// confirmation is timed from its order event's timestamp.
// How the local Wix runs the site's event handlers here, and why:
// - in 2 worker threads (LOCAL_WIX_EVENT_WORKERS), as Wix runs site code in containers apart from its
//   checkout and APIs: on one thread the checkout, Wix Data and the handlers queue behind each other;
// - warm (module state kept within a worker, never shared between the two), as Wix reuses a container
//   for many events; COLD=1 gives every invocation fresh module state, the worst case (a real cold
//   start on Wix costs far more than here, and Wix does not cold-start every event);
// - at most 16 handlers at once (LOCAL_WIX_EVENT_CONCURRENCY), a delivery queue: with every handler
//   started at once the checkout itself slows. The read's winner waits for its read time (up to a
//   slow slot's 0.7 s tail or one checkpoint step) and holds its place in the queue meanwhile, and each Wix call takes 20–40 ms, so
//   handlers spend their time waiting, not computing: 4 at once (the setting before the quotas) queued
//   later orders behind sleeping winners.
//   npm run bench:counter            ORDERS and SPREAD_MS (env) change the load; COLD=1 runs every invocation cold; BENCH_STATS=1 prints thread load, handler timing, request counts and slots won; BENCH_PROFILE=<file> writes a CPU profile of the main thread
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { ticketDefinitionsV2 } from '@wix/events';
import { startStack, type Stack } from '../local-wix/stack.js';
import { ADMIN, createLocalClient } from '../local-wix/sdk-client.js';
import { launchBrowser } from '../test/support/browser.js';
import { fetchQuotaStats, quotaLines, throttledCount, type QuotaStatsAnswer } from './quotaReport.js';
import { afterSetUp, awaitRedeliveries } from './redeliveries.js';
import { openWatchedCounterPage } from './counterPage.js';
import { refreshCounters, type CounterDeps } from '../backend/flows/counter.js';
import { wixTicketDefinitions } from '../backend/wix/ticketDefinitions.js';
import { wixCollections } from '../backend/wix/collections.js';
import { systemClock } from '../backend/wix/runtime.js';
import type { PageDef } from '../local-wix/site/site-module.js';
import { guid } from '../test/support/guids.js';
import { adminFetch } from '../local-wix/local-key.js';
import { startCheckoutWorker } from '../local-wix/server/checkoutWorker.js';

/** Wix event IDs are GUIDs (the local Wix refuses other shapes). */
const OURS_EVENT = guid('bench-ours');
const NAIVE_EVENT = guid('bench-naive');
const RUSH_EVENT = guid('bench-rush');

const ORDERS = Number(process.env.ORDERS ?? 1000);
const RUSH_ORDERS = Number(process.env.RUSH_ORDERS ?? 10_000);
const RUSH_MS = Number(process.env.RUSH_MS ?? 600_000);
const RUSH = process.env.RUSH !== '0';
const LATENCY = process.env.LOCAL_WIX_LATENCY_MS ?? '20-40';
/** A rolling quota minute is 60–61 s: a phase waits this long so its busiest minute holds only its own requests. */
const QUIET_MS = 62_000;
const DEFINITIONS = 5;
const SPREAD_MS = Number(process.env.SPREAD_MS ?? 2000);
process.env.LOCAL_WIX_EVENT_CONCURRENCY ??= '16';
process.env.LOCAL_WIX_EVENT_WORKERS ??= '2';
const DUPLICATE_SHARE = 0.1;
const LIMIT = Math.max(ORDERS, RUSH_ORDERS); // room for every order
/** Every Ticket Definitions call counts: gets by ID and queries (ours reads live definitions in one query). */
const DEFINITION_READS = /^(GET|POST) \/events-ticket-definitions\/v3\/ticket-definitions\/(\{id\}|query)$/;

/**
 * Load generator (worker thread): ORDERS checkouts spread evenly over SPREAD_MS. Plain node:http with
 * keep-alive rather than fetch: the shoppers stand for other machines, and fetch's per-request CPU
 * here would take a core away from the local Wix on a small machine.
 */
const SHOPPERS = `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const url = new URL(w.baseUrl + '/_local/checkout/orders');
const checkout = (body) => new Promise((resolve, reject) => {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-local-wix-key': w.localKey } }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (text += c));
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('checkout refused: ' + text))));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < w.orders; i++) {
    const wait = start + (i * w.spreadMs) / w.orders - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(checkout(JSON.stringify({ eventId: w.eventId, tickets: [{ ticketDefinitionId: w.defs[i % w.defs.length], quantity: 1 }] })));
  }
  await Promise.all(inflight);
  agent.destroy();
  parentPort.postMessage({});
})().catch((e) => parentPort.postMessage({ error: String(e && e.message || e) }));
`;

type Confirm = { definitionId: string; position: number; at: number };

/** Where a stack's shoppers check out: its checkout worker, else the local Wix's own route. */
const checkouts = new WeakMap<Stack, string>();
const checkoutUrl = (stack: Stack) => checkouts.get(stack) ?? stack.baseUrl;

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!) : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function definitionReads(stack: Stack): number {
  let n = 0;
  for (const [label, count] of stack.wix.stats) if (DEFINITION_READS.test(label)) n += count;
  return n;
}

/** A phase's definitions, with their own events' cost left in the set-up (redeliveries.ts afterSetUp). */
async function createDefinitions(stack: Stack, eventId: string): Promise<string[]> {
  const client = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
  const ids: string[] = [];
  for (let i = 0; i < DEFINITIONS; i++) {
    const d = await client.ticketDefinitionsV2.createTicketDefinition({
      eventId, name: `Bench ${i + 1}`, initialLimit: LIMIT, feeType: 'FEE_INCLUDED',
      pricingMethod: { fixedPrice: { value: `${20 + i}.00`, currency: 'USD' } },
    });
    ids.push(d._id!);
  }
  const resent = await afterSetUp(stack.host);
  if (resent) console.log(`set-up: ${resent} resend(s) of the definitions' own events ran before the phase`);
  return ids;
}

/**
 * Confirms ORDERS orders spread over SPREAD_MS through the local checkout, and redelivers 10% of the
 * confirmation events (as Wix does when an acknowledgement is late). Returns each confirmation's time
 * and its position among its definition's sales (so the count after it is known).
 */
async function burst(stack: Stack, eventId: string, defs: string[], handler?: (name: string, payload: any) => void, load = { orders: ORDERS, spreadMs: SPREAD_MS }) {
  const confirms: Confirm[] = [];
  const positions = new Map<string, number>();
  let duplicates = 0;
  const host = stack.host as any;
  const original = host.dispatchEvent.bind(host);
  const deliver = handler ?? original;
  host.dispatchEvent = (name: string, payload: any) => {
    if (name === 'wixEvents_onOrderConfirmed' && payload?.eventId === eventId) {
      // Timed from the order's confirmation (its event's timestamp), not from its arrival here.
      const at = Date.parse(payload.timestamp);
      for (const id of new Set<string>(payload.tickets.map((t: any) => t.ticketDefinitionId))) {
        const position = (positions.get(id) ?? 0) + 1;
        positions.set(id, position);
        confirms.push({ definitionId: id, position, at });
      }
      deliver(name, payload);
      if (Math.random() < DUPLICATE_SHARE) { duplicates++; setTimeout(() => deliver(name, payload), 5 + Math.random() * 50); }
      return;
    }
    original(name, payload);
  };
  // The shoppers run on another thread, as they would be other machines: the server's thread only
  // serves checkouts and runs site code.
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const w = new Worker(SHOPPERS, { eval: true, workerData: { baseUrl: checkoutUrl(stack), localKey: stack.apiKey, eventId, defs, orders: load.orders, spreadMs: load.spreadMs } });
    w.once('message', (m: { error?: string }) => (m.error ? reject(new Error(m.error)) : resolve()));
    w.once('error', reject);
  });
  const spreadMs = performance.now() - start;
  host.dispatchEvent = original;
  return { confirms, duplicates, spreadMs };
}

async function settle(stack: Stack, quietMs = 1500) {
  let last = -1;
  for (;;) {
    await sleep(quietMs);
    const now = stack.hub.published.length + definitionReads(stack);
    if (now === last) return;
    last = now;
  }
}

async function truth(stack: Stack, ids: string[]): Promise<Map<string, number>> {
  const client = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (await client.ticketDefinitionsV2.getTicketDefinition(id, { fields: ['SALES_DETAILS'] })).salesDetails!.unsoldCount!);
  return m;
}

/** A snapshot push as the local hub received it: its count, when its read was sent and answered, and when it arrived (epoch ms). */
type Push = { definitionId: string; unsold: number; readAt: number; answeredAt: number; at: number };

/**
 * Per definition, a push whose read was sent after another's was answered must not show more tickets
 * left (no cancellations here): that read was taken later. Pushes arrive in any order (each publish is
 * a Wix call with its own latency), and two reads in flight together cannot be ordered by time; what a
 * page makes of those is the DOM check's.
 */
function readsInOrder(pushes: Push[], what = ''): boolean {
  const byDefinition = new Map<string, Push[]>();
  for (const p of pushes) (byDefinition.get(p.definitionId) ?? byDefinition.set(p.definitionId, []).get(p.definitionId)!).push(p);
  for (const list of byDefinition.values()) {
    const answered = [...list].sort((a, b) => a.answeredAt - b.answeredAt);
    let i = 0;
    let fewest: Push | null = null;
    for (const p of [...list].sort((a, b) => a.readAt - b.readAt)) {
      for (; i < answered.length && answered[i]!.answeredAt < p.readAt; i++) if (!fewest || answered[i]!.unsold < fewest.unsold) fewest = answered[i]!;
      if (fewest && p.unsold > fewest.unsold) {
        if (what) console.log(`${what}: a read sent after another was answered shows more left: ${JSON.stringify(fewest)} then ${JSON.stringify(p)}`);
        return false;
      }
    }
  }
  return true;
}

/** Per definition, unsold counts must only go down (no cancellations here): a rise means an older read won. */
function neverBackwards(series: { definitionId: string; unsold: number }[], what = ''): boolean {
  const last = new Map<string, (typeof series)[number]>();
  for (const s of series) {
    const before = last.get(s.definitionId);
    if (before && s.unsold > before.unsold) {
      if (what) console.log(`${what} went back: ${JSON.stringify(before)} then ${JSON.stringify(s)}`);
      return false;
    }
    last.set(s.definitionId, s);
  }
  return true;
}

function latencies(confirms: Confirm[], seen: { definitionId: string; unsold: number; at: number }[], limit = LIMIT): number[] {
  const byDef = new Map<string, { unsold: number; at: number }[]>();
  for (const s of seen) (byDef.get(s.definitionId) ?? byDef.set(s.definitionId, []).get(s.definitionId)!).push(s);
  return confirms.map((c) => {
    const unsoldAfter = limit - c.position;
    const hit = byDef.get(c.definitionId)?.find((s) => s.at >= c.at && s.unsold <= unsoldAfter);
    return hit ? hit.at - c.at : Infinity;
  });
}

/**
 * BENCH_STATS=1: how busy each thread was during the burst, and how long event handlers took by when
 * they started (a backlog shows as handlers starting long after the last confirmation).
 */
function watchBurst(host: any) {
  const t0 = Date.now();
  const handlers: { at: number; ms: number }[] = [];
  const invoke = host.invoke.bind(host);
  host.invoke = async (kind: string, ...rest: unknown[]) => {
    const at = Date.now();
    try { return await invoke(kind, ...rest); } finally { if (kind === 'event') handlers.push({ at, ms: Date.now() - at }); }
  };
  const elu = performance.eventLoopUtilization();
  const workers = host.workerUtilization();
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return {
    burstOver() {
      const w = host.workerUtilization(workers).map((u: { utilization: number }) => pct(u.utilization)).join(' ');
      console.log(`during the burst: main thread busy ${pct(performance.eventLoopUtilization(elu).utilization)}, event workers ${w || 'none'}`);
    },
    report(confirms: Confirm[]) {
      host.invoke = invoke;
      const byHalfSecond = new Map<number, number[]>();
      for (const h of handlers) { const b = Math.floor((h.at - t0) / 500) / 2; (byHalfSecond.get(b) ?? byHalfSecond.set(b, []).get(b)!).push(h.ms); }
      console.log('handlers by start time (s): ' + [...byHalfSecond].map(([b, xs]) => `${b}:n=${xs.length},p50=${xs.sort((x, y) => x - y)[xs.length >> 1]}ms`).join(' '));
      const last = Math.max(...confirms.map((c) => c.at));
      console.log(`last confirmation at ${last - t0} ms, last handler started at ${Math.max(...handlers.map((h) => h.at)) - t0} ms`);
    },
  };
}

/** BENCH_PROFILE=<file>: a CPU profile of the main thread during our flow's burst and its backlog (open it in Chrome DevTools). */
async function startProfile(): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    session.disconnect();
  };
}

const perOrder = (n: number, orders: number) => (n / orders).toFixed(3);
async function resetStats(stack: Stack) {
  stack.wix.stats.clear();
  await adminFetch(`${stack.baseUrl}/_local/stats/reset`, { method: 'POST' });
}
async function quotas(stack: Stack): Promise<QuotaStatsAnswer> {
  return fetchQuotaStats(stack.baseUrl);
}
/** getCounters as a page calls it: creates the counters (the definitions are then live for every read). */
async function openCounters(stack: Stack, definitionIds: string[]) {
  const res = await adminFetch(`${stack.baseUrl}/_webMethods/counter.web.js/getCounters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: [{ definitionIds }] }) });
  const body = await res.json() as { result?: { ok?: boolean } };
  if (!body.result?.ok) throw new Error(`getCounters answered ${JSON.stringify(body)}`);
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-counter-'));
  const benchPage: PageDef = { path: '/bench', name: 'Home', layoutFile: path.resolve(import.meta.dirname, 'counter-page.html'), title: 'Counter benchmark' };
  const stack = await startStack({ port: 0, dataDir, cold: process.env.COLD === '1', seed: false, scheduleJobs: false, pages: [benchPage], limits: { latencyMs: LATENCY } });
  const browser = await launchBrowser();
  // The shoppers' checkouts run in their own thread (local-wix/server/checkoutWorker.ts), as Wix's
  // checkout runs apart from the APIs the site's code calls: on the local Wix's thread a burst of
  // checkouts queued every Wix Data and Ticket Definitions call of the flow behind it.
  const checkout = await startCheckoutWorker({ dbFile: stack.dbFile, localKey: stack.apiKey }, (name, payload) => stack.host.dispatchEvent(name, payload));
  checkouts.set(stack, checkout.url);
  try {
    // Snapshot pushes, timed where the local hub receives them (after the publish call's latency).
    const pushes: Push[] = [];
    const publish = stack.hub.publish.bind(stack.hub);
    stack.hub.publish = (channel, payload: any) => {
      if (payload?.type === 'counter') pushes.push({ definitionId: payload.snapshot.definitionId, unsold: payload.snapshot.unsold, readAt: Date.parse(payload.snapshot.readAt), answeredAt: Date.parse(payload.snapshot.answeredAt ?? payload.snapshot.readAt), at: Date.now() });
      publish(channel, payload);
    };
    const host = stack.host as any;
    const setup = `cold=${host.cold} event_concurrency=${Number(process.env.LOCAL_WIX_EVENT_CONCURRENCY ?? 0) || 'unlimited'} event_workers=${host.eventWorkers}`;

    // ---- burst, our flow: the site's events.js in the Velo host ----
    const ours = await createDefinitions(stack, OURS_EVENT);
    benchPage.vars = Object.fromEntries(ours.map((id, i) => [`bench:${i}`, id]));
    const page = await openWatchedCounterPage(browser, stack.baseUrl, 30_000);
    await settle(stack, 500);
    await sleep(QUIET_MS);
    await resetStats(stack);
    pushes.length = 0;
    const profiler = process.env.BENCH_PROFILE ? await startProfile() : null;
    const diagnostics = process.env.BENCH_STATS ? watchBurst(host) : null;
    const oursRun = await burst(stack, OURS_EVENT, ours);
    diagnostics?.burstOver();
    if (profiler) { await settle(stack, 300); await profiler(); } // the burst and the handlers' backlog
    await settle(stack);
    // Slow winners are resent by Wix a minute later: their cost belongs to the burst.
    const oursResent = await awaitRedeliveries(host);
    const oursReads = definitionReads(stack);
    const oursQuotas = await quotas(stack);
    diagnostics?.report(oursRun.confirms);
    if (process.env.BENCH_STATS) console.log(JSON.stringify(Object.fromEntries(stack.wix.stats), null, 1));
    if (process.env.BENCH_STATS) console.log(JSON.stringify((stack.host as any).log?.counts ?? {}), JSON.stringify((stack.host as any).loader?.stats ?? {}));
    if (process.env.BENCH_STATS) {
      const { items: marks } = await host.runAs(ADMIN, () => wixCollections().query('CounterClaims', { filter: { kind: 'read' }, limit: 1000 }), 'bench');
      const ids = marks.map((s: any) => s._id).sort();
      console.log(`reads claimed: ${ids.length} (${ids[0]} … ${ids.at(-1)})`);
    }
    const domSeen = await page.evaluate(() => (window as any).domSeen) as { definitionId: string; unsold: number; at: number }[];
    const real = await truth(stack, ours);
    const stored = await storedCounters(stack, OURS_EVENT);
    const domFinal = new Map<string, number>();
    for (const s of domSeen) domFinal.set(s.definitionId, s.unsold);
    const checks = {
      storedIsTruth: ours.every((id) => stored.find((s: any) => s.definitionId === id)?.unsold === real.get(id)),
      domIsTruth: ours.every((id) => domFinal.get(id) === real.get(id)),
      allSold: real.get(ours[0]!) === LIMIT - ORDERS / DEFINITIONS,
      pushesInReadOrder: readsInOrder(pushes, 'pushes'),
      domNeverBack: neverBackwards(domSeen, 'page'),
    };
    const exact = Object.values(checks).every(Boolean);
    if (!exact) console.log(`not exact: ${Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k).join(', ')}`);
    const snapshotLatency = latencies(oursRun.confirms, pushes);
    const domLatency = latencies(oursRun.confirms, domSeen);
    await page.close();

    // ---- burst, naive flow: one Get Ticket Definition per webhook, no dedup, no coalescing ----
    const naive = await createDefinitions(stack, NAIVE_EVENT);
    const collections = wixCollections();
    const deps: CounterDeps = { definitions: wixTicketDefinitions(), collections, claims: collections, clock: systemClock };
    await sleep(QUIET_MS);
    await resetStats(stack);
    const naiveWork: Promise<unknown>[] = [];
    await burst(stack, NAIVE_EVENT, naive, (_name, payload) => {
      for (const id of new Set<string>(payload.tickets.map((t: any) => t.ticketDefinitionId))) naiveWork.push(host.runAs(ADMIN, () => refreshCounters(deps, id), 'naive'));
    });
    const naiveOutcomes = await Promise.allSettled(naiveWork);
    await settle(stack, 500);
    const naiveReads = definitionReads(stack);
    const naiveQuotas = await quotas(stack);

    const q = oursQuotas.limits.quotas;
    console.log(`burst: orders=${ORDERS} definitions=${DEFINITIONS} spread_ms=${Math.round(oursRun.spreadMs)} duplicates_delivered=${oursRun.duplicates} ${setup}`);
    console.log(`burst: Wix's resends of slow or failed deliveries=${oursResent.ran} (${oursResent.waiting} still waiting for a later step of the schedule), counted in the quotas below`);
    console.log(`naive: ticket definition calls=${naiveReads} (${naiveOutcomes.filter((o) => o.status === 'rejected').length} of ${naiveWork.length} refreshes failed) data_reads=${naiveQuotas.limits.quotas.dataReads.total} data_writes=${naiveQuotas.limits.quotas.dataWrites.total} throttled=${throttledCount(naiveQuotas)}`);
    console.log(`ours:  ticket definition calls=${oursReads}  stored=${JSON.stringify(ours.map((id) => stored.find((s: any) => s.definitionId === id)?.unsold))} truth=${JSON.stringify(ours.map((id) => real.get(id)))} dom=${JSON.stringify(ours.map((id) => domFinal.get(id)))}`);
    console.log(`confirm→snapshot ms p50=${median(snapshotLatency)} p95=${p95(snapshotLatency)}; confirm→DOM ms p50=${median(domLatency)} p95=${p95(domLatency)}`);
    for (const line of quotaLines(oursQuotas)) console.log(line);
    console.log(`RESULT counter orders=${ORDERS} exact=${exact} data_writes_per_order=${perOrder(q.dataWrites.total, ORDERS)} data_reads_per_order=${perOrder(q.dataReads.total, ORDERS)} calls_per_order=${perOrder(oursReads, ORDERS)} naive_calls_per_order=${perOrder(naiveReads, ORDERS)} throttled=${throttledCount(oursQuotas)} p95_confirm_to_snapshot_ms=${p95(snapshotLatency)} p95_confirm_to_dom_ms=${p95(domLatency)}`);

    if (RUSH) await rush(stack, pushes, setup);
  } finally {
    await checkout.close();
    await browser.close();
    await stack.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function storedCounters(stack: Stack, eventId: string): Promise<any[]> {
  const { items } = await (stack.host as any).runAs(ADMIN, () => wixCollections().query('TicketCounters', { filter: { eventId }, limit: 100 }), 'bench');
  return items;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor(s.length / 2)]!) : NaN;
};

/** The sustained rush: RUSH_ORDERS over RUSH_MS, real time, with the counters open on a page (getCounters). */
async function rush(stack: Stack, pushes: Push[], setup: string) {
  await sleep(QUIET_MS); // the naive burst used the whole API quota: let its minute pass
  const defs = await createDefinitions(stack, RUSH_EVENT);
  await openCounters(stack, defs);
  await sleep(QUIET_MS);
  await resetStats(stack);
  pushes.length = 0;
  const started = Date.now();
  const resentBefore = stack.host.log.counts.redeliveries;
  const run = await burst(stack, RUSH_EVENT, defs, undefined, { orders: RUSH_ORDERS, spreadMs: RUSH_MS });
  await settle(stack);
  const resent = await awaitRedeliveries(stack.host);
  const stats = await quotas(stack);
  const reads = definitionReads(stack);
  const real = await truth(stack, defs);
  const stored = await storedCounters(stack, RUSH_EVENT);
  const mine = new Set(defs);
  const rushPushes = pushes.filter((p) => mine.has(p.definitionId));
  const checks = {
    storedIsTruth: defs.every((id) => stored.find((s: any) => s.definitionId === id)?.unsold === real.get(id)),
    allSold: real.get(defs[0]!) === LIMIT - RUSH_ORDERS / DEFINITIONS,
    pushesInReadOrder: readsInOrder(rushPushes, 'rush pushes'),
  };
  const exact = Object.values(checks).every(Boolean);
  if (!exact) console.log(`rush not exact: ${Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k).join(', ')}`);
  const lat = latencies(run.confirms, rushPushes);
  const q = stats.limits.quotas;
  console.log(`rush: orders=${RUSH_ORDERS} definitions=${DEFINITIONS} spread_ms=${Math.round(run.spreadMs)} duplicates_delivered=${run.duplicates} wall_ms=${Date.now() - started} ${setup}`);
  console.log(`rush: ticket definition calls=${reads} (${perOrder(reads, RUSH_ORDERS)} per order) data_reads=${q.dataReads.total} data_writes=${q.dataWrites.total} confirm→snapshot ms p50=${median(lat)} p95=${p95(lat)}`);
  console.log(`rush: Wix's resends of slow or failed deliveries=${stack.host.log.counts.redeliveries - resentBefore} (${resent.waiting} still waiting for a later step of the schedule), counted above`);
  for (const line of quotaLines(stats)) console.log(line);
  console.log(`RESULT counter-rush orders=${RUSH_ORDERS} exact=${exact} peak_data_reads_per_min=${q.dataReads.peakPerMinute} peak_data_writes_per_min=${q.dataWrites.peakPerMinute} peak_api_calls_per_min=${q.apiCalls.peakPerMinute} throttled=${throttledCount(stats)}`);
}

await main();
