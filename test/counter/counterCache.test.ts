// The counter's cache window (core/counter/cacheWindow.ts), the slow-slot memory (readBudget.ts), and
// the flows that use them: shared page reads, a re-read across a window's end, slow-slot claims without
// a lookup in a warm container, and the refresh asking the cache port to clear its changes.
import { describe, expect, it } from 'vitest';
import { cacheWindowOf, invalidationAt, readServes, refreshWrite, CACHE_WINDOW_MS } from '../../backend/core/counter/cacheWindow.js';
import { claimsWhileLookingUp, stillSlow, SLOW_MODE_MEMORY_MS } from '../../backend/core/counter/readBudget.js';
import { countersForPage, counterMemory, handleOrderEvent, refreshCounters, type CounterDeps } from '../../backend/flows/counter.js';
import type { CounterSnapshot } from '../../backend/core/counter/counterSnapshot.js';
import { ManualClock } from '../support/clocks.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { definition, MemoryDefinitions } from '../support/ticketDefinitions.js';
import { guid } from '../support/guids.js';

const W = CACHE_WINDOW_MS;

describe('cache window rules', () => {
  it.each([
    // [instant, its window, when a change made then is cleared]
    [0, 0, W],
    [1, 0, W],
    [W - 1, 0, W],
    [W, 1, 2 * W],
    [10 * W + 5, 10, 11 * W],
  ])('a change at %i ms is in window %i and cleared at %i ms', (t, win, at) => {
    expect(cacheWindowOf(t)).toBe(win);
    expect(invalidationAt(t)).toBe(at);
    expect(invalidationAt(t)).toBeGreaterThan(t);
  });

  it.each([
    // [read started, request at, may share]
    [100, 100, true],
    [100, W - 1, true],
    [W - 1, W, false], // an invalidation falls between them
    [W + 1, W, false], // started after the request arrived
    [0, 3 * W, false],
  ])('a read started at %i ms serves a request at %i ms: %s', (startedAt, at, ok) => {
    expect(readServes(startedAt, at)).toBe(ok);
  });

  it.each([
    [{ readAt: '2026-12-01T10:00:01.000Z' }, { readAt: '2026-12-01T10:00:00.000Z' }, true],
    [{ readAt: '2026-12-01T10:00:00.000Z' }, { readAt: '2026-12-01T10:00:00.000Z' }, false], // an edit that kept the read time
    [{ readAt: '2026-12-01T09:59:00.000Z' }, { readAt: '2026-12-01T10:00:00.000Z' }, false],
    [{ readAt: '2026-12-01T10:00:01.000Z' }, null, false], // a new row
    [{ readAt: null }, { readAt: '2026-12-01T10:00:00.000Z' }, false],
  ])('the update %j over %j is a refresh\'s: %s', (item, current, expected) => {
    expect(refreshWrite(item, current)).toBe(expected);
  });

  it.each([
    [0, 1_000, false], // never found slow
    [1_000, 1_000, true],
    [1_000, 1_000 + SLOW_MODE_MEMORY_MS - 1, true],
    [1_000, 1_000 + SLOW_MODE_MEMORY_MS, false],
    [5_000, 4_000, false], // a clock that went back
  ])('found slow at %i, still assumed at %i: %s', (since, now, expected) => {
    expect(stillSlow(since, now)).toBe(expected);
  });

  it.each([
    [0, 0, 1_000, false], // a fresh container: it looks first
    [1_000, 0, 1_000, true], // just found the fast reads not used up
    [1_000, 0, 1_000 + SLOW_MODE_MEMORY_MS - 1, true],
    [1_000, 0, 1_000 + SLOW_MODE_MEMORY_MS, false], // that knowledge is too old
    [1_000, 1_000, 1_500, false], // found them used up
    [5_000, 0, 4_000, false], // a clock that went back
  ])('looked up at %i (found slow at %i), at %i claims the fast read while looking up: %s', (lookedUpAt, slowSince, now, expected) => {
    expect(claimsWhileLookingUp(lookedUpAt, slowSince, now)).toBe(expected);
  });
});

function setup(start = 10 * W + 100) {
  const clock = new ManualClock(start);
  const definitions = new MemoryDefinitions(clock);
  const collections = new MemoryCollections();
  const deps: CounterDeps = { definitions, collections, claims: collections, clock, slotMs: 100, slowSlotMs: 1500 };
  return { clock, definitions, collections, deps };
}
const onSale = (id: string) => definition({ _id: id, initialLimit: 10, actualLimit: 10, salesDetails: { unsoldCount: 10, soldCount: 0, reservedCount: 0, soldOut: false } });

