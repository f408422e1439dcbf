// Keys that make writes idempotent: the same email and event always map to one subscription, the
// same (subscription, definition, channel) to one delivery. Hashes keep emails out of item IDs.
import { createHash } from 'node:crypto';
import { normalizeEmail } from './subscriptionInput.js';
import type { AlertChannel } from './saleAlertTypes.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function subscriptionId(email: string, eventId: string): string {
  return `sa_${sha256(`${normalizeEmail(email)}\n${eventId}`).slice(0, 40)}`;
}

export function deliveryKey(subscriptionId: string, definitionId: string, channel: AlertChannel): string {
  return `${subscriptionId}:${definitionId}:${channel}`;
}

/** Rate-limit state is per address, across events. */
export function rateLimitKey(email: string): string {
  return `rl_${sha256(normalizeEmail(email)).slice(0, 40)}`;
}
