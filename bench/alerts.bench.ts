// Sale-alert benchmark on the local Wix: the committed site code (src/backend) in the Velo host, cold
// invocations, the genuine SDK over HTTP, the local Wix's quotas and per-call latency (20–40 ms), and
// real time: sale starts, the sale-started events, the jobs.config schedule and the inbox are all on the
// local clock (wall-clock time; site code's `Date` is real time too).
//
//   npx tsx bench/alerts.bench.ts [--subscribers=50000] [--events=20] [--spread-min=4] [--fail-every=1000] [--max-min=40]
//   (SUBSCRIBERS=… in the environment sets the default of --subscribers; LOCAL_WIX_LATENCY_MS defaults to 20-40)
//
// Setup, outside the measured part: 20 events (local route) and 50,000 subscribers with their Wix
// contacts written straight into the local Wix's SQLite store (seeding 50,000 items through Wix Data
// would need 50 bulk writes and 50,000 contact calls; that is sign-up traffic spread over weeks, not
// the sale). Every 50th contact is UNSUBSCRIBED in Wix contacts, every 97th subscription was stopped
// with the one-click link: neither may get anything. Then 2 ticket definitions per event are created
// through the SDK, unmetered (an owner sets sales up days ahead), with sale starts on the next minutes
// (both of an event at the same minute; the 20 events over `--spread-min` minutes, so all sales open
// within the same hour, in fact within a few minutes: a harder load than one an hour); each creation
// fires wixEvents_onTicketDefinitionCreated, which passes the sale start to Wix contacts (one bulk
// update per event). Then the quota counters are reset and everything after runs under the quotas:
//   - the local Wix fires the sale-started event of each definition when its start arrives; the bench
//     delivers each one a second time (Wix redelivers);
//   - jobs.config runs on its real cron (the sweep at :02, :12, … :52, the other jobs at theirs), and at
//     every sweep time the bench starts a second, overlapping run of the same job;
//   - every `--fail-every`th triggered email fails once (the mail service refuses it), so those alerts
//     only arrive through a later sweep's retry;
//   - jobs are stopped at the local Wix's job limit (LOCAL_WIX_JOB_MS, 5 min) and event handlers at
//     LOCAL_WIX_EVENT_MS (9 s here, the trigger's own budget: Wix publishes no event-handler limit); the
//     flows stop starting work before their own budgets (4 min per job, 9 s per event handler).
// It stops when every expected alert is in the inbox and no failed send waits for a retry, or after
// `--max-min` minutes. Each alert's delay is its inbox time minus its definition's sale start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ticketDefinitionsV2 } from '@wix/events';
import { COLLECTIONS } from '../backend/collections.js';
import { deliveryKey, subscriptionId } from '../backend/core/alerts/alertKeys.js';
import type { SaleAlertSubscription } from '../backend/core/alerts/saleAlertTypes.js';
import { eventLabel } from '../backend/wix/marketingCrm.js';
import { startStack, type StackOptions } from '../local-wix/stack.js';
import { ADMIN, createLocalClient } from '../local-wix/sdk-client.js';
import { SALE_STARTED_EVENT } from '../local-wix/server/ticketDefinitionEvents.js';
import { crmFor } from '../local-wix/server/crm.js';
import { adminFetch } from '../local-wix/local-key.js';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const SUBSCRIBERS = arg('subscribers', Number(process.env.SUBSCRIBERS) || 50_000);
const EVENTS = arg('events', 20);
const SPREAD_MIN = arg('spread-min', 4);
const FAIL_EVERY = arg('fail-every', 1000);
const MAX_MIN = arg('max-min', 40);
const DEFS_PER_EVENT = 2;
const OPTED_OUT_EVERY = 50; // UNSUBSCRIBED in Wix contacts: must get nothing
const UNSUBSCRIBED_EVERY = 97; // clicked "stop these alerts": must get nothing
const LATENCY = process.env.LOCAL_WIX_LATENCY_MS ?? '20-40';
process.env.LOCAL_WIX_LATENCY_MS = LATENCY;
// Event handlers in 2 worker threads (each its own container), as Wix runs site code apart from its APIs.
process.env.LOCAL_WIX_EVENT_WORKERS ??= '2';
// Event handlers are cut at the trigger's own budget (9 s; Wix publishes no event-handler limit).
process.env.LOCAL_WIX_EVENT_MS ??= '9000';
const C = COLLECTIONS;

