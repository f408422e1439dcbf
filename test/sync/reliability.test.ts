// Reliability: random create/update/delete histories whose triggers arrive duplicated, late and
// shuffled, with target faults; after draining, the external side equals Wix and nothing was applied
// twice. Once over in-memory ports, once over HTTP against the local Pretix server with 500s,
// timeouts (applied but the answer lost) and a 429 window.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/collections.js';
import { normalizeDecimal } from '../../backend/core/sync/money.js';
import { pretixConnector } from '../../backend/connectors/pretix.js';
import { drainOutbox, onDefinitionChanged, type SyncDeps } from '../../backend/flows/sync.js';
import { ExternalCallError } from '../../backend/ports.js';
import { PretixServer } from '../vendors/pretixServer.js';
import { ManualClock } from '../support/clocks.js';
import { factoryOf, FakeExternal } from '../support/externalTicketing.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { definition, MemoryDefinitions } from '../support/ticketDefinitions.js';
import { EV1, seedConfig } from './setup.js';

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 200);

const opArb = fc.record({
  kind: fc.constantFrom('create', 'update', 'update', 'delete'),
  id: fc.constantFrom('a', 'b', 'c'),
  name: fc.constantFrom('Early bird', 'VIP', 'Standard', 'Student', 'Late'),
  cents: fc.nat(99_999),
  limit: fc.option(fc.integer({ min: 1, max: 500 })),
  hidden: fc.boolean(),
  /** Steps before each copy of the trigger arrives; one entry per copy (duplicates). */
  delays: fc.array(fc.nat(5), { minLength: 1, maxLength: 3 }),
});
const historyArb = fc.record({ ops: fc.array(opArb, { minLength: 1, maxLength: 10 }), seed: fc.integer(), faults: fc.array(fc.constantFrom('none', 'none', '500', 'lost', '429'), { maxLength: 6 }) });
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

