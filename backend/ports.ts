// The interfaces the flows need. Wix adapters (backend/wix) and outside connectors (backend/connectors)
// implement them; tests pass in-memory fakes typed against the same interfaces.
import type { TicketDef } from './core/ticketDefinition.js';
import type { CounterSnapshot } from './core/counter/counterSnapshot.js';

export interface Page<T> { items: T[]; nextCursor: string | null }

/** Ticket Definitions V3, always called with elevated permissions by the adapter. */
export interface TicketDefinitionsPort {
  /** null when the definition does not exist (deleted). */
  get(id: string, opts?: { salesDetails?: boolean }): Promise<TicketDef | null>;
  /** One page of an event's definitions (≤100), in Wix's default order. */
  queryByEvent(eventId: string, opts?: { cursor?: string | null; limit?: number; salesDetails?: boolean }): Promise<Page<TicketDef>>;
  /** The definitions with these IDs that exist (≤100 IDs, one call); missing IDs are simply absent. */
  getMany(ids: readonly string[], opts?: { salesDetails?: boolean }): Promise<TicketDef[]>;
  /** Definitions whose sale is on (for repair sweeps). */
  querySaleStarted(opts?: { cursor?: string | null; limit?: number }): Promise<Page<TicketDef>>;
}

/** A stored CMS item always has `_id`. */
export interface Item { _id: string }

export interface Filter { [field: string]: unknown }

/** Wix Data collections, as the site code's backend sees them. */
export interface CollectionsPort {
  get<T extends Item>(collection: string, id: string): Promise<T | null>;
  /** Fails with `DuplicateItemError` when an item with that `_id` exists: the exactly-once primitive. */
  insert<T extends Item>(collection: string, item: T): Promise<T>;
  save<T extends Item>(collection: string, item: T): Promise<T>;
  remove(collection: string, id: string): Promise<void>;
  /** Equality filters on top-level fields plus optional `$lt/$lte/$gt/$gte/$in/$ne` per field. */
  query<T extends Item>(collection: string, opts?: { filter?: Filter; sort?: { field: string; order: 'ASC' | 'DESC' }[]; limit?: number; skip?: number }): Promise<{ items: T[]; total?: number }>;
  bulkSave<T extends Item>(collection: string, items: T[]): Promise<void>;
}

/** Several exactly-once claims in one Wix call (the Wix Data adapter implements it with bulkInsert). */
export interface ClaimsPort {
  /**
   * Inserts each item whose `_id` is not taken; returns the IDs this call inserted. Of concurrent
   * claims on one `_id`, exactly one gets it back.
   */
  claim<T extends Item>(collection: string, items: T[]): Promise<Set<string>>;
}

/** Updates of items that exist, many in one Wix call (the Wix Data adapter implements it with bulkUpdate). */
export interface BulkUpdatePort {
  /** Replaces each item (≤1,000); fails if any of them is missing or refused. */
  bulkUpdate<T extends Item>(collection: string, items: T[]): Promise<void>;
}

export class DuplicateItemError extends Error {
  constructor(readonly collection: string, readonly id: string) {
    super(`Item ${id} already exists in ${collection}`);
    this.name = 'DuplicateItemError';
  }
}

export interface RealtimeChannel { name: string; resourceId?: string }
export interface RealtimePort {
  publish(channel: RealtimeChannel, payload: unknown): Promise<void>;
}

/**
 * Cached getCounters answers (Wix's web method caching). `clearSoon` clears them at the end of the
 * current cache window (core/counter/cacheWindow.ts), then tells the channels of the definitions in
 * `snapshots` which read is now the newest (pages holding an older answer fetch again); it resolves
 * once that is done, or at once when another refresh of the same window in this container will.
 */
export interface CounterCachePort {
  /** Clears the cached answers at the end of the current cache window (`atOnce`: now as well). */
  clearSoon(snapshots: readonly CounterSnapshot[], options?: { atOnce?: boolean }): Promise<void>;
}

