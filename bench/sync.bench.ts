// Benchmark: initial sync of EVENTS × PER_EVENT ticket definitions from the local Wix to the local
// Pretix server with a rate limit set on it. Real parts only:
// - the definitions are created in the local Wix through the genuine SDK (`ticketDefinitionsV2`);
// - the owner's configuration (target, event mappings, the default Pretix field mapping) is inserted
//   into the CMS collections through the genuine SDK, so the site's before-hooks validate it;
// - the Pretix token sits in the local Wix Secrets (the secrets file) and is read with `getSecret`;
// - the sync is the site's own flow (`syncEvent`) with the real Wix adapters (backend/wix/
//   ticketDefinitions.ts, backend/wix/collections.ts over the SDK) run inside the Velo host as the site
//   owner (`host.runAs`), and the real Pretix connector over HTTP.
// Like the CLI, one run shares one connector per target (one rate budget) across the events;
// PARALLEL_EVENTS (default 4) sync at a time: while some events do their Wix reads (links, definitions),
// the others keep the shared budget busy (with 2, the budget idled at each event boundary: rate_use
// 0.904–0.928 over five runs, with an occasional 429; with 4, 0.928–0.930 and none).
//
// wix_calls = requests to the local Wix's Ticket Definitions V3 routes during the sync, from its own
// request stats (`stack.wix.stats`: `POST …/ticket-definitions/query` pages and `GET …/ticket-definitions/{id}`
// reads). Wix Data requests (config, links, run progress) are printed on their own line.
// The definitions' creation events are not dispatched to the site code while seeding: the definitions
// exist before the sync is configured, and this measures the initial sync, not the triggers.
// The local Wix runs with a live site's quotas on (README → The local Wix → Limits) and 20-40 ms added
// to every Wix Data and Wix API call (LOCAL_WIX_LATENCY_MS to change it). Seeding is not the site's
// traffic (a site owner would create 5,000 definitions over days), so it runs unmetered; the quota
// lines printed before RESULT are the sync's own use of each quota in its busiest minute.
// Last line: RESULT sync definitions=… wix_calls=… target_calls=… rate_use=… failures=… duplicates=… throttled=…
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { items } from '@wix/data';
import { ticketDefinitionsV2 } from '@wix/events';
import { COLLECTIONS } from '../backend/collections.js';
import { syncTargetFactory } from '../backend/connectors/syncTargetFactory.js';
import { defaultMappingRows } from '../backend/core/sync/defaultMappings.js';
import { loadSyncConfig, syncEvent, type SyncDeps } from '../backend/flows/sync.js';
import { mapConcurrent } from '../backend/lib/mapConcurrent.js';
import { wixCollections } from '../backend/wix/collections.js';
import { wixTicketDefinitions } from '../backend/wix/ticketDefinitions.js';
import { systemClock } from '../backend/wix/runtime.js';
import { startStack, type Stack } from '../local-wix/stack.js';
import { ADMIN, createLocalClient, localWixFetch } from '../local-wix/sdk-client.js';
import { getSecret } from '../local-wix/velo-host/modules/wix-secrets-backend.js';
import { PretixServer } from '../test/vendors/pretixServer.js';
import { fetchQuotaStats, quotaLines, throttledCount } from './quotaReport.js';
import { guid } from '../test/support/guids.js';
import { adminFetch } from '../local-wix/local-key.js';

const EVENTS = Number(process.env.EVENTS ?? 50);
const PER_EVENT = Number(process.env.PER_EVENT ?? 100);
/** The limit set on the Pretix server (hosted Pretix: 360/min; raised here so the run takes about a minute). */
const RATE_PER_MIN = Number(process.env.RATE_PER_MIN ?? 12_000);
/** Share of the limit the connector paces to; default the connector's own (what the site and the CLI use). */
const RATE_SHARE = process.env.RATE_SHARE ? Number(process.env.RATE_SHARE) : undefined;
/** Events synced at a time (one shared rate budget), so one event's Wix reads overlap another's deliveries. */
const PARALLEL_EVENTS = Number(process.env.PARALLEL_EVENTS ?? 4);
/** Added to every Wix Data and Wix API call (a live site's calls are not free). */
const LATENCY_MS = process.env.LOCAL_WIX_LATENCY_MS || '20-40';
const TARGET = 'pretix-bench';
const TOKEN = 'bench-token';
const DEFINITION_ROUTES = /^[A-Z]+ \/events(-ticket-definitions)?\/v3\/ticket-definitions/;
const DATA_ROUTES = /^[A-Z]+ \/wix-data\//;

