// From a planned action to the change the outbox and the connectors carry; unmappable definitions
// parked as dead letters with the owner-facing error. Shared by the trigger, the initial sync and
// the reconcile.
import { describeMappingError } from '../core/sync/mappingEngine.js';
import type { SyncAction } from '../core/sync/planSync.js';
import { syncChange, type Change } from '../core/sync/syncChange.js';
import type { EventMappingRow } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { TargetSetup } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { enqueue } from './syncOutbox.js';

/** The change a planned action asks for, or null when there is nothing to send. */
export function changeOf(action: SyncAction, setup: TargetSetup, em: Pick<EventMappingRow, 'eventId' | 'externalEventId'>): Change | null {
  const targetId = setup.target._id;
  if (action.kind === 'create' || action.kind === 'update') {
    return syncChange({
      targetId, definitionId: action.definitionId, eventId: em.eventId, externalEventId: em.externalEventId,
      action: 'upsert', revision: action.revision, payload: action.payload, payloadHash: action.payloadHash,
    });
  }
  if (action.kind === 'delete') {
    const { link } = action;
    return syncChange({ targetId, definitionId: action.definitionId, eventId: link.eventId, externalEventId: link.externalEventId, action: 'delete', revision: link.lastRevision, payload: null });
  }
  return null;
}

/** An unmappable definition waits as a dead letter carrying the owner-facing error. */
export async function parkInvalid(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, def: TicketDef, action: Extract<SyncAction, { kind: 'invalid' }>) {
  const lastError = action.errors.map(describeMappingError).join('\n');
  const change = syncChange({
    targetId: setup.target._id, definitionId: def._id, eventId: def.eventId, externalEventId: em.externalEventId,
    action: 'upsert', revision: def.revision, payload: null, payloadHash: 'invalid',
  });
  await enqueue(deps, change, { dead: true, lastError });
  return lastError;
}
