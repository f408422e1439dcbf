// Pure planning of sale alerts: table tests for the rules, property tests for the invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertDefinition } from '../../backend/core/alerts/alertDefinition.js';
import { alertEmailVariables, alertPushPayload, timeInZone } from '../../backend/core/alerts/alertEmail.js';
import { deliveryKey, subscriptionId } from '../../backend/core/alerts/alertKeys.js';
import { dueDefinitions, isDue, saleDoneKey } from '../../backend/core/alerts/dueDefinitions.js';
import { nextSaleStart, saleStartDay } from '../../backend/core/alerts/nextSaleStart.js';
import { qualifyingSubscribers } from '../../backend/core/alerts/qualifyingSubscribers.js';
import type { AlertChannel, AlertDefinition, SaleAlertSubscription } from '../../backend/core/alerts/saleAlertTypes.js';
import { subscribeRateLimit } from '../../backend/core/alerts/subscribeRateLimit.js';
import { InvalidSubscriptionError, parseSubscriptionInput } from '../../backend/core/alerts/subscriptionInput.js';
import { advanceCursor, cursorDone, newSweepCursor, nextPageSize, shouldStartChunk, JOB_LIMITS } from '../../backend/core/alerts/sweepChunks.js';
import { compareDecimal, ticketPriceText } from '../../backend/core/alerts/ticketPriceText.js';
import { alertMessages, claimedPart, plannedAlerts, unsentAlerts } from '../../backend/core/alerts/unsentAlerts.js';
import { unsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from '../../backend/core/alerts/unsubscribeToken.js';
import { linkKeyRing } from '../../backend/core/alerts/linkKeys.js';
import { confirmToken, verifyConfirmToken } from '../../backend/core/alerts/confirmLink.js';
import { mailboxOf } from '../../backend/core/alerts/mailbox.js';
import { fakePushSubscription } from '../support/alertPorts.js';
import { definition } from '../support/ticketDefinitions.js';
import { guid } from '../support/guids.js';

const NOW = new Date('2026-03-01T10:30:00Z');

function sub(over: Partial<SaleAlertSubscription> & { email: string }): SaleAlertSubscription {
  const eventId = over.eventId ?? guid('ev1');
  return {
    _id: subscriptionId(over.email, eventId), eventId, channels: ['email'], push: null, contactId: `c-${over.email}`, status: 'active',
    consentAt: '2026-02-01T00:00:00.000Z', unsubscribedAt: null, updatedAt: '2026-02-01T00:00:00.000Z', ...over,
  };
}

describe('subscription input', () => {
  const EV = '3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
  const EV2 = '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70';
  it.each([
    [{ email: ' Ada@Example.COM ', eventId: EV }, { email: 'ada@example.com', eventId: EV, channels: ['email'], push: null, locale: null }],
    [{ email: 'a@b.co', eventId: EV2, channels: ['email', 'email'] }, { email: 'a@b.co', eventId: EV2, channels: ['email'], push: null, locale: null }],
    [{ email: 'a@b.co', eventId: EV, channels: ['push', 'email'], push: fakePushSubscription('https://fcm.googleapis.com/fcm/send/x') },
      { email: 'a@b.co', eventId: EV, channels: ['email', 'push'], push: fakePushSubscription('https://fcm.googleapis.com/fcm/send/x'), locale: null }],
    // A push subscription without the push channel is dropped.
    [{ email: 'a@b.co', eventId: EV, push: fakePushSubscription('https://fcm.googleapis.com/fcm/send/x') }, { email: 'a@b.co', eventId: EV, channels: ['email'], push: null, locale: null }],
  ])('accepts %j', (input, expected) => {
    expect(parseSubscriptionInput(input)).toEqual(expected);
  });

  it('takes event IDs as GUIDs only, on the local Wix as on a live site', () => {
    for (const opts of [{}, { localWix: true }]) {
      expect(parseSubscriptionInput({ email: 'a@b.co', eventId: guid('ev1') }, opts).eventId).toBe(guid('ev1'));
      expect(() => parseSubscriptionInput({ email: 'a@b.co', eventId: 'ev1' }, opts)).toThrow(/eventId must be an event ID \(a GUID\)/);
      expect(() => parseSubscriptionInput({ email: 'a@b.co', eventId: 'demo-event-2026' }, opts)).toThrow(/GUID/);
      expect(() => parseSubscriptionInput({ email: 'a@b.co', eventId: '../ev1' }, opts)).toThrow(/eventId/);
    }
  });

  it.each([
    [{ email: 'not-an-email', eventId: guid('ev1') }, /email/],
    [{ email: 'a@b.co', eventId: '' }, /eventId/],
    [{ email: 'a@b.co', eventId: 'ev1; DROP' }, /eventId/],
    [{ email: 'a@b.co', eventId: guid('ev1'), channels: [] }, /channels/],
    [{ email: 'a@b.co', eventId: guid('ev1'), channels: ['sms'] }, /channels/],
    [{ email: 'a@b.co', eventId: guid('ev1'), channels: ['push'] }, /push is required/],
    [{ email: 'a@b.co', eventId: guid('ev1'), channels: ['push'], push: fakePushSubscription('http://push.example/x') }, /push service/],
    [{ email: 'a@b.co', eventId: guid('ev1'), channels: ['push'], push: { endpoint: 'https://p.example/x', keys: { p256dh: 'short', auth: 'x' } } }, /p256dh/],
    [{ email: 'a@b.co', eventId: guid('ev1'), extra: 1 }, /Unrecognized/i],
    [null, /input/],
    [{ email: `${'a'.repeat(250)}@b.co`, eventId: guid('ev1') }, /email/],
    // Shaped like a language tag but refused by Intl: every email to this subscriber would fail.
    [{ email: 'a@b.co', eventId: guid('ev1'), locale: 'en-US-US' }, /locale must be a language tag/],
  ])('refuses %j', (input, message) => {
    expect(() => parseSubscriptionInput(input)).toThrow(InvalidSubscriptionError);
    expect(() => parseSubscriptionInput(input)).toThrow(message);
  });

  it('accepts local http push endpoints only when allowed', () => {
    const input = { email: 'a@b.co', eventId: guid('ev1'), channels: ['push'], push: fakePushSubscription('http://127.0.0.1:9999/push/1') };
    expect(() => parseSubscriptionInput(input)).toThrow(/push service/);
    expect(parseSubscriptionInput(input, { localWix: true }).push?.endpoint).toBe('http://127.0.0.1:9999/push/1');
  });

  it('one key per email and event, whatever the capitalisation', () => {
    expect(subscriptionId('Ada@Example.com ', guid('ev1'))).toBe(subscriptionId('ada@example.com', guid('ev1')));
    expect(subscriptionId('ada@example.com', guid('ev1'))).not.toBe(subscriptionId('ada@example.com', guid('ev2')));
    expect(subscriptionId('ada@example.com', guid('ev1'))).toMatch(/^sa_[0-9a-f]{40}$/);
  });
});

describe('subscribe rate limit', () => {
  const at = (m: number) => new Date(Date.UTC(2026, 2, 1, 10, m)).toISOString();
  it('allows up to 5 calls an hour, then tells when to retry', () => {
    let history: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = subscribeRateLimit(history, new Date(at(i)));
      expect(d.allowed).toBe(true);
      history = d.history;
    }
    const refused = subscribeRateLimit(history, new Date(at(10)));
    expect(refused).toEqual({ allowed: false, retryAfterMs: 50 * 60_000, history });
    expect(subscribeRateLimit(history, new Date(Date.parse(at(0)) + 3_600_001)).allowed).toBe(true);
  });

  it('property: never more than max allowed calls inside any window', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3 * 3600 }), { maxLength: 60 }), (offsets) => {
      const times = [...offsets].sort((a, b) => a - b).map((s) => new Date(Date.UTC(2026, 0, 1) + s * 1000));
      let history: string[] = [];
      const allowed: number[] = [];
      for (const t of times) {
        const d = subscribeRateLimit(history, t, { max: 3, windowMs: 600_000 });
        history = d.history;
        if (d.allowed) allowed.push(t.getTime());
        expect(history.length).toBeLessThanOrEqual(3);
      }
      for (const t of allowed) expect(allowed.filter((x) => x > t - 600_000 && x <= t).length).toBeLessThanOrEqual(3);
    }));
  });
});

