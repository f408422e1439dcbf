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

/** How long a message claim holds: invocations racing on the same message share one window. */
export const MESSAGE_CLAIM_WINDOW_MS = 10 * 60_000;

/**
 * One email (or push) to one subscriber about a set of definitions, in a time window. Invocations that
 * race on the same message (two sale-started triggers, or a trigger and the sweep) claim this first, so
 * one of them sends it whole instead of each sending the part it won. A later window may claim again:
 * a claimer cut off before its delivery rows were written does not block the message for good (the
 * per-definition delivery rows still keep each alert to one send).
 */
export function messageClaimKey(subscriptionId: string, channel: AlertChannel, definitionIds: readonly string[], at: Date): string {
  const defs = sha256([...definitionIds].sort().join('\n')).slice(0, 16);
  return `msg:${subscriptionId}:${channel}:${defs}:${Math.floor(at.getTime() / MESSAGE_CLAIM_WINDOW_MS)}`;
}

/** Rate-limit state is per address, across events. */
export function rateLimitKey(email: string): string {
  return `rl_${sha256(normalizeEmail(email)).slice(0, 40)}`;
}
