// One-click unsubscribe: the link carries the subscription ID and an HMAC of it, so nobody can stop
// someone else's alerts by guessing IDs, and no login is needed.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function unsubscribeToken(secret: string, subscriptionId: string): string {
  if (!secret) throw new Error('unsubscribe secret is empty');
  return createHmac('sha256', secret).update(`sale-alert-unsubscribe:${subscriptionId}`).digest('base64url');
}

/** Constant-time check; any malformed input is simply "not valid". */
export function verifyUnsubscribeToken(secret: string, subscriptionId: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length > 100 || !/^sa_[0-9a-f]{40}$/.test(subscriptionId)) return false;
  const expected = Buffer.from(unsubscribeToken(secret, subscriptionId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unsubscribeUrl(base: string, subscriptionId: string, token: string): string {
  const u = new URL(base);
  u.searchParams.set('s', subscriptionId);
  u.searchParams.set('t', token);
  return u.toString();
}
