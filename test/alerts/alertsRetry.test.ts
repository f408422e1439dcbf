// Retries of failed sends and pruning of old records, run by the sweep, over in-memory ports.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/collections.js';
import { deliveryKey, rateLimitKey, subscriptionId } from '../../backend/core/alerts/alertKeys.js';
import { retryClaimKey } from '../../backend/core/alerts/deliveryRetry.js';
import type { SaleAlertDelivery } from '../../backend/core/alerts/saleAlertTypes.js';
import { unsubscribeToken } from '../../backend/core/alerts/unsubscribeToken.js';
import { onSaleStarted, subscribe, sweep, unsubscribe } from '../../backend/flows/alerts.js';
import type { MailerPort } from '../../backend/ports.js';
import { definition } from '../support/ticketDefinitions.js';
import { alertWorld, type AlertWorld, signUpAndConfirm } from './alertWorld.js';
import { guid } from '../support/guids.js';

const C = COLLECTIONS;
const KEY = 'test-unsubscribe-key';
const deliveries = (w: AlertWorld) => w.collections.all<SaleAlertDelivery>(C.SaleAlertDeliveries.id);
const sub = (email: string) => subscriptionId(email, guid('ev1'));

/** A mailer that fails the calls whose (0-based) index is in `failing`, and notes when each email went out. */
function flakyMailer(w: AlertWorld, failing: (call: number) => boolean) {
  let calls = 0;
  const sentAt: { email: string; at: number; tickets: string }[] = [];
  const mailer: MailerPort = {
    contactFor: (email) => w.mailer.contactFor(email),
    async sendTriggeredEmail(msg) {
      if (failing(calls++)) { await new Promise((r) => setImmediate(r)); throw new Error('mail service unavailable'); }
      await w.mailer.sendTriggeredEmail(msg);
      sentAt.push({ email: w.mailer.inbox.at(-1)!.email, at: w.clock.now().getTime(), tickets: msg.variables.ticketName! });
    },
  };
  w.deps.mailer = mailer;
  return { sentAt, calls: () => calls };
}