describe('due definitions', () => {
  const base = definition({ _id: 'd1', salePeriod: { startDate: '2026-03-01T10:00:00Z' } });
  it.each([
    ['sale started since', base, true],
    ['hidden', { ...base, hidden: true }, false],
    ['sale ended', { ...base, saleStatus: 'SALE_ENDED' as const }, false],
    ['end date passed', { ...base, salePeriod: { startDate: '2026-03-01T10:00:00Z', endDate: '2026-03-01T10:15:00Z' } }, false],
    ['moved later (not early)', { ...base, salePeriod: { startDate: '2026-03-01T11:00:00Z' } }, false],
    ['moved earlier (at the new time)', { ...base, salePeriod: { startDate: '2026-03-01T09:00:00Z' } }, true],
    ['exactly now', { ...base, salePeriod: { startDate: NOW.toISOString() } }, true],
    ['no scheduled start', { ...base, salePeriod: null }, false],
    ['too old (before the lookback)', { ...base, salePeriod: { startDate: '2026-02-20T10:00:00Z' } }, false],
  ])('%s', (_name, def, due) => {
    expect(dueDefinitions([def], { now: NOW }).length === 1).toBe(due);
  });

  it('is not due once done for that start; due again for a different start', () => {
    const done = new Set([saleDoneKey('d1', '2026-03-01T10:00:00.000Z')]);
    expect(isDue(base, { now: NOW, done })).toBe(false);
    expect(isDue({ ...base, salePeriod: { startDate: '2026-03-01T09:30:00Z' } }, { now: NOW, done })).toBe(true);
    expect(isDue(null, { now: NOW })).toBe(false);
  });

  it('honours an explicit since', () => {
    expect(dueDefinitions([base], { now: NOW, since: new Date('2026-03-01T10:00:00Z') })).toEqual([]);
    expect(dueDefinitions([base], { now: NOW, since: new Date('2026-03-01T09:59:59Z') })).toHaveLength(1);
  });

  it('next sale start passed to the marketing tool is the earliest future one', () => {
    const defs = [
      definition({ _id: 'a', salePeriod: { startDate: '2026-03-05T10:00:00Z' } }),
      definition({ _id: 'b', salePeriod: { startDate: '2026-03-02T10:00:00Z' } }),
      definition({ _id: 'c', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }), // already started
      definition({ _id: 'h', hidden: true, salePeriod: { startDate: '2026-03-01T12:00:00Z' } }),
    ];
    expect(nextSaleStart(defs, NOW)).toBe('2026-03-02T10:00:00.000Z');
    expect(nextSaleStart(defs.slice(2, 3), NOW)).toBeNull();
  });

  it('as a date field, the sale start is its UTC day', () => {
    expect(saleStartDay('2026-03-05T23:30:00-05:00')).toBe('2026-03-06');
    expect(saleStartDay('2026-03-05T00:30:00+01:00')).toBe('2026-03-04');
    expect(saleStartDay(null)).toBeNull();
    expect(() => saleStartDay('soon')).toThrow(RangeError);
  });
});

