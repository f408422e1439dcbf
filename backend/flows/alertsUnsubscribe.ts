// Sale-alert unsubscribe: the GET of the emailed link only checks it; the unsubscribe page's POST, or
// a mail client's RFC 8058 one-click POST, stops the alerts and drops any pending sign-up.
import { isSubscriptionId, verifyUnsubscribeToken } from '../core/alerts/unsubscribeToken.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import type { AlertsDeps } from './alertsDeps.js';
import { linkKeys } from './alertsLinkKeys.js';

export type UnsubscribeResult = { outcome: 'unsubscribed' | 'already_unsubscribed' | 'invalid_link' | 'not_found'; eventId?: string };
export interface UnsubscribeLink { s?: unknown; t?: unknown }

/** GET of the link: is it one of ours? Changes nothing. */
export async function checkUnsubscribeLink(deps: AlertsDeps, link: UnsubscribeLink): Promise<'ok' | 'invalid_link'> {
  if (!isSubscriptionId(link.s)) return 'invalid_link';
  return verifyUnsubscribeToken(await linkKeys(deps), link.s, link.t, deps.clock.now()) ? 'ok' : 'invalid_link';
}

/** The POST of the unsubscribe page, or a mail client's RFC 8058 one-click POST: `s` = subscription ID, `t` = its token. */
export async function unsubscribe(deps: AlertsDeps, link: UnsubscribeLink): Promise<UnsubscribeResult> {
  if (!isSubscriptionId(link.s)) return { outcome: 'invalid_link' };
  if (!verifyUnsubscribeToken(await linkKeys(deps), link.s, link.t, deps.clock.now())) return { outcome: 'invalid_link' };
  const subs = alertSubscriptions(deps);
  const sub = await subs.get(link.s);
  if (!sub) return { outcome: 'not_found' };
  if (sub.status === 'unsubscribed' && !sub.pending) return { outcome: 'already_unsubscribed', eventId: sub.eventId };
  const now = deps.clock.now().toISOString();
  // A confirmation link sent before this must not undo it: the pending sign-up goes too.
  await subs.save({ ...sub, status: 'unsubscribed', pending: null, unsubscribedAt: now, updatedAt: now });
  try {
    await deps.marketing.removeFromEvent({ email: sub.email, contactId: sub.contactId, eventId: sub.eventId });
  } catch (e) {
    // Our own record already stops the alerts; the tag is bookkeeping for the owner.
    deps.logger?.warn('Could not remove the event tag in the marketing tool', { subscriptionId: sub._id, error: String(e) });
  }
  return { outcome: 'unsubscribed', eventId: sub.eventId };
}
