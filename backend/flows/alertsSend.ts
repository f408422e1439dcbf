// The one idempotent send that the hourly sweep and the sale-started trigger share. A delivery
// record with a unique `_id` is inserted *before* the send; only the invocation whose insert
// succeeded sends. Duplicate triggers, overlapping sweeps and retries therefore never send twice.
// A failed send records when it may be tried again; the sweep's retries (alertsRetry.ts) reuse
// `sendAndRecord` under their own per-attempt claim.
import { COLLECTIONS } from '../collections.js';
import { alertEmailVariables, alertPushPayload, type EventDetails } from '../core/alerts/alertEmail.js';
import { attemptsOf, nextAttemptAt } from '../core/alerts/deliveryRetry.js';
import { messageClaimKey } from '../core/alerts/alertKeys.js';
import { qualifyingSubscribers } from '../core/alerts/qualifyingSubscribers.js';
import type { AlertDefinition, SaleAlertDelivery, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import { alertMessages, claimedPart, plannedAlerts, unsentAlerts, type AlertMessage } from '../core/alerts/unsentAlerts.js';
import { unsubscribeToken, unsubscribeUrl } from '../core/alerts/unsubscribeToken.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import type { AlertsDeps } from './alertsDeps.js';
import { insertOnce } from './insertOnce.js';

const C = COLLECTIONS;
const DEFAULT_CONCURRENCY = 10;

export interface PageStats { subscribers: number; qualified: number; claimed: number; sent: number; failed: number; skipped: number }

export const emptyStats = (): PageStats => ({ subscribers: 0, qualified: 0, claimed: 0, sent: 0, failed: 0, skipped: 0 });
export function addStats(a: PageStats, b: PageStats): PageStats {
  return { subscribers: a.subscribers + b.subscribers, qualified: a.qualified + b.qualified, claimed: a.claimed + b.claimed, sent: a.sent + b.sent, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

/** Alerts one page of an event's subscriptions about the given due definitions. */
export async function alertSubscribers(deps: AlertsDeps, event: EventDetails, defs: readonly AlertDefinition[], subs: readonly SaleAlertSubscription[]): Promise<PageStats> {
  const stats = { ...emptyStats(), subscribers: subs.length };
  if (!defs.length || !subs.length) return stats;
  const limit = deps.config.concurrency ?? DEFAULT_CONCURRENCY;
  const active = subs.filter((s) => s.status === 'active');
  /** Subscribers the marketing tool gave no answer for, with the error. */
  const unknown = new Map<string, string>();
  const answers = await mapConcurrent(active, limit, async (s) => {
    try {
      return [s._id, await deps.marketing.isSubscribed({ email: s.email, contactId: s.contactId })] as const;
    } catch (e) {
      // Unknown is not "no" (the sale is marked done after this sweep, so it would never be asked again)
      // and not "yes" (they may have unsubscribed there): their alerts are held as failed attempts, and the
      // retry asks the tool again before sending.
      const error = `marketing tool did not answer: ${String((e as Error)?.message ?? e)}`.slice(0, 500);
      deps.logger?.warn('Marketing tool did not answer isSubscribed', { subscriptionId: s._id, error });
      unknown.set(s._id, error);
      return [s._id, true] as const;
    }
  });
  const qualified = qualifyingSubscribers(subs, event.eventId, new Map(answers));
  stats.qualified = qualified.length - qualified.filter((q) => unknown.has(q.subscription._id)).length;
  const planned = plannedAlerts(qualified, defs);
  const existing = await existingDeliveryKeys(deps, event.eventId, qualified.map((q) => q.subscription._id));
  const messages = alertMessages(unsentAlerts(planned, existing), subs, defs);
  const results = await mapConcurrent(messages, limit, (m) => {
    const error = unknown.get(m.subscription._id);
    return error ? holdForRetry(deps, m, error) : sendMessage(deps, event, m);
  });
  for (const r of results) { stats.claimed += r.claimed; stats.sent += r.sent; stats.failed += r.failed; stats.skipped += r.skipped; }
  return stats;
}

/** Claims a message's deliveries as a failed first attempt (nothing sent), so the retry path takes them up. */
async function holdForRetry(deps: AlertsDeps, message: AlertMessage, error: string): Promise<SendOutcome> {
  const at = deps.clock.now();
  const now = at.toISOString();
  const claimed = await claimDeliveries(deps, message, now, { status: 'failed', finishedAt: now, error, nextAttemptAt: nextAttemptAt(1, at) });
  return { claimed: claimed.size, sent: 0, failed: claimed.size, skipped: 0 };
}

/**
 * Inserts the message's delivery rows (the exactly-once keys) as a first attempt starting `now`;
 * returns the rows this invocation won, by key (a duplicate key means another invocation has it).
 */
async function claimDeliveries(deps: AlertsDeps, message: AlertMessage, now: string, outcome: Pick<SaleAlertDelivery, 'status' | 'finishedAt' | 'error' | 'nextAttemptAt'>): Promise<Map<string, SaleAlertDelivery>> {
  const won = new Map<string, SaleAlertDelivery>();
  await Promise.all(message.keys.map(async (key, i) => {
    const def = message.definitions[i]!;
    const rec: SaleAlertDelivery = {
      _id: key, subscriptionId: message.subscription._id, definitionId: def.definitionId, eventId: def.eventId, channel: message.channel,
      saleStart: def.saleStart, claimedAt: now, attempts: 1, lastAttemptAt: now, ...outcome,
    };
    if (await insertOnce(deps.collections, C.SaleAlertDeliveries.id, rec)) won.set(key, rec);
  }));
  return won;
}

async function existingDeliveryKeys(deps: AlertsDeps, eventId: string, subscriptionIds: string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  const page = 1000;
  for (let i = 0; i < subscriptionIds.length; i += 100) {
    const ids = subscriptionIds.slice(i, i + 100);
    for (let skip = 0; ; skip += page) {
      const { items } = await deps.collections.query<SaleAlertDelivery>(C.SaleAlertDeliveries.id, { filter: { eventId, subscriptionId: { $in: ids } }, limit: page, skip });
      for (const d of items) keys.add(d._id);
      if (items.length < page) break;
    }
  }
  return keys;
}

/** Claims the message's deliveries, sends what it claimed as one email/push, records the outcome. */
export async function sendMessage(deps: AlertsDeps, event: EventDetails, message: AlertMessage): Promise<SendOutcome> {
  const at = deps.clock.now();
  const now = at.toISOString();
  const claim = messageClaimKey(message.subscription._id, message.channel, message.definitions.map((d) => d.saleStart), at);
  if (!(await insertOnce(deps.collections, C.SaleAlertSweeps.id, { _id: claim, at: now }))) return { claimed: 0, sent: 0, failed: 0, skipped: 0 };
  const records = await claimDeliveries(deps, message, now, { status: 'pending', finishedAt: null, error: null, nextAttemptAt: null });
  const mine = claimedPart(message, new Set(records.keys()));
  if (!mine) return { claimed: 0, sent: 0, failed: 0, skipped: 0 };
  return sendAndRecord(deps, event, mine, records);
}

export interface SendOutcome { claimed: number; sent: number; failed: number; skipped: number }

/**
 * Sends a message whose deliveries this invocation holds, and writes the outcome on their rows
 * (`rows` by key, as claimed): sent, skipped, or failed with the error and the next attempt's time.
 */
export async function sendAndRecord(deps: AlertsDeps, event: EventDetails, mine: AlertMessage, rows: ReadonlyMap<string, SaleAlertDelivery>): Promise<SendOutcome> {
  let status: SaleAlertDelivery['status'];
  let error: string | null = null;
  try {
    status = await deliver(deps, event, mine);
    if (status === 'skipped') error = 'push subscription gone';
  } catch (e) {
    status = 'failed';
    error = String((e as Error)?.message ?? e).slice(0, 500);
    deps.logger?.error('Sale alert send failed', { subscriptionId: mine.subscription._id, channel: mine.channel, error });
  }
  const finished = deps.clock.now();
  const finishedAt = finished.toISOString();
  await deps.collections.bulkSave(C.SaleAlertDeliveries.id, mine.keys.map((k) => {
    const row = rows.get(k)!;
    // A retry that succeeds keeps the previous error: the owner sees why it took more than one attempt.
    return { ...row, status, finishedAt, error: error ?? row.error ?? null, nextAttemptAt: status === 'failed' ? nextAttemptAt(attemptsOf(row), finished) : null };
  }));
  const n = mine.keys.length;
  return { claimed: n, sent: status === 'sent' ? n : 0, failed: status === 'failed' ? n : 0, skipped: status === 'skipped' ? n : 0 };
}

async function deliver(deps: AlertsDeps, event: EventDetails, m: AlertMessage): Promise<'sent' | 'skipped'> {
  const locale = m.subscription.locale ?? deps.config.locale ?? 'en-US';
  if (m.channel === 'email') {
    const secret = await deps.secrets.getSecret(deps.config.unsubscribeSecretName);
    const link = unsubscribeUrl(deps.config.unsubscribeBaseUrl, m.subscription._id, unsubscribeToken(secret, m.subscription._id));
    await deps.mailer.sendTriggeredEmail({ templateId: deps.config.templateId, contactId: m.subscription.contactId, variables: alertEmailVariables(event, m.definitions, { unsubscribeUrl: link }, locale) });
    return 'sent';
  }
  if (!deps.push || !m.subscription.push) return 'skipped';
  const payload = alertPushPayload(event, m.definitions, locale);
  const r = await deps.push.send(m.subscription.push, JSON.stringify(payload), { ttlSeconds: 24 * 3600, topic: `sale${event.eventId.replace(/[^A-Za-z0-9]/g, '').slice(0, 28)}` });
  if (r.outcome === 'sent') return 'sent';
  await forgetPushSubscription(deps, m.subscription._id, m.subscription.push.endpoint);
  return 'skipped';
}

/** The push service said the subscription is gone (404/410): stop using it, keep the email channel. */
async function forgetPushSubscription(deps: AlertsDeps, subscriptionId: string, endpoint: string) {
  const current = await deps.collections.get<SaleAlertSubscription>(C.SaleAlertSubscriptions.id, subscriptionId);
  // Only if it still holds the same endpoint: the visitor may have re-subscribed with a new one.
  if (!current || current.push?.endpoint !== endpoint) return;
  await deps.collections.save(C.SaleAlertSubscriptions.id, {
    ...current, push: null, channels: current.channels.filter((c) => c !== 'push'), updatedAt: deps.clock.now().toISOString(),
  });
  deps.logger?.info('Removed a push subscription the push service reported gone', { subscriptionId });
}

export async function eventDetailsOrFallback(deps: AlertsDeps, eventId: string): Promise<EventDetails> {
  try {
    const e = await deps.events.get(eventId);
    if (e) return e;
  } catch (err) {
    deps.logger?.warn('Event details unavailable; using the site URL', { eventId, error: String(err) });
  }
  return { eventId, title: 'Your event', timeZone: null, url: deps.config.siteUrl };
}