const eventIds = Array.from({ length: EVENTS }, (_, e) => guid(`bench-ev${String(e).padStart(2, '0')}`)); // Wix event IDs are GUIDs

function countRequests(stack: Stack, route: RegExp): number {
  let n = 0;
  for (const [label, count] of stack.wix.stats) if (route.test(label)) n += count;
  return n;
}

/** EVENTS × PER_EVENT definitions through the genuine SDK; every fourth one has two price options. */
async function createDefinitions(stack: Stack) {
  const client = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
  const host = stack.host as unknown as { dispatchEvent: (name: string, payload: unknown) => void };
  const dispatch = host.dispatchEvent;
  host.dispatchEvent = (name, payload) => { if (!/^wixEvents_onTicketDefinition/.test(name)) dispatch.call(stack.host, name, payload); };
  try {
    const work = eventIds.flatMap((eventId) => Array.from({ length: PER_EVENT }, (_, i) => ({ eventId, i })));
    let made = 0;
    await mapConcurrent(work, 16, async ({ eventId, i }) => {
      const pricingMethod = i % 4 === 0
        ? { pricingOptions: { optionDetails: [
          { name: 'Adult', price: { value: `${20 + (i % 7)}.50`, currency: 'EUR' } },
          { name: 'Child', price: { value: `${10 + (i % 5)}.00`, currency: 'EUR' } },
        ] } }
        : { fixedPrice: { value: `${15 + (i % 30)}.00`, currency: 'EUR' } };
      await client.ticketDefinitionsV2.createTicketDefinition({ eventId, name: `Ticket ${i}`, feeType: 'FEE_INCLUDED', initialLimit: 50 + i, pricingMethod } as never);
      if (++made % 1000 === 0) process.stderr.write(`  created ${made}/${work.length} definitions in the local Wix\n`);
    });
  } finally {
    host.dispatchEvent = dispatch;
  }
  await stack.host.idle();
}