/**
 * A subscription as the sign-up flow stores it once the visitor has opted in. The one place to adapt
 * when subscriptions get a confirmation state (double opt-in): the bench's subscribers are confirmed.
 */
function confirmedSubscription(email: string, eventId: string, contactId: string, unsubscribed: boolean): SaleAlertSubscription {
  return {
    _id: subscriptionId(email, eventId), email, eventId, channels: ['email'], push: null, contactId,
    status: unsubscribed ? 'unsubscribed' : 'active', consentAt: '2026-02-20T12:00:00.000Z',
    unsubscribedAt: unsubscribed ? '2026-02-21T12:00:00.000Z' : null, updatedAt: '2026-02-20T12:00:00.000Z', locale: null,
  };
}

let peakRss = process.memoryUsage().rss;
/** Peak RSS since the last phase mark, and the main thread's peak heap (the local Wix serves Wix Data there). */
let phasePeakRss = peakRss;
let phasePeakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  phasePeakRss = Math.max(phasePeakRss, m.rss);
  phasePeakHeap = Math.max(phasePeakHeap, m.heapUsed);
}, 200);
sampler.unref();
const mb = (n: number) => Math.round(n / 1048576);
/** `rss=… peak_rss=… peak_heap=…` (MB) since the previous call: where in the run the memory goes. */
const memPhase = () => {
  const m = process.memoryUsage();
  const line = `rss=${mb(m.rss)} MB (phase peak ${mb(Math.max(phasePeakRss, m.rss))}), main heap=${mb(m.heapUsed)} MB (phase peak ${mb(Math.max(phasePeakHeap, m.heapUsed))})`;
  phasePeakRss = m.rss;
  phasePeakHeap = m.heapUsed;
  return line;
};
const log = (msg: string) => process.stderr.write(`[bench:alerts ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-bench-'));
// `limits` is the local Wix's quota/latency option (README → The local Wix); passed as env as well.
const stack = await startStack({ port: 0, dataDir, cold: true, seed: false, scheduleJobs: true, ...({ limits: { latencyMs: LATENCY } } as Partial<StackOptions>) });
const base = stack.baseUrl;
const db = stack.wix.db;
try {
  // ---- setup (not measured): events, contacts, subscriptions ----
  const seedT0 = performance.now();
  const eventIds: string[] = [];
  for (let e = 0; e < EVENTS; e++) {
    const start = new Date(Date.now() + 30 * 24 * 3600_000);
    const res = await adminFetch(`${base}/_local/events`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Concert ${e}`, timeZoneId: ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'][e % 3], startDate: start.toISOString(), endDate: new Date(start.getTime() + 3 * 3600_000).toISOString() }),
    });
    if (!res.ok) throw new Error(`POST /_local/events: ${res.status} ${await res.text()}`);
    eventIds.push(((await res.json()) as { event: { id: string } }).event.id);
  }
  const wanted = new Map<string, string>(); // subscriptionId → eventId, for subscribers who must get alerts
  const now = new Date().toISOString();
  const dataRow = (item: object) => JSON.stringify({ ...item, _createdDate: { $date: now }, _updatedDate: { $date: now }, _owner: 'site-owner' });
  const insertItem = db.prepare('INSERT INTO wix_data_items (collection, id, data) VALUES (?, ?, ?)');
  const insertContact = db.prepare('INSERT INTO crm_contacts (id, first_name, last_name, created_at, updated_at) VALUES (?, NULL, NULL, ?, ?)');
  const insertEmail = db.prepare("INSERT INTO crm_contact_emails (contact_id, email, tag, position) VALUES (?, ?, 'UNTAGGED', 0)");
  const insertStatus = db.prepare('INSERT INTO crm_email_subscriptions (email, status, updated_at) VALUES (?, ?, ?)');
  const insertLabel = db.prepare('INSERT OR IGNORE INTO crm_labels (key, display_name) VALUES (?, ?)');
  const insertContactLabel = db.prepare('INSERT INTO crm_contact_labels (contact_id, label_key) VALUES (?, ?)');
  const labelKey = (eventId: string) => `custom.sale-alert-${eventId}`;
  db.transaction(() => {
    for (const id of eventIds) {
      insertLabel.run(labelKey(id), eventLabel(id));
      insertItem.run(C.SaleAlertEvents.id, id, dataRow({ _id: id, firstSubscribedAt: '2026-02-20T12:00:00.000Z' }));
    }
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const email = `fan${i}@example.com`;
      const eventId = eventIds[i % EVENTS]!;
      const contactId = randomUUID();
      insertContact.run(contactId, now, now);
      insertEmail.run(contactId, email);
      insertContactLabel.run(contactId, labelKey(eventId));
      const optedOut = i % OPTED_OUT_EVERY === 0;
      if (optedOut) insertStatus.run(email, 'UNSUBSCRIBED', now);
      const unsubscribed = i % UNSUBSCRIBED_EVERY === 0;
      const sub = confirmedSubscription(email, eventId, contactId, unsubscribed);
      insertItem.run(C.SaleAlertSubscriptions.id, sub._id, dataRow(sub));
      if (!optedOut && !unsubscribed) wanted.set(sub._id, eventId);
    }
  })();
  const seedMs = performance.now() - seedT0;
  const rssAfterSeedMb = Math.round(process.memoryUsage().rss / 1048576);
  log(`seeded ${SUBSCRIBERS} subscribers (${wanted.size} to alert) over ${EVENTS} events in ${Math.round(seedMs)} ms; ${memPhase()}`);

  // Every FAIL_EVERY-th triggered email fails once (a transient mail-service error). Bench fault
  // injection on the local CRM's send; the site code sees an error from emailContact, as on Wix.
  const crm = crmFor(db); // the instance the Velo host's wix-crm-backend uses
  const emailContact = crm.emailContact.bind(crm);
  let emailCalls = 0;
  let failedOnce = 0;
  crm.emailContact = (...a: Parameters<typeof emailContact>) => {
    if (FAIL_EVERY > 0 && ++emailCalls % FAIL_EVERY === 0) { failedOnce++; throw new Error('Triggered email service unavailable (bench: transient failure)'); }
    return emailContact(...a);
  };

  // The definitions, created through the SDK before the measured part (the site owner sets up the
  // sales days ahead, not in the minute they open): each creation fires wixEvents_onTicketDefinitionCreated,
  // whose handlers (counter, sync, alerts) pass the sale start to Wix contacts with one bulk update per
  // event. Unmetered, with the handlers given time to finish.
  const firstStart = Math.ceil((Date.now() + 120_000) / 60_000) * 60_000;
  const client = createLocalClient(base, { ticketDefinitionsV2 }, ADMIN);
  const defStart = new Map<string, { eventId: string; start: number; name: string }>();
  await stack.wix.limits.unmetered(async () => {
    for (let e = 0; e < EVENTS; e++) {
      const start = firstStart + Math.floor((e * SPREAD_MIN) / EVENTS) * 60_000;
      for (let d = 0; d < DEFS_PER_EVENT; d++) {
        const name = d === 0 ? 'General' : 'VIP';
        const def = await client.ticketDefinitionsV2.createTicketDefinition({
          eventId: eventIds[e]!, name, feeType: 'FEE_INCLUDED', initialLimit: 500,
          pricingMethod: { fixedPrice: { value: d === 0 ? '25.00' : '80.00', currency: 'EUR' } },
          salePeriod: { startDate: new Date(start), displayNotOnSale: true },
        } as never);
        defStart.set(def._id!, { eventId: eventIds[e]!, start, name });
      }
    }
    await new Promise((r) => setTimeout(r, 15_000));
  });
  const bulkJobs = db.prepare('SELECT json FROM crm_bulk_jobs').all().map((r) => JSON.parse((r as { json: string }).json) as { totalItems: number; successTotal: number; status: string });
  log(`created ${defStart.size} definitions; sales open ${new Date(firstStart).toISOString()} … +${SPREAD_MIN - 1} min; ${bulkJobs.length} contact bulk updates (${bulkJobs.reduce((n, j) => n + j.successTotal, 0)} contacts); ${memPhase()}`);

  // ---- the measured part: everything below runs under the local Wix's quotas ----
  await adminFetch(`${base}/_local/stats/reset`, { method: 'POST' });
  stack.wix.stats.clear();
  const t0 = Date.now();

  // A redelivery or extra sweep the local Wix refused (a 4xx: the bench's own mistake) must not pass unnoticed.
  const refusedLocal = async (res: Response) => {
    if (res.status >= 400 && res.status < 500) log(`local Wix refused a bench call: ${res.status} ${res.url} ${(await res.text()).slice(0, 200)}`);
  };
  // Each sale-started event the local Wix fires is delivered a second time, as Wix redelivers.
  let seenEvents = 0;
  let redelivered = 0;
  const redeliver = setInterval(() => {
    const evs = stack.wix.emittedEvents;
    for (; seenEvents < evs.length; seenEvents++) {
      const ev = evs[seenEvents]!;
      if (ev.name !== SALE_STARTED_EVENT) continue;
      redelivered++;
      setTimeout(() => void adminFetch(`${base}/_local/velo/events/${SALE_STARTED_EVENT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev.payload) }).then(refusedLocal, () => {}), 300);
    }
  }, 250);
  // At :02, :12, … (every other sweep of jobs.config), a second run of the sweep overlaps the scheduled one.
  let extraSweeps = 0;
  let lastExtraMinute = -1;
  const overlap = setInterval(() => {
    const d = new Date();
    const minute = Math.floor(d.getTime() / 60_000);
    if (d.getUTCMinutes() % 10 === 2 && d.getUTCSeconds() >= 3 && minute !== lastExtraMinute) {
      lastExtraMinute = minute;
      extraSweeps++;
      void adminFetch(`${base}/_local/jobs/sweepSaleAlerts/run`, { method: 'POST' }).then(refusedLocal, () => {});
    }
  }, 1000);

  // ---- wait for the alerts ----
  const inboxSent = db.prepare("SELECT COUNT(*) AS n FROM inbox WHERE status = 'SENT'");
  const waiting = db.prepare(`SELECT COUNT(*) AS n FROM wix_data_items WHERE collection = ? AND json_extract(data, '$.status') IN ('failed', 'pending') AND json_extract(data, '$.nextAttemptAt') IS NOT NULL`);
  const expected = wanted.size * DEFS_PER_EVENT;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    const sent = (inboxSent.get() as { n: number }).n;
    const retrying = (waiting.get(C.SaleAlertDeliveries.id) as { n: number }).n;
    log(`${((Date.now() - t0) / 60_000).toFixed(1)} min: ${sent} emails in the inbox (expect ${wanted.size}), ${retrying} deliveries waiting for a retry, ${failedOnce} sends failed once; ${memPhase()}`);
    if (Date.now() > firstStart + SPREAD_MIN * 60_000 && sent >= wanted.size && retrying === 0) break;
    if (Date.now() - t0 > MAX_MIN * 60_000) { log('giving up: --max-min reached'); break; }
  }
  clearInterval(redeliver);
  clearInterval(overlap);
  // Let jobs and handlers still running finish before reading the counters.
  await new Promise((r) => setTimeout(r, 3000));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  // ---- verify against the seed, from the inbox ----
  const defByEventAndName = new Map([...defStart].map(([id, d]) => [`${d.eventId}|${d.name}`, { id, ...d }]));
  const sends = new Map<string, number>();
  const delays: number[] = [];
  let unwanted = 0;
  let skippedByWix = 0;
  for (const row of db.prepare('SELECT variables, sent_at, status FROM inbox').iterate() as Iterable<{ variables: string; sent_at: string; status: string }>) {
    const v = JSON.parse(row.variables) as Record<string, string>;
    const sub = new URL(v.unsubscribeUrl!).searchParams.get('s')!;
    const eventId = wanted.get(sub);
    if (row.status !== 'SENT') { skippedByWix++; continue; }
    if (!eventId) { unwanted++; continue; }
    for (const name of v.ticketName!.split(', ')) {
      const def = defByEventAndName.get(`${eventId}|${name}`);
      if (!def) { unwanted++; continue; }
      const key = deliveryKey(sub, def.id, 'email');
      sends.set(key, (sends.get(key) ?? 0) + 1);
      delays.push(Date.parse(row.sent_at) - def.start);
    }
  }
  let missed = 0;
  for (const [sub, eventId] of wanted) {
    for (const [id, d] of defStart) if (d.eventId === eventId && !sends.has(deliveryKey(sub, id, 'email'))) missed++;
  }
  const duplicates = [...sends.values()].reduce((n, c) => n + (c - 1), 0);
  const alerts = sends.size;
  delays.sort((a, b) => a - b);
  const pct = (p: number) => (delays.length ? delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]! / 1000 : NaN);

  // ---- what it cost ----
  let dataCalls = 0;
  let apiCalls = 0;
  for (const [label, n] of stack.wix.stats) {
    if (/^[A-Z]+ \/wix-data\//.test(label)) dataCalls += n;
    else if (/^[A-Z]+ \/(events|events-ticket-definitions|contacts)\//.test(label)) apiCalls += n;
  }
  let quotaLines: string[] = [];
  let throttled: number | string = 'n/a';
  try {
    const q = await import('./quotaReport.js' as string) as { fetchQuotaStats(b: string): Promise<{ limits: { timeLimits: Record<string, unknown> } }>; quotaLines(s: unknown): string[]; throttledCount(s: unknown): number };
    const stats = await q.fetchQuotaStats(base);
    quotaLines = q.quotaLines(stats);
    const t = stats.limits.timeLimits;
    quotaLines.push(`time limits: job_ms=${t.jobMs} jobs_stopped=${t.jobsStopped} event_ms=${t.eventMs} events_stopped=${t.eventsStopped} data_request_ms=${t.dataRequestMs} data_requests_timed_out=${t.dataRequestsTimedOut}`);
    throttled = q.throttledCount(stats);
  } catch (e) {
    quotaLines = [`quota counters unavailable (bench/quotaReport.ts: ${String((e as Error)?.message ?? e).slice(0, 120)})`];
  }
  const log2 = (await (await adminFetch(`${base}/_local/velo/log`)).json()) as { errors?: unknown[] };
  const deliveryRows = (db.prepare('SELECT COUNT(*) AS n FROM wix_data_items WHERE collection = ?').get(C.SaleAlertDeliveries.id) as { n: number }).n;
  const statusCounts = db.prepare(`SELECT json_extract(data, '$.status') AS s, COUNT(*) AS n FROM wix_data_items WHERE collection = ? GROUP BY s`).all(C.SaleAlertDeliveries.id) as { s: string; n: number }[];
  const peakRssMb = Math.round(peakRss / 1048576);

  console.log(`local Wix at ${base}: cold invocations, latency ${LATENCY} ms per Wix Data / Wix API call, jobs.config on its cron; taken on a shared 2-core machine while other work ran`);
  console.log(`seeded ${SUBSCRIBERS} subscribers (${wanted.size} still opted in) over ${EVENTS} events × ${DEFS_PER_EVENT} definitions straight into SQLite in ${Math.round(seedMs)} ms (not measured); sales opened ${new Date(firstStart).toISOString()} over ${SPREAD_MIN} min`);
  console.log(`setup: ${bulkJobs.length} Bulk Update Contacts jobs for ${defStart.size} definitions created (one per definition event; ${bulkJobs.reduce((n, j) => n + j.successTotal, 0)} contact updates, ${bulkJobs.filter((j) => j.status === 'COMPLETED').length} jobs completed), no per-contact call`);
  console.log(`sale-started events redelivered=${redelivered}; overlapping extra sweeps=${extraSweeps}; emails failed once=${failedOnce} (every ${FAIL_EVERY || '∞'}th); Wix skipped ${skippedByWix} (unsubscribed contacts); unwanted=${unwanted}`);
  console.log(`delivery records=${deliveryRows} (${statusCounts.map((r) => `${r.s}=${r.n}`).join(' ')}); velo errors logged=${log2.errors?.length ?? 0}`);
  console.log(`wix_data_requests=${dataCalls} wix_api_requests=${apiCalls} (ticket definitions, events, contacts REST; wix-crm-backend calls run in the host) for ${alerts} alerts`);
  console.log(`alert delay after sale start: p50=${pct(0.5).toFixed(1)} s p95=${pct(0.95).toFixed(1)} s max=${pct(1).toFixed(1)} s`);
  console.log(`memory: rss_after_seed_mb=${rssAfterSeedMb} peak_rss_mb=${peakRssMb} (the whole local Wix, Velo host and bench in one process)`);
  if (process.env.BENCH_STATS) console.log(JSON.stringify(Object.fromEntries([...stack.wix.stats].sort((a, b) => b[1] - a[1])), null, 1));
  for (const l of quotaLines) console.log(l);
  console.log(`RESULT alerts subscribers=${SUBSCRIBERS} sent=${alerts} expected=${expected} duplicates=${duplicates} missed=${missed} throttled=${throttled} data_calls_per_alert=${alerts ? (dataCalls / alerts).toFixed(4) : 'n/a'} last_alert_after_start_s=${Math.round(pct(1))} peak_rss_mb=${peakRssMb}`);
  if (duplicates || missed || unwanted) process.exitCode = 1;
} finally {
  await stack.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