describe('page views (countersForPage)', () => {
  it('in a warm container, views of one page in one window share one read; in the next window they read again', async () => {
    const { clock, definitions, collections, deps } = setup();
    const a = guid('page-a'), b = guid('page-b');
    definitions.put(onSale(a)); definitions.put(onSale(b));
    await countersForPage(deps, [a, b]); // creates the snapshots
    const warm: CounterDeps = { ...deps, memory: counterMemory() };
    const r0 = collections.reads;
    const views = await Promise.all([countersForPage(warm, [a, b]), countersForPage(warm, [b, a]), countersForPage(warm, [a, b, a])]);
    expect(collections.reads - r0).toBe(1);
    for (const v of views) expect(v.map((s) => s.definitionId)).toEqual([a, b].sort());
    clock.advance(W);
    await countersForPage(warm, [a, b]);
    expect(collections.reads - r0).toBe(2);
    // A cold container (no memory) reads for every view.
    await Promise.all([countersForPage(deps, [a, b]), countersForPage(deps, [a, b])]);
    expect(collections.reads - r0).toBe(4);
  });

  it('a finished read is not shared: a view after it reads again (the cache may have been cleared since)', async () => {
    const { definitions, collections, deps } = setup();
    const a = guid('page-done');
    definitions.put(onSale(a));
    await countersForPage(deps, [a]);
    const warm: CounterDeps = { ...deps, memory: counterMemory() };
    const r0 = collections.reads;
    await countersForPage(warm, [a]);
    // In the same window, after a refresh (say, the read after a pause, which clears the cache at once).
    definitions.sell(a, 1);
    await refreshCounters(deps, a);
    const r1 = collections.reads;
    expect((await countersForPage(warm, [a]))[0]!.unsold).toBe(9);
    expect(r1 - r0).toBeGreaterThanOrEqual(1);
    expect(collections.reads - r1).toBe(1);
    expect(warm.memory!.answers.size).toBe(0); // nothing kept once answered
  });

  it('an answer whose read started before the window it is returned in is read once more', async () => {
    const { clock, definitions, collections, deps } = setup(11 * W - 5);
    const a = guid('straddle');
    definitions.put(onSale(a));
    await countersForPage(deps, [a]);
    clock.set(11 * W - 5);
    const query = collections.query.bind(collections);
    let n = 0;
    collections.query = (async (...args: Parameters<typeof query>) => { const r = await query(...args); if (n++ === 0) clock.advance(10); return r; }) as typeof query;
    const r0 = collections.reads;
    await countersForPage(deps, [a]);
    expect(collections.reads - r0).toBe(2); // the first read crossed 11·W; the second did not
  });
});

describe('order events in a warm container past the fast-read budget', () => {
  it('claim the slow slot without looking the schedule up: no read, and a lost claim means covered', async () => {
    const { clock, definitions, collections, deps } = setup();
    deps.readBudget = { reads: 0, windowMs: 60_000 }; // always past the budget
    deps.settleStepMs = 1500; // no checkpoints, the slow slot is all tail (checkpoints: counterSettle.test.ts)
    const a = guid('slow');
    definitions.put(onSale(a));
    await countersForPage(deps, [a]);
    const warm: CounterDeps = { ...deps, memory: counterMemory() };
    const order = (n: number) => ({ orderNumber: `o${n}`, status: 'PAID', tickets: [{ ticketDefinitionId: a }] });
    definitions.sell(a, 1);
    const r0 = collections.reads;
    expect(await handleOrderEvent(warm, 'confirmed', order(1))).toMatchObject({ outcome: 'refreshed' });
    expect(collections.reads - r0).toBe(2); // the schedule lookup (found slow) + the live counters
    definitions.sell(a, 1);
    const r1 = collections.reads, w1 = collections.writes;
    expect(await handleOrderEvent(warm, 'confirmed', order(2))).toMatchObject({ outcome: 'refreshed' });
    expect(collections.reads - r1).toBe(1); // only the live counters: no lookup
    expect(collections.writes - w1).toBe(2); // the slow slot's claim + the snapshot
    // Another container already claimed the slow slot of now: this order's claim is lost, so it is covered.
    const other: CounterDeps = { ...deps, memory: counterMemory() };
    other.memory!.slowSince = clock.now().getTime();
    const slowEnd = Math.ceil((clock.now().getTime() + 1) / 1500) * 1500;
    await collections.insert('CounterClaims', { _id: `read:${String(slowEnd).padStart(15, '0')}`, kind: 'read', at: new Date(slowEnd).toISOString() });
    const r2 = collections.reads;
    expect(await handleOrderEvent(other, 'confirmed', order(3))).toMatchObject({ outcome: 'covered', readAt: new Date(slowEnd).toISOString() });
    expect(collections.reads - r2).toBe(0);
    expect((await countersForPage(deps, [a]))[0]!.unsold).toBe(8);
  });
});

