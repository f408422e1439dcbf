// Sale-alert benchmark: 50,000 subscribers across 20 events whose sales all open within one hour.
// Runs the real flow (backend/flows/alerts.ts) in "cold" invocations (fresh deps each time, nothing
// kept in memory between them) against SQLite-backed and in-memory fakes of the ports:
//   collections → SQLite file (test/alerts/sqliteCollections.ts), optional per-call latency;
//   marketing tool, mailer, push → counting fakes that record every send in SQLite.
// The local Wix is not used. Prompt triggers fire twice per definition while two hourly sweeps
// overlap; then sweeps repeat until idle. Every `--fail-every`th email send fails once (a transient
// outage), so those alerts only arrive through the sweeps' retries, an hour later. Every
// (subscriber, definition, channel) must arrive once.
//
// Memory: before its own run, the bench runs itself in a child process with
// `--compare-subscribers` (default 10,000; 0 = off) and prints both peak RSS figures, to show that peak
// memory does not grow with the number of subscribers (RSS never shrinks, so one process cannot
// measure two sizes).
//
//   npx tsx bench/alerts.bench.ts [--subscribers=50000] [--events=20] [--latency-ms=0] [--fail-every=1000] [--compare-subscribers=10000]
//   (SUBSCRIBERS=… in the environment sets the default of --subscribers)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { COLLECTIONS } from '../backend/collections.js';
import { deliveryKey, subscriptionId } from '../backend/core/alerts/alertKeys.js';
import type { PushSubscriptionJson, SaleAlertSubscription } from '../backend/core/alerts/saleAlertTypes.js';
import { onSaleStarted, sweep } from '../backend/flows/alerts.js';
import type { AlertsDeps } from '../backend/flows/alertsDeps.js';
import type { MailerPort, MarketingContact, MarketingToolPort, PushPort, PushResult } from '../backend/ports.js';
import { ManualClock, MemoryDefinitions, MemoryEvents, memorySecrets, ticketDef } from '../test/alerts/fakes.js';
import { SqliteCollections } from '../test/alerts/sqliteCollections.js';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const SUBSCRIBERS = arg('subscribers', Number(process.env.SUBSCRIBERS) || 50_000);
const EVENTS = arg('events', 20);
const LATENCY_MS = arg('latency-ms', 0);
const FAIL_EVERY = arg('fail-every', 1000);
const COMPARE_SUBSCRIBERS = arg('compare-subscribers', 10_000);

// ---- the smaller run, in its own process (before this one starts using memory) ----
let compare: { subscribers: number; peakRssMb: number } | null = null;
if (COMPARE_SUBSCRIBERS > 0 && COMPARE_SUBSCRIBERS !== SUBSCRIBERS) {
  const passOn = process.argv.slice(2).filter((a) => !/^--(subscribers|compare-subscribers)=/.test(a));
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...passOn, `--subscribers=${COMPARE_SUBSCRIBERS}`, '--compare-subscribers=0'], { encoding: 'utf8' });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT alerts '));
  const rss = line && /peak_rss_mb=(\d+)/.exec(line);
  if (child.status !== 0 || !rss) {
    console.error(child.stdout, child.stderr);
    throw new Error(`the ${COMPARE_SUBSCRIBERS}-subscriber comparison run failed`);
  }
  console.log(`comparison run: ${line}`);
  compare = { subscribers: COMPARE_SUBSCRIBERS, peakRssMb: Number(rss[1]) };
}
const DEFS_PER_EVENT = 2;
const PUSH_EVERY = 10; // every 10th subscriber also allowed web push
const OPTED_OUT_EVERY = 50; // every 50th unsubscribed in the marketing tool: must get nothing
const UNSUBSCRIBED_EVERY = 97; // every 97th clicked "stop these alerts": must get nothing

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-bench-'));
// Indexes a site owner would add in the CMS: subscriptions by event; deliveries by subscription, and
// by status and claim time for the sweep's retries and pruning.
const collections = new SqliteCollections(path.join(dir, 'collections.db'), {
  [COLLECTIONS.SaleAlertSubscriptions.id]: ['eventId'],
  [COLLECTIONS.SaleAlertDeliveries.id]: ['subscriptionId', 'status', 'claimedAt'],
});
const sends = new Database(path.join(dir, 'sends.db'));
sends.pragma('journal_mode = WAL');
sends.pragma('synchronous = OFF');
sends.exec('CREATE TABLE sends (key TEXT NOT NULL)');
const recordSend = sends.prepare('INSERT INTO sends (key) VALUES (?)');

// ---- peak memory ----
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);

