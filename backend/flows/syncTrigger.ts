// A Wix event about a ticket definition is only a trigger: re-read, plan against the link, queue, deliver.
import { syncOutbox } from '../repositories/syncOutbox.js';
import { changeOf, parkInvalid } from './syncChanges.js';
import { loadSyncConfig, type SyncConfig } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { deliverSlot, enqueue } from './syncOutbox.js';
import { planForTarget, type TriggerOutcome } from './syncPlanTarget.js';

export type { TriggerOutcome } from './syncPlanTarget.js';

/**
 * A ticket definition was created, updated or deleted (or Wix redelivered that news). Re-reads it,
 * queues what each target needs, and by default delivers at once; the hourly drain catches the rest.
 */
export async function onDefinitionChanged(deps: SyncDeps, definitionId: string, opts: { deliver?: boolean; config?: SyncConfig } = {}): Promise<TriggerOutcome[]> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  if (!config.targets.length) return [];
  const def = await deps.definitions.get(definitionId, { salesDetails: config.targets.some((t) => t.readSalesDetails) });
  const out: TriggerOutcome[] = [];
  for (const setup of config.targets) {
    const targetId = setup.target._id;
    const p = await planForTarget(deps, setup, definitionId, def);
    if ('none' in p) {
      out.push(p.none);
      continue;
    }
    const { action, em } = p;
    if (action.kind === 'unchanged') {
      out.push({ targetId, outcome: 'skipped', detail: action.reason });
      continue;
    }
    if (action.kind === 'invalid') {
      out.push({ targetId, outcome: 'invalid', detail: await parkInvalid(deps, setup, em, def!, action) });
      continue;
    }
    const change = changeOf(action, setup, em)!;
    const queued = await enqueue(deps, change);
    out.push({ targetId, outcome: queued, detail: `${action.kind} revision ${change.revision}` });
    if (queued === 'queued' && opts.deliver !== false) {
      const slot = await syncOutbox(deps).slotOf(targetId, definitionId);
      if (slot && slot.state === 'pending') await deliverSlot(deps, setup, slot);
    }
  }
  return out;
}
