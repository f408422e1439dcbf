// Late deliveries: Wix sends an order event again when a delivery failed or was not acknowledged in
// time, from a minute to about 47 hours later. Such a delivery needs no read of its own when the stored
// counters of its order's definitions were read after the change it reports: that read included it.

/**
 * How long after the change (the event's `timestamp`) a read surely includes it: room for the clock
 * difference between Wix's servers and the site's container, and for the sale to reach the counts.
 * A delivery that comes sooner goes by the read schedule (a read due after it arrived), as every first
 * delivery does.
 */
export const LATE_DELIVERY_MS = 2_000;

/** Whether a delivery handled at `now` of a change made at `changedAt` (epoch ms; null: not given) is late. */
export function isLateDelivery(changedAt: number | null, now: number, marginMs = LATE_DELIVERY_MS): changedAt is number {
  return changedAt !== null && now - changedAt > marginMs;
}

/**
 * The stored read that covers a late delivery: when every definition of the order has a snapshot read
 * at least `marginMs` after the change, the earliest of those reads (ISO); else null. A definition's
 * rows are rewritten only when a read changes them, so a read that changed nothing is not seen here:
 * the delivery then goes by the read schedule (one more read; never a missed one).
 */
export function storedReadCovering(
  changedAt: number,
  stored: readonly { definitionId: string; readAt: string }[],
  definitionIds: readonly string[],
  marginMs = LATE_DELIVERY_MS,
): string | null {
  if (!definitionIds.length) return null;
  let covering: number | null = null;
  for (const id of definitionIds) {
    const latest = Math.max(-Infinity, ...stored.filter((s) => s.definitionId === id).map((s) => Date.parse(s.readAt)).filter(Number.isFinite));
    if (!(latest >= changedAt + marginMs)) return null;
    covering = covering === null ? latest : Math.min(covering, latest);
  }
  return new Date(covering!).toISOString();
}
