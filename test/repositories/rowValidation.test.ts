// Each repository's row schema: a good stored row passes (the alert and counter rows with their unknown
// fields kept; the sync rows, parsed by core/sync/syncRows.ts as before, without them), a malformed one
// is refused with a message naming the collection, the item and what is wrong.
import { describe, expect, it } from 'vitest';
import { DELIVERY_ROWS } from '../../backend/repositories/alertDeliveries.js';
import { ALERT_EVENT_ROWS } from '../../backend/repositories/alertEvents.js';
import { RATE_LIMIT_ROWS } from '../../backend/repositories/alertRateLimits.js';
import { SUBSCRIPTION_ROWS } from '../../backend/repositories/alertSubscriptions.js';
import { CURSOR_ROWS, SWEEP_CLAIM_ROWS } from '../../backend/repositories/alertSweeps.js';
import { COUNTER_CLAIM_ROWS, REPAIR_RUN_ROWS } from '../../backend/repositories/counterClaims.js';
import type { RowSchema } from '../../backend/repositories/storedRows.js';
import { SYNC_LINK_ROWS } from '../../backend/repositories/syncLinks.js';
import { OUTBOX_ROWS } from '../../backend/repositories/syncOutbox.js';
import { RECONCILE_REPORT_ROWS, SYNC_RUN_ROWS } from '../../backend/repositories/syncRuns.js';
import { COUNTER_ROWS } from '../../backend/repositories/ticketCounters.js';

const AT = '2026-03-01T10:00:00.000Z';
const link = {
  _id: 't1~d1', targetId: 't1', definitionId: 'd1', eventId: 'ev1', externalEventId: 'x1', externalId: 'e1', refs: {},
  lastRevision: '2', payloadHash: 'h', status: 'active', lastError: null, warnings: [], linkedAt: AT, updatedAt: AT,
};
const outbox = {
  _id: 't1~d1', targetId: 't1', definitionId: 'd1', eventId: 'ev1', externalEventId: 'x1', action: 'upsert', revision: '2', payload: { name: 'GA' },
  payloadHash: 'h', idempotencyKey: 'tf-1', state: 'pending', attempt: 0, enqueuedAt: AT, nextAttemptAt: AT,
};
const run = { _id: 't1~ev1', targetId: 't1', eventId: 'ev1', state: 'running', cursor: null, pages: 1, seenIds: ['d1'], counts: { create: 1 }, startedAt: AT, updatedAt: AT };
const report = { ...run, _id: 'reconcile-report', state: 'done', complete: true, findings: ['t1/ev1: queued'], moreFindings: 0 };
const delivery = {
  _id: 'sa_1:d1:email', subscriptionId: 'sa_1', definitionId: 'd1', eventId: 'ev1', channel: 'email', status: 'failed', saleStart: AT, claimedAt: AT,
  finishedAt: AT, error: 'mail service unavailable', attempts: 1, lastAttemptAt: AT, nextAttemptAt: AT,
};
const push = { endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys: { p256dh: 'k', auth: 'a' } };
const subscription = {
  _id: 'sa_1', email: 'fan@x.io', eventId: 'ev1', channels: ['email', 'push'], push, contactId: 'c1', status: 'active',
  consentAt: AT, unsubscribedAt: null, updatedAt: AT,
};
const cursor = { runId: 'sweep-1', startedAt: AT, targets: [{ eventId: 'ev1', definitionIds: ['d1'] }], targetIndex: 0, afterSubscriptionId: null, pageSize: 500 };
const snapshot = {
  _id: 'd1:fixed', definitionId: 'd1', eventId: 'ev1', pricePointKey: 'fixed', label: 'GA', price: '25.00', currency: 'USD', unsold: 3, sold: 7, limit: 10,
  soldOut: false, saleStatus: 'SALE_STARTED', saleStart: null, saleEnd: null, hidden: false, readAt: AT, revision: '1',
};