describe('order events in a warm container under the fast-read budget', () => {
  it('once a lookup found the fast reads not used up, the next slot\'s read is claimed alongside the lookup, not after it', async () => {
    const { definitions, collections, deps } = setup();
    deps.slotMs = 100;
    const a = guid('fast-claim');
    definitions.put(onSale(a));
    await countersForPage(deps, [a]);
    const log: string[] = [];
    const query = collections.query.bind(collections);
    collections.query = (async (c: string, q: any) => {
      if (c !== 'CounterClaims') return query(c, q);
      log.push('lookup sent');
      const r = await query(c, q);
      log.push('lookup answered');
      return r;
    }) as typeof collections.query;
    const claim = collections.claim.bind(collections);
    const warm: CounterDeps = { ...deps, claims: { claim: async (c, items) => { log.push('claim sent'); return claim(c, items); } }, memory: counterMemory() };
    const order = (n: number) => ({ orderNumber: `o${n}`, status: 'PAID', tickets: [{ ticketDefinitionId: a }] });
    // A fresh container looks first, then claims.
    definitions.sell(a, 1);
    expect(await handleOrderEvent(warm, 'confirmed', order(1))).toMatchObject({ outcome: 'refreshed' });
    expect(log).toEqual(['lookup sent', 'lookup answered', 'claim sent']);
    // Its next order (a later slot): the claim goes out before the lookup has answered.
    log.length = 0;
    definitions.sell(a, 1);
    expect(await handleOrderEvent(warm, 'confirmed', order(2))).toMatchObject({ outcome: 'refreshed' });
    expect(log.indexOf('claim sent')).toBeLessThan(log.indexOf('lookup answered'));
    expect((await countersForPage(deps, [a]))[0]!.unsold).toBe(8);
  });

  it('a claim made alongside the lookup that is lost is covered by the read claimed for that time; one that finds the budget used up still reads, then goes by the slow marks', async () => {
    const { clock, definitions, collections, deps } = setup();
    deps.slotMs = 100;
    deps.settleStepMs = 1500; // no checkpoints: the slow slot is all tail
    const a = guid('fast-claim-lost');
    definitions.put(onSale(a));
    await countersForPage(deps, [a]);
    const memory = counterMemory();
    memory.lookedUpAt = clock.now().getTime(); // a lookup a moment ago found the fast reads not used up
    const warm: CounterDeps = { ...deps, memory };
    const order = (n: number) => ({ orderNumber: `o${n}`, status: 'PAID', tickets: [{ ticketDefinitionId: a }] });
    // Another container claimed this slot's read already: lost, so covered by it, with no read here.
    const slotEnd = Math.ceil((clock.now().getTime() + 1) / 100) * 100;
    await collections.insert('CounterClaims', { _id: `read:${String(slotEnd).padStart(15, '0')}`, kind: 'read', at: new Date(slotEnd).toISOString() });
    const calls = definitions.calls;
    expect(await handleOrderEvent(warm, 'confirmed', order(1))).toMatchObject({ outcome: 'covered', readAt: new Date(slotEnd).toISOString() });
    expect(definitions.calls).toBe(calls);
    // The budget is used up meanwhile (the lookup says so): the claim won is read all the same, and the
    // container's next order goes by the slow marks.
    deps.readBudget = { reads: 0, windowMs: 60_000 };
    warm.readBudget = deps.readBudget;
    clock.advance(200);
    definitions.sell(a, 1);
    const fastEnd = Math.ceil((clock.now().getTime() + 1) / 100) * 100;
    expect(await handleOrderEvent(warm, 'confirmed', order(2))).toMatchObject({ outcome: 'refreshed', readAt: new Date(fastEnd).toISOString() });
    expect(definitions.calls).toBe(calls + 1);
    expect(memory.slowSince).toBeGreaterThan(0);
    clock.advance(200);
    definitions.sell(a, 1);
    const r = await handleOrderEvent(warm, 'confirmed', order(3));
    expect(r).toMatchObject({ outcome: 'refreshed' });
    expect(Date.parse((r as { readAt: string }).readAt) % 1500).toBe(0); // a slow slot's end
    expect((await countersForPage(deps, [a]))[0]!.unsold).toBe(8);
  });
});

describe('refresh and the cache port', () => {
  it('a refresh that changes counters asks the port to clear them (with what it wrote); one that changes nothing does not', async () => {
    const { definitions, deps } = setup();
    const a = guid('port');
    definitions.put(onSale(a));
    const cleared: CounterSnapshot[][] = [];
    const atOnce: boolean[] = [];
    deps.cache = { clearSoon: async (s, o) => { cleared.push([...s]); atOnce.push(!!o?.atOnce); } };
    await refreshCounters(deps, a); // first read: the snapshot is new
    expect(cleared.map((c) => c.map((s) => [s.definitionId, s.unsold]))).toEqual([[[a, 10]]]);
    // A definition's own event clears at once: its handler does not wait for the cache window.
    expect(atOnce).toEqual([true]);
    await refreshCounters(deps, a); // same counts: nothing written
    expect(cleared).toHaveLength(1);
    definitions.sell(a, 3);
    await refreshCounters(deps, a);
    expect(cleared.map((c) => c.map((s) => s.unsold))).toEqual([[10], [7]]);
  });
});