describe('qualifying subscribers and unsent alerts', () => {
  const a = sub({ email: 'a@x.io', channels: ['email', 'push'], push: fakePushSubscription('https://p.example/a') });
  const b = sub({ email: 'b@x.io' });
  const off = sub({ email: 'off@x.io', status: 'unsubscribed' });
  const tool = sub({ email: 'tool-optout@x.io' });
  const pushless = sub({ email: 'p@x.io', channels: ['push'] });
  const other = sub({ email: 'o@x.io', eventId: guid('ev2') });
  const subs = [a, b, off, tool, pushless, other];
  const yes = new Map(subs.map((s) => [s._id, s !== tool]));

  it('keeps active, still-subscribed subscribers of the event, on reachable channels', () => {
    expect(qualifyingSubscribers(subs, guid('ev1'), yes).map((q) => [q.subscription.email, q.channels])).toEqual([
      ['a@x.io', ['email', 'push']],
      ['b@x.io', ['email']],
    ]);
    // No answer from the marketing tool counts as "no".
    expect(qualifyingSubscribers(subs, guid('ev1'), new Map())).toEqual([]);
  });

  const defs: AlertDefinition[] = [
    { definitionId: 'vip', eventId: guid('ev1'), name: 'VIP', saleStart: '2026-03-01T10:00:00.000Z', priceText: '$80.00' },
    { definitionId: 'ga', eventId: guid('ev1'), name: 'General', saleStart: '2026-03-01T10:00:00.000Z', priceText: '$25.00' },
  ];

  it('groups one message per subscriber and channel, listing every definition that opened', () => {
    const planned = plannedAlerts(qualifyingSubscribers(subs, guid('ev1'), yes), defs);
    expect(planned).toHaveLength(6);
    const existing = new Set([deliveryKey(a._id, 'vip', 'email')]);
    const msgs = alertMessages(unsentAlerts(planned, existing), subs, defs);
    expect(msgs.map((m) => [m.subscription.email, m.channel, m.definitions.map((d) => d.name)])).toEqual([
      ['a@x.io', 'push', ['General', 'VIP']],
      ['a@x.io', 'email', ['General']],
      ['b@x.io', 'email', ['General', 'VIP']],
    ]);
    const part = claimedPart(msgs[0]!, new Set([deliveryKey(a._id, 'vip', 'push')]));
    expect(part?.definitions.map((d) => d.name)).toEqual(['VIP']);
    expect(claimedPart(msgs[0]!, new Set())).toBeNull();
  });

  it('property: unsent ∪ existing covers planned, each key once; messages partition the unsent alerts', () => {
    const arbSub = fc.record({ email: fc.constantFrom('a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'), ch: fc.subarray<AlertChannel>(['email', 'push'], { minLength: 1 }) });
    fc.assert(fc.property(fc.array(arbSub, { maxLength: 6 }), fc.subarray(defs, { minLength: 1 }), fc.array(fc.nat(40)), (raw, ds, existingIdx) => {
      const ss = raw.map((r) => sub({ email: r.email, channels: r.ch, push: fakePushSubscription(`https://p.example/${r.email}`) }));
      const q = qualifyingSubscribers(ss, guid('ev1'), new Map(ss.map((s) => [s._id, true])));
      const planned = plannedAlerts(q, ds);
      const existing = new Set(existingIdx.map((i) => planned[i % Math.max(1, planned.length)]?.key).filter((k): k is string => !!k));
      const unsent = unsentAlerts(planned, existing);
      const keys = unsent.map((u) => u.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set([...keys, ...existing])).toEqual(new Set(planned.map((p) => p.key)));
      const msgs = alertMessages(unsent, ss, ds);
      const inMsgs = msgs.flatMap((m) => m.keys);
      expect(inMsgs.sort()).toEqual([...keys].sort());
      const groups = msgs.map((m) => `${m.subscription._id}|${m.channel}`);
      expect(new Set(groups).size).toBe(groups.length);
    }));
  });
});

