// Dead letters the owner ticked for retry, rebuilt from the definition as it is now.
import type { EventMappingRow } from '../core/sync/syncRows.js';
import { syncOutbox } from '../repositories/syncOutbox.js';
import { changeOf, parkInvalid } from './syncChanges.js';
import { loadSyncConfig, type SyncConfig } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { enqueue } from './syncOutbox.js';
import { planForTarget } from './syncPlanTarget.js';

/** Dead letters ticked for retry: rebuilt from the definition as it is now and queued again. */
export async function requeueDeadLetters(deps: SyncDeps, opts: { config?: SyncConfig; deadline?: number } = {}): Promise<{ requeued: string[]; cleared: string[] }> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  const setups = new Map(config.targets.map((t) => [t.target._id, t]));
  const result = { requeued: [] as string[], cleared: [] as string[] };
  const outbox = syncOutbox(deps);
  for (const slot of await outbox.ticked()) {
    // Past the deadline the rest stay ticked for the next run.
    if (opts.deadline !== undefined && deps.clock.now().getTime() >= opts.deadline) break;
    const setup = setups.get(slot.targetId);
    if (!setup) continue; // target paused or gone: leave it ticked
    const def = await deps.definitions.get(slot.definitionId, { salesDetails: setup.readSalesDetails });
    const p = await planForTarget(deps, setup, slot.definitionId, def);
    const action = 'none' in p ? null : p.action;
    if (action && def && action.kind === 'invalid') {
      await parkInvalid(deps, setup, (p as { em: EventMappingRow }).em, def, action);
      await outbox.save({ ...(await outbox.get(slot._id))!, retry: false });
      continue;
    }
    const change = action ? changeOf(action, setup, (p as { em: EventMappingRow }).em) : null;
    if (change) {
      // After a refusal nothing was created; a fresh create key avoids replaying the refusal.
      await enqueue(deps, change, { force: true, newCreateKey: slot.refused });
      result.requeued.push(slot._id);
    } else {
      await outbox.remove(slot._id);
      result.cleared.push(slot._id);
    }
  }
  return result;
}
