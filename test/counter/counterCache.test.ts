// The counter's cache window (core/counter/cacheWindow.ts), the slow-slot memory (readBudget.ts), and
// the flows that use them: shared page reads, a re-read across a window's end, slow-slot claims without
// a lookup in a warm container, and the refresh asking the cache port to clear its changes.
import { describe, expect, it } from 'vitest';
import { cacheWindowOf, invalidationAt, readServes, refreshWrite, CACHE_WINDOW_MS } from '../../backend/core/counter/cacheWindow.js';
import { stillSlow, SLOW_MODE_MEMORY_MS } from '../../backend/core/counter/readBudget.js';
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
    [{ readAt: '2026-12-01T09:59:59.980Z' }, { readAt: '2026-12-01T10:00:00.000Z' }, true], // a read that was in flight with the stored one and stored after it
    [{ readAt: 'not a date' }, { readAt: '2026-12-01T10:00:00.000Z' }, false],
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

describe('order events in a warm container under the fast-read budget', () => {
  it('orders of a later slot that waited for an earlier lookup share one new lookup and one claim, not one each', async () => {
    const { clock, definitions, collections, deps } = setup();
    const a = guid('shared-lookup');
    definitions.put(onSale(a));
    await countersForPage(deps, [a]);
    const warm: CounterDeps = { ...deps, memory: counterMemory() };
    const order = (n: number) => ({ orderNumber: `o${n}`, status: 'PAID', tickets: [{ ticketDefinitionId: a }] });
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let lookups = 0;
    const query = collections.query.bind(collections);
    collections.query = (async (c: string, q: any) => {
      if (c === 'CounterClaims' && lookups++ === 0) await held; // the first lookup is slow
      return query(c, q);
    }) as typeof collections.query;
    const w0 = collections.writes;
    clock.set(Math.floor(clock.t / 100) * 100 + 10);
    definitions.sell(a, 1);
    const first = handleOrderEvent(warm, 'confirmed', order(1));
    await new Promise((r) => setImmediate(r));
    clock.advance(150); // the next slot: the first order's read does not cover these
    definitions.sell(a, 3);
    const later = [2, 3, 4].map((n) => handleOrderEvent(warm, 'confirmed', order(n)));
    await new Promise((r) => setImmediate(r));
    release();
    const results = await Promise.all([first, ...later]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['covered', 'covered', 'refreshed', 'refreshed']);
    expect(lookups).toBe(2);
    expect(collections.writes - w0).toBe(2 + 2); // two claims and two snapshot saves
    expect((await countersForPage(deps, [a]))[0]!.unsold).toBe(6);
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
