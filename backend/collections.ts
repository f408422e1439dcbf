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
      { key: 'saleEnd', type: 'TEXT' }, { key: 'hidden', type: 'BOOLEAN' }, { key: 'readAt', type: 'TEXT' }, { key: 'revision', type: 'TEXT' },
      // When the read's answer came back: with readAt, what orders two reads (core/counter/counterSnapshot.ts isNewerSnapshot).
      { key: 'answeredAt', type: 'TEXT' },
      // The read time of the row a refresh compared against when it pushed this row itself (core/counter/counterPush.ts).
      { key: 'pushedOver', type: 'TEXT' },
    ],
    // Admin only: rows hold `sold`, `eventId`, `revision` and hidden definitions. Visitors get the
    // public fields of a snapshot through getCounters and realtime pushes (core/counter/counterChannel.ts).
    permissions: admin,
  },
  /**
   * The counter flow's schedule and memory, by `kind`: `read:<time>` marks (`read`: a refresh claimed for
   * that time, the read schedule order events look up and the read budget's count; core/counter/readBudget.ts),
   * `missing:<definition>` (`missing`: an ID getCounters found missing, remembered for 10 minutes) and
   * `job:repairCounters` (`job`: the repair's last run; both core/counter/counterClaims.ts). The repair
   * job prunes items whose `at` is older than 72 h (the job item is rewritten every hour).
   */
  CounterClaims: { id: 'CounterClaims', displayName: 'Counter claims', fields: [{ key: 'kind', type: 'TEXT' }, { key: 'definitionId', type: 'TEXT' }, { key: 'at', type: 'TEXT' }], permissions: admin },
  // --- sync ---
  /** External systems: kind, base URL, the *name* of the Wix secret with the token, delete behaviour, kind options. */
  SyncTargets: {
    id: 'SyncTargets', displayName: 'Sync targets',
    fields: [
      { key: 'title', type: 'TEXT' }, { key: 'kind', type: 'TEXT' }, { key: 'baseUrl', type: 'TEXT' }, { key: 'secretName', type: 'TEXT' },
      { key: 'enabled', type: 'BOOLEAN' }, { key: 'deleteBehaviour', type: 'TEXT' }, { key: 'options', type: 'OBJECT' },
    ],
    permissions: admin,
  },
  /** Which Wix event goes to which target, with the event's ID there. */
  SyncEventMappings: {
    id: 'SyncEventMappings', displayName: 'Sync event mappings',
    fields: [{ key: 'targetId', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'externalEventId', type: 'TEXT' }, { key: 'enabled', type: 'BOOLEAN' }],
    permissions: admin,
  },
  /** One row per mapped field; checked by before-hooks. */
  SyncFieldMappings: {
    id: 'SyncFieldMappings', displayName: 'Sync field mappings',
    fields: [
      { key: 'targetId', type: 'TEXT' }, { key: 'sourcePath', type: 'TEXT' }, { key: 'targetField', type: 'TEXT' }, { key: 'transform', type: 'TEXT' },
      { key: 'transformArg', type: 'TEXT' }, { key: 'default', type: 'TEXT' }, { key: 'required', type: 'BOOLEAN' }, { key: 'enabled', type: 'BOOLEAN' },
      { key: 'position', type: 'NUMBER' },
    ],
    permissions: admin,
  },
  /** `_id` = target~definition: the Wix ⇄ external pair, recorded once, with last revision, status and last error. */
  SyncLinks: {
    id: 'SyncLinks', displayName: 'Sync links',
    fields: [
      { key: 'targetId', type: 'TEXT' }, { key: 'definitionId', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'externalEventId', type: 'TEXT' },
      { key: 'externalId', type: 'TEXT' }, { key: 'refs', type: 'OBJECT' }, { key: 'lastRevision', type: 'TEXT' }, { key: 'payloadHash', type: 'TEXT' },
      { key: 'status', type: 'TEXT' }, { key: 'lastError', type: 'TEXT' }, { key: 'warnings', type: 'ARRAY' }, { key: 'linkedAt', type: 'TEXT' }, { key: 'updatedAt', type: 'TEXT' },
    ],
    permissions: admin,
  },
  /** `_id` = target~definition: the latest undelivered change; dead letters stay with their last error until `retry` is ticked. */
  SyncOutbox: {
    id: 'SyncOutbox', displayName: 'Sync outbox',
    fields: [
      { key: 'targetId', type: 'TEXT' }, { key: 'definitionId', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'externalEventId', type: 'TEXT' },
      { key: 'action', type: 'TEXT' }, { key: 'revision', type: 'TEXT' }, { key: 'payload', type: 'OBJECT' }, { key: 'payloadHash', type: 'TEXT' },
      { key: 'idempotencyKey', type: 'TEXT' }, { key: 'state', type: 'TEXT' }, { key: 'attempt', type: 'NUMBER' }, { key: 'enqueuedAt', type: 'TEXT' },
      { key: 'firstFailureAt', type: 'TEXT' }, { key: 'nextAttemptAt', type: 'TEXT' }, { key: 'lastError', type: 'TEXT' }, { key: 'retry', type: 'BOOLEAN' },
      { key: 'createKey', type: 'TEXT' }, { key: 'createTried', type: 'TEXT' }, { key: 'refused', type: 'BOOLEAN' },
    ],
    permissions: admin,
  },
  /**
   * `_id` = target~event: progress of an initial sync, so a long run resumes where it stopped; plus
   * `reconcile` (where a reconcile pass stopped) and `reconcile-report` (its last findings). Keys: core/sync/syncRows.ts.
   */
  SyncRuns: {
    id: 'SyncRuns', displayName: 'Sync runs',
    fields: [
      { key: 'targetId', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'state', type: 'TEXT' }, { key: 'cursor', type: 'TEXT' },
      { key: 'pages', type: 'NUMBER' }, { key: 'seenIds', type: 'ARRAY' }, { key: 'counts', type: 'OBJECT' }, { key: 'startedAt', type: 'TEXT' }, { key: 'updatedAt', type: 'TEXT' },
    ],
    permissions: admin,
  },
  // --- alerts ---
  /** One per (email, event), `_id` = subscriptionId(email, eventId): `pending` until the emailed link is confirmed. Written only by the sign-up web method and the confirm/unsubscribe links (elevated). */
  SaleAlertSubscriptions: {
    id: 'SaleAlertSubscriptions',
    displayName: 'Sale alert subscriptions',
    fields: [
      { key: 'email', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'channels', type: 'ARRAY' }, { key: 'push', type: 'OBJECT' },
      { key: 'contactId', type: 'TEXT' }, { key: 'status', type: 'TEXT' }, { key: 'consentAt', type: 'TEXT' }, { key: 'unsubscribedAt', type: 'TEXT' },
      { key: 'updatedAt', type: 'TEXT' }, { key: 'locale', type: 'TEXT' }, { key: 'consentWording', type: 'TEXT' }, { key: 'pending', type: 'OBJECT' },
    ],
    permissions: admin,
  },
  /**
   * The exactly-once log: `_id` = subscription:definition:channel, inserted before the send. A failed
   * send shows its attempts, last error and next attempt; pruned 90 days after the claim.
   */
  SaleAlertDeliveries: {
    id: 'SaleAlertDeliveries',
    displayName: 'Sale alert deliveries',
    fields: [
      { key: 'subscriptionId', type: 'TEXT' }, { key: 'definitionId', type: 'TEXT' }, { key: 'eventId', type: 'TEXT' }, { key: 'channel', type: 'TEXT' },
      { key: 'status', type: 'TEXT' }, { key: 'saleStart', type: 'TEXT' }, { key: 'claimedAt', type: 'TEXT' }, { key: 'finishedAt', type: 'TEXT' }, { key: 'error', type: 'TEXT' },
      { key: 'attempts', type: 'NUMBER' }, { key: 'lastAttemptAt', type: 'TEXT' }, { key: 'nextAttemptAt', type: 'TEXT' },
    ],
    permissions: admin,
  },
  /** Events somebody subscribed to (`_id` = eventId): what a sweep reads definitions for. */
  SaleAlertEvents: { id: 'SaleAlertEvents', displayName: 'Sale alert events', fields: [{ key: 'firstSubscribedAt', type: 'TEXT' }], permissions: admin },
  /**
   * Sweep cursor (`_id` = `cursor`, core/alerts/sweepChunks.ts), per-sale "done" markers
   * (`done:<definition>:<start>`, dueDefinitions.ts), retry claims (`retry:<delivery>:<attempt>`, and
   * `…:interrupted` for writing one off; deliveryRetry.ts), message claims (`msg:<subscription>:<channel>:<start>:<window>`)
   * and trigger claims (`trigger:<event>:<start>:<window>`, both alertKeys.ts). All but the cursor are pruned 90 days after `at`.
   */
  SaleAlertSweeps: { id: 'SaleAlertSweeps', displayName: 'Sale alert sweeps', fields: [{ key: 'cursor', type: 'OBJECT' }, { key: 'at', type: 'TEXT' }], permissions: admin },
  /**
   * Recent subscribe calls per address (`_id` = rateLimitKey(email), alertKeys.ts); the confirmation-email
   * claims (`cfday_<mailbox>_<day>`, `cfhour_<hour>_<n>` and the `cfhourcount_<hour>` hint) and the
   * made-up event memo (`evmiss_<event>`, `evmissslot_<window>_<n>`, `evmisscount_<window>`), all
   * core/alerts/confirmationLimits.ts. Pruned once their window has passed (`updatedAt`).
   */
  SaleAlertRateLimits: { id: 'SaleAlertRateLimits', displayName: 'Sale alert rate limits', fields: [{ key: 'attempts', type: 'ARRAY' }, { key: 'updatedAt', type: 'TEXT' }], permissions: admin },
} satisfies Record<string, CollectionSchema>;

export type CollectionId = keyof typeof COLLECTIONS;
export const ALL_COLLECTIONS: CollectionSchema[] = Object.values(COLLECTIONS);
