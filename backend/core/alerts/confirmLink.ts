// The link in the confirmation email. It signs the subscription ID *and* the nonce of the pending
// sign-up it confirms, so a link only confirms that one sign-up: after an unsubscribe, an old link
// confirms nothing, and only a new sign-up (with a new email) can reactivate the subscription.
import { signLink, verifyLink, type LinkKeyRing } from './linkKeys.js';
import { isSubscriptionId } from './unsubscribeToken.js';

/** A pending sign-up can be confirmed for this long. */
export const CONFIRM_LINK_TTL_MS = 7 * 24 * 3_600_000;

const NONCE = /^[A-Za-z0-9_-]{22}$/;

export function isConfirmNonce(c: unknown): c is string {
  return typeof c === 'string' && NONCE.test(c);
}

export function confirmToken(secret: string, subscriptionId: string, nonce: string): string {
  return signLink(secret, 'sale-alert-confirm', `${subscriptionId}:${nonce}`);
}

export function verifyConfirmToken(ring: LinkKeyRing, subscriptionId: unknown, nonce: unknown, token: unknown, now: Date): boolean {
  if (!isSubscriptionId(subscriptionId) || !isConfirmNonce(nonce)) return false;
  return verifyLink(ring, 'sale-alert-confirm', `${subscriptionId}:${nonce}`, token, now);
}

export function confirmUrl(base: string, subscriptionId: string, nonce: string, token: string): string {
  const u = new URL(base);
  u.searchParams.set('s', subscriptionId);
  u.searchParams.set('c', nonce);
  u.searchParams.set('t', token);
  return u.toString();
}
