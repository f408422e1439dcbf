// Keys that make writes idempotent: the same email and event always map to one subscription, the
// same (subscription, definition, channel) to one delivery. Hashes keep emails out of item IDs.
import { createHash } from 'node:crypto';
import { mailboxKey } from './mailbox.js';
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
 * One email (or push) to one subscriber about the definitions whose sale starts at the same time, in a
 * time window. Invocations that race on it (two sale-started triggers, or a trigger and the sweep) claim
 * this first, so one of them sends the whole message instead of each sending the part it won. It names
 * the sale start, not the set of definitions: a racer that already sees some of the other's delivery rows
 * plans a smaller set, and must still lose. A later window may claim again, so a claimer cut off before
 * its delivery rows were written does not block the alert for good (those rows keep each alert to one send).
 */
export function messageClaimKey(subscriptionId: string, channel: AlertChannel, saleStarts: readonly (string | null)[], at: Date): string {
  const earliest = saleStarts.filter((s): s is string => !!s).sort()[0];
  const start = earliest ? Math.floor(Date.parse(earliest) / 60_000) : 'none';
  return `msg:${subscriptionId}:${channel}:${start}:${Math.floor(at.getTime() / MESSAGE_CLAIM_WINDOW_MS)}`;
}

/**
 * The sale-started trigger's claim on an event's due sales (their earliest start) in a message window:
 * duplicate and sibling triggers (each definition of the event fires its own event) leave the work to
 * the first. The sweep ignores it.
 */
export function triggerClaimKey(eventId: string, saleStarts: readonly (string | null)[], at: Date): string {
  const earliest = saleStarts.filter((s): s is string => !!s).sort()[0];
  const start = earliest ? Math.floor(Date.parse(earliest) / 60_000) : 'none';
  return `trigger:${eventId}:${start}:${Math.floor(at.getTime() / MESSAGE_CLAIM_WINDOW_MS)}`;
}

/** Rate-limit state is per mailbox (plus tags stripped, see mailbox.ts), across events. */
export function rateLimitKey(email: string): string {
  return `rl_${mailboxKey(email)}`;
}
