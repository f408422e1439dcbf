// An order event, reduced to what the counter needs: which delivery it is and which definitions changed.
import { z } from 'zod';
import { issueLines } from '../validation/zodIssues.js';

export type OrderChangeKind = 'confirmed' | 'updated' | 'deleted';

const orderEventSchema = z.object({
  orderNumber: z.string().min(1).max(100),
  eventId: z.string().min(1).max(100).optional(),
  status: z.string().max(40).optional(),
  /** When the change happened, per Wix ("Date and time the order was confirmed"): a Date in Velo, a string over JSON. */
  timestamp: z.union([z.string().max(40), z.date()]).optional(),
  tickets: z.array(z.object({ ticketDefinitionId: z.string().min(1).max(100) }).passthrough()).max(1000).default([]),
}).passthrough();

export interface OrderChange {
  /** Same order, same change ⇒ same key: redeliveries are dropped by it. */
  key: string;
  orderNumber: string;
  definitionIds: string[];
  /** The event's `timestamp` (epoch ms), or null when it has none or it is not a date. */
  changedAt: number | null;
}

export class InvalidOrderEventError extends Error {
  constructor(message: string) {
    super(`Order event is not usable: ${message}`);
    this.name = 'InvalidOrderEventError';
  }
}

export function orderChange(kind: OrderChangeKind, event: unknown): OrderChange {
  const parsed = orderEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidOrderEventError(issueLines(parsed.error, { root: '' }).join('; '));
  const e = parsed.data;
  const definitionIds = [...new Set(e.tickets.map((t) => t.ticketDefinitionId))].sort();
  const key = `${e.orderNumber}:${kind}:${e.status ?? ''}`;
  const changedAt = e.timestamp === undefined ? NaN : new Date(e.timestamp).getTime();
  return { key, orderNumber: e.orderNumber, definitionIds, changedAt: Number.isFinite(changedAt) ? changedAt : null };
}

/**
 * Coalescing: time is cut into site-wide slots of `slotMs`; in each slot exactly one invocation wins
 * the slot (a unique insert) and, at the slot's end, reads every live counter's definition in one
 * query. Every order confirmed before that read begins is included in it, so counts stay exact with
 * at most one Ticket Definitions call per slot (per 100 live definitions), however many definitions sell.
 */
export function refreshSlot(now: Date, slotMs: number): { id: string; endsAt: Date } {
  const index = Math.floor(now.getTime() / slotMs);
  return { id: `site:${index}`, endsAt: new Date((index + 1) * slotMs) };
}