export interface ClockPort {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface SecretsPort {
  getSecret(name: string): Promise<string>;
}

export interface LoggerPort {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

// --- sync ---
/** What a sync target kind needs to reach the outside system; built from a validated SyncTargets row. */
export interface SyncTargetConfig {
  _id: string;
  kind: 'pretix' | 'signedRest';
  baseUrl: string;
  /** Name of the Wix secret holding the token / signing secret; never the secret itself. */
  secretName: string;
  deleteBehaviour: 'delete' | 'deactivate' | 'ignore';
  /** Kind-specific settings (Pretix organizer, URL templates, rate budget...). */
  options: Record<string, unknown>;
}

/** The 1-to-1 pair on the external side plus any sub-resources the connector created (e.g. a Pretix quota). */
export interface ExternalRef {
  externalId: string;
  refs?: Record<string, unknown>;
}

export interface ExternalWrite {
  definitionId: string;
  externalEventId: string;
  /** Mapped fields (dot paths already expanded into objects). */
  payload: Record<string, unknown>;
  /** Same key for every attempt of the same change: the target applies it at most once. */
  idempotencyKey: string;
}

export interface ExternalWriteResult {
  /** Refs after the write (variations created, quota…); the flow stores them next to the immutable pair. */
  refs?: Record<string, unknown>;
  /** Things the owner should know that did not fail the write (e.g. capacity below sold not pushed). */
  warnings?: string[];
}

/** One external ticketing system, reached through one configured target. */
export interface ExternalTicketingPort {
  create(write: ExternalWrite): Promise<ExternalRef & ExternalWriteResult>;
  update(write: ExternalWrite & { link: ExternalRef }): Promise<ExternalWriteResult>;
  remove(req: { definitionId: string; externalEventId: string; link: ExternalRef; mode: 'delete' | 'deactivate'; idempotencyKey: string }): Promise<ExternalWriteResult>;
  /** External IDs currently present for an event, when the target can list them (used by reconcile). */
  listExternalIds?(externalEventId: string): Promise<string[]>;
  /** Target calls made through this port (for progress and benchmarks). */
  readonly calls?: number;
}

export interface ExternalTicketingFactory {
  connect(target: SyncTargetConfig): Promise<ExternalTicketingPort>;
}

/** A failed call to an outside system, classified so the outbox can decide retry vs. dead letter. */
export class ExternalCallError extends Error {
  constructor(
    message: string,
    readonly failure: { kind: 'http'; status: number; retryAfterMs?: number | null } | { kind: 'timeout' } | { kind: 'network' } | { kind: 'rejected' },
  ) {
    super(message);
    this.name = 'ExternalCallError';
  }
}

// --- alerts ---
import type { PushSubscriptionJson } from './core/alerts/saleAlertTypes.js';
import type { EventDetails } from './core/alerts/alertEmail.js';

/** Who a marketing-tool call is about: the email, and the Wix contact when one is known. */
export interface MarketingContact { email: string; contactId?: string | null }

/** Where opt-ins are recorded for the site owner's marketing (Wix contacts + labels, or Mailchimp). */
export interface MarketingToolPort {
  /** Adds or updates the person, tags/labels them with the event; never re-subscribes someone who opted out there. */
  upsertSubscriber(s: MarketingContact & { eventId: string; consentAt: string; saleStart?: string | null }): Promise<void>;
  /** Removes the event's tag/label (unsubscribe from these alerts; other marketing is untouched). */
  removeFromEvent(s: MarketingContact & { eventId: string }): Promise<void>;
  /** Still subscribed to email marketing there? An unknown person is not. */
  isSubscribed(s: MarketingContact): Promise<boolean>;
  /**
   * `isSubscribed` for many people in a few calls (tools that can answer in bulk; the send path then
   * makes no call per subscriber). Keyed by contact ID, or `email:<email>` without one; a person
   * missing from the answer counts as unanswered.
   */
  subscribedAmong?(people: MarketingContact[]): Promise<Map<string, boolean>>;
  /** Passes the event's (earliest upcoming) sale start to the tool, for its own automations. null = none scheduled. */
  setSaleStart(eventId: string, saleStart: string | null): Promise<void>;
}

/** Wix triggered emails (`wix-crm-backend`). */
export interface MailerPort {
  /** The Wix contact for an email, created when missing (triggered emails go to contacts). */
  contactFor(email: string): Promise<string>;
  sendTriggeredEmail(msg: { templateId: string; contactId: string; variables: Record<string, string> }): Promise<void>;
}

export type PushResult = { outcome: 'sent'; status: number } | { outcome: 'gone'; status: number };

/** Web push (RFC 8030/8291/8292). Throws on failures worth a retry; reports expired subscriptions as `gone`. */
export interface PushPort {
  send(subscription: PushSubscriptionJson, payload: string, opts?: { ttlSeconds?: number; topic?: string }): Promise<PushResult>;
}

/** What an alert says about the event: title, time zone, page URL. */
export interface EventDetailsPort {
  get(eventId: string): Promise<EventDetails | null>;
}
