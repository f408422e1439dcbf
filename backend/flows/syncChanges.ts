// From a planned action to the change the outbox and the connectors carry; unmappable definitions
// parked as dead letters with the owner-facing error. Shared by the trigger, the initial sync and
// the reconcile.
import { describeMappingError } from '../core/sync/mappingEngine.js';
import { idempotencyKey } from '../core/sync/outboxPolicy.js';
import type { SyncAction } from '../core/sync/planSync.js';
import type { EventMappingRow } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { TargetSetup } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import type { Change } from './syncDelivery.js';
import { enqueue } from './syncOutbox.js';

/** The change a planned action asks for, or null when there is nothing to send. */
export function changeOf(action: SyncAction, setup: TargetSetup, em: Pick<EventMappingRow, 'eventId' | 'externalEventId'>): Change | null {
  const targetId = setup.target._id;
  if (action.kind === 'create' || action.kind === 'update') {
    const c = { targetId, definitionId: action.definitionId, action: 'upsert' as const, revision: action.revision, payloadHash: action.payloadHash };
    return { ...c, eventId: em.eventId, externalEventId: em.externalEventId, payload: action.payload, idempotencyKey: idempotencyKey(c) };
  }
  if (action.kind === 'delete') {
    const c = { targetId, definitionId: action.definitionId, action: 'delete' as const, revision: action.link.lastRevision, payloadHash: '' };
    return { ...c, eventId: action.link.eventId, externalEventId: action.link.externalEventId, payload: null, idempotencyKey: idempotencyKey(c) };
  }
  return null;
}

/** An unmappable definition waits as a dead letter carrying the owner-facing error. */
export async function parkInvalid(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, def: TicketDef, action: Extract<SyncAction, { kind: 'invalid' }>) {
  const c = { targetId: setup.target._id, definitionId: def._id, action: 'upsert' as const, revision: def.revision, payloadHash: 'invalid' };
  const lastError = action.errors.map(describeMappingError).join('\n');
  await enqueue(deps, { ...c, eventId: def.eventId, externalEventId: em.externalEventId, payload: null, idempotencyKey: idempotencyKey(c) }, { dead: true, lastError });
  return lastError;
}

