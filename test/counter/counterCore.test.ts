import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pricePoints } from '../../backend/core/counter/pricePoints.js';
import { counterSnapshots, isNewerSnapshot, snapshotsToWrite, snapshotToStore, visiblyDifferent, MissingSalesDetailsError } from '../../backend/core/counter/counterSnapshot.js';
import { counterState, parseThreshold } from '../../backend/core/counter/counterState.js';
import { publicSnapshot } from '../../backend/core/counter/counterChannel.js';
import { counterText, priceKindOf, formatCount, formatPrice } from '../../backend/core/counter/counterText.js';
import { orderChange, refreshSlot, InvalidOrderEventError } from '../../backend/core/counter/orderChange.js';
import { clearsAtOnce } from '../../backend/core/counter/cacheWindow.js';
import { counterChanges, definitionsToRefresh, needsRefresh, notLive, stillMissing } from '../../backend/core/counter/counterRefresh.js';
import { plannedRead, readMarkId, recentReadMarks, settleCheck, slowMark } from '../../backend/core/counter/readBudget.js';
import { definition } from '../support/ticketDefinitions.js';

const now = new Date('2026-11-26T12:00:00Z');

describe('pricePoints', () => {
  it.each([
    ['fixed price', { fixedPrice: { value: '25.00', currency: 'USD' } }, [['fixed', '25.00']]],
    ['free fixed price', { fixedPrice: { value: '0.00', currency: 'USD' }, free: true }, [['free', '0.00']]],
    ['guest price minimum', { guestPrice: { value: '5.00', currency: 'EUR' } }, [['guest', '5.00']]],
    ['price options', { pricingOptions: { optionDetails: [
      { optionId: 'a', name: 'Early bird', price: { value: '40.00', currency: 'USD' } },
      { optionId: 'b', name: 'Regular', price: { value: '55.00', currency: 'USD' } }] } }, [['option:a', '40.00'], ['option:b', '55.00']]],
    ['no price at all', {}, [['free', null]]],
  ] as const)('%s', (_, pricingMethod, expected) => {
    const points = pricePoints(definition({ _id: 'd', pricingMethod: pricingMethod as any }));
    expect(points.map((p) => [p.key, p.price?.value ?? null])).toEqual(expected);
  });
});

