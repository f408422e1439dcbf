// How long sale-alert bookkeeping is kept, and how much the scheduled sweep (every 5 minutes) removes per run.
// A delivery record is the exactly-once key of its alert, so it must outlive every way the same
// sale could still be sent: the sweep's look-back and the retries. 90 days is far beyond both.
import { DUE_LOOKBACK_MS } from './dueDefinitions.js';
import { ALERT_RETRY_POLICY, type RetryPolicy } from './deliveryRetry.js';
import { SUBSCRIBE_RATE_LIMIT, type RateLimitPolicy } from './subscribeRateLimit.js';

const DAY = 24 * 3_600_000;

export interface AlertRetention {
  /** `SaleAlertDeliveries`, by `claimedAt`. */
  deliveriesMs: number;
  /** `SaleAlertSweeps` markers (sale done, retry claims), by `at`. The cursor is never pruned. */
  markersMs: number;
  /** `SaleAlertRateLimits`, by `updatedAt`: once its window has passed, a record limits nothing. */
  rateLimitsMs: number;
}

/** Rate-limit rows include the one-a-day confirmation claims (confirmationLimits.ts): kept a day and an hour. */
export const ALERT_RETENTION: AlertRetention = { deliveriesMs: 90 * DAY, markersMs: 90 * DAY, rateLimitsMs: Math.max(SUBSCRIBE_RATE_LIMIT.windowMs, DAY) + 3_600_000 };

export interface PruneLimits {
  /** Records read and removed per chunk. */
  pageSize: number;
  /** At most this many per collection and run; a backlog clears over several hourly runs. */
  maxPerRun: number;
}

export const PRUNE_LIMITS: PruneLimits = { pageSize: 100, maxPerRun: 1_000 };

/** The longest a delivery can still be (re)sent after its claim: look-back of the sweep plus every retry wait. */
export function longestSendSpanMs(policy: RetryPolicy = ALERT_RETRY_POLICY): number {
  let waits = 0;
  for (let a = 1; a < policy.maxAttempts; a++) waits += policy.firstDelayMs * policy.factor ** (a - 1) + policy.staleClaimMs;
  return DUE_LOOKBACK_MS + waits;
}

/** Refuses a retention that would drop exactly-once keys or rate-limit history that still matter. */
export function checkRetention(r: AlertRetention, rateLimit: RateLimitPolicy = SUBSCRIBE_RATE_LIMIT, policy: RetryPolicy = ALERT_RETRY_POLICY): void {
  const span = longestSendSpanMs(policy);
  if (r.deliveriesMs <= span) throw new Error(`deliveries must be kept longer than ${span} ms`);
  if (r.markersMs <= span) throw new Error(`sweep markers must be kept longer than ${span} ms`);
  if (r.rateLimitsMs < rateLimit.windowMs) throw new Error(`rate-limit records must be kept for their ${rateLimit.windowMs} ms window`);
}

/** Records last written before these ISO times are pruned. */
export function pruneCutoffs(now: Date, r: AlertRetention = ALERT_RETENTION): { deliveries: string; markers: string; rateLimits: string } {
  checkRetention(r);
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return { deliveries: before(r.deliveriesMs), markers: before(r.markersMs), rateLimits: before(r.rateLimitsMs) };
}