// ---- seed ----
const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
const definitions = new MemoryDefinitions();
const events = new MemoryEvents();
const hourStart = Date.parse('2026-03-01T10:00:00Z');
const defStarts: { id: string; eventId: string; start: number }[] = [];
for (let e = 0; e < EVENTS; e++) {
  const eventId = `event-${String(e).padStart(2, '0')}`;
  events.events.set(eventId, { eventId, title: `Concert ${e}`, timeZone: ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'][e % 3]!, url: `https://site.example/events/${eventId}` });
  for (let d = 0; d < DEFS_PER_EVENT; d++) {
    // All sales open inside 10:00–10:59; both definitions of an event open together.
    const start = hourStart + Math.floor((e * 57) / EVENTS) * 60_000;
    const id = `${eventId}-def-${d}`;
    definitions.put(ticketDef({ _id: id, eventId, name: d === 0 ? 'General' : 'VIP', pricingMethod: { fixedPrice: { value: d === 0 ? '25.00' : '80.00', currency: 'EUR' } }, salePeriod: { startDate: new Date(start).toISOString() } }));
    defStarts.push({ id, eventId, start });
  }
}
const optedOut = new Set<string>();
const pushEndpoint = (i: number) => `https://push.example/sub/${i}`;
const pushKeys = { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' };
const seedT0 = performance.now();
let batch: SaleAlertSubscription[] = [];
let expected = 0;
for (let i = 0; i < SUBSCRIBERS; i++) {
  const email = `fan${i}@example.com`;
  const eventId = `event-${String(i % EVENTS).padStart(2, '0')}`;
  const push: PushSubscriptionJson | null = i % PUSH_EVERY === 0 ? { endpoint: pushEndpoint(i), keys: pushKeys } : null;
  const unsubscribed = i % UNSUBSCRIBED_EVERY === 0;
  if (i % OPTED_OUT_EVERY === 0) optedOut.add(email);
  batch.push({
    _id: subscriptionId(email, eventId), email, eventId, channels: push ? ['email', 'push'] : ['email'], push, contactId: `contact-${i}`,
    status: unsubscribed ? 'unsubscribed' : 'active', consentAt: '2026-02-20T12:00:00.000Z', unsubscribedAt: unsubscribed ? '2026-02-21T12:00:00.000Z' : null,
    updatedAt: '2026-02-20T12:00:00.000Z', locale: null,
  });
  if (!unsubscribed && !optedOut.has(email)) expected += DEFS_PER_EVENT * (push ? 2 : 1);
  if (batch.length === 5000) { collections.seed(COLLECTIONS.SaleAlertSubscriptions.id, batch); batch = []; }
}
collections.seed(COLLECTIONS.SaleAlertSubscriptions.id, batch);
batch = [];
collections.seed(COLLECTIONS.SaleAlertEvents.id, [...events.events.keys()].map((id) => ({ _id: id, firstSubscribedAt: '2026-02-20T12:00:00.000Z' })));
const seedMs = performance.now() - seedT0;

// ---- ports that count ----
const emailOf = new Map<string, string>(); // contactId → email is derivable: contact-<i>
const marketing: MarketingToolPort = {
  async upsertSubscriber() {}, async removeFromEvent() {}, async setSaleStart() {},
  async isSubscribed(s: MarketingContact) { return !optedOut.has(s.email); },
};
let emails = 0;
let sendCalls = 0;
let failedOnce = 0;
const mailer: MailerPort = {
  async contactFor(email) { return email; },
  async sendTriggeredEmail(msg) {
    if (FAIL_EVERY > 0 && ++sendCalls % FAIL_EVERY === 0) { failedOnce++; throw new Error('mail service unavailable (bench: transient)'); }
    emails++;
    const sub = msg.variables.unsubscribeUrl ? new URL(msg.variables.unsubscribeUrl).searchParams.get('s')! : '?';
    // The email lists its definitions by name; map back to IDs through the event's definitions.
    const eventId = msg.variables.eventUrl!.split('/').pop()!;
    for (const name of msg.variables.ticketName!.split(', ')) recordSend.run(deliveryKey(sub, `${eventId}-def-${name === 'General' ? 0 : 1}`, 'email'));
  },
};
void emailOf;
let pushes = 0;
const push: PushPort = {
  async send(s: PushSubscriptionJson, payload: string): Promise<PushResult> {
    pushes++;
    const p = JSON.parse(payload) as { url: string; body: string };
    const i = Number(s.endpoint.split('/').pop());
    const eventId = p.url.split('/').pop()!;
    const sub = subscriptionId(`fan${i}@example.com`, eventId);
    for (const part of p.body.split(' — ')[0]!.split(', ')) recordSend.run(deliveryKey(sub, `${eventId}-def-${part.startsWith('General') ? 0 : 1}`, 'push'));
    return { outcome: 'sent', status: 201 };
  },
};

/** A fresh set of deps per invocation: the Velo "cold" model. */
function coldDeps(): AlertsDeps {
  return {
    collections, definitions, events, marketing, mailer, push, secrets: memorySecrets(), clock,
    config: { templateId: 'sale-alert', unsubscribeBaseUrl: 'https://site.example/_functions/saleAlertUnsubscribe', unsubscribeSecretName: 'SALE_ALERT_UNSUBSCRIBE_KEY', siteUrl: 'https://site.example' },
  };
}

// ---- run ----
collections.latencyMs = LATENCY_MS;
let maxChunkMs = 0;
let invocations = 0;
const t0 = performance.now();
// Prompt path: each definition's sale-started event arrives twice (Wix redelivers), as its sale opens.
const byStart = [...new Set(defStarts.map((d) => d.start))].sort((a, b) => a - b);
for (const start of byStart) {
  clock.set(new Date(start + 30_000).toISOString());
  const due = defStarts.filter((d) => d.start === start);
  const results = await Promise.all(due.flatMap((d) => [onSaleStarted(coldDeps(), d.id), onSaleStarted(coldDeps(), d.id)]));
  invocations += results.length;
  for (const r of results) if (r.outcome === 'handled') maxChunkMs = Math.max(maxChunkMs, r.maxChunkMs);
}
// The hourly job (11:00), with a second, overlapping run (a late previous job), until nothing is left;
// then the next hours' jobs, until no failed send waits for a retry.
clock.set('2026-03-01T11:00:00Z');
const retriesWaiting = collections.db.prepare(`SELECT COUNT(*) AS n FROM c_${COLLECTIONS.SaleAlertDeliveries.id} WHERE json_extract(data, '$.status') = 'failed' AND json_extract(data, '$.nextAttemptAt') IS NOT NULL`);
let retried = 0;
for (let round = 0; round < 100; round++) {
  const rs = await Promise.all([sweep(coldDeps()), sweep(coldDeps())]);
  invocations += 2;
  for (const r of rs) { maxChunkMs = Math.max(maxChunkMs, r.maxChunkMs); retried += r.retries.sent; }
  if (rs.every((r) => r.outcome === 'idle' && !r.retries.more && r.retries.due === 0)) {
    if (!(retriesWaiting.get() as { n: number }).n) break;
    clock.advance(3_600_000);
  }
}
const sendMs = performance.now() - t0;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

// ---- verify against the seed ----
const total = (sends.prepare('SELECT COUNT(*) AS n FROM sends').get() as { n: number }).n;
const distinct = (sends.prepare('SELECT COUNT(DISTINCT key) AS n FROM sends').get() as { n: number }).n;
const duplicates = total - distinct;
sends.exec('CREATE INDEX sends_key ON sends(key)');
const has = sends.prepare('SELECT 1 FROM sends WHERE key = ? LIMIT 1');
let missed = 0;
let unwanted = 0;
for (let i = 0; i < SUBSCRIBERS; i++) {
  const email = `fan${i}@example.com`;
  const eventId = `event-${String(i % EVENTS).padStart(2, '0')}`;
  const sub = subscriptionId(email, eventId);
  const wanted = i % UNSUBSCRIBED_EVERY !== 0 && !optedOut.has(email);
  for (let d = 0; d < DEFS_PER_EVENT; d++) {
    for (const ch of i % PUSH_EVERY === 0 ? (['email', 'push'] as const) : (['email'] as const)) {
      const got = !!has.get(deliveryKey(sub, `${eventId}-def-${d}`, ch));
      if (wanted && !got) missed++;
      if (!wanted && got) unwanted++;
    }
  }
}
const deliveries = (collections.db.prepare(`SELECT COUNT(*) AS n FROM c_${COLLECTIONS.SaleAlertDeliveries.id}`).get() as { n: number }).n;
console.log(`collections: SQLite file (${LATENCY_MS} ms simulated latency per call); marketing/mailer/push: counting fakes; local Wix not used`);
console.log(`seeded ${SUBSCRIBERS} subscribers over ${EVENTS} events × ${DEFS_PER_EVENT} definitions in ${Math.round(seedMs)} ms`);
console.log(`invocations=${invocations} collection_calls=${collections.calls} emails=${emails} pushes=${pushes} delivery_records=${deliveries} expected_alerts=${expected} unwanted=${unwanted}`);
console.log(`transient email failures=${failedOnce} (every ${FAIL_EVERY || '∞'}th send), delivered by the sweeps' retries: ${retried} alerts`);
const peakRssMb = Math.round(peakRss / 1048576);
if (compare) console.log(`memory: peak_rss_mb=${compare.peakRssMb} at ${compare.subscribers} subscribers, ${peakRssMb} at ${SUBSCRIBERS} (${(peakRssMb / compare.peakRssMb).toFixed(2)}× for ${(SUBSCRIBERS / compare.subscribers).toFixed(1)}× the subscribers)`);
console.log(`RESULT alerts subscribers=${SUBSCRIBERS} sent=${distinct} duplicates=${duplicates} missed=${missed} max_chunk_ms=${Math.round(maxChunkMs)} peak_rss_mb=${peakRssMb} sends_per_s=${Math.round(distinct / (sendMs / 1000))}`);
collections.close();
sends.close();
fs.rmSync(dir, { recursive: true, force: true });
if (duplicates || missed || unwanted) process.exitCode = 1;
