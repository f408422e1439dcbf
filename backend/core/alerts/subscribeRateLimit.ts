// How often one address may call subscribe. The history (recent attempt times) is stored in a
// collection by the flow, because Velo keeps no memory between calls; this only decides.

export interface RateLimitPolicy { max: number; windowMs: number }
export const SUBSCRIBE_RATE_LIMIT: RateLimitPolicy = { max: 5, windowMs: 60 * 60_000 };

export type RateLimitDecision =
  | { allowed: true; history: string[] }
  | { allowed: false; retryAfterMs: number; history: string[] };

/**
 * Sliding window over the given attempt times (ISO). `history` in the answer is what to store:
 * attempts still inside the window, plus this one when allowed (refused calls don't extend the ban).
 */
export function subscribeRateLimit(history: readonly string[], now: Date, policy: RateLimitPolicy = SUBSCRIBE_RATE_LIMIT): RateLimitDecision {
  const t = now.getTime();
  const recent = history
    .map((h) => Date.parse(h))
    .filter((x) => Number.isFinite(x) && x > t - policy.windowMs && x <= t)
    .sort((a, b) => a - b);
  if (recent.length >= policy.max) {
    const oldestCounted = recent[recent.length - policy.max]!;
    return { allowed: false, retryAfterMs: oldestCounted + policy.windowMs - t, history: recent.map((x) => new Date(x).toISOString()) };
  }
  return { allowed: true, history: [...recent, t].slice(-policy.max).map((x) => new Date(x).toISOString()) };
}