function lcg(seed: number) {
  let s = (seed >>> 0) || 1;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

/** Applies the history to Wix and delivers its triggers late, duplicated and shuffled. */
async function play(h: History, defs: MemoryDefinitions, deps: SyncDeps, clock: ManualClock, ids: (id: string) => string, between: () => Promise<void>) {
  const rnd = lcg(h.seed);
  const everDeleted = new Set<string>();
  const pending: { due: number; id: string }[] = [];
  const deliverDue = async (step: number) => {
    const due = pending.filter((p) => p.due <= step).sort(() => rnd() - 0.5);
    for (const p of due) {
      pending.splice(pending.indexOf(p), 1);
      await onDefinitionChanged(deps, p.id, { deliver: rnd() < 0.7 });
      clock.advance(1000);
      if (rnd() < 0.3) await between();
    }
  };
  for (const [step, op] of h.ops.entries()) {
    const id = ids(op.id);
    if (everDeleted.has(id)) continue;
    const exists = defs.defs.has(id);
    if (op.kind === 'delete') {
      if (!exists) continue;
      defs.delete(id);
      everDeleted.add(id);
    } else {
      defs.put(definition({
        _id: id, eventId: EV1, name: op.name, hidden: op.hidden, limited: op.limit !== null, initialLimit: op.limit, actualLimit: op.limit,
        pricingMethod: { fixedPrice: { value: `${Math.floor(op.cents / 100)}.${String(op.cents % 100).padStart(2, '0')}`, currency: 'EUR' } },
      }));
    }
    for (const d of op.delays) pending.push({ due: step + d, id });
    await deliverDue(step);
  }
  await deliverDue(Number.MAX_SAFE_INTEGER);
}

/** Drains until the outbox holds nothing pending, jumping the clock to each next attempt. */
async function drainAll(deps: SyncDeps, cms: MemoryCollections, clock: ManualClock) {
  for (let i = 0; i < 200; i++) {
    const pending = cms.all<any>(COLLECTIONS.SyncOutbox.id).filter((o) => o.state === 'pending');
    if (!pending.length) return;
    clock.t = Math.max(clock.t, Math.min(...pending.map((o) => Date.parse(o.nextAttemptAt))));
    await drainOutbox(deps);
  }
  throw new Error('outbox did not drain');
}

describe('reliability over in-memory ports', () => {
  it(`external state equals Wix after ${RUNS} random histories with duplicates, shuffling and faults`, async () => {
    await fc.assert(fc.asyncProperty(historyArb, async (h) => {
      const cms = new MemoryCollections();
      seedConfig(cms);
      const clock = new ManualClock('2025-03-01T09:00:00Z');
      const defs = new MemoryDefinitions(clock);
      const ext = new FakeExternal();
      const faults = [...h.faults];
      ext.failAll = () => {
        const f = faults.shift();
        if (f === '500') return new ExternalCallError('boom', { kind: 'http', status: 500 });
        if (f === '429') return new ExternalCallError('slow', { kind: 'http', status: 429, retryAfterMs: 30_000 });
        if (f === 'lost') ext.faults.push('applyThenTimeout');
        return null;
      };
      const deps: SyncDeps = { definitions: defs, collections: cms, clock, connectors: factoryOf({ t1: ext }), random: lcg(h.seed ^ 7) };
      await play(h, defs, deps, clock, (id) => id, () => drainOutbox(deps).then(() => undefined));
      await drainAll(deps, cms, clock);

      for (const [, n] of ext.applyCount) expect(n).toBe(1);
      const live = ext.records;
      for (const def of defs.defs.values()) {
        const recs = [...live.values()].filter((r) => r.definitionId === def._id);
        expect(recs, `one external item for ${def._id}`).toHaveLength(1);
        // The target holds the definition's latest state: checked field by field against the definition
        // itself (the signedRest preset's names), not against the mapping engine that produced it.
        expect(recs[0]!.payload).toMatchObject({ wixDefinitionId: def._id, eventId: 'ext-ev1', name: def.name, hidden: def.hidden, revision: def.revision });
        expect(recs[0]!.deleted).toBe(false);
      }
      for (const r of live.values()) if (!defs.defs.has(r.definitionId)) expect(r.deleted).toBe(true);
      expect(cms.all<any>(COLLECTIONS.SyncOutbox.id).filter((o) => o.state === 'dead')).toEqual([]);
    }), { numRuns: RUNS });
  });
});

describe('reliability over HTTP against the local Pretix (500, lost answers, 429 window)', () => {
  const server = new PretixServer({ token: 'tok' });
  let baseUrl = '';
  beforeAll(async () => { baseUrl = await server.start(); });
  afterAll(() => server.close());

  it(`every definition delivered exactly once over ${RUNS} histories`, async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(historyArb, async (h) => {
      const slug = `e${++run}`;
      server.addEvent(slug);
      const cms = new MemoryCollections();
      seedConfig(cms, { kind: 'pretix', events: [[EV1, slug]] });
      const clock = new ManualClock('2025-03-01T09:00:00Z');
      const defs = new MemoryDefinitions(clock);
      const conn = pretixConnector({ baseUrl, organizer: 'demo', token: 'tok', timeoutMs: 150 });
      const faults = [...h.faults];
      let window429 = 0;
      server.faultWindow = () => {
        if (window429 > 0) { window429--; return '429'; }
        const f = faults.shift();
        if (f === '500') return '500';
        if (f === 'lost') return 'applyThenHang';
        if (f === '429') { window429 = 2; return '429'; }
        return null;
      };
      const deps: SyncDeps = { definitions: defs, collections: cms, clock, connectors: factoryOf({ t1: conn }), random: lcg(h.seed) };
      const ids = (id: string) => `${slug}-${id}`;
      await play(h, defs, deps, clock, ids, () => drainOutbox(deps).then(() => undefined));
      await drainAll(deps, cms, clock);
      server.faultWindow = null;

      const items = [...server.events.get(slug)!.items.values()];
      for (const def of defs.defs.values()) {
        expect(server.stats.createdByInternalName.get(`wix:${def._id}`), `created once: ${def._id}`).toBe(1);
        const item = items.find((i) => i.internal_name === `wix:${def._id}`)!;
        expect(item).toMatchObject({ name: { en: def.name }, active: !def.hidden, default_price: normalizeDecimal(def.pricingMethod.fixedPrice!.value, 'EUR') });
        expect(server.quotaOf(item.id)!.size).toBe(def.limited ? def.actualLimit : null);
      }
      for (const i of items) expect(defs.defs.has(String(i.internal_name).slice(4)), `deleted in Wix: ${i.internal_name}`).toBe(true);
      for (const n of server.stats.createdByInternalName.values()) expect(n).toBe(1);
    }), { numRuns: RUNS });
  }, 300_000);
});
