// SaleAlertSubscriptions: one row per (email, event) (`_id` = subscriptionId, core/alerts/alertKeys.ts),
// `pending` until the emailed link is confirmed. Rows are checked on read against the schema below;
// the sweep reads an event's active ones page by page in `_id` order.
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import type { AlertChannel, PendingSignup, PushSubscriptionJson, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import type { Item } from '../ports.js';
import { countOf, getRow, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SaleAlertSubscriptions.id;

export const channelSchema = z.enum(['email', 'push'] as const satisfies readonly AlertChannel[]);
/** Absent and null mean the same: stored as null. */
export const nullableText = z.string().nullish().transform((v) => v ?? null);

const pushSchema: z.ZodType<PushSubscriptionJson> = z.looseObject({
  endpoint: z.string().min(1),
  expirationTime: z.number().nullish(),
  keys: z.looseObject({ p256dh: z.string().min(1), auth: z.string().min(1) }),
});
const nullablePush = pushSchema.nullish().transform((v) => v ?? null);

const pendingSchema: z.ZodType<PendingSignup> = z.looseObject({
  nonce: z.string().min(1),
  channels: z.array(channelSchema),
  push: nullablePush,
  locale: nullableText,
  requestedAt: z.string(),
  expiresAt: z.string(),
  wording: z.string(),
});

export const subscriptionSchema: z.ZodType<SaleAlertSubscription> = z.looseObject({
  _id: z.string().min(1),
  email: z.string().min(1),
  eventId: z.string().min(1),
  channels: z.array(channelSchema),
  push: nullablePush,
  contactId: z.string(),
  status: z.enum(['pending', 'active', 'unsubscribed']),
  consentAt: nullableText,
  consentWording: z.string().nullish(),
  pending: pendingSchema.nullish(),
  unsubscribedAt: nullableText,
  updatedAt: z.string(),
  locale: z.string().nullish(),
});
export const SUBSCRIPTION_ROWS = rowSchema(ID, subscriptionSchema);

export function alertSubscriptions(deps: RepositoryDeps) {
  const c = deps.collections;
  return {
    get: (id: string) => getRow(deps, SUBSCRIPTION_ROWS, id),
    save: async (sub: SaleAlertSubscription) => { await c.save(ID, sub); },

    /**
     * One page of an event's active subscriptions in `_id` order, after `afterId`. `lastId` and `read`
     * describe the page as stored (bad rows included), so the caller's cursor moves past them.
     */
    async activePage(eventId: string, afterId: string | null, limit: number): Promise<{ rows: SaleAlertSubscription[]; lastId: string | null; read: number }> {
      const filter: Record<string, unknown> = { eventId, status: 'active' };
      if (afterId) filter._id = { $gt: afterId };
      const { items } = await c.query<Item>(ID, { filter, sort: [{ field: '_id', order: 'ASC' }], limit });
      return { rows: validRows(deps, SUBSCRIPTION_ROWS, items), lastId: items.at(-1)?._id ?? null, read: items.length };
    },

    /** These subscriptions, in one read (at most 100 IDs, a page of retries). */
    async byIds(ids: readonly string[]): Promise<SaleAlertSubscription[]> {
      if (!ids.length) return [];
      const { items } = await c.query<Item>(ID, { filter: { _id: { $in: [...ids] } }, limit: ids.length });
      return validRows(deps, SUBSCRIPTION_ROWS, items);
    },

    /** An event's subscriptions in any of these states (one read). */
    countForEvent: (eventId: string, statuses: readonly string[]) => countOf(c, ID, { eventId, status: statuses.length === 1 ? statuses[0] : { $in: [...statuses] } }),
  };
}
