import { describe, expect, it } from 'vitest';
import { isLateDelivery, LATE_DELIVERY_MS, storedReadCovering } from '../../backend/core/counter/lateDelivery.js';
import { orderChange } from '../../backend/core/counter/orderChange.js';
import { counterMemory, handleOrderEvent, type CounterDeps } from '../../backend/flows/counter.js';
import { ManualClock } from '../support/clocks.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { definition, MemoryDefinitions } from '../support/ticketDefinitions.js';

const T = Date.parse('2026-12-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('late deliveries (core)', () => {
  it('a delivery is late only when its change is more than the margin before now, and only with a timestamp', () => {
    expect(isLateDelivery(null, T + 60_000)).toBe(false);
    expect(isLateDelivery(T, T + LATE_DELIVERY_MS)).toBe(false);
    expect(isLateDelivery(T, T + LATE_DELIVERY_MS + 1)).toBe(true);
    expect(isLateDelivery(T + 5_000, T)).toBe(false); // a timestamp ahead of the container's clock
  });

  it('is covered by the stored reads when every definition was read at least the margin after the change: the earliest such read', () => {
    const stored = [
      { definitionId: 'a', readAt: iso(T + 1_000) },
      { definitionId: 'a', readAt: iso(T + 9_000) }, // another price option of a, read later
      { definitionId: 'b', readAt: iso(T + 4_000) },
    ];
    expect(storedReadCovering(T, stored, ['a', 'b'])).toBe(iso(T + 4_000));
    expect(storedReadCovering(T, stored, ['a'])).toBe(iso(T + 9_000));
  });

  it('is not covered when a definition has no stored row, or was last read within the margin of the change, or none is named', () => {
    const stored = [{ definitionId: 'a', readAt: iso(T + 60_000) }, { definitionId: 'b', readAt: iso(T + LATE_DELIVERY_MS - 1) }];
    expect(storedReadCovering(T, stored, ['a', 'c'])).toBeNull();
    expect(storedReadCovering(T, stored, ['b'])).toBeNull();
    expect(storedReadCovering(T, stored, [])).toBeNull();
    expect(storedReadCovering(T, [{ definitionId: 'a', readAt: 'not a date' }], ['a'])).toBeNull();
  });

  it('orderChange takes the change time from the event\'s timestamp (a Date in Velo, a string over JSON), else none', () => {
    const base = { orderNumber: 'o1', tickets: [{ ticketDefinitionId: 'd1' }] };
    expect(orderChange('confirmed', { ...base, timestamp: iso(T) }).changedAt).toBe(T);
    expect(orderChange('confirmed', { ...base, timestamp: new Date(T) }).changedAt).toBe(T);
    expect(orderChange('confirmed', base).changedAt).toBeNull();
    expect(orderChange('confirmed', { ...base, timestamp: 'soon' }).changedAt).toBeNull();
  });
});

describe('late deliveries (order flow)', () => {
  function setup() {
    const definitions = new MemoryDefinitions();
    const collections = new MemoryCollections();
    const clock = new ManualClock(T);
    const deps: CounterDeps = { definitions, collections, claims: collections, clock, slotMs: 100 };
    definitions.put(definition({ _id: 'd1' }));
    return { definitions, collections, clock, deps };
  }
  const order = (timestamp?: number) => ({ orderNumber: 'o1', status: 'PAID', tickets: [{ ticketDefinitionId: 'd1' }], ...(timestamp === undefined ? {} : { timestamp: iso(timestamp) }) });

  it('Wix\'s resend a minute later, after the counters were read since the order: covered for one query, no claim and no Ticket Definitions call', async () => {
    const { definitions, collections, clock, deps } = setup();
    definitions.sell('d1', 1);
    expect(await handleOrderEvent(deps, 'confirmed', order(T))).toMatchObject({ outcome: 'refreshed' });
    // A later order's read stored the counters again (the sale changed them), 5 s after the first order.
    clock.advance(5_000);
    definitions.sell('d1', 1);
    const second = await handleOrderEvent(deps, 'confirmed', { ...order(clock.t), orderNumber: 'o2' });
    expect(second.outcome).toBe('refreshed');
    clock.set(T + 60_000);
    const calls = definitions.calls, reads = collections.reads, writes = collections.writes;
    const resent = await handleOrderEvent(deps, 'confirmed', order(T));
    const storedReadAt = ([...collections.coll('TicketCounters').values()][0] as any).readAt;
    expect(Date.parse(storedReadAt)).toBeGreaterThanOrEqual(T + 5_000);
    expect(resent).toEqual({ outcome: 'covered', key: 'o1:confirmed:PAID', readAt: storedReadAt, refreshed: [] });
    expect([definitions.calls - calls, collections.reads - reads, collections.writes - writes]).toEqual([0, 1, 0]);
  });

  it('a late delivery whose counters were not read since its change (its read failed) claims a read: the resend heals the count', async () => {
    const { definitions, collections, clock, deps } = setup();
    expect(await handleOrderEvent(deps, 'confirmed', order(T))).toMatchObject({ outcome: 'refreshed' });
    // The next order's read fails (Wix refuses it): its counter keeps the older read.
    clock.advance(1_000);
    definitions.sell('d1', 1);
    const failingGet = definitions.getMany.bind(definitions);
    definitions.getMany = async () => { throw new Error('429 Too Many Requests'); };
    await expect(handleOrderEvent(deps, 'confirmed', { ...order(clock.t), orderNumber: 'o2' })).rejects.toThrow('429');
    definitions.getMany = failingGet;
    const unsoldBefore = ([...collections.coll('TicketCounters').values()][0] as any).unsold;
    clock.set(T + 61_000);
    const resent = await handleOrderEvent(deps, 'confirmed', { ...order(T + 1_000), orderNumber: 'o2' });
    expect(resent.outcome).toBe('refreshed');
    expect(([...collections.coll('TicketCounters').values()][0] as any).unsold).toBe(unsoldBefore - 1);
  });

  it('a delivery within the margin of its change goes by the read schedule, as a first delivery does', async () => {
    const { definitions, deps } = setup();
    const calls = definitions.calls;
    expect(await handleOrderEvent(deps, 'confirmed', order(T - LATE_DELIVERY_MS))).toMatchObject({ outcome: 'refreshed' });
    expect(definitions.calls - calls).toBe(1);
  });

  it('a late delivery in a warm container that knows a read claimed for now or later is covered by it for nothing', async () => {
    const { clock, collections, definitions, deps } = setup();
    const warm = { ...deps, memory: counterMemory() };
    warm.memory.claimedReadAt = clock.t + 50; // this container claimed the read at the end of the current slot
    const reads = collections.reads, writes = collections.writes, calls = definitions.calls;
    // Held up 5 s in a queue: late by its timestamp, yet that read includes it.
    expect(await handleOrderEvent(warm, 'confirmed', order(T - 5_000))).toMatchObject({ outcome: 'covered', readAt: new Date(clock.t + 50).toISOString() });
    expect([collections.reads - reads, collections.writes - writes, definitions.calls - calls]).toEqual([0, 0, 0]);
  });
});

