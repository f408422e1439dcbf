import { describe, expect, it } from 'vitest';
import { acceptOrderDelivery, handleOrderEvent, countersFor, countersForMany, counterMemory, refreshCounters, repairCounters, MISSING_BUDGET, MISSING_TTL_MS, type CounterDeps } from '../../backend/flows/counter.js';
import { InvalidOrderEventError } from '../../backend/core/counter/orderChange.js';
import { counterSnapshots } from '../../backend/core/counter/counterSnapshot.js';
import { CANCEL_SETTLE_MS } from '../../backend/core/counter/readBudget.js';
import { realClock } from '../support/clocks.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { definition, MemoryDefinitions } from '../support/ticketDefinitions.js';

function setup(slotMs = 40) {
  const definitions = new MemoryDefinitions();
  const collections = new MemoryCollections();
  const deps: CounterDeps = { definitions, collections, claims: collections, clock: realClock, slotMs };
  return { definitions, collections, deps };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until just after the next slot of `slotMs` starts, so that what follows shares that slot. */
const justAfterSlotStart = (slotMs: number) => sleep(slotMs - (Date.now() % slotMs) + 5);
const counters = (c: MemoryCollections) => [...(c.data.get('TicketCounters')?.values() ?? [])] as any[];

describe('counter flow', () => {
  it('a confirmed order refreshes the definition and stores its snapshot', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    definitions.sell('d1', 2);
    const r = await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }, { ticketDefinitionId: 'd1' }] });
    expect(r).toMatchObject({ outcome: 'refreshed', refreshed: ['d1'] });
    expect(counters(collections).map((s) => [s._id, s.unsold, s.price])).toEqual([['d1:fixed', 3, '25.00']]);
  });

  it('a redelivered order event writes nothing and reads at most the schedule; within the same read it costs nothing more', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    const e = { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] };
    const writes = () => collections.writes;
    const [first, again] = await Promise.all([handleOrderEvent(deps, 'confirmed', e), handleOrderEvent(deps, 'confirmed', e)]);
    expect([first.outcome, again.outcome].sort()).toEqual(['covered', 'refreshed']);
    expect(definitions.calls).toBe(1);
    // Redelivered later (Wix retries for 48 h): a new read, the count unchanged.
    const before = writes();
    expect(await handleOrderEvent(deps, 'confirmed', e)).toMatchObject({ outcome: 'refreshed' });
    expect(counters(collections).map((s) => s.unsold)).toEqual([5]);
    // The claim of the new read only: the snapshot did not change, so it is not rewritten.
    expect(writes() - before).toBe(1);
  });

  it('no Wix Data write per order: orders a claimed read already covers only look the schedule up; a warm container skips even that', async () => {
    const { definitions, collections, deps } = setup(200);
    definitions.put(definition({ _id: 'd1', initialLimit: 50, actualLimit: 50, salesDetails: { unsoldCount: 50, soldCount: 0, reservedCount: 0, soldOut: false } }));
    await countersFor(deps, 'd1');
    await justAfterSlotStart(200); // just after a slot starts, so the orders below share it
    const w0 = collections.writes, q0 = collections.reads;
    definitions.sell('d1', 1);
    const first = handleOrderEvent(deps, 'confirmed', { orderNumber: 'o0', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] });
    while (!collections.coll('CounterClaims').size) await new Promise((r) => setImmediate(r));
    // Cold: each later order of the same slot costs one query and no write.
    const cold: Promise<unknown>[] = [];
    for (let i = 1; i <= 5; i++) { definitions.sell('d1', 1); cold.push(handleOrderEvent(deps, 'confirmed', { orderNumber: `o${i}`, status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })); }
    const results = await Promise.all([first, ...cold]);
    expect(results.map((r: any) => r.outcome)).toEqual(['refreshed', 'covered', 'covered', 'covered', 'covered', 'covered']);
    expect(collections.writes - w0).toBe(2); // the read's claim + the snapshot's save
    expect(collections.reads - q0).toBe(2 + 5); // the winner: schedule + live counters; each other: the schedule
    expect(definitions.calls).toBe(2); // countersFor's read + the slot's
    expect(counters(collections)[0].unsold).toBe(44);
    // Warm: the container knows the next read is claimed, so covered orders cost no Wix Data request at all.
    const warm: CounterDeps = { ...deps, memory: counterMemory() };
    await justAfterSlotStart(200);
    const q1 = collections.reads, w1 = collections.writes;
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) { definitions.sell('d1', 1); all.push(handleOrderEvent(warm, 'confirmed', { orderNumber: `w${i}`, status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })); }
    expect((await Promise.all(all)).map((r: any) => r.outcome)).toEqual(['refreshed', 'covered', 'covered', 'covered', 'covered', 'covered']);
    // The first order's schedule lookup and live-counter query; the five others shared its lookup.
    expect(collections.reads - q1).toBe(2);
    expect(collections.writes - w1).toBe(2);
    expect(counters(collections)[0].unsold).toBe(38);
  });


  it("a fast read's winner looks the live counters up while its claim is on the way, not after it; a lost claim costs that one read", async () => {
    const { definitions, collections, deps } = setup(200);
    definitions.put(definition({ _id: 'd1' }));
    await countersFor(deps, 'd1');
    const log: string[] = [];
    const query = collections.query.bind(collections);
    collections.query = (async (c: string, q: any) => { log.push(`query ${c}`); return query(c, q); }) as typeof collections.query;
    let lose = false;
    const timed: CounterDeps = {
      ...deps,
      claims: {
        claim: async (c, items) => {
          log.push('claim sent');
          await sleep(30); // a Wix Data round trip
          const won = lose ? new Set<string>() : await collections.claim(c, items);
          log.push('claim answered');
          return won;
        },
      },
    };
    await justAfterSlotStart(200);
    definitions.sell('d1', 1);
    expect(await handleOrderEvent(timed, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })).toMatchObject({ outcome: 'refreshed' });
    expect([...log].sort()).toEqual(['claim answered', 'claim sent', 'query CounterClaims', 'query TicketCounters']);
    expect(log.indexOf('query TicketCounters')).toBeLessThan(log.indexOf('claim answered'));
    expect(counters(collections)[0].unsold).toBe(4);
    // Lost (another container claimed the same read): covered by that read, after one lookup of each.
    log.length = 0;
    lose = true;
    await justAfterSlotStart(200);
    const calls = definitions.calls;
    expect(await handleOrderEvent(timed, 'confirmed', { orderNumber: 'o2', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })).toMatchObject({ outcome: 'covered' });
    expect([...log].sort()).toEqual(['claim answered', 'claim sent', 'query CounterClaims', 'query TicketCounters']);
    expect(log.indexOf('query TicketCounters')).toBeLessThan(log.indexOf('claim answered'));
    expect(definitions.calls).toBe(calls);
  });
  it("with a realtime port, a scheduled read pushes each change while its save is on the way and marks the row, so the hooks leave it", async () => {
    const { definitions, collections, deps } = setup(200);
    definitions.put(definition({ _id: 'd1' }));
    await countersFor(deps, 'd1');
    const log: string[] = [];
    const bulkSave = collections.bulkSave.bind(collections);
    collections.bulkSave = (async (c: string, items: any[]) => { log.push('save sent'); await sleep(30); await bulkSave(c, items); log.push('save answered'); }) as typeof collections.bulkSave;
    const pushed: { channel: unknown; message: any }[] = [];
    const live: CounterDeps = { ...deps, realtime: { publish: async (channel, message) => { log.push('pushed'); pushed.push({ channel, message }); } } };
    const firstRead = counters(collections)[0].readAt;
    await justAfterSlotStart(200);
    definitions.sell('d1', 2);
    expect(await handleOrderEvent(live, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })).toMatchObject({ outcome: 'refreshed' });
    expect(log).toEqual(['save sent', 'pushed', 'save answered']);
    expect(pushed).toEqual([{ channel: { name: 'ticket-counters', resourceId: 'd1' }, message: { type: 'counter', snapshot: expect.objectContaining({ _id: 'd1:fixed', unsold: 3 }) } }]);
    expect(counters(collections)[0]).toMatchObject({ unsold: 3, pushedOver: firstRead });
    // A definition's own event (not a slot's read) leaves its push to the hooks: no mark.
    definitions.sell('d1', 1);
    await refreshCounters(live, 'd1');
    expect(pushed).toHaveLength(1);
    expect(counters(collections)[0]).toMatchObject({ unsold: 2 });
    expect(counters(collections)[0].pushedOver).toBeUndefined();
  });

  it('a read answered late still pushes itself, and its rows carry when it was sent and when its answer came back', async () => {
    const { definitions, collections, deps } = setup(200);
    definitions.put(definition({ _id: 'd1' }));
    await countersFor(deps, 'd1');
    const pushed: any[] = [];
    const getMany = definitions.getMany.bind(definitions);
    const slow: CounterDeps = {
      ...deps,
      definitions: Object.assign(Object.create(definitions), { getMany: async (ids: string[], o: any) => { await sleep(250); return getMany(ids, o); } }),
      realtime: { publish: async (_c, message) => { pushed.push(message); } },
    };
    await justAfterSlotStart(200);
    definitions.sell('d1', 1);
    expect(await handleOrderEvent(slow, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })).toMatchObject({ outcome: 'refreshed' });
    const [row] = counters(collections);
    expect(row).toMatchObject({ unsold: 4 });
    expect(Date.parse(row.answeredAt) - Date.parse(row.readAt)).toBeGreaterThanOrEqual(245);
    expect(pushed).toEqual([{ type: 'counter', snapshot: expect.objectContaining({ unsold: 4, readAt: row.readAt, answeredAt: row.answeredAt }) }]);
  });

  it('a push that fails is tried once more after the save; failing again, the refresh fails (Wix resends the event)', async () => {
    const { definitions, collections, deps } = setup(200);
    definitions.put(definition({ _id: 'd1' }));
    await countersFor(deps, 'd1');
    let failures = 1;
    const attempts: number[] = [];
    const flaky: CounterDeps = { ...deps, realtime: { publish: async (_c, message: any) => { attempts.push(message.snapshot.unsold); if (failures-- > 0) throw new Error('realtime unavailable'); } } };
    const order = (n: number) => ({ orderNumber: `o${n}`, status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] });
    await justAfterSlotStart(200);
    definitions.sell('d1', 1);
    await handleOrderEvent(flaky, 'confirmed', order(1));
    expect(attempts).toEqual([4, 4]);
    expect(counters(collections)[0].unsold).toBe(4);
    await justAfterSlotStart(200);
    definitions.sell('d1', 1);
    failures = 2;
    await expect(handleOrderEvent(flaky, 'confirmed', order(2))).rejects.toThrow('realtime unavailable');
    // The save went through: the count is stored.
    expect(counters(collections)[0].unsold).toBe(3);
  });

  it('a delivery of a malformed event is logged and acknowledged; a failing read is thrown, so that Wix sends it again', async () => {
    const { definitions, deps } = setup();
    const warned: unknown[][] = [];
    const logged: CounterDeps = { ...deps, logger: { info: () => {}, warn: (...a: unknown[]) => { warned.push(a); }, error: () => {} } };
    const r = await acceptOrderDelivery(logged, 'confirmed', { tickets: 'x' });
    expect(r).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('Order event is not usable') });
    expect(warned.map((w) => w[0])).toEqual(['Order event ignored']);
    definitions.put(definition({ _id: 'd1' }));
    definitions.getMany = async () => { throw new Error('429 Too Many Requests'); };
    await expect(acceptOrderDelivery(logged, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] })).rejects.toThrow('429');
  });

  it('rejects a malformed event with a clear error', async () => {
    const { deps } = setup();
    await expect(handleOrderEvent(deps, 'confirmed', { tickets: 'x' })).rejects.toThrow(InvalidOrderEventError);
  });

  it('a burst over several definitions is coalesced to one read per site-wide slot and ends exact, duplicates included', async () => {
    const { definitions, collections, deps } = setup(50);
    for (const id of ['a', 'b']) definitions.put(definition({ _id: id, initialLimit: 500, actualLimit: 500, salesDetails: { unsoldCount: 500, soldCount: 0, reservedCount: 0, soldOut: false } }));
    // Both have a widget on the page (getCounter created their counters): every slot's read takes them
    // in. Without it, a definition gets its counter only when one of its orders wins a slot.
    for (const id of ['a', 'b']) await countersFor(deps, id);
    const firstReads = definitions.calls;
    const handlers: Promise<unknown>[] = [];
    const start = Date.now();
    for (let i = 0; i < 200; i++) {
      const id = i % 2 ? 'a' : 'b';
      definitions.sell(id, 1);
      const e = { orderNumber: `o${i}`, status: 'PAID', tickets: [{ ticketDefinitionId: id }] };
      handlers.push(handleOrderEvent(deps, 'confirmed', e));
      if (i % 10 === 0) handlers.push(handleOrderEvent(deps, 'confirmed', e)); // redelivery
      await sleep(1);
    }
    await Promise.all(handlers);
    const slots = Math.ceil((Date.now() - start) / 50) + 1;
    // One query per slot reads both definitions (per-definition slots would need two).
    expect(definitions.calls - firstReads).toBeLessThanOrEqual(slots);
    expect(definitions.calls - firstReads).toBeLessThan(200 / 4);
    expect(counters(collections).map((s) => [s._id, s.unsold, s.sold]).sort()).toEqual([['a:fixed', 400, 100], ['b:fixed', 400, 100]]);
  });

  it('once the read budget is used up, refreshes move to the slow slot: one read per slow slot, counts still exact', async () => {
    const { definitions, collections, deps } = setup(20);
    deps.slowSlotMs = 300;
    deps.readBudget = { reads: 2, windowMs: 60_000 };
    definitions.put(definition({ _id: 'a', initialLimit: 500, actualLimit: 500, salesDetails: { unsoldCount: 500, soldCount: 0, reservedCount: 0, soldOut: false } }));
    const handlers: Promise<unknown>[] = [];
    const start = Date.now();
    for (let i = 0; i < 120; i++) {
      definitions.sell('a', 1);
      handlers.push(handleOrderEvent(deps, 'confirmed', { orderNumber: `o${i}`, status: 'PAID', tickets: [{ ticketDefinitionId: 'a' }] }));
      await sleep(5);
    }
    await Promise.all(handlers);
    const elapsed = Date.now() - start;
    const slowSlots = Math.ceil(elapsed / 300) + 1;
    // Within budget a 20 ms slot would read ~elapsed / 20 times (30 or more).
    expect(elapsed / 20).toBeGreaterThan(25);
    expect(definitions.calls).toBeLessThanOrEqual(2 + slowSlots);
    const marks = [...collections.data.get('CounterClaims')!.values()].filter((r: any) => r.kind === 'read');
    expect(marks).toHaveLength(definitions.calls);
    // The reads after the first two happened at slow slot ends.
    expect(marks.sort((a: any, b: any) => a._id.localeCompare(b._id)).slice(2).every((m: any) => Date.parse(m.at) % 300 === 0)).toBe(true);
    expect(counters(collections).map((s) => s.unsold)).toEqual([380]);
  });

  it('over budget, a later order shares the slow slot\'s read (one mark, one read); a definition with no counter gets one when a page asks', async () => {
    const { definitions, collections, deps } = setup(20);
    deps.slowSlotMs = 200;
    deps.readBudget = { reads: 0, windowMs: 60_000 }; // always over budget
    for (const id of ['a', 'b']) definitions.put(definition({ _id: id }));
    let now = 1_010;
    deps.clock = { now: () => new Date(now), sleep: async (ms) => { now += ms; } };
    await countersFor(deps, 'a'); // 'a' has a live counter, 'b' none
    const asked: string[][] = [];
    const getMany = definitions.getMany.bind(definitions);
    definitions.getMany = async (ids, opts) => { asked.push([...ids]); return getMany(ids, opts); };
    // The first order claims the slow slot's read (1,000–1,200) but has not read yet when the second comes.
    deps.clock.sleep = async () => { now = 1_050; definitions.sell('b', 2); await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o2', status: 'PAID', tickets: [{ ticketDefinitionId: 'b' }] }); now = 1_215; };
    definitions.sell('a', 1);
    expect(await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'a' }] })).toMatchObject({ outcome: 'refreshed' });
    expect(asked).toEqual([['a']]);
    const marks = [...collections.data.get('CounterClaims')!.values()].filter((r: any) => r.kind === 'read');
    expect(marks.map((m: any) => m.at)).toEqual([new Date(1_200).toISOString()]);
    expect(counters(collections).map((s) => [s.definitionId, s.unsold]).sort()).toEqual([['a', 4]]);
    expect((await countersFor(deps, 'b')).map((s) => s.unsold)).toEqual([3]);
  });

  it('an older read finishing late never overwrites a newer snapshot', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    definitions.latencyMs = 60;
    const slow = refreshCounters(deps, 'd1'); // reads unsold=5, finishes late
    await sleep(5);
    definitions.latencyMs = 0;
    definitions.sell('d1', 1);
    await refreshCounters(deps, 'd1'); // reads unsold=4, finishes first
    await slow;
    expect(counters(collections)[0].unsold).toBe(4);
  });

  it('the slot winner refreshes every live counter, not only its own order\'s; ended counters are left alone', async () => {
    const { definitions, collections, deps } = setup();
    for (const id of ['mine', 'other', 'ended']) definitions.put(definition({ _id: id }));
    for (const id of ['other', 'ended']) await countersFor(deps, id);
    definitions.put(definition({ _id: 'ended', salePeriod: { startDate: '2020-01-01T10:00:00Z', endDate: '2020-01-02T10:00:00Z' } })); // its sale ended
    await refreshCounters(deps, 'ended');
    definitions.sell('other', 2);
    definitions.sell('ended', 1); // not possible on Wix; shows that an ended counter is not re-read
    const before = definitions.calls;
    const r = await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'mine' }] });
    expect(r.outcome === 'ignored' ? null : r.refreshed).toEqual(['mine', 'other']);
    expect(definitions.calls - before).toBe(1);
    const byId = Object.fromEntries(counters(collections).map((s) => [s._id, s.unsold]));
    expect(byId).toEqual({ 'mine:fixed': 5, 'other:fixed': 3, 'ended:fixed': 5 });
  });

  it('a live counter whose definition is gone is removed by the next slot refresh (confirmed with a get)', async () => {
    const { definitions, collections, deps } = setup();
    for (const id of ['a', 'gone']) definitions.put(definition({ _id: id }));
    await countersFor(deps, 'gone');
    definitions.delete('gone');
    await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'a' }] });
    expect(counters(collections).map((s) => s._id)).toEqual(['a:fixed']);
  });

  it('a confirmation without tickets reads nothing; an update without tickets refreshes the live counters', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    await countersFor(deps, 'd1');
    const before = definitions.calls;
    expect(await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [] })).toMatchObject({ outcome: 'ignored' });
    expect(definitions.calls).toBe(before);
    definitions.sell('d1', 3);
    await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o2', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] });
    expect(counters(collections)[0].unsold).toBe(2);
    definitions.sell('d1', -2); // a cancellation gave two tickets back; its update does not say which
    expect(await handleOrderEvent(deps, 'updated', { orderNumber: 'o2', status: 'CANCELED', tickets: [] })).toMatchObject({ outcome: 'refreshed', refreshed: ['d1'] });
    expect(counters(collections)[0].unsold).toBe(4);
  });

  it('a cancellation between two reads in flight together is put right by its read once more, CANCEL_SETTLE_MS later', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    definitions.sell('d1', 3);
    // Stored: a read taken before the cancellation, sent just now and answered only 200 ms from now, so
    // the cancellation's own read is in flight with it and, with more tickets left, counts as the older.
    const now = Date.now();
    const [taken] = counterSnapshots(await definitions.get('d1', { salesDetails: true }) as any, new Date(now - 5), new Date(now + 200));
    await collections.bulkSave('TicketCounters', [taken!]);
    definitions.sell('d1', -2); // the cancellation gives two back: 4 left
    const calls = definitions.calls;
    const r = await handleOrderEvent(deps, 'updated', { orderNumber: 'o1', status: 'CANCELED', tickets: [{ ticketDefinitionId: 'd1' }] });
    expect(r).toMatchObject({ outcome: 'refreshed', refreshed: ['d1'] });
    expect(definitions.calls - calls).toBe(2);
    expect(Date.parse((r as { readAt: string }).readAt) - now).toBeGreaterThanOrEqual(CANCEL_SETTLE_MS);
    expect(counters(collections)[0]).toMatchObject({ unsold: 4 });
  });

  it('a confirmation is read once: no read once more', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    definitions.sell('d1', 1);
    const calls = definitions.calls;
    await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] });
    expect(definitions.calls - calls).toBe(1);
    expect(counters(collections)[0]).toMatchObject({ unsold: 4 });
  });

  it('the slot winner reads at the slot\'s end even when its claim was slow (it does not wait a whole slot after the claim)', async () => {
    const { definitions, collections, deps } = setup(250);
    definitions.put(definition({ _id: 'd1' }));
    let now = 1_010; // 10 ms into the slot that ends at 1,250
    const slept: number[] = [];
    deps.clock = { now: () => new Date(now), sleep: async (ms) => { slept.push(ms); now += ms; } };
    deps.claims = { claim: async (c, items) => { now += 100; return collections.claim(c, items); } }; // a slow Wix Data call
    let lookups = 0;
    deps.collections = Object.assign(Object.create(collections), { query: (c: string, o: any) => { if (lookups++ === 0) now += 100; return collections.query(c, o); } });
    await handleOrderEvent(deps, 'confirmed', { orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }] });
    // A slow schedule lookup and a slow claim: the winner wakes at the slot's end all the same.
    expect(slept).toEqual([1_250 - 1_210 + 15]);
  });

  it('getCounter remembers an unknown ID for a while: one Wix read per TTL, not one per page view', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const { definitions, deps } = setup();
    deps.clock = { now: () => new Date(now), sleep: realClock.sleep };
    expect(await countersFor(deps, 'nope')).toEqual([]);
    expect(await countersFor(deps, 'nope')).toEqual([]);
    expect(definitions.calls).toBe(1);
    now += MISSING_TTL_MS;
    definitions.put(definition({ _id: 'nope' }));
    expect((await countersFor(deps, 'nope')).map((s) => s.unsold)).toEqual([5]);
    expect(definitions.calls).toBe(2);
  });

  it('getCounters reads every definition without counters in one call; made-up IDs cost one call per TTL, and a site-wide budget caps them', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const { definitions, deps } = setup();
    deps.clock = { now: () => new Date(now), sleep: realClock.sleep };
    definitions.put(definition({ _id: 'd1' }));
    await countersForMany(deps, ['d1']);
    const madeUp = Array.from({ length: 100 }, (_, i) => `x${i}`);
    const first = await countersForMany(deps, ['d1', ...madeUp]);
    expect(first.map((s) => s.definitionId)).toEqual(['d1']);
    // One getMany for the 50 unknown IDs the budget allows; the other 50 were not looked up at all.
    expect(definitions.calls).toBe(2);
    await countersForMany(deps, ['d1', ...madeUp]);
    expect(definitions.calls).toBe(2); // 50 remembered as missing, 50 over the budget: no call
    // The cost of the budget: while it is used up, a new definition without counters waits for the TTL too.
    definitions.put(definition({ _id: 'd2' }));
    expect(await countersForMany(deps, ['d2'])).toEqual([]);
    now += MISSING_TTL_MS;
    expect((await countersForMany(deps, ['d2', ...madeUp.slice(0, MISSING_BUDGET + 10)])).map((s) => s.definitionId)).toEqual(['d2']);
    expect(definitions.calls).toBe(3);
  });

  it('getCounter creates snapshots on first request, then answers from storage', async () => {
    const { definitions, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    expect((await countersFor(deps, 'd1')).map((s) => s.unsold)).toEqual([5]);
    const reads = definitions.calls;
    await countersFor(deps, 'd1');
    expect(definitions.calls).toBe(reads);
    expect(await countersFor(deps, 'missing')).toEqual([]);
  });

  it('a deleted definition loses its counters; the repair sweep refreshes on-sale ones and prunes old keys', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put(definition({ _id: 'd1' }));
    definitions.put(definition({ _id: 'd2' }));
    await countersFor(deps, 'd1');
    await countersFor(deps, 'd2');
    definitions.delete('d1');
    await refreshCounters(deps, 'd1');
    expect(counters(collections).map((s) => s._id)).toEqual(['d2:fixed']);
    await collections.insert('CounterClaims', { _id: 'order:old', kind: 'order', at: '2020-01-01T00:00:00.000Z' } as any);
    definitions.sell('d2', 5);
    expect(await repairCounters(deps)).toEqual({ refreshed: 1, failed: 0, pruned: 1, complete: true });
    expect(counters(collections)[0]).toMatchObject({ unsold: 0, soldOut: true });
  });

  it('the repair skips a definition that fails and carries on; past its deadline it starts nothing', async () => {
    const { definitions, collections, deps } = setup();
    definitions.put({ ...definition({ _id: 'bad' }), salesDetails: undefined });
    definitions.put(definition({ _id: 'good' }));
    expect(await repairCounters(deps)).toMatchObject({ refreshed: 1, failed: 1, complete: true });
    expect(counters(collections).map((s) => s._id)).toEqual(['good:fixed']);
    expect(await repairCounters(deps, { deadline: deps.clock.now().getTime() - 1 })).toEqual({ refreshed: 0, failed: 0, pruned: 0, complete: false });
  });
});