/** The owner's configuration, through the CMS as the site owner (the site's before-hooks validate it). */
async function configureSync(stack: Stack, baseUrl: string) {
  const cms = createLocalClient(stack.baseUrl, { items }, ADMIN);
  await cms.items.insert(COLLECTIONS.SyncTargets.id, {
    _id: TARGET, title: 'Pretix (bench)', kind: 'pretix', baseUrl, secretName: 'SYNC_PRETIX_BENCH_TOKEN', enabled: true, deleteBehaviour: 'deactivate',
    options: { organizer: 'demo', ratePerMinute: RATE_PER_MIN },
  });
  for (const row of defaultMappingRows(TARGET, 'pretix')) await cms.items.insert(COLLECTIONS.SyncFieldMappings.id, row as never);
  for (const eventId of eventIds) {
    await cms.items.insert(COLLECTIONS.SyncEventMappings.id, { _id: eventId, targetId: TARGET, eventId, externalEventId: `pretix-${eventId}`, enabled: true });
  }
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
  fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ SYNC_PRETIX_BENCH_TOKEN: TOKEN }));
  const server = new PretixServer({ token: TOKEN, rateLimit: { limit: RATE_PER_MIN / 60, windowMs: 1000 } });
  const baseUrl = await server.start();
  for (const e of eventIds) server.addEvent(`pretix-${e}`);
  const stack = await startStack({ port: 0, dataDir, cold: true, seed: false, scheduleJobs: false, limits: { latencyMs: LATENCY_MS } });
  try {
    const tSeed = performance.now();
    await stack.wix.limits.unmetered(async () => {
      await createDefinitions(stack);
      await configureSync(stack, baseUrl);
    });
    process.stderr.write(`  seeded ${EVENTS * PER_EVENT} definitions and the sync config in ${((performance.now() - tSeed) / 1000).toFixed(1)} s\n`);

    const deps: SyncDeps = {
      definitions: wixTicketDefinitions(), collections: wixCollections(), clock: systemClock, concurrency: 16,
      // Keep-alive HTTP to Pretix: Node's built-in fetch costs about twice the CPU per call, and the
      // client, the local Wix and Pretix all share this process.
      connectors: syncTargetFactory({ secrets: { getSecret }, inlineRetries: 5, timeoutMs: 10_000, localWix: true, rateShare: RATE_SHARE, fetch: localWixFetch(new URL(baseUrl).origin) }),
    };
    // Route counts and quota counters start here (the seeding's requests were unmetered anyway).
    const reset = await adminFetch(`${stack.baseUrl}/_local/stats/reset`, { method: 'POST' });
    if (!reset.ok) throw new Error(`resetting the local Wix's stats failed: ${reset.status}`);
    const t0 = performance.now();
    const config = await stack.host.runAs(ADMIN, () => loadSyncConfig(deps), 'bench: load sync config');
    if (config.problems.length) throw new Error(config.problems.join('\n'));
    let done = 0;
    const reports = await mapConcurrent(eventIds, PARALLEL_EVENTS, async (eventId) => {
      const r = await stack.host.runAs(ADMIN, () => syncEvent(deps, { eventId, config }), `bench: sync ${eventId}`);
      done += PER_EVENT;
      if (done % 1000 === 0) process.stderr.write(`  ${done}/${EVENTS * PER_EVENT} definitions, ${server.stats.requests} Pretix calls, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      return r;
    });
    const elapsedMin = (performance.now() - t0) / 60_000;
    const wixCalls = countRequests(stack, DEFINITION_ROUTES);
    const dataCalls = countRequests(stack, DATA_ROUTES);
    const otherCalls = [...stack.wix.stats].filter(([label]) => !DEFINITION_ROUTES.test(label) && !DATA_ROUTES.test(label));
    if (process.env.BENCH_STATS) console.log(JSON.stringify(Object.fromEntries(stack.wix.stats), null, 1));

    const definitions = EVENTS * PER_EVENT;
    const failures = reports.flatMap((r) => [...r.problems, ...r.targets.flatMap((t) => (t.done ? t.failures : [...t.failures, `${t.targetId}/${r.eventId} not done`]))]);
    const { total: linked } = await stack.host.runAs(ADMIN, () => wixCollections().query(COLLECTIONS.SyncLinks.id, { filter: { targetId: TARGET, status: 'active' }, limit: 1 }), 'bench: count links');
    const itemsOut = server.allItems();
    const duplicates = [...server.stats.createdByInternalName.values()].reduce((n, c) => n + (c - 1), 0);
    const missing = definitions - new Set(itemsOut.map((i) => i.internal_name)).size;
    const targetCalls = server.stats.requests;
    const rateUse = targetCalls / elapsedMin / RATE_PER_MIN;
    console.log(`elapsed ${(elapsedMin * 60).toFixed(1)} s; Pretix limit ${RATE_PER_MIN}/min; achieved ${(targetCalls / elapsedMin).toFixed(0)}/min; throttled (429) ${server.stats.throttled}; idempotent replays ${server.stats.idempotentReplays}`);
    console.log(`items ${itemsOut.length}, quotas ${[...server.events.values()].reduce((n, e) => n + e.quotas.size, 0)}, active links ${linked}`);
    console.log(`Wix side: the local Wix over HTTP (genuine SDK, real adapters in the Velo host); ticket-definition requests ${wixCalls} (${(wixCalls / (definitions / 100)).toFixed(2)} per 100 definitions)`);
    console.log(`Wix Data requests ${dataCalls} (sync config, links read and bulk-saved per page, run progress)${otherCalls.length ? `; other: ${otherCalls.map(([l, n]) => `${l}=${n}`).join(', ')}` : ''}`);
    for (const f of failures.slice(0, 5)) console.log(`failure: ${f}`);
    const quotas = await fetchQuotaStats(stack.baseUrl);
    for (const line of quotaLines(quotas)) console.log(line);
    console.log(`RESULT sync definitions=${definitions} wix_calls=${wixCalls} target_calls=${targetCalls} rate_use=${rateUse.toFixed(3)} failures=${failures.length + missing + (definitions - (linked ?? 0))} duplicates=${duplicates} throttled=${throttledCount(quotas)}`);
  } finally {
    await stack.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