describe('alert wording', () => {
  const event = { eventId: guid('ev1'), title: 'Jazz Night', timeZone: 'Europe/Berlin', url: 'https://site.example/events/jazz' };

  it('shows times in the event time zone, keeps UTC alongside', () => {
    expect(timeInZone('2026-03-01T10:00:00.000Z', 'Europe/Berlin')).toBe('Mar 1, 2026, 11:00 AM GMT+1');
    expect(timeInZone('2026-07-01T10:00:00.000Z', 'America/New_York')).toBe('Jul 1, 2026, 6:00 AM EDT');
    expect(timeInZone('2026-07-01T10:00:00.000Z', 'Nowhere/Else', 'en-US-US')).toBe('Jul 1, 2026, 10:00 AM UTC');
    expect(timeInZone('2026-03-01T10:00:00.000Z', 'Not/AZone')).toBe('Mar 1, 2026, 10:00 AM UTC');
    expect(timeInZone('2026-03-01T10:00:00.000Z', null)).toBe('Mar 1, 2026, 10:00 AM UTC');
  });

  it('email variables list every ticket with its price', () => {
    const defs = [
      alertDefinition(definition({ _id: 'ga', name: 'General', salePeriod: { startDate: '2026-03-01T10:00:00Z' } })),
      alertDefinition(definition({ _id: 'vip', name: 'VIP', pricingMethod: { pricingOptions: { optionDetails: [
        { optionId: 'o1', name: 'Seat', price: { value: '80.00', currency: 'EUR' } },
        { optionId: 'o2', name: 'Table', price: { value: '120.50', currency: 'EUR' } },
      ] } }, salePeriod: { startDate: '2026-03-01T10:00:00Z' } })),
    ];
    expect(alertEmailVariables(event, defs, { unsubscribeUrl: 'https://u' })).toEqual({
      eventName: 'Jazz Night', firstName: '', ticketName: 'General, VIP', ticketCount: '2',
      tickets: 'General: $25.00\nVIP: €80.00 – €120.50', prices: '$25.00, €80.00 – €120.50',
      saleStart: 'Mar 1, 2026, 11:00 AM GMT+1', saleStartUtc: '2026-03-01T10:00:00.000Z', timeZone: 'Europe/Berlin',
      eventUrl: 'https://site.example/events/jazz', unsubscribeUrl: 'https://u',
    });
    const push = alertPushPayload(event, defs);
    expect(push).toMatchObject({ title: 'Tickets on sale: Jazz Night', url: event.url, tag: `sale-alert-${guid('ev1')}` });
    expect(push.body).toContain('VIP (€80.00 – €120.50)');
  });

  it('long push bodies are cut to fit a push message', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ definitionId: `d${i}`, eventId: guid('ev1'), name: `Ticket type number ${i}`, saleStart: '2026-03-01T10:00:00.000Z', priceText: '$1,000.00' }));
    expect(Buffer.byteLength(JSON.stringify(alertPushPayload(event, many)))).toBeLessThanOrEqual(3000);
  });

  it.each([
    [{ fixedPrice: { value: '25.00', currency: 'USD' } }, '$25.00'],
    [{ fixedPrice: { value: '0.00', currency: 'USD' } }, 'Free'],
    [{ free: true }, 'Free'],
    [{ guestPrice: { value: '5.00', currency: 'GBP' } }, 'Pay what you like (from £5.00)'],
    [{ fixedPrice: { value: '1234567.89', currency: 'USD' } }, '$1,234,567.89'],
    [{ fixedPrice: { value: '10.00', currency: 'ZZZ1' } }, '10.00 ZZZ1'],
  ])('price text %j', (pricingMethod, text) => {
    expect(ticketPriceText(definition({ _id: 'x', pricingMethod }))).toBe(text);
  });

  it('property: decimal comparison is exact', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), (a, b) => {
      const s = (x: bigint) => `${x / 100n}.${String(x % 100n).padStart(2, '0')}`;
      expect(compareDecimal(s(a), s(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
    }));
  });
});