type Case = [name: string, rows: RowSchema<unknown>, good: Record<string, unknown>, bad: [what: string, change: Record<string, unknown>, names: RegExp][]];
const SYNC_ROWS: readonly RowSchema<unknown>[] = [SYNC_LINK_ROWS, OUTBOX_ROWS, SYNC_RUN_ROWS, RECONCILE_REPORT_ROWS];
const cases: Case[] = [
  ['sync links', SYNC_LINK_ROWS, link, [['an unknown status', { status: 'gone' }, /status/], ['no external ID', { externalId: undefined }, /externalId/]]],
  ['outbox slots', OUTBOX_ROWS, outbox, [['an unknown action', { action: 'patch' }, /action/], ['a negative attempt count', { attempt: -1 }, /attempt/]]],
  ['initial-sync runs', SYNC_RUN_ROWS, run, [['an unknown state', { state: 'paused' }, /state/], ['seen IDs that are not a list', { seenIds: 'd1' }, /seenIds/]]],
  ['reconcile findings', RECONCILE_REPORT_ROWS, report, [['findings that are not text', { findings: [1] }, /findings\.0/], ['no completeness', { complete: undefined }, /complete/]]],
  ['alert deliveries', DELIVERY_ROWS, delivery, [['an unknown channel', { channel: 'sms' }, /channel/], ['an unknown status', { status: 'lost' }, /status/], ['attempts as text', { attempts: '2' }, /attempts/]]],
  ['alert subscriptions', SUBSCRIPTION_ROWS, subscription, [
    ['an unknown status', { status: 'confirmed' }, /status/], ['a push subscription without keys', { push: { endpoint: push.endpoint } }, /push\.keys/], ['no email', { email: undefined }, /email/],
  ]],
  ['alert events', ALERT_EVENT_ROWS, { _id: 'ev1', firstSubscribedAt: AT }, [['no first subscription time', { firstSubscribedAt: undefined }, /firstSubscribedAt/]]],
  ['the sweep cursor', CURSOR_ROWS, { _id: 'cursor', cursor, at: AT }, [['a target index below 0', { cursor: { ...cursor, targetIndex: -1 } }, /cursor\.targetIndex/], ['another item', { _id: 'done:d1:x' }, /_id/]]],
  ['sweep claims', SWEEP_CLAIM_ROWS, { _id: 'retry:k:2', at: AT }, [['a claim time that is not text', { at: 5 }, /at/]]],
  ['subscribe histories', RATE_LIMIT_ROWS.history, { _id: 'rl_x', attempts: [AT], updatedAt: AT }, [['attempts that are not a list', { attempts: AT }, /attempts/]]],
  ['slot counters', RATE_LIMIT_ROWS.counter, { _id: 'cfhourcount_x', count: 3, updatedAt: AT }, [['a count that is not a whole number', { count: 1.5 }, /count/]]],
  ['event memos', RATE_LIMIT_ROWS.memo, { _id: 'evmiss_ev1', at: AT, event: { eventId: 'ev1', title: 'Gala', timeZone: null, url: 'https://x.io' } }, [['an event without a title', { event: { eventId: 'ev1', url: 'https://x.io' } }, /event\.title/]]],
  ['ticket counters', COUNTER_ROWS, snapshot, [['sold as text', { sold: '7' }, /sold/], ['an unknown sale status', { saleStatus: 'OPEN' }, /saleStatus/]]],
  ['counter claims', COUNTER_CLAIM_ROWS, { _id: 'missing:d1', kind: 'missing', definitionId: 'd1', at: AT }, [['an unknown kind', { kind: 'order' }, /kind/]]],
  ['the repair run', REPAIR_RUN_ROWS, { _id: 'job:repairCounters', kind: 'job', at: AT, by: 'job', refreshed: 2, failed: 0, pruned: 1, complete: true }, [['no run time', { at: undefined }, /at/]]],
];

describe.each(cases)('%s', (_name, rows, good, bad) => {
  it('a good row passes as stored', () => {
    const c = rows.check({ ...good, _owner: 'wix' });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.row).toMatchObject(good);
    expect((c.row as { _owner?: string })._owner).toBe(SYNC_ROWS.includes(rows) ? undefined : 'wix');
  });

  it.each(bad)('refused: %s', (_what, change, names) => {
    const c = rows.check({ ...good, ...change });
    expect(c.ok).toBe(false);
    if (c.ok) return;
    const id = String(change._id ?? good._id);
    expect(c.problem.startsWith(`${rows.collection} item ${id} is not valid: `)).toBe(true);
    expect(c.problem.slice(`${rows.collection} item ${id} is not valid: `.length)).toMatch(names);
  });
});

it('a stored item that is not even an object is refused, named as such', () => {
  const c = DELIVERY_ROWS.check('sa_1:d1:email');
  expect(c).toEqual({ ok: false, problem: expect.stringMatching(/^SaleAlertDeliveries item \(without _id\) is not valid: item: /) });
});

it('absent nullable fields read as null (how Wix may return them)', () => {
  const { finishedAt: _f, error: _e, ...rest } = delivery;
  const c = DELIVERY_ROWS.check(rest);
  expect(c.ok && c.row).toMatchObject({ finishedAt: null, error: null });
});
