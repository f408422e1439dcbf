// Retrying alert sends that failed (mail service or push service down for a while). The rules:
// which failed deliveries are due for another attempt, how long to wait after each failure, when to
// give up, and what a retry does once the subscriber and the sale have been read again. Pure: the
// flow (flows/alertsRetry.ts) claims every attempt with a unique key, so overlapping sweeps never
// retry the same delivery twice.
import type { TicketDef } from '../ticketDefinition.js';
import { saleStartOf } from './dueDefinitions.js';
import { reachableChannels } from './qualifyingSubscribers.js';
import type { AlertChannel, SaleAlertDelivery, SaleAlertSubscription } from './saleAlertTypes.js';

export interface RetryPolicy {
  /** Sends in total, the first one included. */
  maxAttempts: number;
  /** The wait after the first failure; every later failure waits `factor` times longer. */
  firstDelayMs: number;
  factor: number;
  /**
   * An attempt claimed this long ago whose delivery still reads `failed` was interrupted between the
   * claim and the send (the invocation was cut off): it never sent, so it counts as a failed attempt.
   */
  staleClaimMs: number;
}

/**
 * 3 attempts: the first send, then at least 2 min and at least 10 min after the failures before it.
 * Sweeps run every 5 minutes (jobs.config), so in practice the first retry happens at the next sweep,
 * within the 15 minutes an alert should take, and the last one a sweep later.
 */
export const ALERT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, firstDelayMs: 2 * 60_000, factor: 5, staleClaimMs: 60 * 60_000 };

/** Attempts made so far. Rows written before attempts were counted had exactly one. */
export function attemptsOf(d: Pick<SaleAlertDelivery, 'attempts'>): number {
  return typeof d.attempts === 'number' && d.attempts >= 1 ? Math.floor(d.attempts) : 1;
}

/** When the next attempt may start after `attempts` failed ones; null when none is left. */
export function nextAttemptAt(attempts: number, failedAt: Date, policy: RetryPolicy = ALERT_RETRY_POLICY): string | null {
  if (attempts >= policy.maxAttempts) return null;
  return new Date(failedAt.getTime() + policy.firstDelayMs * policy.factor ** Math.max(0, attempts - 1)).toISOString();
}

export function isDueForRetry(d: SaleAlertDelivery, now: Date, policy: RetryPolicy = ALERT_RETRY_POLICY): boolean {
  if (d.status !== 'failed' || attemptsOf(d) >= policy.maxAttempts || !d.nextAttemptAt) return false;
  const at = Date.parse(d.nextAttemptAt);
  return Number.isFinite(at) && at <= now.getTime();
}

/** The unique key of attempt `attempt` (2, 3, …) of a delivery: whoever inserts it makes that attempt. */
export function retryClaimKey(deliveryKey: string, attempt: number): string {
  return `retry:${deliveryKey}:${attempt}`;
}

/** Guards the repair of an interrupted attempt, so only one sweep writes it off. */
export function interruptedClaimKey(deliveryKey: string, attempt: number): string {
  return `${retryClaimKey(deliveryKey, attempt)}:interrupted`;
}

/** What the owner reads on a send that was cut off mid-way. */
export const CUT_OFF_SEND_ERROR = 'the send was cut off before its outcome was recorded: it may or may not have gone out, and it is not retried (alerts go out at most once)';

/**
 * A `pending` delivery whose attempt began at least `staleClaimMs` ago: the invocation sending it was
 * cut off (Velo's time limits are minutes) between marking it pending and recording the outcome.
 */
export function isCutOffSend(d: Pick<SaleAlertDelivery, 'status' | 'claimedAt' | 'lastAttemptAt'>, now: Date, policy: RetryPolicy = ALERT_RETRY_POLICY): boolean {
  return d.status === 'pending' && isStaleClaim(d.lastAttemptAt ?? d.claimedAt, now, policy);
}

export function isStaleClaim(claimedAt: string | null | undefined, now: Date, policy: RetryPolicy = ALERT_RETRY_POLICY): boolean {
  const t = claimedAt ? Date.parse(claimedAt) : NaN;
  return Number.isFinite(t) && now.getTime() - t >= policy.staleClaimMs;
}

/** Failed deliveries retried together: one message per (subscriber, channel), as the first send was. */
export interface RetryGroup { subscriptionId: string; eventId: string; channel: AlertChannel; deliveries: SaleAlertDelivery[] }

/** The due deliveries among `rows`, grouped per (subscriber, channel) in the order they come. */
export function dueRetries(rows: readonly SaleAlertDelivery[], now: Date, policy: RetryPolicy = ALERT_RETRY_POLICY): RetryGroup[] {
  const groups = new Map<string, RetryGroup>();
  const seen = new Set<string>();
  for (const d of rows) {
    if (seen.has(d._id) || !isDueForRetry(d, now, policy)) continue;
    seen.add(d._id);
    const k = `${d.subscriptionId}|${d.eventId}|${d.channel}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { subscriptionId: d.subscriptionId, eventId: d.eventId, channel: d.channel, deliveries: [] }));
    g.deliveries.push(d);
  }
  return [...groups.values()];
}

/**
 * What a retry does with a delivery:
 * - `send`: try again;
 * - `skip`: never (the subscriber opted out meanwhile, the sale closed): recorded as `skipped`;
 * - `forget`: the sale was moved later, so the row is removed and the new start alerts as usual;
 * - `fail`: could not decide now (the marketing tool did not answer): counts as a failed attempt.
 */
export type RetryVerdict =
  | { action: 'send' }
  | { action: 'skip' | 'forget' | 'fail'; reason: string };

const SEND: RetryVerdict = { action: 'send' };

/** The subscriber as stored here: still opted in for the event, and reachable on the channel. */
export function subscriberVerdict(sub: SaleAlertSubscription | null, group: Pick<RetryGroup, 'eventId' | 'channel'>): RetryVerdict {
  if (!sub || sub.status !== 'active' || sub.eventId !== group.eventId) return { action: 'skip', reason: 'unsubscribed before the retry' };
  if (!reachableChannels(sub).includes(group.channel)) return { action: 'skip', reason: `no longer reachable by ${group.channel}` };
  return SEND;
}

/** The marketing tool's answer (undefined: it did not answer). Its opt-out wins, as on the first send. */
export function marketingVerdict(stillSubscribed: boolean | undefined): RetryVerdict {
  if (stillSubscribed === true) return SEND;
  if (stillSubscribed === false) return { action: 'skip', reason: 'unsubscribed in the marketing tool before the retry' };
  return { action: 'fail', reason: 'the marketing tool did not answer; retried later' };
}

/** The definition as read now: still on sale, or closed, or moved to a later start. */
export function saleVerdict(def: TicketDef | null, now: Date): RetryVerdict {
  const closed = { action: 'skip', reason: 'the sale is no longer open' } as const;
  if (!def || def.hidden || def.saleStatus === 'SALE_ENDED') return closed;
  const start = saleStartOf(def);
  if (!start) return closed;
  const end = def.salePeriod?.endDate ? Date.parse(def.salePeriod.endDate) : NaN;
  if (Number.isFinite(end) && end <= now.getTime()) return closed;
  if (Date.parse(start) > now.getTime()) return { action: 'forget', reason: 'the sale was moved later' };
  return SEND;
}
