// The CMS collections this package uses: the single source of truth for their names, fields and
// permissions. `setupCollections` (backend/wix/setupCollections.ts) creates the missing ones.

export type FieldType = 'TEXT' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'OBJECT' | 'ARRAY';
export type PermissionRole = 'ADMIN' | 'SITE_MEMBER_AUTHOR' | 'SITE_MEMBER' | 'ANYONE';

export interface CollectionSchema {
  id: string;
  displayName: string;
  fields: { key: string; type: FieldType; displayName?: string }[];
  permissions: { read: PermissionRole; insert: PermissionRole; update: PermissionRole; remove: PermissionRole };
}

const admin = { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;

export const COLLECTIONS = {
  TicketCounters: {
    id: 'TicketCounters',
    displayName: 'Ticket counters',
    fields: [
      { key: 'definitionId', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'pricePointKey', type: 'TEXT' },
      { key: 'label', type: 'TEXT' }, { key: 'price', type: 'TEXT' }, { key: 'currency', type: 'TEXT' },
      { key: 'unsold', type: 'NUMBER' }, { key: 'sold', type: 'NUMBER' }, { key: 'limit', type: 'NUMBER' },
      { key: 'soldOut', type: 'BOOLEAN' }, { key: 'saleStatus', type: 'TEXT' }, { key: 'saleStart', type: 'TEXT' },
      { key: 'hidden', type: 'BOOLEAN' }, { key: 'readAt', type: 'TEXT' }, { key: 'revision', type: 'TEXT' },
    ],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  },
  /** Dedup of order deliveries: `_id` = order number + change. */
  CounterOrderEvents: { id: 'CounterOrderEvents', displayName: 'Counter order events', fields: [{ key: 'receivedAt', type: 'TEXT' }], permissions: admin },
  /** One item per (definition, time slot): whoever inserts it refreshes that definition at the slot's end. */
  CounterRefreshSlots: { id: 'CounterRefreshSlots', displayName: 'Counter refresh slots', fields: [{ key: 'definitionId', type: 'TEXT' }, { key: 'slotEnd', type: 'TEXT' }], permissions: admin },
} satisfies Record<string, CollectionSchema>;

export type CollectionId = keyof typeof COLLECTIONS;
export const ALL_COLLECTIONS: CollectionSchema[] = Object.values(COLLECTIONS);
