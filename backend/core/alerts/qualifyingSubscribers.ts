// Which subscriptions get an alert, and on which channels. A subscriber qualifies while opted in for
// the event here *and* still subscribed in the marketing tool (the tool's opt-out wins).
import type { AlertChannel, SaleAlertSubscription } from './saleAlertTypes.js';

export interface QualifiedSubscriber { subscription: SaleAlertSubscription; channels: AlertChannel[] }

/** Channels a subscription can actually be reached on: push needs a push subscription. */
export function reachableChannels(s: SaleAlertSubscription): AlertChannel[] {
  return s.channels.filter((c) => c === 'email' || (c === 'push' && !!s.push));
}

/**
 * @param stillSubscribed the marketing tool's answer per subscription `_id`; a missing answer counts
 *   as "no" so an outage of the tool never sends to someone who opted out there.
 */
export function qualifyingSubscribers(
  subs: readonly SaleAlertSubscription[],
  eventId: string,
  stillSubscribed: ReadonlyMap<string, boolean>,
): QualifiedSubscriber[] {
  const out: QualifiedSubscriber[] = [];
  for (const s of subs) {
    if (s.status !== 'active' || s.eventId !== eventId) continue;
    if (stillSubscribed.get(s._id) !== true) continue;
    const channels = reachableChannels(s);
    if (channels.length) out.push({ subscription: s, channels });
  }
  return out;
}
