// One-click unsubscribe: the link carries the subscription ID and an HMAC of it (with the key's
// version, see linkKeys.ts), so nobody can stop someone else's alerts by guessing IDs, and no login is needed.
import { signLink, verifyLink, type LinkKeyRing } from './linkKeys.js';

const SUBSCRIPTION_ID = /^sa_[0-9a-f]{40}$/;

/** `secret` is the current key's secret value (`v<N>:<key>` or a bare key, version 1). */
export function unsubscribeToken(secret: string, subscriptionId: string): string {
  if (!secret) throw new Error('unsubscribe secret is empty');
  return signLink(secret, 'sale-alert-unsubscribe', subscriptionId);
}

/** Constant-time check; any malformed input is simply "not valid". */
export function verifyUnsubscribeToken(ring: LinkKeyRing, subscriptionId: string, token: unknown, now: Date): boolean {
  if (!SUBSCRIPTION_ID.test(subscriptionId)) return false;
  return verifyLink(ring, 'sale-alert-unsubscribe', subscriptionId, token, now);
}

export function unsubscribeUrl(base: string, subscriptionId: string, token: string): string {
  const u = new URL(base);
  u.searchParams.set('s', subscriptionId);
  u.searchParams.set('t', token);
  return u.toString();
}

export function isSubscriptionId(s: unknown): s is string {
  return typeof s === 'string' && SUBSCRIPTION_ID.test(s);
}
