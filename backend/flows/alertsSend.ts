// The one idempotent send that the hourly sweep and the sale-started trigger share, in bulk: for a
// page of subscribers it makes a fixed handful of Wix Data requests whatever the page's size.
//  1. one bulk insert of message claims (`msg:…`, unique `_id`s in SaleAlertSweeps): of invocations
//     racing on a page, each (subscriber, channel) message goes to exactly one, which then asks the
//     marketing tool about its subscribers (one call where the tool answers in bulk);
//  2. one bulk insert of the won messages' delivery records (unique `(subscription, definition,
//     channel)` `_id`s, status `pending`) *before* anything is sent: the exactly-once key;
//  3. the sends, at a bounded concurrency (`config.emailConcurrency`), with no other Wix call per
//     subscriber (the unsubscribe secret and event details are read once per invocation);
//  4. one bulk update of the outcomes (sent, skipped, or failed with the next attempt's time).
// Duplicate triggers, overlapping sweeps and retries therefore never send twice. The sweep's retries
// (alertsRetry.ts) reuse `sendAndRecord` under their own per-attempt claim.
import { COLLECTIONS } from '../collections.js';
import { alertEmailVariables, alertPushPayload, type EventDetails } from '../core/alerts/alertEmail.js';
import { attemptsOf, nextAttemptAt } from '../core/alerts/deliveryRetry.js';
import { messageClaimKey } from '../core/alerts/alertKeys.js';
import { qualifyingSubscribers } from '../core/alerts/qualifyingSubscribers.js';
import type { AlertDefinition, SaleAlertDelivery, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import { alertMessages, claimedPart, plannedAlerts, type AlertMessage } from '../core/alerts/unsentAlerts.js';
import { unsubscribeToken, unsubscribeUrl } from '../core/alerts/unsubscribeToken.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import type { MarketingContact } from '../ports.js';
import type { AlertsDeps } from './alertsDeps.js';

const C = COLLECTIONS;
const DEFAULT_CONCURRENCY = 10;
/** Triggered emails in flight at once, per invocation (Wix publishes no rate for `emailContact`). */
export const DEFAULT_EMAIL_CONCURRENCY = 20;
/** Wix Data takes at most 1,000 items per bulk request. */
const MAX_BULK = 1000;

export interface PageStats { subscribers: number; qualified: number; claimed: number; sent: number; failed: number; skipped: number }

export const emptyStats = (): PageStats => ({ subscribers: 0, qualified: 0, claimed: 0, sent: 0, failed: 0, skipped: 0 });
export function addStats(a: PageStats, b: PageStats): PageStats {
  return { subscribers: a.subscribers + b.subscribers, qualified: a.qualified + b.qualified, claimed: a.claimed + b.claimed, sent: a.sent + b.sent, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

/** What one invocation reads once and reuses for every page it sends: the unsubscribe key. */
export interface SendContext { unsubscribeSecret?: Promise<string> }

/** Alerts one page of an event's subscriptions about the given due definitions. */
export async function alertSubscribers(deps: AlertsDeps, event: EventDetails, defs: readonly AlertDefinition[], subs: readonly SaleAlertSubscription[], ctx: SendContext = {}): Promise<PageStats> {
  const stats = { ...emptyStats(), subscribers: subs.length };
  if (!defs.length || !subs.length) return stats;
  // Messages to everyone reachable here; the marketing tool is asked only about the messages this
  // invocation wins, so racing invocations do not each ask about the same page.
  const reachable = qualifyingSubscribers(subs, event.eventId, new Map(subs.map((s) => [s._id, true])));
  const messages = alertMessages(plannedAlerts(reachable, defs), subs, defs);
  if (!messages.length) return stats;

  // 1. Message claims: one bulk insert for the page.
  const at = deps.clock.now();
  const now = at.toISOString();
  const claimKeys = messages.map((m) => messageClaimKey(m.subscription._id, m.channel, m.definitions.map((d) => d.saleStart), at));
  const wonClaims = await claimAll(deps, C.SaleAlertSweeps.id, claimKeys.map((k) => ({ _id: k, at: now })));
  const won = messages.filter((_, i) => wonClaims.has(claimKeys[i]!));
  if (!won.length) return stats;

  /** Subscribers the marketing tool gave no answer for, with the error. */
  const unknown = new Map<string, string>();
  const wonSubs = [...new Map(won.map((m) => [m.subscription._id, m.subscription])).values()];
  const answers = await stillSubscribed(deps, wonSubs, unknown);
  const mine = won.filter((m) => answers.get(m.subscription._id) === true);
  stats.qualified = new Set(mine.filter((m) => !unknown.has(m.subscription._id)).map((m) => m.subscription._id)).size;

  // 2. Delivery records: one bulk insert for the page.
  const rows = new Map<string, SaleAlertDelivery>();
  for (const m of mine) {
    const error = unknown.get(m.subscription._id);
    // Unknown is not "no" (the sale is marked done after this run, so it would never be asked again)
    // and not "yes" (they may have unsubscribed there): their alerts are held as failed first attempts,
    // and the retry asks the tool again before sending.
    const outcome = error
      ? { status: 'failed' as const, finishedAt: now, error, nextAttemptAt: nextAttemptAt(1, at) }
      : { status: 'pending' as const, finishedAt: null, error: null, nextAttemptAt: null };
    m.keys.forEach((key, i) => {
      const def = m.definitions[i]!;
      rows.set(key, {
        _id: key, subscriptionId: m.subscription._id, definitionId: def.definitionId, eventId: def.eventId, channel: m.channel,
        saleStart: def.saleStart, claimedAt: now, attempts: 1, lastAttemptAt: now, ...outcome,
      });
    });
  }
  const wonRows = await claimAll(deps, C.SaleAlertDeliveries.id, [...rows.values()]);
  const toSend: AlertMessage[] = [];
  for (const m of mine) {
    const part = claimedPart(m, wonRows);
    if (!part) continue;
    stats.claimed += part.keys.length;
    if (unknown.has(m.subscription._id)) stats.failed += part.keys.length;
    else toSend.push(part);
  }

  // 3. The sends; 4. one bulk update of their outcomes.
  const results = await mapConcurrent(toSend, deps.config.emailConcurrency ?? DEFAULT_EMAIL_CONCURRENCY, (m) => deliverOutcome(deps, event, m, ctx));
  const finished = deps.clock.now();
  const updates = results.flatMap((r, i) => outcomeRows(toSend[i]!, rows, r, finished));
  await bulkUpdateAll(deps, C.SaleAlertDeliveries.id, updates);
  for (const [i, r] of results.entries()) countOutcome(stats, r.status, toSend[i]!.keys.length);
  return stats;
}

/**
 * The marketing tool's answer for the page: one call where the tool answers in bulk
 * (`subscribedAmong`), else one per subscriber (outside tools such as Mailchimp, not Wix API calls).
 * A subscriber the tool gave no answer for is recorded in `unknown` and counted as subscribed here.
 */
async function stillSubscribed(deps: AlertsDeps, active: readonly SaleAlertSubscription[], unknown: Map<string, string>): Promise<Map<string, boolean>> {
  const fail = (s: SaleAlertSubscription, e: unknown) => {
    const error = `marketing tool did not answer: ${String((e as Error)?.message ?? e)}`.slice(0, 500);
    deps.logger?.warn('Marketing tool did not answer isSubscribed', { subscriptionId: s._id, error });
    unknown.set(s._id, error);
  };
  const out = new Map<string, boolean>();
  if (!active.length) return out;
  const contact = (s: SaleAlertSubscription): MarketingContact => ({ email: s.email, contactId: s.contactId });
  if (deps.marketing.subscribedAmong) {
    try {
      const answer = await deps.marketing.subscribedAmong(active.map(contact));
      for (const s of active) {
        const a = answer.get(marketingKey(contact(s)));
        if (a === undefined) fail(s, new Error('no answer for this contact'));
        out.set(s._id, a ?? true);
      }
    } catch (e) {
      for (const s of active) { fail(s, e); out.set(s._id, true); }
    }
    return out;
  }
  await mapConcurrent(active, deps.config.concurrency ?? DEFAULT_CONCURRENCY, async (s) => {
    try {
      out.set(s._id, await deps.marketing.isSubscribed(contact(s)));
    } catch (e) {
      fail(s, e);
      out.set(s._id, true);
    }
  });
  return out;
}

/** How `subscribedAmong` answers are keyed: the contact ID when known, else the email. */
export function marketingKey(c: MarketingContact): string {
  return c.contactId ?? `email:${c.email}`;
}

/** Bulk-inserts `items` (≤1,000 per request); returns the `_id`s this invocation won. */
async function claimAll<T extends { _id: string }>(deps: AlertsDeps, collection: string, items: T[]): Promise<Set<string>> {
  const won = new Set<string>();
  for (let i = 0; i < items.length; i += MAX_BULK) {
    for (const id of await deps.collections.claim(collection, items.slice(i, i + MAX_BULK))) won.add(id);
  }
  return won;
}

async function bulkUpdateAll<T extends { _id: string }>(deps: AlertsDeps, collection: string, items: T[]) {
  for (let i = 0; i < items.length; i += MAX_BULK) await deps.collections.bulkUpdate(collection, items.slice(i, i + MAX_BULK));
}

function countOutcome(stats: Pick<PageStats, 'sent' | 'failed' | 'skipped'>, status: SaleAlertDelivery['status'], n: number) {
  if (status === 'sent') stats.sent += n;
  else if (status === 'failed') stats.failed += n;
  else if (status === 'skipped') stats.skipped += n;
}

interface DeliveryOutcome { status: 'sent' | 'skipped' | 'failed'; error: string | null }

/** Sends one message; never throws (a failure is an outcome to record). */
async function deliverOutcome(deps: AlertsDeps, event: EventDetails, m: AlertMessage, ctx: SendContext): Promise<DeliveryOutcome> {
  try {
    const status = await deliver(deps, event, m, ctx);
    return { status, error: status === 'skipped' ? 'push subscription gone' : null };
  } catch (e) {
    const error = String((e as Error)?.message ?? e).slice(0, 500);
    deps.logger?.error('Sale alert send failed', { subscriptionId: m.subscription._id, channel: m.channel, error });
    return { status: 'failed', error };
  }
}

/** The rows of a sent message with its outcome written on them (`rows` by key, as claimed). */
function outcomeRows(m: AlertMessage, rows: ReadonlyMap<string, SaleAlertDelivery>, r: DeliveryOutcome, finished: Date): SaleAlertDelivery[] {
  const finishedAt = finished.toISOString();
  return m.keys.map((k) => {
    const row = rows.get(k)!;
    // A retry that succeeds keeps the previous error: the owner sees why it took more than one attempt.
    return { ...row, status: r.status, finishedAt, error: r.error ?? row.error ?? null, nextAttemptAt: r.status === 'failed' ? nextAttemptAt(attemptsOf(row), finished) : null };
  });
}

export interface SendOutcome { claimed: number; sent: number; failed: number; skipped: number }

/**
 * Sends a message whose deliveries this invocation holds, and writes the outcome on their rows
 * (`rows` by key, as claimed) in one bulk update: sent, skipped, or failed with the next attempt's time.
 */
export async function sendAndRecord(deps: AlertsDeps, event: EventDetails, mine: AlertMessage, rows: ReadonlyMap<string, SaleAlertDelivery>, ctx: SendContext = {}): Promise<SendOutcome> {
  const r = await deliverOutcome(deps, event, mine, ctx);
  await deps.collections.bulkUpdate(C.SaleAlertDeliveries.id, outcomeRows(mine, rows, r, deps.clock.now()));
  const out = { claimed: mine.keys.length, sent: 0, failed: 0, skipped: 0 };
  countOutcome(out, r.status, mine.keys.length);
  return out;
}

async function deliver(deps: AlertsDeps, event: EventDetails, m: AlertMessage, ctx: SendContext): Promise<'sent' | 'skipped'> {
  const locale = m.subscription.locale ?? deps.config.locale ?? 'en-US';
  if (m.channel === 'email') {
    ctx.unsubscribeSecret ??= deps.secrets.getSecret(deps.config.unsubscribeSecretName);
    // A failed read is not kept: the next message asks again.
    const secret = await ctx.unsubscribeSecret.catch((e) => { ctx.unsubscribeSecret = undefined; throw e; });
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
