// The realtime channel a definition's counters are pushed on, and what visitors may see of a snapshot.
import type { CounterSnapshot } from './counterSnapshot.js';

export const COUNTER_CHANNEL = 'ticket-counters';
/** The web method cache tag of every counter answer; invalidated when a visitor-visible snapshot changes. */
export const COUNTER_CACHE_TAG = 'ticket-counters';
/**
 * How long Wix may keep a counter answer. Invalidation clears it at every visible change; the TTL only
 * bounds how long a missed invalidation could serve an old count to newly opened pages.
 */
export const COUNTER_CACHE_TTL_SECONDS = 60;

/**
 * Sent on a definition's channel after cached answers were cleared: a page whose newest snapshot of the
 * definition was read before `readAt` fetches the counters again (it may have been answered from the
 * cache before a change and subscribed after that change's push). Not a snapshot: pages that are up to
 * date ignore it.
 */
export function clearedMessage(readAt: string): { type: 'cleared'; readAt: string } {
  return { type: 'cleared', readAt };
}

export function counterChannel(definitionId: string): { name: string; resourceId: string } {
  return { name: COUNTER_CHANNEL, resourceId: definitionId };
}

export type PublicSnapshot = Omit<CounterSnapshot, 'revision' | 'sold' | 'eventId'>;

/**
 * Only what the widget shows: how many were sold and which event a definition belongs to stay on the
 * server, and a hidden definition tells visitors only that it is hidden (the widget hides itself).
 */
export function publicSnapshot(s: CounterSnapshot): PublicSnapshot {
  if (s.hidden) {
    return {
      _id: s._id, definitionId: s.definitionId, pricePointKey: s.pricePointKey, label: '', price: null, currency: null, unsold: null, limit: null,
      soldOut: false, saleStatus: s.saleStatus, saleStart: null, saleEnd: null, hidden: true, readAt: s.readAt, answeredAt: s.answeredAt ?? null,
    };
  }
  return {
    _id: s._id, definitionId: s.definitionId, pricePointKey: s.pricePointKey, label: s.label,
    price: s.price, currency: s.currency, unsold: s.unsold, limit: s.limit, soldOut: s.soldOut,
    saleStatus: s.saleStatus, saleStart: s.saleStart, saleEnd: s.saleEnd, hidden: s.hidden, readAt: s.readAt, answeredAt: s.answeredAt ?? null,
  };
}