async function world(emails: string[]) {
  const w = alertWorld();
  w.definitions.put(definition({ _id: 'ga', name: 'General', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
  w.definitions.put(definition({ _id: 'vip', name: 'VIP', salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
  for (const email of emails) await signUpAndConfirm(w, { email, eventId: guid('ev1') });
  w.clock.set('2026-03-01T10:05:00Z');
  return w;
}

describe('retries of failed sends', () => {
  it('the marketing tool does not answer at sale time: nothing is sent then, and the retry (which asks again) sends once', async () => {
    const w = await world(['a@x.io', 'b@x.io']);
    const isSubscribed = w.marketing.isSubscribed.bind(w.marketing);
    w.marketing.isSubscribed = async (s) => { if (s.email === 'a@x.io') throw new Error('Mailchimp 503'); return isSubscribed(s); };
    const first = await sweep(w.deps);
    expect(first.stats).toMatchObject({ qualified: 1, sent: 2, failed: 2 });
    expect(w.mailer.inbox.map((e) => e.email)).toEqual(['b@x.io']);
    const held = deliveries(w).filter((d) => d.subscriptionId === sub('a@x.io'));
    expect(held).toHaveLength(2);
    for (const d of held) expect(d).toMatchObject({ status: 'failed', attempts: 1, error: 'marketing tool did not answer: Mailchimp 503', nextAttemptAt: '2026-03-01T10:07:00.000Z' });
    // Later sweeps of the same sale do not send them again on the first path (the sale is done) ...
    w.marketing.isSubscribed = isSubscribed;
    w.clock.set('2026-03-01T10:06:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toHaveLength(1);
    // ... the retry does, once, after asking the tool again.
    w.clock.set('2026-03-01T11:02:00Z');
    await Promise.all([sweep({ ...w.deps }), sweep({ ...w.deps })]);
    expect(w.mailer.inbox.map((e) => [e.email, e.variables.ticketName])).toEqual([['b@x.io', 'General, VIP'], ['a@x.io', 'General, VIP']]);
    w.clock.set('2026-03-01T13:02:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toHaveLength(2);
  });

  it('the marketing tool does not answer, and meanwhile the person unsubscribed there: the retry sends nothing', async () => {
    const w = await world(['a@x.io']);
    const isSubscribed = w.marketing.isSubscribed.bind(w.marketing);
    w.marketing.isSubscribed = async () => { throw new Error('timeout'); };
    await sweep(w.deps);
    w.marketing.isSubscribed = isSubscribed;
    w.marketing.optedOut.add('a@x.io');
    w.clock.set('2026-03-01T11:02:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toEqual([]);
    expect(deliveries(w).every((d) => d.status === 'skipped')).toBe(true);
  });

  it('the mailer fails once; the next sweep (two of them, overlapping) delivers exactly one email listing both tickets', async () => {
    const w = await world(['a@x.io']);
    const m = flakyMailer(w, (i) => i === 0);
    expect((await sweep(w.deps)).stats).toMatchObject({ sent: 0, failed: 2 });
    expect(w.mailer.inbox).toEqual([]);
    w.clock.set('2026-03-01T11:02:00Z');
    const [r1, r2] = await Promise.all([sweep({ ...w.deps }), sweep({ ...w.deps })]);
    expect(r1.retries.sent + r2.retries.sent).toBe(2); // two deliveries (General, VIP), one email
    expect(r1.retries.claimed + r2.retries.claimed).toBe(2);
    expect(w.mailer.inbox.map((e) => [e.email, e.variables.ticketName])).toEqual([['a@x.io', 'General, VIP']]);
    expect(m.calls()).toBe(2);
    for (const d of deliveries(w)) {
      expect(d).toMatchObject({ status: 'sent', attempts: 2, lastAttemptAt: '2026-03-01T11:02:00.000Z', nextAttemptAt: null, error: 'mail service unavailable' });
    }
    // Nothing more, ever.
    w.clock.set('2026-03-01T13:02:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toHaveLength(1);
  });

  it('with a tool that answers in bulk, a page of retries asks it once, not once per subscriber', async () => {
    const emails = ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'];
    const w = await world(emails);
    flakyMailer(w, () => true);
    await sweep(w.deps);
    flakyMailer(w, () => false);
    const asked: number[] = [];
    w.deps.marketing.subscribedAmong = async (people) => { asked.push(people.length); return new Map(people.map((p) => [p.contactId ?? `email:${p.email}`, p.email !== 'b@x.io'])); };
    w.deps.marketing.isSubscribed = async () => { throw new Error('asked one by one'); };
    w.clock.set('2026-03-01T11:02:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ due: 8, claimed: 8, sent: 6, skipped: 2 });
    expect(asked).toEqual([4]);
    expect(w.mailer.inbox.map((e) => e.email).sort()).toEqual(['a@x.io', 'c@x.io', 'd@x.io']);
  });

  it('a read the retry needs is refused (say, past the API quota): its rows are failed attempts, not left pending, and the next retry sends once', async () => {
    const w = await world(['a@x.io']);
    flakyMailer(w, (i) => i === 0);
    await sweep(w.deps);
    const get = w.deps.definitions.get.bind(w.deps.definitions);
    w.deps.definitions.get = async () => { throw new Error('Too many requests: the site exceeded 200 Wix API calls per minute'); };
    w.clock.set('2026-03-01T10:07:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ due: 2, claimed: 2, failed: 2, sent: 0 });
    for (const d of deliveries(w)) {
      expect(d).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: '2026-03-01T10:17:00.000Z', error: 'retry could not read what it needs: Too many requests: the site exceeded 200 Wix API calls per minute' });
    }
    w.deps.definitions.get = get;
    w.clock.set('2026-03-01T10:17:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox.map((e) => [e.email, e.variables.ticketName])).toEqual([['a@x.io', 'General, VIP']]);
    expect(deliveries(w).every((d) => d.status === 'sent' && d.attempts === 3)).toBe(true);
  });

  it('waits longer after each failure and gives up after 3 attempts, with the last error on the row', async () => {
    const w = await world(['a@x.io']);
    const m = flakyMailer(w, () => true);
    await sweep(w.deps);
    const row = () => deliveries(w).find((d) => d.definitionId === 'ga')!;
    expect(row()).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: '2026-03-01T10:07:00.000Z' });
    w.clock.set('2026-03-01T10:07:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ due: 2, claimed: 2, failed: 2 });
    expect(row()).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: '2026-03-01T10:17:00.000Z' });
    w.clock.set('2026-03-01T10:16:59Z');
    await sweep(w.deps);
    expect(m.calls()).toBe(2);
    w.clock.set('2026-03-01T10:45:00Z');
    await sweep(w.deps);
    expect(row()).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, error: 'mail service unavailable' });
    w.clock.set('2026-03-02T10:00:00Z');
    expect((await sweep(w.deps)).retries.due).toBe(0);
    expect(m.calls()).toBe(3);
  });

  it('a subscriber who unsubscribed (here or in the marketing tool) after the failure gets nothing', async () => {
    const w = await world(['a@x.io', 'b@x.io', 'c@x.io']);
    const m = flakyMailer(w, () => true);
    await sweep(w.deps);
    expect(m.calls()).toBe(3);
    expect(await unsubscribe(w.deps, { s: sub('a@x.io'), t: unsubscribeToken(KEY, sub('a@x.io')) })).toMatchObject({ outcome: 'unsubscribed' });
    w.marketing.optedOut.add('b@x.io');
    flakyMailer(w, () => false);
    w.clock.set('2026-03-01T11:02:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ due: 6, sent: 2, skipped: 4 });
    expect(w.mailer.inbox.map((e) => e.email)).toEqual(['c@x.io']);
    const byEmail = (e: string) => deliveries(w).filter((d) => d.subscriptionId === sub(e)).map((d) => [d.status, d.error]);
    expect(byEmail('a@x.io')).toEqual([['skipped', 'unsubscribed before the retry'], ['skipped', 'unsubscribed before the retry']]);
    expect(byEmail('b@x.io')).toEqual([['skipped', 'unsubscribed in the marketing tool before the retry'], ['skipped', 'unsubscribed in the marketing tool before the retry']]);
  });

  it('a sale moved later after the failure is forgotten and alerted at its new start; a hidden one is skipped', async () => {
    const w = await world(['a@x.io']);
    flakyMailer(w, (i) => i === 0);
    await sweep(w.deps);
    w.definitions.put(definition({ _id: 'ga', name: 'General', salePeriod: { startDate: '2026-03-01T15:00:00Z' } }));
    w.definitions.put(definition({ _id: 'vip', name: 'VIP', hidden: true, salePeriod: { startDate: '2026-03-01T10:00:00Z' } }));
    w.clock.set('2026-03-01T11:02:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ forgotten: 1, skipped: 1, sent: 0 });
    expect(deliveries(w).map((d) => [d.definitionId, d.status])).toEqual([['vip', 'skipped']]);
    w.clock.set('2026-03-01T15:02:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox.map((e) => [e.email, e.variables.ticketName])).toEqual([['a@x.io', 'General']]);
  });

  it('an attempt claimed by an invocation that was cut off before sending is written off after an hour, then retried', async () => {
    const w = await world(['a@x.io']);
    flakyMailer(w, (i) => i === 0);
    await sweep(w.deps);
    // Another sweep claimed attempt 2 of both deliveries at 10:20 and died before marking them pending.
    for (const d of ['ga', 'vip']) await w.collections.insert(C.SaleAlertSweeps.id, { _id: retryClaimKey(deliveryKey(sub('a@x.io'), d, 'email'), 2), at: '2026-03-01T10:20:00.000Z' });
    w.clock.set('2026-03-01T11:02:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ claimed: 0, interrupted: 0, sent: 0 }); // could still be running
    w.clock.set('2026-03-01T11:25:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ claimed: 0, interrupted: 2 });
    expect(deliveries(w)[0]).toMatchObject({ status: 'failed', attempts: 2, error: 'retry interrupted before sending', nextAttemptAt: '2026-03-01T11:35:00.000Z' });
    w.clock.set('2026-03-01T12:02:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ claimed: 2, sent: 2 });
    expect(w.mailer.inbox).toHaveLength(1);
    expect(deliveries(w)[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('a send cut off mid-way (still pending after an hour) is marked unknown for the owner and never sent again', async () => {
    const w = await world(['a@x.io']);
    const mailer = w.deps.mailer;
    w.deps.mailer = { contactFor: (e) => mailer.contactFor(e), sendTriggeredEmail: () => new Promise(() => {}) }; // the invocation dies mid-send
    void sweep(w.deps);
    for (let i = 0; i < 1000 && !(deliveries(w).length === 2 && deliveries(w).every((d) => d.status === 'pending')); i++) await new Promise((r) => setImmediate(r));
    expect(deliveries(w).map((d) => d.status)).toEqual(['pending', 'pending']);
    w.deps.mailer = mailer;
    w.clock.set('2026-03-01T10:50:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ cutOff: 0, sent: 0 }); // could still be running
    expect(deliveries(w).map((d) => d.status)).toEqual(['pending', 'pending']);
    w.clock.set('2026-03-01T11:06:00Z');
    expect((await sweep(w.deps)).retries).toMatchObject({ cutOff: 2, sent: 0 });
    expect(deliveries(w)).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'unknown', error: expect.stringMatching(/may or may not have gone out/), nextAttemptAt: null })]));
    expect(deliveries(w).every((d) => d.status === 'unknown')).toBe(true);
    await sweep(w.deps);
    w.clock.set('2026-03-01T14:00:00Z');
    await sweep(w.deps);
    expect(w.mailer.inbox).toHaveLength(0);
  });

  it('property: with a flaky mailer, overlapping sweeps and opt-outs over time, each alert goes out at most once, never after an opt-out, and everything ends settled', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        subscribers: fc.integer({ min: 1, max: 6 }),
        failures: fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        // Per step: how many sweeps overlap, and which subscriber (if any) opts out before it.
        steps: fc.array(fc.record({ sweeps: fc.integer({ min: 1, max: 3 }), optOut: fc.option(fc.nat(5), { nil: null }), minutes: fc.constantFrom(5, 20, 60) }), { minLength: 1, maxLength: 6 }),
        latency: fc.constantFrom(0, 1),
      }),
      async (p) => {
        const emails = Array.from({ length: p.subscribers }, (_, i) => `s${i}@x.io`);
        const w = await world(emails);
        const m = flakyMailer(w, (i) => p.failures[i % p.failures.length]!);
        w.collections.latencyMs = p.latency;
        const optedOutAt = new Map<string, number>();
        for (const step of p.steps) {
          const who = step.optOut === null ? undefined : emails[step.optOut % emails.length];
          if (who && !optedOutAt.has(who)) {
            await unsubscribe(w.deps, { s: sub(who), t: unsubscribeToken(KEY, sub(who)) });
            optedOutAt.set(who, w.clock.now().getTime());
          }
          await Promise.all(Array.from({ length: step.sweeps }, () => sweep({ ...w.deps })));
          w.clock.advance(step.minutes * 60_000);
        }
        // Long after: the hourly sweeps settle every retry.
        for (let h = 0; h < 4; h++) { await sweep({ ...w.deps }); w.clock.advance(3_600_000); }

        const keys = m.sentAt.flatMap((s) => s.tickets.split(', ').map((t) => `${s.email}|${t}`));
        expect(new Set(keys).size).toBe(keys.length);
        for (const s of m.sentAt) expect(s.at < (optedOutAt.get(s.email) ?? Infinity)).toBe(true);
        for (const d of deliveries(w)) {
          expect(['sent', 'skipped', 'failed']).toContain(d.status);
          if (d.status === 'failed') expect(d).toMatchObject({ attempts: 3, nextAttemptAt: null });
          const email = emails.find((e) => sub(e) === d.subscriptionId)!;
          const got = keys.includes(`${email}|${d.definitionId === 'ga' ? 'General' : 'VIP'}`);
          expect(got).toBe(d.status === 'sent');
        }
        // Whoever stayed subscribed was either alerted or failed three times.
        for (const e of emails.filter((x) => !optedOutAt.has(x))) {
          for (const d of deliveries(w).filter((x) => x.subscriptionId === sub(e))) expect(d.status === 'sent' || d.attempts === 3).toBe(true);
          expect(deliveries(w).filter((x) => x.subscriptionId === sub(e))).toHaveLength(2);
        }
      },
    ), { numRuns: 40 });
  });
});

describe('pruning old records', () => {
  const DAY = 86_400_000;

  async function seeded() {
    const w = alertWorld();
    w.clock.set('2026-06-01T12:00:00Z');
    const now = w.clock.now().getTime();
    const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
    const row = (id: string, claimedAt: string): SaleAlertDelivery => ({
      _id: id, subscriptionId: 'sa_x', definitionId: id, eventId: guid('ev1'), channel: 'email', status: 'sent', saleStart: claimedAt, claimedAt, finishedAt: claimedAt, error: null,
    });
    for (let i = 0; i < 5; i++) await w.collections.insert(C.SaleAlertDeliveries.id, row(`old${i}`, iso(91 * DAY + i)));
    await w.collections.insert(C.SaleAlertDeliveries.id, row('recent', iso(89 * DAY)));
    await w.collections.insert(C.SaleAlertSweeps.id, { _id: 'done:old:2026-02-01T00:00:00.000Z', at: iso(100 * DAY) });
    await w.collections.insert(C.SaleAlertSweeps.id, { _id: 'retry:old:email:2', at: iso(95 * DAY) });
    await w.collections.insert(C.SaleAlertSweeps.id, { _id: 'done:new:2026-05-31T00:00:00.000Z', at: iso(DAY) });
    await w.collections.insert(C.SaleAlertSweeps.id, { _id: 'cursor', cursor: null, at: iso(200 * DAY) });
    await w.collections.insert(C.SaleAlertRateLimits.id, { _id: rateLimitKey('old@x.io'), attempts: [iso(26 * 3_600_000)], updatedAt: iso(26 * 3_600_000) });
    await w.collections.insert(C.SaleAlertRateLimits.id, { _id: rateLimitKey('new@x.io'), attempts: [iso(600_000)], updatedAt: iso(600_000) });
    // A confirmation claim of yesterday (one a day): kept until its day is over, plus an hour.
    await w.collections.insert(C.SaleAlertRateLimits.id, { _id: 'cfday_new_2026-05-31', updatedAt: iso(20 * 3_600_000) });
    return w;
  }
  const ids = (w: AlertWorld, c: string) => w.collections.all(c).map((i) => i._id).sort();

  it('removes deliveries and sweep markers after 90 days and rate-limit records after their window; keeps the cursor', async () => {
    const w = await seeded();
    expect((await sweep(w.deps)).pruned).toEqual({ deliveries: 5, markers: 2, rateLimits: 1, more: false });
    expect(ids(w, C.SaleAlertDeliveries.id)).toEqual(['recent']);
    expect(ids(w, C.SaleAlertSweeps.id)).toEqual(['cursor', 'done:new:2026-05-31T00:00:00.000Z']);
    expect(ids(w, C.SaleAlertRateLimits.id)).toEqual(['cfday_new_2026-05-31', rateLimitKey('new@x.io')].sort());
    // A pruned rate-limit record limits nothing: the address may subscribe again at once.
    await signUpAndConfirm(w, { email: 'old@x.io', eventId: guid('ev1') });
  });

  it('works in bounded chunks: at most maxPerRun per collection and run, the rest next run', async () => {
    const w = await seeded();
    w.deps.pruneLimits = { pageSize: 2, maxPerRun: 3 };
    const first = await sweep(w.deps);
    expect(first.pruned).toEqual({ deliveries: 3, markers: 2, rateLimits: 1, more: true });
    expect(ids(w, C.SaleAlertDeliveries.id)).toHaveLength(3);
    expect((await sweep(w.deps)).pruned).toMatchObject({ deliveries: 2, more: false });
    expect(ids(w, C.SaleAlertDeliveries.id)).toEqual(['recent']);
  });

  it('stops when the invocation is out of time', async () => {
    const w = await seeded();
    let t = 0;
    w.deps.elapsed = () => (t += 1_000);
    w.deps.limits = { invocationBudgetMs: 5_000, targetChunkMs: 1_000 };
    w.deps.pruneLimits = { pageSize: 1 };
    const r = await sweep(w.deps);
    expect(r.pruned.more).toBe(true);
    expect(r.pruned.deliveries).toBeLessThan(5);
    expect(r.maxChunkMs).toBeLessThanOrEqual(5_000);
  });
});

describe('definitions that open together', () => {
  it('two sale-started triggers racing (random store latency) still send each subscriber one email listing both', async () => {
    for (let round = 0; round < 5; round++) {
      const emails = Array.from({ length: 20 }, (_, i) => `p${i}@x.io`);
      const w = await world(emails);
      let seed = round + 1;
      const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      Object.defineProperty(w.collections, 'latencyMs', { get: () => Math.floor(rand() * 20) });
      await Promise.all([onSaleStarted({ ...w.deps }, 'ga'), onSaleStarted({ ...w.deps }, 'vip')]);
      const byEmail = new Map<string, string[]>();
      for (const e of w.mailer.inbox) byEmail.set(e.email, [...(byEmail.get(e.email) ?? []), e.variables.ticketName!]);
      expect([...byEmail.values()].every((t) => t.length === 1 && t[0] === 'General, VIP'), JSON.stringify([...byEmail])).toBe(true);
      expect(byEmail.size).toBe(20);
    }
  });
});
