// The one idempotent send that the sweep (every 5 minutes) and the sale-started trigger share, in bulk: for a
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
// (alertsRetry.ts) reuse `sendAndRecord` (alertsDeliver.ts) under their own per-attempt claim.
import type { EventDetails } from '../core/alerts/alertEmail.js';
import { messageClaimKey } from '../core/alerts/alertKeys.js';
import { nextAttemptAt } from '../core/alerts/deliveryRetry.js';
import { qualifyingSubscribers } from '../core/alerts/qualifyingSubscribers.js';
import type { AlertDefinition, SaleAlertDelivery, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import { alertMessages, claimedPart, plannedAlerts, type AlertMessage } from '../core/alerts/unsentAlerts.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import type { MarketingContact } from '../ports.js';
import { alertDeliveries } from '../repositories/alertDeliveries.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import { countOutcome, deliverOutcome, outcomeRows, type SendContext } from './alertsDeliver.js';
import type { AlertsDeps } from './alertsDeps.js';

export type { SendContext } from './alertsDeliver.js';

const DEFAULT_CONCURRENCY = 10;
/** Triggered emails in flight at once, per invocation (Wix publishes no rate for `emailContact`). */
export const DEFAULT_EMAIL_CONCURRENCY = 20;

export interface PageStats { subscribers: number; qualified: number; claimed: number; sent: number; failed: number; skipped: number }

export const emptyStats = (): PageStats => ({ subscribers: 0, qualified: 0, claimed: 0, sent: 0, failed: 0, skipped: 0 });
export function addStats(a: PageStats, b: PageStats): PageStats {
  return { subscribers: a.subscribers + b.subscribers, qualified: a.qualified + b.qualified, claimed: a.claimed + b.claimed, sent: a.sent + b.sent, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

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
  const wonClaims = await alertSweeps(deps).claimAll(claimKeys, now);
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
  const deliveries = alertDeliveries(deps);
  const wonRows = await deliveries.claimNew([...rows.values()]);
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
  await deliveries.recordOutcomes(updates);
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
