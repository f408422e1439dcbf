// Reconcile: compare every mapped event with the links, queue what drifted, flag items removed on the
// target by hand. Resumable across calls through a SyncRuns item.
import { applyMappings } from '../core/sync/mappingEngine.js';
import { planSync } from '../core/sync/planSync.js';
import { RECONCILE_RUN_ID, runId, type EventMappingRow, type SyncLink, type SyncRun } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { syncLinks } from '../repositories/syncLinks.js';
import { syncOutbox } from '../repositories/syncOutbox.js';
import { syncRuns } from '../repositories/syncRuns.js';
import { allDefinitions } from './eventDefinitions.js';
import { changeOf, parkInvalid } from './syncChanges.js';
import { connectTarget, loadSyncConfig, type SyncConfig, type TargetSetup } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { enqueue } from './syncOutbox.js';

export interface ReconcileReport {
  events: number;
  definitions: number;
  /** What drifted and was queued for repair. */
  fixed: { targetId: string; eventId: string; definitionId: string; action: string; detail: string }[];
  invalid: string[];
  missingExternally: { targetId: string; definitionId: string; externalId: string }[];
  problems: string[];
  /** This call continued a pass an earlier call stopped at its deadline. */
  resumed: boolean;
  /** Every mapped event of the pass has been compared; false: stopped at the deadline, the next call resumes. */
  complete: boolean;
}

export { RECONCILE_RUN_ID } from '../core/sync/syncRows.js';

/**
 * Compares every mapped event's definitions with the links and queues what drifted. Events are taken
 * in a fixed order (target, event); after `deadline` (epoch ms on deps.clock) no new event starts, the
 * position is stored in SyncRuns, and the next call resumes after it, so every event is compared even
 * when one call cannot do them all. Each call compares at least one event.
 */
export async function reconcile(deps: SyncDeps, opts: { config?: SyncConfig; deadline?: number } = {}): Promise<ReconcileReport> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  const report: ReconcileReport = { events: 0, definitions: 0, fixed: [], invalid: [], missingExternally: [], problems: [...config.problems], resumed: false, complete: true };
  const now = () => deps.clock.now().toISOString();
  const runs = syncRuns(deps);
  const prev = await runs.reconcilePass();
  const resumeAfter = prev?.state === 'running' ? prev.cursor : null;
  report.resumed = resumeAfter !== null;
  const pairs = config.targets
    .flatMap((setup) => setup.events.map((em) => ({ key: runId(setup.target._id, em.eventId), setup, em })))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .filter((p) => resumeAfter === null || p.key > resumeAfter);
  let last: string | null = resumeAfter;
  for (const { key, setup, em } of pairs) {
    if (report.events > 0 && opts.deadline !== undefined && deps.clock.now().getTime() >= opts.deadline) {
      report.complete = false;
      break;
    }
    await reconcileEvent(deps, setup, em, report);
    last = key;
  }
  // Stored only when a pass stops or ends one that had stopped: an hourly pass that fits writes nothing.
  if (!report.complete || prev?.state === 'running') {
    const run: SyncRun = {
      _id: RECONCILE_RUN_ID, targetId: '*', eventId: '*', state: report.complete ? 'done' : 'running', cursor: report.complete ? null : last,
      pages: 0, seenIds: [], pendingCreates: {}, counts: { events: (report.resumed ? prev?.counts.events ?? 0 : 0) + report.events }, startedAt: report.resumed && prev ? prev.startedAt : now(), updatedAt: now(),
    };
    await runs.save(run);
  }
  return report;
}

/** Compares one mapped event with its links; queues repairs and flags items missing on the target. */
async function reconcileEvent(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, report: ReconcileReport): Promise<void> {
  report.events++;
  const defs = await allDefinitions(deps, em.eventId, { salesDetails: setup.readSalesDetails });
  report.definitions += defs.length;
  const links = await syncLinks(deps).ofEvent(setup.target._id, em.eventId);
  await queueRepairs(deps, setup, em, defs, links, report);
  await flagMissingExternally(deps, setup, em, links, report);
}

/** Plans the event as a full comparison and queues every create, update and delete it needs. */
async function queueRepairs(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, defs: TicketDef[], links: SyncLink[], report: ReconcileReport): Promise<void> {
  const targetId = setup.target._id;
  const mapped = defs.map((def) => ({ def, mapped: applyMappings(def, setup.mappings, { externalEventId: em.externalEventId }) }));
  const actions = planSync({ definitions: mapped, links, deleteBehaviour: setup.target.deleteBehaviour, complete: true, mode: 'reconcile' });
  const byId = new Map(defs.map((d) => [d._id, d]));
  for (const a of actions) {
    if (a.kind === 'unchanged') continue;
    if (a.kind === 'invalid') {
      const slot = await syncOutbox(deps).slotOf(targetId, a.definitionId);
      if (!slot || slot.state !== 'dead') report.invalid.push(await parkInvalid(deps, setup, em, byId.get(a.definitionId)!, a));
      continue;
    }
    const change = changeOf(a, setup, em)!;
    if ((await enqueue(deps, change)) === 'queued') {
      report.fixed.push({ targetId, eventId: em.eventId, definitionId: a.definitionId, action: a.kind, detail: a.kind === 'delete' ? `${a.mode} ${a.link.externalId}` : `revision ${change.revision}` });
    }
  }
}

/**
 * Items removed on the other side by hand: reported and flagged, never silently re-created
 * (a new external item would break the recorded pair).
 */
async function flagMissingExternally(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, links: SyncLink[], report: ReconcileReport): Promise<void> {
  const targetId = setup.target._id;
  const port = await connectTarget(deps, setup.target).catch(() => null);
  if (!port?.listExternalIds) return;
  let listed: string[];
  try {
    listed = await port.listExternalIds(em.externalEventId);
  } catch (e) {
    // A receiver without a list endpoint (or one that is down) must not stop the repair of the rest.
    report.problems.push(`${targetId}/${em.eventId}: could not list the items on the target (${(e as Error).message}); items deleted there by hand are not detected`);
    return;
  }
  const present = new Set(listed);
  for (const l of links) {
    if (l.status === 'deleted' || present.has(l.externalId)) continue;
    report.missingExternally.push({ targetId, definitionId: l.definitionId, externalId: l.externalId });
    if (l.status !== 'failed') {
      await syncLinks(deps).save({ ...l, status: 'failed', lastError: `external item ${l.externalId} is missing on the target`, updatedAt: deps.clock.now().toISOString() });
    }
  }
}
