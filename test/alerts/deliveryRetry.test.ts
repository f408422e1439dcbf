// Pure rules of retrying failed alert sends and of keeping/pruning alert records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALERT_RETENTION, checkRetention, longestSendSpanMs, pruneCutoffs } from '../../backend/core/alerts/alertRetention.js';
import {
  ALERT_RETRY_POLICY, attemptsOf, dueRetries, isDueForRetry, isStaleClaim, marketingVerdict, nextAttemptAt, retryClaimKey, saleVerdict, subscriberVerdict,
} from '../../backend/core/alerts/deliveryRetry.js';
import { DUE_LOOKBACK_MS } from '../../backend/core/alerts/dueDefinitions.js';
import type { SaleAlertDelivery, SaleAlertSubscription } from '../../backend/core/alerts/saleAlertTypes.js';
import { fakePushSubscription } from '../support/alertPorts.js';
import { definition } from '../support/ticketDefinitions.js';
import { guid } from '../support/guids.js';

const NOW = new Date('2026-03-01T11:00:00Z');
const MIN = 60_000;

function delivery(over: Partial<SaleAlertDelivery> & { _id: string }): SaleAlertDelivery {
  return {
    subscriptionId: 'sa_a', definitionId: 'd1', eventId: guid('ev1'), channel: 'email', status: 'failed', saleStart: '2026-03-01T10:00:00.000Z',
    claimedAt: '2026-03-01T10:05:00.000Z', finishedAt: '2026-03-01T10:05:01.000Z', error: 'boom', attempts: 1, lastAttemptAt: '2026-03-01T10:05:00.000Z',
    nextAttemptAt: '2026-03-01T10:15:01.000Z', ...over,
  };
}

const subscription = (over: Partial<SaleAlertSubscription> = {}): SaleAlertSubscription => ({
  _id: 'sa_a', email: 'a@x.io', eventId: guid('ev1'), channels: ['email'], push: null, contactId: 'c1', status: 'active',
  consentAt: '2026-02-01T00:00:00.000Z', unsubscribedAt: null, updatedAt: '2026-02-01T00:00:00.000Z', ...over,
});

describe('retry schedule', () => {
  it.each([
    [1, '2026-03-01T11:02:00.000Z'],
    [2, '2026-03-01T11:10:00.000Z'],
    [3, null],
    [7, null],
  ])('after %i failed attempt(s) the next may start at %s', (attempts, at) => {
    expect(nextAttemptAt(attempts, NOW)).toBe(at);
  });

  it('property: attempts are bounded and every wait is longer than the one before', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 2, max: 5 }), (maxAttempts, firstMin, factor) => {
      const policy = { ...ALERT_RETRY_POLICY, maxAttempts, firstDelayMs: firstMin * MIN, factor };
      let t = NOW;
      let last = 0;
      let attempts = 1;
      for (;;) {
        const next = nextAttemptAt(attempts, t, policy);
        if (!next) break;
        const wait = Date.parse(next) - t.getTime();
        expect(wait).toBeGreaterThan(last);
        expect(wait).toBeGreaterThanOrEqual(policy.firstDelayMs);
        last = wait;
        t = new Date(next);
        attempts++;
      }
      expect(attempts).toBe(maxAttempts);
    }));
  });

  it('counts rows from before attempts were recorded as one attempt', () => {
    expect(attemptsOf({})).toBe(1);
    expect(attemptsOf({ attempts: 0 })).toBe(1);
    expect(attemptsOf({ attempts: 2 })).toBe(2);
  });
});

