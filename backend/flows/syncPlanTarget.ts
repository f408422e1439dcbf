// Planning one definition for one target, as the trigger and the retry of a dead letter both need.
import { applyMappings } from '../core/sync/mappingEngine.js';
import { planDefinition, planGone, type SyncAction } from '../core/sync/planSync.js';
import { syncChange } from '../core/sync/syncChange.js';
import type { EventMappingRow } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { syncLinks } from '../repositories/syncLinks.js';
import { syncOutbox } from '../repositories/syncOutbox.js';
import type { TargetSetup } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { enqueue } from './syncOutbox.js';

export interface TriggerOutcome { targetId: string; outcome: 'queued' | 'kept' | 'skipped' | 'invalid' | 'not mapped'; detail?: string }

/** Plans one definition for one target, as the trigger and the retry of a dead letter both need. */
export async function planForTarget(deps: SyncDeps, setup: TargetSetup, definitionId: string, def: TicketDef | null): Promise<{ action: SyncAction; em: EventMappingRow } | { none: TriggerOutcome }> {
  const targetId = setup.target._id;
  const link = await syncLinks(deps).get(targetId, definitionId);
  if (def) {
    const em = setup.events.find((e) => e.eventId === def.eventId);
    if (!em) return { none: { targetId, outcome: 'not mapped' } };
    const mapped = applyMappings(def, setup.mappings, { externalEventId: em.externalEventId });
    return { action: planDefinition({ def, mapped }, link, 'trigger'), em };
  }
  if (!link) {
    // Created and deleted before the create was delivered: turn the queued create into a no-op delete.
    const slot = await syncOutbox(deps).slotOf(targetId, definitionId);
    if (slot && slot.action === 'upsert') {
      // If a create attempt may have reached the target (createKey), the delete replays it to learn the
      // external ID and removes it; the payload is kept for that replay.
      const payload = slot.createKey ? slot.payload : null;
      await enqueue(deps, syncChange({ targetId, definitionId, eventId: slot.eventId, externalEventId: slot.externalEventId, action: 'delete', revision: slot.revision, payload }));
      return { none: { targetId, outcome: 'queued', detail: 'queued create withdrawn' } };
    }
    return { none: { targetId, outcome: 'skipped', detail: 'never synced' } };
  }
  return { action: planGone(definitionId, link, setup.target.deleteBehaviour), em: { _id: '', targetId, eventId: link.eventId, externalEventId: link.externalEventId, enabled: true } };
}