describe('counterSnapshots', () => {
  it('one snapshot per price point, sharing the definition counts', () => {
    const def = definition({ _id: 'd1', pricingMethod: { pricingOptions: { optionDetails: [
      { optionId: 'a', name: 'Early', price: { value: '40.00', currency: 'USD' } },
      { optionId: 'b', name: 'Late', price: { value: '55.00', currency: 'USD' } }] } },
      salesDetails: { unsoldCount: 7, soldCount: 3, reservedCount: 0, soldOut: false } });
    const snaps = counterSnapshots(def, now);
    expect(snaps.map((s) => [s._id, s.label, s.price, s.unsold, s.sold])).toEqual([
      ['d1:option:a', 'Early', '40.00', 7, 3], ['d1:option:b', 'Late', '55.00', 7, 3]]);
    expect(snaps[0]!.readAt).toBe(now.toISOString());
  });
  it('refuses a definition read without sales details', () => {
    const def = definition({ _id: 'd1' });
    delete def.salesDetails;
    expect(() => counterSnapshots(def, now)).toThrow(MissingSalesDetailsError);
  });
  it('an older read never replaces a stored snapshot', () => {
    const [a] = counterSnapshots(definition({ _id: 'd' }), new Date('2026-01-01T00:00:01Z'));
    const [older] = counterSnapshots(definition({ _id: 'd', salesDetails: { unsoldCount: 4, soldCount: 1, reservedCount: 0, soldOut: false } }), new Date('2026-01-01T00:00:00Z'));
    expect(isNewerSnapshot(older!, a!)).toBe(false);
    expect(isNewerSnapshot(a!, older!)).toBe(true);
    expect(snapshotsToWrite([older!], [a!])).toEqual([]);
  });
  it('writes a newer read only when a visitor would see a difference (no hook runs for unchanged rows)', () => {
    const [a] = counterSnapshots(definition({ _id: 'd' }), new Date('2026-01-01T00:00:00Z'));
    const [b] = counterSnapshots(definition({ _id: 'd' }), new Date('2026-01-01T00:00:05Z'));
    expect(snapshotsToWrite([b!], [a!])).toEqual([]);
    expect(visiblyDifferent(b!, a!)).toBe(false);
    const changed = { ...b!, unsold: 2 };
    expect(visiblyDifferent(changed, a!)).toBe(true);
    expect(snapshotsToWrite([changed], [a!])).toEqual([changed]);
    expect(snapshotsToWrite([{ ...a!, unsold: 2, readAt: '2025-12-31T23:59:59.000Z', answeredAt: '2025-12-31T23:59:59.000Z' }], [a!])).toEqual([]);
  });
  it('crossing refreshes: an older read that writes last keeps the newer row (the update hook rule)', () => {
    const sd = (unsold: number) => ({ salesDetails: { unsoldCount: unsold, soldCount: 10 - unsold, reservedCount: 0, soldOut: unsold === 0 } });
    const [t0] = counterSnapshots(definition({ _id: 'd', ...sd(5) }), new Date('2026-01-01T00:00:00Z'));
    const [slow] = counterSnapshots(definition({ _id: 'd', ...sd(4) }), new Date('2026-01-01T00:00:01Z'));
    const [fast] = counterSnapshots(definition({ _id: 'd', ...sd(3) }), new Date('2026-01-01T00:00:02Z'));
    // Both compared against t0, so both write; the fast (newer) read lands first.
    expect(snapshotsToWrite([fast!], [t0!])).toEqual([fast]);
    expect(snapshotsToWrite([slow!], [t0!])).toEqual([slow]);
    expect(snapshotToStore(fast!, t0)).toBe(fast);
    expect(snapshotToStore(slow!, fast)).toBe(fast);
  });
  const stamp = (sent: number, answered: number | null, unsold: number | null, limit: number | null = 50) => ({
    readAt: new Date(sent).toISOString(), answeredAt: answered === null ? null : new Date(answered).toISOString(), unsold, limit,
  });
  it.each([
    ['sent after the other was answered, even with more tickets left (a cancellation)', stamp(200, 230, 9), stamp(100, 150, 7), true],
    ['answered before the other was sent, even with fewer tickets left', stamp(100, 150, 7), stamp(200, 230, 9), false],
    ['in flight together, sent later but with more tickets left (taken first)', stamp(120, 140, 9), stamp(100, 160, 7), false],
    ['in flight together, sent earlier but with fewer tickets left (taken last)', stamp(100, 160, 7), stamp(120, 140, 9), true],
    ['in flight together, the same count: the later sent', stamp(120, 140, 7), stamp(100, 160, 7), true],
    ['in flight together, the same count: not the earlier sent', stamp(100, 160, 7), stamp(120, 140, 7), false],
    ['in flight together, another limit: the later sent', stamp(120, 140, 9, 60), stamp(100, 160, 7), true],
    ['in flight together, unlimited: the later sent', stamp(120, 140, null, null), stamp(100, 160, null, null), true],
    ['no answer time kept (an older row): an instant read, before the other was sent', stamp(200, 230, 9), stamp(100, null, 7), true],
    ['no answer time kept: an instant read after the other was answered', stamp(100, 150, 7), stamp(200, null, 9), false],
    ['the same instant, fewer left', stamp(100, null, 6), stamp(100, null, 7), true],
  ])('isNewerSnapshot: a read %s', (_what, candidate, stored, expected) => {
    expect(isNewerSnapshot(candidate, stored)).toBe(expected);
  });
  it('property: reads in flight together, stored in any order, never go back and end on the count taken last, while orders only take tickets', () => {
    // Each read is sent at `sent`, taken at `sent + inbound` and answered `outbound` later; the count it
    // sees is the truth at the moment it was taken (the oracle: a count that falls by one per 7 ms).
    const truth = (t: number) => Math.max(0, 500 - Math.floor(t / 7));
    const arb = fc.array(fc.record({ sent: fc.integer({ min: 0, max: 2_000 }), inbound: fc.integer({ min: 0, max: 120 }), outbound: fc.integer({ min: 0, max: 120 }), order: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 25 });
    fc.assert(fc.property(arb, (reads) => {
      const snaps = reads.map((r) => ({ ...stamp(r.sent, r.sent + r.inbound + r.outbound, truth(r.sent + r.inbound), 500), order: r.order }));
      let stored: (typeof snaps)[number] | null = null;
      for (const s of [...snaps].sort((x, y) => x.order - y.order)) {
        const next: (typeof snaps)[number] = snapshotToStore(s, stored);
        if (stored) expect(next.unsold!).toBeLessThanOrEqual(stored.unsold!);
        stored = next;
      }
      expect(stored!.unsold).toBe(Math.min(...reads.map((r) => truth(r.sent + r.inbound))));
    }));
  });
  it('property: stored reads never go back in time; reads arriving in time order end on the newest count', () => {
    const read = (r: { t: number; unsold: number }) => counterSnapshots(definition({ _id: 'd', salesDetails: { unsoldCount: r.unsold, soldCount: 50 - r.unsold, reservedCount: 0, soldOut: r.unsold === 0 } }), new Date(r.t));
    const apply = (reads: { t: number; unsold: number }[]) => {
      let stored: ReturnType<typeof counterSnapshots> = [];
      for (const r of reads) {
        const write = snapshotsToWrite(read(r), stored);
        if (!write.length) continue;
        const next = stored.length ? snapshotToStore(write[0]!, stored[0]!) : write[0]!; // the update hook
        expect(Date.parse(next.readAt)).toBeGreaterThanOrEqual(stored.length ? Date.parse(stored[0]!.readAt) : 0);
        stored = [next];
      }
      return stored[0]!;
    };
    fc.assert(fc.property(fc.array(fc.record({ t: fc.integer({ min: 0, max: 1e6 }), unsold: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 30 }), (reads) => {
      apply(reads);
      const inOrder = [...reads].sort((x, y) => x.t - y.t);
      const newest = inOrder[inOrder.length - 1]!.t;
      expect(reads.filter((r) => r.t === newest).map((r) => r.unsold)).toContain(apply(inOrder).unsold);
    }));
  });
});

describe('counterState', () => {
  const base = { unsold: 10, limit: 100, soldOut: false, saleStatus: 'SALE_STARTED' as const, saleStart: null, saleEnd: null, hidden: false };
  it.each([
    ['unlimited', { unsold: null }, { count: 5 }, 'unlimited'],
    ['available above the count', { unsold: 6 }, { count: 5 }, 'available'],
    ['low at the count', { unsold: 5 }, { count: 5 }, 'low'],
    ['low by share of the limit', { unsold: 10 }, { share: 0.1 }, 'low'],
    ['available above the share', { unsold: 11 }, { share: 0.1 }, 'available'],
    ['sold out', { unsold: 0, soldOut: true }, { count: 5 }, 'soldOut'],
    ['not on sale yet, carrying the start', { saleStatus: 'SALE_SCHEDULED', saleStart: '2026-12-01T00:00:00Z' }, { count: 5 }, 'notOnSale'],
    ['sale start passed though status is stale', { saleStatus: 'SALE_SCHEDULED', saleStart: '2026-11-01T00:00:00Z' }, { count: 5 }, 'available'],
    ['ended', { saleStatus: 'SALE_ENDED' }, { count: 5 }, 'ended'],
    ['hidden wins', { hidden: true, unsold: 0 }, { count: 5 }, 'hidden'],
  ] as const)('%s', (_, over, threshold, expected) => {
    expect(counterState({ ...base, ...over } as any, threshold as any, now)).toBe(expected);
  });
  it.each([['5', { count: 5 }], ['10%', { share: 0.1 }], ['', null], ['abc', null], ['150%', null], ['-1', null]] as const)('parseThreshold(%j)', (raw, expected) => {
    expect(parseThreshold(raw)).toEqual(expected);
  });
});

describe('counterText', () => {
  it('says "Only 3 tickets left at $25.00"', () => {
    expect(counterText({ state: 'low', unsold: 3, price: '25.00', currency: 'USD', saleStart: null, locale: 'en-US' })).toBe('Only 3 tickets left at $25.00');
  });
  it('uses the singular for one', () => {
    expect(counterText({ state: 'low', unsold: 1, price: '25.00', currency: 'USD', saleStart: null, locale: 'en-US' })).toBe('Only 1 ticket left at $25.00');
  });
  it('formats money in the locale and currency without float rounding', () => {
    expect(formatPrice('1234.50', 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatPrice('9007199254740993.10', 'USD', 'en-US')).toBe('$9,007,199,254,740,993.10');
    expect(formatPrice('not money', 'USD', 'en-US')).toBe('');
  });
  it('custom templates and states', () => {
    expect(counterText({ state: 'soldOut', unsold: 0, price: '25.00', currency: 'USD', saleStart: null, locale: 'en-US' })).toBe('Sold out');
    expect(counterText({ state: 'notOnSale', unsold: 5, price: '1', currency: 'USD', saleStart: '2026-12-24T18:00:00Z', locale: 'en-US' })).toBe('On sale Dec 24, 2026, 6:00 PM UTC');
    expect(counterText({ state: 'low', unsold: 2, price: '5', currency: 'USD', saleStart: null, locale: 'en-US' }, { low: 'Hurry: {count} at {price}!' })).toBe('Hurry: 2 tickets at $5.00!');
  });
  it('free tickets say nothing about a price; pay-what-you-want shows the minimum as "from"', () => {
    const base = { unsold: 3, currency: 'USD', saleStart: null, locale: 'en-US' } as const;
    expect(priceKindOf('free', null)).toBe('free');
    expect(priceKindOf('fixed', '0.00')).toBe('free');
    expect(priceKindOf('guest', '5.00')).toBe('guest');
    expect(priceKindOf('option:a', '12.50')).toBe('priced');
    expect(counterText({ ...base, state: 'low', price: null, priceKind: 'free' })).toBe('Only 3 tickets left');
    expect(counterText({ ...base, state: 'available', price: '0.00', priceKind: priceKindOf('fixed', '0.00') })).toBe('3 tickets left');
    expect(counterText({ ...base, state: 'unlimited', price: null, priceKind: 'free' })).toBe('Tickets available');
    expect(counterText({ ...base, state: 'low', price: '5.00', priceKind: 'guest' })).toBe('Only 3 tickets left from $5.00');
    // The owner's own template is used as written.
    expect(counterText({ ...base, state: 'low', price: '5.00', priceKind: 'guest' }, { low: 'Pay what you want: {count}' })).toBe('Pay what you want: 3 tickets');
    // Upper-case language subtags still find the word.
    expect(counterText({ ...base, state: 'low', price: '5.00', locale: 'DE-de' })).toContain('3 Tickets');
  });
  it('property: count text always names the number and the right word', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100000 }), (n) => {
      const s = formatCount(n, 'en-US');
      expect(s).toBe(`${n.toLocaleString('en-US')} ${n === 1 ? 'ticket' : 'tickets'}`);
    }));
  });
});