describe('unsubscribe token', () => {
  const id = subscriptionId('a@x.io', guid('ev1'));
  const K = 'k'.repeat(32);
  const now = new Date('2026-03-01T00:00:00Z');
  it('verifies its own token only', () => {
    const t = unsubscribeToken(K, id);
    const ring = linkKeyRing(K);
    expect(t).toMatch(/^1\./);
    expect(verifyUnsubscribeToken(ring, id, t, now)).toBe(true);
    expect(verifyUnsubscribeToken(linkKeyRing('o'.repeat(32)), id, t, now)).toBe(false);
    expect(verifyUnsubscribeToken(ring, subscriptionId('b@x.io', guid('ev1')), t, now)).toBe(false);
    expect(verifyUnsubscribeToken(ring, id, t.slice(0, -1), now)).toBe(false);
    expect(verifyUnsubscribeToken(ring, id, undefined, now)).toBe(false);
    expect(verifyUnsubscribeToken(ring, 'not-an-id', t, now)).toBe(false);
    // Tokens from before key versions (no "1." prefix) are version 1.
    expect(verifyUnsubscribeToken(ring, id, t.slice(2), now)).toBe(true);
    expect(unsubscribeUrl('https://s.example/_functions/saleAlertUnsubscribe', id, t)).toBe(`https://s.example/_functions/saleAlertUnsubscribe?s=${id}&t=${t}`);
  });

  it('after a rotation, links signed with the previous key work until its validUntil, then not', () => {
    const old = unsubscribeToken(K, id);
    const rotated = linkKeyRing(`v2:${'n'.repeat(32)}`, JSON.stringify({ key: K, validUntil: '2026-06-01T00:00:00Z' }));
    const fresh = unsubscribeToken(`v2:${'n'.repeat(32)}`, id);
    expect(fresh).toMatch(/^2\./);
    expect(verifyUnsubscribeToken(rotated, id, fresh, now)).toBe(true);
    expect(verifyUnsubscribeToken(rotated, id, old, now)).toBe(true);
    expect(verifyUnsubscribeToken(rotated, id, old, new Date('2026-06-01T00:00:01Z'))).toBe(false);
    // A version nobody holds, or the new key under the old version number, is refused.
    expect(verifyUnsubscribeToken(rotated, id, `3.${fresh.slice(2)}`, now)).toBe(false);
    expect(verifyUnsubscribeToken(rotated, id, `1.${fresh.slice(2)}`, now)).toBe(false);
    expect(verifyUnsubscribeToken(linkKeyRing(`v2:${'n'.repeat(32)}`), id, old, now)).toBe(false);
  });

  it('a confirmation token confirms one sign-up (its nonce), and is not an unsubscribe token', () => {
    const ring = linkKeyRing(K);
    const nonce = 'A'.repeat(22);
    const t = confirmToken(K, id, nonce);
    expect(verifyConfirmToken(ring, id, nonce, t, now)).toBe(true);
    expect(verifyConfirmToken(ring, id, 'B'.repeat(22), t, now)).toBe(false);
    expect(verifyUnsubscribeToken(ring, id, t, now)).toBe(false);
    expect(verifyConfirmToken(ring, id, nonce, unsubscribeToken(K, id), now)).toBe(false);
  });
});