describe('deliveries due for a retry', () => {
  it.each([
    ['failed, next attempt has come', delivery({ _id: 'x' }), true],
    ['failed, next attempt exactly now', delivery({ _id: 'x', nextAttemptAt: NOW.toISOString() }), true],
    ['failed, next attempt later', delivery({ _id: 'x', nextAttemptAt: '2026-03-01T11:00:01.000Z' }), false],
    ['failed, no attempt left', delivery({ _id: 'x', attempts: 3, nextAttemptAt: null }), false],
    ['failed, attempts used up although a time is set (edited by hand)', delivery({ _id: 'x', attempts: 3 }), false],
    ['failed before retries existed (no next attempt)', delivery({ _id: 'x', attempts: undefined, nextAttemptAt: undefined }), false],
    ['sent', delivery({ _id: 'x', status: 'sent' }), false],
    ['pending (an attempt in progress)', delivery({ _id: 'x', status: 'pending' }), false],
    ['skipped', delivery({ _id: 'x', status: 'skipped' }), false],
    ['garbage time', delivery({ _id: 'x', nextAttemptAt: 'soon' }), false],
  ])('%s', (_name, d, due) => {
    expect(isDueForRetry(d, NOW)).toBe(due);
  });

  it('groups due deliveries per subscriber and channel (one message each), once per delivery', () => {
    const rows = [
      delivery({ _id: 'a:d1:email' }),
      delivery({ _id: 'a:d2:email', definitionId: 'd2' }),
      delivery({ _id: 'a:d1:push', channel: 'push' }),
      delivery({ _id: 'b:d1:email', subscriptionId: 'sa_b' }),
      delivery({ _id: 'a:d1:email' }),
      delivery({ _id: 'c:d1:email', subscriptionId: 'sa_c', status: 'sent' }),
    ];
    expect(dueRetries(rows, NOW).map((g) => [g.subscriptionId, g.channel, g.deliveries.map((d) => d._id)])).toEqual([
      ['sa_a', 'email', ['a:d1:email', 'a:d2:email']],
      ['sa_a', 'push', ['a:d1:push']],
      ['sa_b', 'email', ['b:d1:email']],
    ]);
  });

  it('claims one key per delivery and attempt', () => {
    expect(retryClaimKey('sa_a:d1:email', 2)).toBe('retry:sa_a:d1:email:2');
    expect(retryClaimKey('sa_a:d1:email', 2)).not.toBe(retryClaimKey('sa_a:d1:email', 3));
  });

  it('an attempt claimed an hour ago is stale (its invocation was cut off)', () => {
    expect(isStaleClaim('2026-03-01T10:00:00.000Z', NOW)).toBe(true);
    expect(isStaleClaim('2026-03-01T10:00:01.000Z', NOW)).toBe(false);
    expect(isStaleClaim(undefined, NOW)).toBe(false);
  });
});

describe('what a retry does', () => {
  const group = { eventId: guid('ev1'), channel: 'email' as const };
  it.each([
    ['active subscriber', subscription(), group, 'send'],
    ['unsubscribed here', subscription({ status: 'unsubscribed' }), group, 'skip'],
    ['subscription gone', null, group, 'skip'],
    ['another event', subscription({ eventId: guid('ev2') }), group, 'skip'],
    ['push no longer possible', subscription({ channels: ['email'] }), { eventId: guid('ev1'), channel: 'push' as const }, 'skip'],
    ['push still possible', subscription({ channels: ['email', 'push'], push: fakePushSubscription('https://p.example/1') }), { eventId: guid('ev1'), channel: 'push' as const }, 'send'],
  ])('subscriber: %s → %s', (_n, s, g, action) => {
    expect(subscriberVerdict(s, g).action).toBe(action);
  });

  it('marketing tool: yes sends, no skips, no answer counts as a failed attempt', () => {
    expect(marketingVerdict(true).action).toBe('send');
    expect(marketingVerdict(false).action).toBe('skip');
    expect(marketingVerdict(undefined).action).toBe('fail');
  });

  const open = definition({ _id: 'd1', salePeriod: { startDate: '2026-03-01T10:00:00Z' } });
  it.each([
    ['still open', open, 'send'],
    ['deleted', null, 'skip'],
    ['hidden', { ...open, hidden: true }, 'skip'],
    ['ended', { ...open, saleStatus: 'SALE_ENDED' as const }, 'skip'],
    ['end date passed', { ...open, salePeriod: { startDate: '2026-03-01T10:00:00Z', endDate: '2026-03-01T10:30:00Z' } }, 'skip'],
    ['no start any more', { ...open, salePeriod: null }, 'skip'],
    ['moved later', { ...open, salePeriod: { startDate: '2026-03-01T12:00:00Z' } }, 'forget'],
    ['moved earlier', { ...open, salePeriod: { startDate: '2026-03-01T08:00:00Z' } }, 'send'],
  ])('sale: %s → %s', (_n, def, action) => {
    expect(saleVerdict(def, NOW).action).toBe(action);
  });
});

describe('retention', () => {
  it('keeps deliveries and markers far beyond the look-back and every retry; rate limits (and the one-a-day confirmation claims) for a day and an hour', () => {
    expect(longestSendSpanMs()).toBeGreaterThan(DUE_LOOKBACK_MS);
    expect(ALERT_RETENTION.deliveriesMs).toBeGreaterThan(longestSendSpanMs());
    expect(pruneCutoffs(new Date('2026-06-01T12:00:00Z'))).toEqual({
      deliveries: '2026-03-03T12:00:00.000Z', markers: '2026-03-03T12:00:00.000Z', rateLimits: '2026-05-31T11:00:00.000Z',
    });
  });

  it('refuses a retention that would drop exactly-once keys or live rate-limit history', () => {
    expect(() => checkRetention({ ...ALERT_RETENTION, deliveriesMs: DUE_LOOKBACK_MS })).toThrow(/deliveries/);
    expect(() => checkRetention({ ...ALERT_RETENTION, markersMs: 3_600_000 })).toThrow(/markers/);
    expect(() => checkRetention({ ...ALERT_RETENTION, rateLimitsMs: 60_000 })).toThrow(/rate-limit/);
  });
});