describe('orderChange', () => {
  it('keys a delivery by order and change, with distinct definitions', () => {
    const c = orderChange('confirmed', { orderNumber: 'A1', status: 'PAID', tickets: [{ ticketDefinitionId: 'x' }, { ticketDefinitionId: 'y' }, { ticketDefinitionId: 'x' }] });
    expect(c).toEqual({ key: 'A1:confirmed:PAID', orderNumber: 'A1', definitionIds: ['x', 'y'], changedAt: null });
  });
  it('refuses an event without an order number', () => {
    expect(() => orderChange('confirmed', { tickets: [] })).toThrow(InvalidOrderEventError);
  });
  it('property: every instant falls in exactly the slot that ends after it; instants of one slot share its ID', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 1, max: 10_000 }), (t, w) => {
      const s = refreshSlot(new Date(t), w);
      expect(s.endsAt.getTime()).toBeGreaterThan(t);
      expect(s.endsAt.getTime() - t).toBeLessThanOrEqual(w);
      expect(refreshSlot(new Date(s.endsAt.getTime() - 1), w).id).toBe(s.id);
      expect(refreshSlot(s.endsAt, w).id).not.toBe(s.id);
    }));
  });
});

describe('readBudget', () => {
  const budget = { reads: 3, windowMs: 60_000 };
  it.each([
    ['fast', false], ['checkpoint', true], ['tail', true], ['definition', true],
  ] as const)('a %s read clears the cached page answers at once: %s', (cause, atOnce) => {
    expect(clearsAtOnce(cause)).toBe(atOnce);
  });
  it('property: read marks sort as their times do, and the window holds exactly the marks at or after now − window', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 1, max: 120_000 }), (a, b, w) => {
      expect(Math.sign(readMarkId(new Date(a)).localeCompare(readMarkId(new Date(b))))).toBe(Math.sign(a - b));
      const { _id: range } = recentReadMarks(new Date(b), w);
      const inWindow = readMarkId(new Date(a)) >= range.$gte && readMarkId(new Date(a)) < range.$lt;
      expect(inWindow).toBe(a >= b - w);
    }));
  });
  it('the window never takes in other CounterClaims IDs', () => {
    const { _id: range } = recentReadMarks(new Date(0), 10 ** 15);
    for (const id of ['order:o1:confirmed:PAID', 'slot:site:42', 'missing:d1', 'reads', 'read']) expect(id >= range.$gte && id < range.$lt).toBe(false);
  });
  it('reads at the fast slot\'s end while under budget, at the slow mark once it is used up', () => {
    const now = new Date(12_345);
    const fastEnd = new Date(12_400);
    expect(plannedRead(now, fastEnd, 1000, 2, budget)).toEqual({ at: fastEnd, kind: 'fast' });
    // A 1 s slow slot with 300 ms steps has one checkpoint (at 300 ms), then its tail: 345 ms in is the tail.
    expect(plannedRead(now, fastEnd, 1000, 3, budget, 300)).toEqual({ at: new Date(13_000), kind: 'tail' });
    expect(plannedRead(new Date(12_100), new Date(12_200), 1000, 3, budget, 300)).toEqual({ at: new Date(12_300), kind: 'checkpoint' });
    // A slow slot ending before the fast one (mismatched settings) never reads early.
    expect(plannedRead(now, new Date(12_600), 100, 9, budget).at).toEqual(new Date(12_600));
  });
  it.each([
    // [ms into a 1,500 ms slow slot, its mark (ms into the slot), kind]
    [0, 300, 'checkpoint'],
    [299, 300, 'checkpoint'],
    [300, 600, 'checkpoint'],
    [899, 900, 'checkpoint'],
    [900, 1500, 'tail'], // two steps left: the tail
    [1499, 1500, 'tail'],
  ])('slowMark: %i ms into a 1.5 s slot claims the mark at %i ms (%s)', (offset, at, kind) => {
    const start = 30_000;
    expect(slowMark(start + offset, 1500, 300)).toEqual({ at: start + at, kind });
  });
  it('slowMark: a slot shorter than three steps is all tail', () => {
    expect(slowMark(10, 500, 300)).toEqual({ at: 500, kind: 'tail' });
  });
  it.each([
    // [checkpoint (ms into the slot), checked at, next mark, its kind]
    [300, 600, 600, 'checkpoint'],
    [600, 900, 900, 'checkpoint'],
    [900, 1200, 1500, 'tail'], // the tail's first step is over; the tail's owner still reads at its end
  ])('settleCheck: the checkpoint at %i ms looks at %i ms for the mark at %i ms (%s)', (at, checkAt, next, kind) => {
    const start = 30_000;
    expect(settleCheck(start + at, 1500, 300)).toEqual({ checkAt: start + checkAt, next: { at: start + next, kind } });
  });
  it('property: every order is covered by its mark or a later one, and a stream\'s last order is read within two steps', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 0, max: 1499 }), (slot, offset) => {
      const t = slot * 1500 + offset;
      const mark = slowMark(t, 1500, 300);
      expect(mark.at).toBeGreaterThan(t);
      // The read that covers t when no order follows: the mark's own time (tail) or its settle check.
      const last = mark.kind === 'tail' ? mark.at : settleCheck(mark.at, 1500, 300).checkAt;
      expect(last - t).toBeLessThanOrEqual(600);
      // Orders after a checkpoint claim the next mark, later than the checkpoint.
      if (mark.kind === 'checkpoint') expect(settleCheck(mark.at, 1500, 300).next.at).toBeGreaterThan(mark.at);
    }));
  });
  it('property: over budget, every winner of one slow slot\'s step picks the same mark, after its own fast slot', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 999 }), (slowStart, offset) => {
      const a = new Date(slowStart * 1000 + offset - 1);
      const b = new Date(slowStart * 1000 + (offset - 1 < 300 ? 299 : 999)); // the same step: a 1 s slot has one checkpoint, then its tail
      const fastEnd = (t: Date) => new Date((Math.floor(t.getTime() / 100) + 1) * 100);
      const ra = plannedRead(a, fastEnd(a), 1000, 99, budget, 300);
      expect(ra).toEqual(plannedRead(b, fastEnd(b), 1000, 99, budget, 300));
      expect(ra.at.getTime()).toBeGreaterThanOrEqual(fastEnd(a).getTime());
    }));
  });
});