describe('mailbox', () => {
  it.each([
    ['Victim+1@Example.com', 'victim@example.com'],
    ['victim+anything+more@example.com', 'victim@example.com'],
    ['v.i.c.t.i.m+x@googlemail.com', 'victim@gmail.com'],
    ['first.last@example.com', 'first.last@example.com'],
  ])('%s delivers to %s', (email, mailbox) => {
    expect(mailboxOf(email)).toBe(mailbox);
  });
});

describe('chunk planning', () => {
  it('starts a chunk only when one as slow as the slowest still fits', () => {
    const l = { ...JOB_LIMITS, invocationBudgetMs: 10_000, targetChunkMs: 1_000 };
    expect(shouldStartChunk(0, 0, l)).toBe(true);
    expect(shouldStartChunk(8_900, 500, l)).toBe(true);
    expect(shouldStartChunk(9_100, 500, l)).toBe(false);
    expect(shouldStartChunk(5_000, 4_000, l)).toBe(false);
  });

  it('scales the page toward the target duration', () => {
    const l = { ...JOB_LIMITS, targetChunkMs: 2_000, minPageSize: 10, maxPageSize: 500 };
    expect(nextPageSize(100, 500, 100, l)).toBe(200); // fast: at most doubles
    expect(nextPageSize(100, 8_000, 100, l)).toBe(25); // slow: shrinks at once
    expect(nextPageSize(100, 0, 0, l)).toBe(100);
    expect(nextPageSize(400, 100, 400, l)).toBe(500); // clamped
  });

  it('property: advancing through pages visits every target once and finishes', () => {
    fc.assert(fc.property(fc.array(fc.nat(7), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 3 }), (pagesPerTarget, size) => {
      const targets = pagesPerTarget.map((_, i) => ({ eventId: `e${i}`, definitionIds: ['d'] }));
      let c = newSweepCursor('r', NOW, targets, size);
      const finished: string[] = [];
      const left = [...pagesPerTarget];
      let steps = 0;
      while (!cursorDone(c)) {
        const i = c.targetIndex;
        const full = left[i]! > 0;
        if (full) left[i]!--;
        const r = advanceCursor(c, { lastId: full ? `id${steps}` : null, full }, size);
        if (r.finishedTarget) finished.push(r.finishedTarget.eventId);
        c = r.cursor;
        steps++;
      }
      expect(finished).toEqual(targets.map((t) => t.eventId));
      expect(steps).toBe(pagesPerTarget.reduce((a, b) => a + b + 1, 0));
    }));
  });
});
