// Sale-alert confirmation (the second step of the double opt-in): the GET of the emailed link only
// checks it, the button's POST turns the pending sign-up into the subscription (mail scanners open
// links, they do not submit forms). The marketing tool hears of the subscriber only now.
import { verifyConfirmToken } from '../core/alerts/confirmLink.js';
import { nextSaleStart } from '../core/alerts/nextSaleStart.js';
import type { SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import { alertEvents } from '../repositories/alertEvents.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import type { AlertsDeps } from './alertsDeps.js';
import { linkKeys } from './alertsLinkKeys.js';
import { allDefinitions } from './eventDefinitions.js';


export type ConfirmResult = { outcome: 'confirmed' | 'already_confirmed' | 'expired' | 'invalid_link' | 'not_found'; eventId?: string };

export interface ConfirmLink { s?: unknown; c?: unknown; t?: unknown }

/** GET of the link: is it one of ours? Changes nothing. */
export async function checkConfirmLink(deps: AlertsDeps, link: ConfirmLink): Promise<'ok' | 'invalid_link'> {
  return verifyConfirmToken(await linkKeys(deps), link.s, link.c, link.t, deps.clock.now()) ? 'ok' : 'invalid_link';
}

/** The button's POST: the pending sign-up the link names becomes the subscription. */
export async function confirmSubscription(deps: AlertsDeps, link: ConfirmLink): Promise<ConfirmResult> {
  const now = deps.clock.now();
  if (!verifyConfirmToken(await linkKeys(deps), link.s, link.c, link.t, now)) return { outcome: 'invalid_link' };
  const subs = alertSubscriptions(deps);
  const sub = await subs.get(link.s as string);
  if (!sub) return { outcome: 'not_found' };
  const p = sub.pending;
  if (!p || p.nonce !== link.c) {
    // Already used (a second press), or replaced by a newer sign-up or an unsubscribe since.
    return sub.status === 'active' ? { outcome: 'already_confirmed', eventId: sub.eventId } : { outcome: 'expired', eventId: sub.eventId };
  }
  if (now.getTime() > Date.parse(p.expiresAt)) return { outcome: 'expired', eventId: sub.eventId };
  const nowIso = now.toISOString();
  // Marketing first (the label or Mailchimp member is added only now, after our confirmation): if the
  // tool refuses, nothing changes and the visitor can press the button again.
  await deps.marketing.upsertSubscriber({ email: sub.email, contactId: sub.contactId, eventId: sub.eventId, consentAt: nowIso, saleStart: await eventSaleStart(deps, sub.eventId) });
  await subs.save({
    ...sub, status: 'active', channels: p.channels, push: p.push, locale: p.locale ?? sub.locale ?? null,
    consentAt: nowIso, consentWording: p.wording, unsubscribedAt: null, pending: null, updatedAt: nowIso,
  } satisfies SaleAlertSubscription);
  await alertEvents(deps).recordFirst(sub.eventId, nowIso);
  return { outcome: 'confirmed', eventId: sub.eventId };
}

async function eventSaleStart(deps: AlertsDeps, eventId: string): Promise<string | null> {
  try {
    return nextSaleStart(await allDefinitions(deps, eventId), deps.clock.now());
  } catch (e) {
    deps.logger?.warn('Could not read the event\'s sale start', { eventId, error: String(e) });
    return null;
  }
}