describe('counterRefresh', () => {
  it('notLive: the named definitions without a counter whose sale is on', () => {
    const stored = [{ definitionId: 'on', saleStatus: 'SALE_STARTED' as const }, { definitionId: 'ended', saleStatus: 'SALE_ENDED' as const }];
    expect(notLive(stored, ['on', 'ended', 'new'])).toEqual(['ended', 'new']);
    expect(notLive(stored, ['on'])).toEqual([]);
  });
  const row = (definitionId: string, saleStatus: 'SALE_STARTED' | 'SALE_SCHEDULED' | 'SALE_ENDED') => ({ definitionId, saleStatus });
  it('reads every live counter plus the definitions the order named, once each', () => {
    const stored = [row('b', 'SALE_STARTED'), row('b', 'SALE_STARTED'), row('c', 'SALE_SCHEDULED'), row('old', 'SALE_ENDED')];
    expect(definitionsToRefresh(stored, ['z', 'b'])).toEqual(['b', 'c', 'z']);
    // A cancellation after the sale ended still refreshes the named definition.
    expect(definitionsToRefresh(stored, ['old'])).toEqual(['b', 'c', 'old']);
  });
  it('a confirmation without tickets needs no refresh; an update or deletion without tickets does', () => {
    expect(needsRefresh('confirmed', [])).toBe(false);
    expect(needsRefresh('confirmed', ['d'])).toBe(true);
    expect(needsRefresh('updated', [])).toBe(true);
    expect(needsRefresh('deleted', [])).toBe(true);
  });
  it('a missing-ID marker holds for its TTL only (and not when it is from the future or malformed)', () => {
    const now = new Date('2026-01-01T00:10:00Z');
    expect(stillMissing({ at: '2026-01-01T00:05:00Z' }, now, 600_000)).toBe(true);
    expect(stillMissing({ at: '2026-01-01T00:00:00Z' }, now, 600_000)).toBe(false);
    expect(stillMissing({ at: '2026-01-01T00:20:00Z' }, now, 600_000)).toBe(false);
    expect(stillMissing({ at: 42 }, now, 600_000)).toBe(false);
    expect(stillMissing(null, now, 600_000)).toBe(false);
  });
  it('a gone definition removes its rows; a removed price option removes its row; only newer reads are written', () => {
    const at = new Date('2026-01-01T00:00:05Z');
    const stored = counterSnapshots(definition({ _id: 'd' }), new Date('2026-01-01T00:00:00Z'));
    expect(counterChanges(null, stored, at)).toEqual({ write: [], remove: ['d:fixed'] });
    const options = definition({ _id: 'd', pricingMethod: { pricingOptions: { optionDetails: [{ optionId: 'o1', name: 'Adult', price: { value: '30.00', currency: 'USD' } }] } } });
    const c = counterChanges(options, stored, at);
    expect(c.remove).toEqual(['d:fixed']);
    expect(c.write.map((s) => s._id)).toEqual(['d:option:o1']);
    expect(counterChanges(definition({ _id: 'd' }), stored, new Date('2025-12-31T00:00:00Z'))).toEqual({ write: [], remove: [] });
  });
});

describe('publicSnapshot', () => {
  it('leaves out sold, eventId and revision; a hidden definition shows only that it is hidden', () => {
    const [s] = counterSnapshots(definition({ _id: 'd' }), new Date('2026-01-01T00:00:00Z'));
    const pub = publicSnapshot(s!);
    for (const k of ['sold', 'eventId', 'revision']) expect(pub).not.toHaveProperty(k);
    expect(pub).toMatchObject({ label: s!.label, unsold: s!.unsold, price: s!.price });
    const hidden = publicSnapshot({ ...s!, hidden: true });
    expect(hidden).toMatchObject({ hidden: true, label: '', price: null, unsold: null, limit: null });
  });
});
