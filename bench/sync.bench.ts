// Benchmark: initial sync of EVENTS × PER_EVENT ticket definitions to the local Pretix server with a
// rate limit set on it. The Wix side is in-memory (a TicketDefinitionsPort and CollectionsPort that
// count calls), so the numbers measure the flow and the connector, not the local Wix emulator.
// Last line: RESULT sync definitions=… wix_calls=… target_calls=… rate_use=… failures=… duplicates=…
import { COLLECTIONS } from '../backend/collections.js';
import { syncTargetFactory } from '../backend/connectors/syncTargetFactory.js';
import { loadSyncConfig, syncEvent, type SyncDeps } from '../backend/flows/sync.js';
import { mapConcurrent } from '../backend/flows/syncDelivery.js';
import { PretixServer } from '../test/vendors/pretixServer.js';
import { localWixFetch } from '../local-wix/sdk-client.js';
import { definition, MemoryCollections, MemoryDefinitions, MemorySecrets, realClock } from '../test/sync/fakes.js';
import { seedConfig } from '../test/sync/setup.js';

const EVENTS = Number(process.env.EVENTS ?? 50);
const PER_EVENT = Number(process.env.PER_EVENT ?? 100);
/** The limit set on the Pretix server (hosted Pretix: 360/min; raised here so the run takes about a minute). */
const RATE_PER_MIN = Number(process.env.RATE_PER_MIN ?? 12_000);

async function main() {
  const server = new PretixServer({ token: 'bench-token', rateLimit: { limit: RATE_PER_MIN / 60, windowMs: 1000 } });
  const baseUrl = await server.start();
  const cms = new MemoryCollections();
  const defs = new MemoryDefinitions();
  const events = Array.from({ length: EVENTS }, (_, e) => `ev${String(e).padStart(2, '0')}`);
  seedConfig(cms, { kind: 'pretix', events: events.map((e) => [e, `pretix-${e}`]) });
  const target = cms.coll(COLLECTIONS.SyncTargets.id).get('t1') as any;
  Object.assign(target, { baseUrl, options: { organizer: 'demo', ratePerMinute: RATE_PER_MIN } });
  for (const e of events) {
    server.addEvent(`pretix-${e}`);
    for (let i = 0; i < PER_EVENT; i++) {
      const options = i % 4 === 0 ? { pricingOptions: { optionDetails: [
        { optionId: `${e}-${i}-a`, name: 'Adult', price: { value: `${20 + (i % 7)}.50`, currency: 'EUR' } },
        { optionId: `${e}-${i}-c`, name: 'Child', price: { value: `${10 + (i % 5)}.00`, currency: 'EUR' } },
      ] } } : { fixedPrice: { value: `${15 + (i % 30)}.00`, currency: 'EUR' } };
      defs.put(definition({ _id: `${e}-d${String(i).padStart(3, '0')}`, eventId: e, name: `Ticket ${i}`, pricingMethod: options, initialLimit: 50 + i, actualLimit: 50 + i }));
    }
  }
  const deps: SyncDeps = {
    definitions: defs, collections: cms, clock: realClock, concurrency: 16,
    // Keep-alive HTTP (the local Wix's fetch): Node's built-in fetch costs about twice the CPU per call,
    // and client and server share this process.
    connectors: syncTargetFactory({ secrets: new MemorySecrets({ 'sync-token': 'bench-token' }), inlineRetries: 5, timeoutMs: 10_000, rateShare: 0.985, fetch: localWixFetch(new URL(baseUrl).origin) }),
  };
  const config = await loadSyncConfig(deps);
  if (config.problems.length) throw new Error(config.problems.join('\n'));
  defs.calls = 0;
  const dataCallsBefore = cms.calls;

  const t0 = performance.now();
  let done = 0;
  const reports = await mapConcurrent(events, 2, async (eventId) => {
    const r = await syncEvent(deps, { eventId, config });
    done += PER_EVENT;
    if (done % 1000 === 0) process.stderr.write(`  ${done}/${EVENTS * PER_EVENT} definitions, ${server.stats.requests} Pretix calls, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return r;
  });
  const elapsedMin = (performance.now() - t0) / 60_000;
  await server.close();

  const definitions = EVENTS * PER_EVENT;
  const failures = reports.flatMap((r) => r.targets.flatMap((t) => t.failures));
  const linked = cms.all<any>(COLLECTIONS.SyncLinks.id).filter((l) => l.status === 'active').length;
  const items = server.allItems();
  const duplicates = [...server.stats.createdByInternalName.values()].reduce((n, c) => n + (c - 1), 0);
  const missing = defs.defs.size - new Set(items.map((i) => i.internal_name)).size;
  const targetCalls = server.stats.requests;
  const rateUse = targetCalls / elapsedMin / RATE_PER_MIN;
  console.log(`elapsed ${(elapsedMin * 60).toFixed(1)} s; Pretix limit ${RATE_PER_MIN}/min; achieved ${(targetCalls / elapsedMin).toFixed(0)}/min; throttled (429) ${server.stats.throttled}; idempotent replays ${server.stats.idempotentReplays}`);
  console.log(`items ${items.length}, quotas ${[...server.events.values()].reduce((n, e) => n + e.quotas.size, 0)}, links ${linked}; Wix Data calls ${cms.calls - dataCallsBefore} (links bulk-saved per page, run progress per page)`);
  console.log(`Wix side: in-memory TicketDefinitionsPort/CollectionsPort counting calls (not the local Wix emulator)`);
  console.log(`RESULT sync definitions=${definitions} wix_calls=${defs.calls} target_calls=${targetCalls} rate_use=${rateUse.toFixed(3)} failures=${failures.length + missing + (definitions - linked)} duplicates=${duplicates}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
