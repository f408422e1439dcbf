// Sale-alert sign-up with double opt-in: a sign-up only records a consent *request* and sends one
// confirmation email; the subscription gets alerts once the visitor presses the button behind the
// emailed link (alertsConfirm.ts). Confirmation emails are capped per mailbox (one a UTC day) and per
// site (an hourly setting), both counted with insert-once claims so concurrent sign-ups cannot slip
// past; made-up event IDs are answered from a memo under a site-wide budget.
import { randomBytes } from 'node:crypto';
import { rateLimitKey, subscriptionId } from '../core/alerts/alertKeys.js';
import { CONFIRM_LINK_TTL_MS, confirmToken, confirmUrl } from '../core/alerts/confirmLink.js';
import {
  DEFAULT_CONFIRMATIONS_PER_HOUR, EVENT_MISS_MEMO_MS, EVENT_MISSES_PER_WINDOW, eventMissCountId, eventMissMemoId, eventMissSlotId,
  mailboxDayClaimId, siteHourCountId, siteHourSlotId, untilNextDayMs, untilNextHourMs,
} from '../core/alerts/confirmationLimits.js';
import type { EventDetails } from '../core/alerts/alertEmail.js';
import { mailboxKey } from '../core/alerts/mailbox.js';
import type { PendingSignup, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import { subscribeRateLimit } from '../core/alerts/subscribeRateLimit.js';
import { InvalidSubscriptionError, parseSubscriptionInput } from '../core/alerts/subscriptionInput.js';
import { alertEvents } from '../repositories/alertEvents.js';
import { alertRateLimits } from '../repositories/alertRateLimits.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import type { AlertsDeps } from './alertsDeps.js';

export const DEFAULT_CONSENT_WORDING = 'sale-alert-v1';

export type SubscribeResult =
  | { outcome: 'confirmation_sent'; subscriptionId: string }
  | { outcome: 'rate_limited'; retryAfterMs: number };

/**
 * Throws `InvalidSubscriptionError` for bad input (the web method turns it into `invalid`). The answer
 * and the work are the same for a new, a pending, a confirmed and an unsubscribed address: anonymous
 * callers must not learn whether someone else's address is on the list. Nothing of the request is
 * applied to the subscription until it is confirmed.
 */
export async function subscribe(deps: AlertsDeps, input: unknown): Promise<SubscribeResult> {
  const localWix = !!deps.config.localWix;
  const sub = parseSubscriptionInput(input, { localWix });
  const now = deps.clock.now();
  const nowIso = now.toISOString();

  // Calls per mailbox (5 an hour), before anything that costs a Wix call or an email.
  const limits = alertRateLimits(deps);
  const limitId = rateLimitKey(sub.email);
  const decision = subscribeRateLimit(await limits.history(limitId), now);
  await limits.saveHistory(limitId, decision.history, nowIso);
  if (!decision.allowed) return { outcome: 'rate_limited', retryAfterMs: decision.retryAfterMs };

  // Only events of this site: a made-up ID would otherwise join every scheduled sweep.
  const event = await knownEvent(deps, sub.eventId, now);
  if (event === 'over_budget') return { outcome: 'rate_limited', retryAfterMs: EVENT_MISS_MEMO_MS };
  if (!event) throw new InvalidSubscriptionError([`eventId: there is no event ${sub.eventId} on this site`]);

  // One confirmation email per mailbox per UTC day, and at most `confirmationsPerHour` for the site.
  const dayClaim = mailboxDayClaimId(mailboxKey(sub.email), now);
  if (!(await limits.claim(dayClaim, nowIso))) return { outcome: 'rate_limited', retryAfterMs: untilNextDayMs(now) };
  const perHour = deps.config.confirmationsPerHour ?? DEFAULT_CONFIRMATIONS_PER_HOUR;
  const hourSlot = await limits.claimNextSlot(siteHourCountId(now), (n) => siteHourSlotId(now, n), perHour, nowIso);
  if (!hourSlot) {
    await limits.release(dayClaim);
    return { outcome: 'rate_limited', retryAfterMs: untilNextHourMs(now) };
  }

  const id = subscriptionId(sub.email, sub.eventId);
  try {
    const contactId = await deps.mailer.contactFor(sub.email);
    const pending: PendingSignup = {
      nonce: randomBytes(16).toString('base64url'), channels: sub.channels, push: sub.push, locale: sub.locale,
      requestedAt: nowIso, expiresAt: new Date(now.getTime() + CONFIRM_LINK_TTL_MS).toISOString(),
      wording: deps.config.consentWording ?? DEFAULT_CONSENT_WORDING,
    };
    const subs = alertSubscriptions(deps);
    const existing = await subs.get(id);
    const item: SaleAlertSubscription = existing
      ? { ...existing, contactId: existing.contactId || contactId, pending, updatedAt: nowIso }
      : {
        _id: id, email: sub.email, eventId: sub.eventId, channels: [], push: null, contactId, status: 'pending',
        consentAt: null, consentWording: null, unsubscribedAt: null, updatedAt: nowIso, locale: sub.locale, pending,
      };
    await subs.save(item);
    const secret = await deps.secrets.getSecret(deps.config.unsubscribeSecretName);
    const link = confirmUrl(confirmBase(deps), id, pending.nonce, confirmToken(secret, id, pending.nonce));
    await deps.mailer.sendTriggeredEmail({
      templateId: deps.config.confirmTemplateId ?? 'sale-alert-confirm', contactId: item.contactId,
      variables: { eventName: event.title, eventUrl: event.url, confirmUrl: link },
    });
  } catch (e) {
    // Nothing went out: give the visitor their day and the site its slot back.
    await Promise.allSettled([limits.release(dayClaim), limits.release(hourSlot)]);
    throw e;
  }
  return { outcome: 'confirmation_sent', subscriptionId: id };
}

// ---------- helpers ----------

function confirmBase(deps: AlertsDeps): string {
  return deps.config.confirmBaseUrl ?? `${deps.config.siteUrl.replace(/\/$/, '')}/_functions/saleAlertConfirm`;
}

/**
 * The event, or null when the site has no such event. Each answer is remembered for 10 minutes, so a
 * made-up ID costs at most one Wix call per 10 minutes, and misses share a site-wide budget per 10
 * minutes: past it, only events with confirmed subscribers are looked up; others answer `over_budget`.
 */
async function knownEvent(deps: AlertsDeps, eventId: string, now: Date): Promise<EventDetails | null | 'over_budget'> {
  const limits = alertRateLimits(deps);
  const nowIso = now.toISOString();
  const memoId = eventMissMemoId(eventId);
  const memo = await limits.eventMemo(memoId);
  if (memo && now.getTime() - Date.parse(memo.at) < EVENT_MISS_MEMO_MS) return memo.event;
  // Past the budget, only events that already have confirmed subscribers are looked up: a flood of
  // made-up IDs then costs nothing, and a brand-new event's first sign-up waits for the next window.
  if ((await limits.slotsTaken(eventMissCountId(now))) >= EVENT_MISSES_PER_WINDOW && !(await alertEvents(deps).has(eventId))) return 'over_budget';
  const event = await deps.events.get(eventId);
  await limits.saveEventMemo(memoId, event, nowIso);
  if (!event) await limits.claimNextSlot(eventMissCountId(now), (n) => eventMissSlotId(now, n), EVENT_MISSES_PER_WINDOW, nowIso);
  return event;
}
