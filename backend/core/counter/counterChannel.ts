// The realtime channel a definition's counters are pushed on, and what visitors may see of a snapshot.
import type { CounterSnapshot } from './counterSnapshot.js';

export const COUNTER_CHANNEL = 'ticket-counters';

export function counterChannel(definitionId: string): { name: string; resourceId: string } {
  return { name: COUNTER_CHANNEL, resourceId: definitionId };
}

export type PublicSnapshot = Omit<CounterSnapshot, 'revision'>;

/** Only the fields the widget shows; anything else a CMS row may carry stays on the server. */
export function publicSnapshot(s: CounterSnapshot): PublicSnapshot {
  return {
    _id: s._id, definitionId: s.definitionId, eventId: s.eventId, pricePointKey: s.pricePointKey, label: s.label,
    price: s.price, currency: s.currency, unsold: s.unsold, sold: s.sold, limit: s.limit, soldOut: s.soldOut,
    saleStatus: s.saleStatus, saleStart: s.saleStart, saleEnd: s.saleEnd, hidden: s.hidden, readAt: s.readAt,
  };
}
