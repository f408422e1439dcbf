// Sending one sale-alert message and recording its outcome: the triggered email (with its one-click
// unsubscribe link) or the web push, never throwing (a failure is an outcome to record), then the
// outcome written on the message's delivery rows. A push subscription the push service reports gone is
// dropped. The page send (alertsSend.ts) and the sweep's retries (alertsRetry.ts) both use it.
import { alertEmailVariables, alertPushPayload, type EventDetails } from '../core/alerts/alertEmail.js';
import { attemptsOf, nextAttemptAt } from '../core/alerts/deliveryRetry.js';
import type { SaleAlertDelivery } from '../core/alerts/saleAlertTypes.js';
import type { AlertMessage } from '../core/alerts/unsentAlerts.js';
import { unsubscribeToken, unsubscribeUrl } from '../core/alerts/unsubscribeToken.js';
import { alertDeliveries } from '../repositories/alertDeliveries.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import type { AlertsDeps } from './alertsDeps.js';

/** What one invocation reads once and reuses for every page it sends: the unsubscribe key. */
export interface SendContext { unsubscribeSecret?: Promise<string> }

export function countOutcome(stats: Pick<SendOutcome, 'sent' | 'failed' | 'skipped'>, status: SaleAlertDelivery['status'], n: number) {
  if (status === 'sent') stats.sent += n;
  else if (status === 'failed') stats.failed += n;
  else if (status === 'skipped') stats.skipped += n;
}

export interface DeliveryOutcome { status: 'sent' | 'skipped' | 'failed'; error: string | null }

/** Sends one message; never throws (a failure is an outcome to record). */
export async function deliverOutcome(deps: AlertsDeps, event: EventDetails, m: AlertMessage, ctx: SendContext): Promise<DeliveryOutcome> {
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
export function outcomeRows(m: AlertMessage, rows: ReadonlyMap<string, SaleAlertDelivery>, r: DeliveryOutcome, finished: Date): SaleAlertDelivery[] {
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
  await alertDeliveries(deps).recordOutcomes(outcomeRows(mine, rows, r, deps.clock.now()));
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
  const subs = alertSubscriptions(deps);
  const current = await subs.get(subscriptionId);
  // Only if it still holds the same endpoint: the visitor may have re-subscribed with a new one.
  if (!current || current.push?.endpoint !== endpoint) return;
  await subs.save({
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
