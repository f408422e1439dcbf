// The change the outbox and the connectors carry: one upsert or delete of a (target, definition) at a
// revision, with its mapped payload and the idempotency key that every attempt of it shares. The one
// type and the one constructor the trigger, the initial sync, the reconcile and the outbox all use.
import { idempotencyKey } from './outboxPolicy.js';

export interface Change {
  targetId: string;
  definitionId: string;
  eventId: string;
  externalEventId: string;
  action: 'upsert' | 'delete';
  revision: string;
  /** The mapped fields; null for a delete (unless it replays a lost create) and for an unmappable definition. */
  payload: Record<string, unknown> | null;
  /** '' for a delete. */
  payloadHash: string;
  /** Same change ⇒ same key (`idempotencyKey`), on every attempt and from every invocation. */
  idempotencyKey: string;
  /** See OutboxItem.createKey / createTried. */
  createKey?: string | null;
  createTried?: string | null;
}

/** What a change is: its idempotency key is made of these, and the outbox merges by them. */
export type ChangeIdentity = Pick<Change, 'targetId' | 'definitionId' | 'action' | 'revision' | 'payloadHash'>;

export type ChangeFields = Omit<Change, 'idempotencyKey' | 'payloadHash'> & { payloadHash?: string };

/** A change with its idempotency key. A delete's payload hash is always '' (its key ignores content). */
export function syncChange(fields: ChangeFields): Change {
  const payloadHash = fields.action === 'delete' ? '' : (fields.payloadHash ?? '');
  const change = { ...fields, payloadHash };
  return { ...change, idempotencyKey: idempotencyKey(change) };
}

/**
 * A create that may have reached the target: it keeps the key of its first attempt (and that
 * attempt's payload hash), so any later attempt replays that key and the target never makes a second item.
 */
export function createAttempted<C extends Change>(change: C): C & { createKey: string; createTried: string } {
  return { ...change, createKey: change.createKey ?? change.idempotencyKey, createTried: change.createTried ?? change.payloadHash };
}
