// Sale-alert flow over in-memory ports: opt-in, one-click opt-out, sweep, trigger, exactly-once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/collections.js';
import { deliveryKey, subscriptionId } from '../../backend/core/alerts/alertKeys.js';
import type { SaleAlertDelivery, SaleAlertSubscription } from '../../backend/core/alerts/saleAlertTypes.js';
import { unsubscribeToken } from '../../backend/core/alerts/unsubscribeToken.js';
import { confirmSubscription, onDefinitionChanged, onSaleStarted, subscribe, sweep, unsubscribe } from '../../backend/flows/alerts.js';
import { fakePushSubscription } from '../support/alertPorts.js';
import { definition } from '../support/ticketDefinitions.js';
import { alertWorld, signUpAndConfirm, type AlertWorld } from './alertWorld.js';
import { guid } from '../support/guids.js';

const C = COLLECTIONS;
const KEY = 'test-unsubscribe-key';

async function subscribeAll(w: AlertWorld, emails: string[], over: Record<string, unknown> = {}) {
  for (const email of emails) await signUpAndConfirm(w, { email, eventId: guid('ev1'), ...over });
}
const inboxTo = (w: AlertWorld) => w.mailer.inbox.map((m) => m.email).sort();

describe('subscribe (double opt-in)', () => {
  const confirmLinkOf = (w: AlertWorld) => {
    const mail = w.mailer.inbox.filter((m) => m.templateId === 'sale-alert-confirm').at(-1)!;
    const u = new URL(mail.variables.confirmUrl!);
    return { s: u.searchParams.get('s'), c: u.searchParams.get('c'), t: u.searchParams.get('t') };
  };

  it('a sign-up records the consent request and sends one confirmation email; the confirmation makes it active', async () => {
    const w = alertWorld();
    w.deps.config.consentWording = 'signup-2026-03';
    w.definitions.put(definition({ _id: 'd1', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    const first = await subscribe(w.deps, { email: 'Ada@Example.com', eventId: guid('ev1'), channels: ['email', 'push'], push: fakePushSubscription('https://fcm.googleapis.com/fcm/send/1') });
    expect(first).toEqual({ outcome: 'confirmation_sent', subscriptionId: subscriptionId('ada@example.com', guid('ev1')) });
    const [pending] = w.collections.all<SaleAlertSubscription>(C.SaleAlertSubscriptions.id);
    expect(pending).toMatchObject({ email: 'ada@example.com', status: 'pending', channels: [], consentAt: null, pending: { requestedAt: '2026-03-01T09:00:00.000Z', wording: 'signup-2026-03', channels: ['email', 'push'] } });
    // Nothing reaches the marketing tool or the sweep before the confirmation.
    expect(w.marketing.tags.size).toBe(0);
    expect(w.collections.all(C.SaleAlertEvents.id)).toEqual([]);
    expect(w.mailer.inbox).toHaveLength(1);
    expect(w.mailer.inbox[0]).toMatchObject({ templateId: 'sale-alert-confirm', email: 'ada@example.com', variables: { eventName: 'Jazz Night', eventUrl: 'https://site.example/events/jazz-night' } });
    expect(w.mailer.inbox[0]!.variables.confirmUrl).toMatch(/^https:\/\/site\.example\/_functions\/saleAlertConfirm\?s=sa_[0-9a-f]{40}&c=[A-Za-z0-9_-]{22}&t=1\./);

    const link = confirmLinkOf(w);
    expect(await confirmSubscription(w.deps, { ...link, t: 'forged' })).toEqual({ outcome: 'invalid_link' });
    w.clock.advance(60_000);
    expect(await confirmSubscription(w.deps, link)).toEqual({ outcome: 'confirmed', eventId: guid('ev1') });
    const [sub] = w.collections.all<SaleAlertSubscription>(C.SaleAlertSubscriptions.id);
    expect(sub).toMatchObject({ status: 'active', channels: ['email', 'push'], consentAt: '2026-03-01T09:01:00.000Z', consentWording: 'signup-2026-03', pending: null, contactId: 'c-1' });
    expect(w.marketing.tags.get('ada@example.com')).toEqual(new Set([guid('ev1')]));
    expect(w.collections.all(C.SaleAlertEvents.id)).toEqual([{ _id: guid('ev1'), firstSubscribedAt: '2026-03-01T09:01:00.000Z' }]);
    // Pressing the button again changes nothing.
    expect(await confirmSubscription(w.deps, link)).toEqual({ outcome: 'already_confirmed', eventId: guid('ev1') });
  });

  it('one confirmation email per mailbox a day (plus tags are one mailbox), and 5 calls an hour', async () => {
    const w = alertWorld();
    expect((await subscribe(w.deps, { email: 'x@y.io', eventId: guid('ev1') })).outcome).toBe('confirmation_sent');
    for (const email of ['x+1@y.io', 'X+2@y.io', 'x@y.io', 'x+ev@y.io']) {
      expect(await subscribe(w.deps, { email, eventId: guid('ev2') })).toEqual({ outcome: 'rate_limited', retryAfterMs: 15 * 3_600_000 });
    }
    // The sixth call in the hour is refused by the call limit, before any lookup.
    expect(await subscribe(w.deps, { email: 'x+3@y.io', eventId: guid('ev9') })).toEqual({ outcome: 'rate_limited', retryAfterMs: 3_600_000 });
    expect(w.mailer.inbox).toHaveLength(1);
    w.clock.set('2026-03-02T00:00:01Z');
    expect((await subscribe(w.deps, { email: 'x+1@y.io', eventId: guid('ev2') })).outcome).toBe('confirmation_sent');
    expect(w.mailer.inbox).toHaveLength(2);
  });

  it('the site sends at most confirmationsPerHour confirmation emails an hour', async () => {
    const w = alertWorld();
    w.deps.config.confirmationsPerHour = 3;
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => subscribe(w.deps, { email: `${n}@y.io`, eventId: guid('ev1') })));
    expect(answers.filter((a) => a.outcome === 'confirmation_sent')).toHaveLength(3);
    expect(answers.filter((a) => a.outcome === 'rate_limited')).toHaveLength(2);
    expect(w.mailer.inbox).toHaveLength(3);
    // A refused address keeps its day: it can try again next hour.
    w.clock.advance(3_600_000);
    const refused = ['a', 'b', 'c', 'd', 'e'].filter((_, i) => answers[i]!.outcome === 'rate_limited');
    expect((await subscribe(w.deps, { email: `${refused[0]}@y.io`, eventId: guid('ev1') })).outcome).toBe('confirmation_sent');
  });

  it('refuses bad input with the reasons', async () => {
    const w = alertWorld();
    await expect(subscribe(w.deps, { email: 'nope', eventId: guid('ev1') })).rejects.toThrow(/email/);
    expect(w.mailer.inbox).toHaveLength(0);
  });

  it('refuses an event ID that is not an event of the site, and stores nothing', async () => {
    const w = alertWorld();
    await expect(subscribe(w.deps, { email: 'a@b.io', eventId: guid('made-up') })).rejects.toThrow(`no event ${guid('made-up')} on this site`);
    expect(w.collections.all(C.SaleAlertSubscriptions.id)).toEqual([]);
    expect(w.collections.all(C.SaleAlertEvents.id)).toEqual([]);
    expect(w.marketing.tags.size).toBe(0);
    expect(w.mailer.inbox).toHaveLength(0);
  });

  it('when the marketing tool refuses at confirmation, the sign-up stays pending and the button can be pressed again', async () => {
    const w = alertWorld();
    await subscribe(w.deps, { email: 'a@b.io', eventId: guid('ev1') });
    const real = w.marketing.upsertSubscriber.bind(w.marketing);
    w.marketing.upsertSubscriber = async () => { throw new Error('tool down'); };
    await expect(confirmSubscription(w.deps, confirmLinkOf(w))).rejects.toThrow('tool down');
    expect(w.collections.all<SaleAlertSubscription>(C.SaleAlertSubscriptions.id)[0]!.status).toBe('pending');
    w.marketing.upsertSubscriber = real;
    expect((await confirmSubscription(w.deps, confirmLinkOf(w))).outcome).toBe('confirmed');
  });

  it('an unsubscribed subscription is reactivated only by a new confirmation, never by a sign-up or an old link', async () => {
    const w = alertWorld();
    const id = await signUpAndConfirm(w, { email: 'a@b.io', eventId: guid('ev1') });
    w.clock.advance(60_000);
    // A sign-up (by anyone) before the unsubscribe: its link must not undo the unsubscribe.
    await w.deps.collections.remove(C.SaleAlertRateLimits.id, (w.collections.all(C.SaleAlertRateLimits.id).find((r) => r._id.startsWith('cfday_')))!._id);
    await subscribe(w.deps, { email: 'a@b.io', eventId: guid('ev1') });
    const stale = confirmLinkOf(w);
    expect(await unsubscribe(w.deps, { s: id, t: unsubscribeToken(KEY, id) })).toEqual({ outcome: 'unsubscribed', eventId: guid('ev1') });
    expect(await confirmSubscription(w.deps, stale)).toEqual({ outcome: 'expired', eventId: guid('ev1') });
    w.clock.set('2026-03-02T09:00:00Z');
    await subscribe(w.deps, { email: 'a@b.io', eventId: guid('ev1') });
    expect(w.collections.all<SaleAlertSubscription>(C.SaleAlertSubscriptions.id)[0]!.status).toBe('unsubscribed');
    expect((await confirmSubscription(w.deps, confirmLinkOf(w))).outcome).toBe('confirmed');
    expect(w.collections.all<SaleAlertSubscription>(C.SaleAlertSubscriptions.id)[0]).toMatchObject({ status: 'active', unsubscribedAt: null });
  });

  it('made-up event IDs: one lookup per ID per 10 minutes, and at most 50 lookups of unknown IDs per 10 minutes for the site', async () => {
    const w = alertWorld();
    await signUpAndConfirm(w, { email: 'fan@x.io', eventId: guid('ev1') });
    w.clock.advance(600_000); // the 10-minute memo of ev1 is over
    let lookups = 0;
    const get = w.events.get.bind(w.events);
    w.events.get = async (id) => { lookups++; return get(id); };
    for (let i = 0; i < 3; i++) await expect(subscribe(w.deps, { email: `same${i}@x.io`, eventId: guid('nope-1') })).rejects.toThrow(`no event ${guid('nope-1')}`);
    expect(lookups).toBe(1);
    for (let i = 2; i <= 50; i++) await expect(subscribe(w.deps, { email: `m${i}@x.io`, eventId: guid(`nope-${i}`) })).rejects.toThrow(/no event/);
    expect(lookups).toBe(50);
    // The budget is spent: another unknown ID is not looked up at all (nor a new event's first
    // sign-up); an event with confirmed subscribers still is.
    expect(await subscribe(w.deps, { email: 'late@x.io', eventId: guid('nope-51') })).toEqual({ outcome: 'rate_limited', retryAfterMs: 600_000 });
    expect(await subscribe(w.deps, { email: 'late2@x.io', eventId: guid('ev2') })).toMatchObject({ outcome: 'rate_limited' });
    expect(lookups).toBe(50);
    expect((await subscribe(w.deps, { email: 'fan2@x.io', eventId: guid('ev1') })).outcome).toBe('confirmation_sent');
    expect(lookups).toBe(51);
    w.clock.advance(600_000);
    await expect(subscribe(w.deps, { email: 'later@x.io', eventId: guid('nope-51') })).rejects.toThrow(/no event/);
  });

  it('a confirmation link expires after 7 days', async () => {
    const w = alertWorld();
    await subscribe(w.deps, { email: 'a@b.io', eventId: guid('ev1') });
    w.clock.advance(7 * 24 * 3_600_000 + 1);
    expect((await confirmSubscription(w.deps, confirmLinkOf(w))).outcome).toBe('expired');
  });
});

describe('sweep', () => {
  function world() {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'ga', name: 'General', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    w.definitions.put(definition({ _id: 'vip', name: 'VIP', pricingMethod: { fixedPrice: { value: '80.00', currency: 'EUR' } }, salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    w.definitions.put(definition({ _id: 'late', name: 'Late', salePeriod: { startDate: '2026-03-02T10:00:00Z' } }));
    w.definitions.put(definition({ _id: 'hidden', name: 'Hidden', hidden: true, salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    return w;
  }

  it('sends one email per subscriber listing the definitions that opened; never to opted-out or never-subscribed people', async () => {
    const w = world();
    await subscribeAll(w, ['a@x.io', 'b@x.io', 'toolout@x.io']);
    w.marketing.optedOut.add('toolout@x.io');
    const b = subscriptionId('b@x.io', guid('ev1'));
    expect(await unsubscribe(w.deps, { s: b, t: unsubscribeToken(KEY, b) })).toEqual({ outcome: 'unsubscribed', eventId: guid('ev1') });

    expect((await sweep(w.deps)).outcome).toBe('idle'); // 09:00: nothing due yet
    expect(w.mailer.inbox).toEqual([]);
    w.clock.set('2026-03-01T10:05:00Z');
    const r = await sweep(w.deps);
    expect(r).toMatchObject({ outcome: 'finished', stats: { sent: 2, failed: 0 } });
    expect(w.mailer.inbox).toHaveLength(1);
    const [mail] = w.mailer.inbox;
    expect(mail).toMatchObject({ email: 'a@x.io', templateId: 'sale-alert', variables: {
      eventName: 'Jazz Night', ticketName: 'General, VIP', tickets: 'General: $25.00\nVIP: €80.00', saleStart: 'Mar 1, 2026, 11:00 AM GMT+1',
      saleStartUtc: '2026-03-01T10:00:00.000Z', eventUrl: 'https://site.example/events/jazz-night',
    } });
    // The link in the email unsubscribes in one click.
    const link = new URL(mail!.variables.unsubscribeUrl!);
    expect(await unsubscribe(w.deps, { s: link.searchParams.get('s'), t: link.searchParams.get('t') })).toMatchObject({ outcome: 'unsubscribed' });
    expect(await unsubscribe(w.deps, { s: link.searchParams.get('s'), t: 'forged' })).toEqual({ outcome: 'invalid_link' });

    // Later sweeps send nothing more.
    w.clock.set('2026-03-01T11:05:00Z');
    expect((await sweep(w.deps)).outcome).toBe('idle');
    expect(w.mailer.inbox).toHaveLength(1);
    const deliveries = w.collections.all<SaleAlertDelivery>(C.SaleAlertDeliveries.id);
    expect(deliveries.map((d) => [d._id, d.status])).toEqual([
      [deliveryKey(subscriptionId('a@x.io', guid('ev1')), 'ga', 'email'), 'sent'],
      [deliveryKey(subscriptionId('a@x.io', guid('ev1')), 'vip', 'email'), 'sent'],
    ]);
  });

  it('a sale moved later is not alerted early; moved earlier, it is alerted at the new time', async () => {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    await subscribeAll(w, ['a@x.io']);
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T14:00:00Z' } }));
    w.clock.set('2026-03-01T10:05:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toEqual([]);
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T12:00:00Z' } }));
    w.clock.set('2026-03-01T11:59:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toEqual([]);
    w.clock.set('2026-03-01T12:00:00Z');
    await sweep(w.deps);
    expect(inboxTo(w)).toEqual(['a@x.io']);
  });

  it('re-reads definitions when resuming: a sale moved later mid-run stops the rest of the run', async () => {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    await subscribeAll(w, ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io']);
    w.clock.set('2026-03-01T10:05:00Z');
    let t = 0;
    w.deps.elapsed = () => (t += 1_000);
    w.deps.limits = { invocationBudgetMs: 6_000, targetChunkMs: 1_000, minPageSize: 1, maxPageSize: 1 };
    const first = await sweep(w.deps);
    expect(first.outcome).toBe('progress');
    const sentSoFar = w.mailer.inbox.length;
    expect(sentSoFar).toBeGreaterThan(0);
    expect(sentSoFar).toBeLessThan(4);
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T18:00:00Z' } }));
    w.deps.limits = undefined;
    await sweep(w.deps);
    expect(w.mailer.inbox).toHaveLength(sentSoFar);
  });

  it('works in chunks and resumes from the stored cursor in a fresh invocation', async () => {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    const emails = Array.from({ length: 23 }, (_, i) => `p${i}@x.io`);
    await subscribeAll(w, emails.slice(0, 4));
    for (const e of emails.slice(4)) { w.clock.advance(1); await signUpAndConfirm(w, { email: e, eventId: guid('ev1') }); }
    w.clock.set('2026-03-01T10:05:00Z');
    let t = 0;
    const deps = { ...w.deps, elapsed: () => (t += 1_000), limits: { invocationBudgetMs: 9_000, targetChunkMs: 1_000, minPageSize: 2, maxPageSize: 4 } };
    const runs = [];
    for (let i = 0; i < 20; i++) {
      const r = await sweep({ ...deps }); // a new deps object each time: nothing carried in memory
      runs.push(r.outcome);
      if (r.outcome !== 'progress') break;
    }
    expect(runs.filter((r) => r === 'progress').length).toBeGreaterThan(1);
    expect(runs.at(-1)).toBe('finished');
    expect(inboxTo(w)).toEqual([...emails].sort());
  });

  it('a send failure is recorded with its attempt and next attempt, and not repeated before the backoff', async () => {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    await subscribeAll(w, ['a@x.io']);
    w.clock.set('2026-03-01T10:05:00Z');
    w.mailer.failing = true;
    expect((await sweep(w.deps)).stats).toMatchObject({ failed: 1, sent: 0 });
    expect(w.collections.all<SaleAlertDelivery>(C.SaleAlertDeliveries.id)[0]).toMatchObject({
      status: 'failed', error: 'mail service unavailable', attempts: 1, lastAttemptAt: '2026-03-01T10:05:00.000Z', nextAttemptAt: '2026-03-01T10:07:00.000Z',
    });
    w.mailer.failing = false;
    w.clock.set('2026-03-01T10:06:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ due: 0, sent: 0 });
    expect(w.mailer.inbox).toEqual([]);
  });

  it('web push goes to subscribers who allowed it; a gone subscription is removed, email continues', async () => {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    w.definitions.put(definition({ _id: 'd2', salePeriod: { startDate: '2026-03-01T12:00:00Z' } }));
    await subscribeAll(w, ['a@x.io'], { channels: ['email', 'push'], push: fakePushSubscription('https://fcm.googleapis.com/fcm/send/a') });
    await subscribeAll(w, ['g@x.io'], { channels: ['email', 'push'], push: fakePushSubscription('https://fcm.googleapis.com/fcm/send/g') });
    w.push.gone.add('https://fcm.googleapis.com/fcm/send/g');
    w.clock.set('2026-03-01T10:05:00Z');
    await sweep(w.deps);
    expect(w.push.sent.map((p) => p.endpoint)).toEqual(['https://fcm.googleapis.com/fcm/send/a']);
    expect(JSON.parse(w.push.sent[0]!.payload)).toMatchObject({ title: 'Tickets on sale: Jazz Night', url: 'https://site.example/events/jazz-night' });
    expect(inboxTo(w)).toEqual(['a@x.io', 'g@x.io']);
    const g = await w.collections.get<SaleAlertSubscription>(C.SaleAlertSubscriptions.id, subscriptionId('g@x.io', guid('ev1')));
    expect(g).toMatchObject({ push: null, channels: ['email'], status: 'active' });
    w.clock.set('2026-03-01T12:05:00Z');
    await sweep(w.deps);
    expect(w.push.sent.map((p) => p.endpoint)).toEqual(['https://fcm.googleapis.com/fcm/send/a', 'https://fcm.googleapis.com/fcm/send/a']);
  });
});

describe('definition events', () => {
  it('pass the next sale start to the marketing tool, and send at once when a sale is due', async () => {
    const w = alertWorld();
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-02T10:00:00Z' } }));
    expect(await onDefinitionChanged(w.deps, { definitionId: 'd', eventId: guid('ev1') })).toEqual({ outcome: 'no_subscribers' });
    await subscribeAll(w, ['a@x.io']);
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-03T10:00:00Z' } }));
    await onDefinitionChanged(w.deps, { definitionId: 'd', eventId: guid('ev1') });
    expect(w.marketing.saleStarts.get(guid('ev1'))).toBe('2026-03-03T10:00:00.000Z');
    // Moved to "now": due at once.
    w.definitions.put(definition({ _id: 'd', salePeriod: { startDate: '2026-03-01T09:00:00Z' } }));
    expect(await onDefinitionChanged(w.deps, { definitionId: 'd', eventId: guid('ev1') })).toMatchObject({ outcome: 'handled', due: 1, finished: true });
    expect(w.marketing.saleStarts.get(guid('ev1'))).toBeNull();
    expect(inboxTo(w)).toEqual(['a@x.io']);
    expect(await onSaleStarted(w.deps, 'd')).toMatchObject({ outcome: 'handled', due: 0 });
    expect(await onSaleStarted(w.deps, 'missing')).toEqual({ outcome: 'not_found' });
    expect(inboxTo(w)).toEqual(['a@x.io']);
  });
});

describe('exactly once', () => {
  it('property: duplicate triggers and overlapping sweeps send each alert exactly once; opted-out and strangers get nothing', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        subscribers: fc.integer({ min: 1, max: 12 }),
        optedOutMask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        pushMask: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        defs: fc.integer({ min: 1, max: 3 }),
        triggers: fc.array(fc.nat(2), { maxLength: 6 }),
        sweeps: fc.integer({ min: 0, max: 4 }),
        page: fc.integer({ min: 1, max: 5 }),
        latency: fc.constantFrom(0, 1),
      }),
      async (p) => {
        const w = alertWorld();
        for (let d = 0; d < p.defs; d++) w.definitions.put(definition({ _id: `d${d}`, name: `T${d}`, salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
        const emails = Array.from({ length: p.subscribers }, (_, i) => `s${i}@x.io`);
        for (const [i, email] of emails.entries()) {
          const push = p.pushMask[i] ? { channels: ['email', 'push'], push: fakePushSubscription(`https://fcm.googleapis.com/fcm/send/${i}`) } : {};
          await signUpAndConfirm(w, { email, eventId: guid('ev1'), ...push });
        }
        const optedOut = emails.filter((_, i) => p.optedOutMask[i]);
        for (const e of optedOut) w.marketing.optedOut.add(e);
        // A stranger's subscription for another event must not leak into ev1's alerts, nor an
        // unconfirmed sign-up for ev1.
        await signUpAndConfirm(w, { email: 'stranger@x.io', eventId: guid('ev2') });
        expect((await subscribe(w.deps, { email: 'unconfirmed@x.io', eventId: guid('ev1') })).outcome).toBe('confirmation_sent');
        w.mailer.inbox.length = 0;
        w.clock.set('2026-03-01T10:05:00Z');
        w.collections.latencyMs = p.latency;
        const deps = { ...w.deps, limits: { minPageSize: p.page, maxPageSize: p.page } };
        await Promise.all([
          ...p.triggers.map((d) => onSaleStarted({ ...deps }, `d${Math.min(d, p.defs - 1)}`)),
          ...Array.from({ length: p.sweeps }, () => sweep({ ...deps })),
        ]);
        await sweep({ ...deps }); // the guarantee: a later sweep completes whatever the prompt path left
        const want = emails.filter((e) => !optedOut.includes(e));
        const sentKeys: string[] = [];
        for (const m of w.mailer.inbox) for (const name of m.variables.ticketName!.split(', ')) sentKeys.push(`${m.email}|${name}|email`);
        for (const s of w.push.sent) for (const name of (JSON.parse(s.payload).body as string).split(' — ')[0]!.split(', ')) sentKeys.push(`${s.endpoint}|${name.replace(/ \(.*\)$/, '')}|push`);
        expect(new Set(sentKeys).size).toBe(sentKeys.length); // no duplicates
        const expected = want.flatMap((e) => Array.from({ length: p.defs }, (_, d) => `${e}|T${d}|email`));
        expect(sentKeys.filter((k) => k.endsWith('|email')).sort()).toEqual(expected.sort()); // none missed, none extra
        const pushWant = emails.map((e, i) => [e, i] as const).filter(([e, i]) => p.pushMask[i] && !optedOut.includes(e)).length * p.defs;
        expect(sentKeys.filter((k) => k.endsWith('|push'))).toHaveLength(pushWant);
      },
    ), { numRuns: 60 });
  });
});

describe('bulk delivery records', () => {
  it('a page of subscribers costs a fixed handful of collection calls and one marketing call, however large', async () => {
    const run = async (n: number) => {
      const w = alertWorld();
      w.definitions.put(definition({ _id: 'd1', name: 'General', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
      w.definitions.put(definition({ _id: 'd2', name: 'VIP', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
      const subs = Array.from({ length: n }, (_, i) => ({
        _id: subscriptionId(`fan${i}@x.io`, guid('ev1')), email: `fan${i}@x.io`, eventId: guid('ev1'), channels: ['email'], push: null, contactId: `c${i}`,
        status: 'active', consentAt: '2026-02-01T00:00:00.000Z', unsubscribedAt: null, updatedAt: '2026-02-01T00:00:00.000Z',
      } satisfies SaleAlertSubscription));
      for (const s of subs) w.collections.coll(C.SaleAlertSubscriptions.id).set(s._id, s);
      w.collections.coll(C.SaleAlertEvents.id).set(guid('ev1'), { _id: guid('ev1'), firstSubscribedAt: '2026-02-01T00:00:00.000Z' } as never);
      // A tool that answers in bulk: the send path must not ask per subscriber.
      const asked: number[] = [];
      w.deps.marketing.subscribedAmong = async (people) => { asked.push(people.length); return new Map(people.map((p) => [p.contactId!, p.email !== 'fan3@x.io'])); };
      w.deps.marketing.isSubscribed = async () => { throw new Error('asked one by one'); };
      w.deps.limits = { minPageSize: 500, maxPageSize: 500 };
      w.clock.set('2026-03-01T10:01:00Z');
      const before = w.collections.calls;
      const r = await sweep(w.deps);
      expect(r.stats.sent).toBe((n - 1) * 2);
      expect(w.mailer.inbox).toHaveLength(n - 1);
      const rows = w.collections.all<SaleAlertDelivery>(C.SaleAlertDeliveries.id);
      expect(rows).toHaveLength((n - 1) * 2);
      expect(rows.every((d) => d.status === 'sent')).toBe(true);
      return { calls: w.collections.calls - before, asked };
    };
    const small = await run(20);
    const large = await run(400);
    expect(small.asked).toEqual([20]);
    expect(large.asked).toEqual([400]);
    // The same calls for 20 and 400 subscribers: one page, a claim of messages, one of deliveries, one update.
    expect(large.calls).toBe(small.calls);
    expect(large.calls).toBeLessThan(20);
  });
});
