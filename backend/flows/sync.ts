// Sync flow: mirror ticket definitions of mapped events to external ticketing systems.
// - onDefinitionChanged: a Wix event is only a trigger; re-read, plan against the link, queue, deliver.
// - syncEvent (syncInitial.ts): initial sync of one event with cursor paging, resumable, with a dry-run plan.
// - reconcile / runHourly: compare every mapped event with the links, queue what drifted, drain.
import { COLLECTIONS } from '../collections.js';
import { applyMappings } from '../core/sync/mappingEngine.js';
import { idempotencyKey } from '../core/sync/outboxPolicy.js';
import { planDefinition, planGone, planSync, summarizePlan, type SyncAction } from '../core/sync/planSync.js';
import { pairId, runId, syncRunSchema, type EventMappingRow, type SyncRun } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { Item } from '../ports.js';
import { changeOf, parkInvalid } from './syncChanges.js';
import { connectTarget, loadSyncConfig, type SyncConfig, type SyncDeps, type TargetSetup } from './syncConfig.js';
import { eventLinks } from './syncInitial.js';
import { deadLettersToRetry, deliverSlot, drainOutbox, emptyDrainReport, enqueue, readLink, readOutbox, type DrainReport } from './syncOutbox.js';

export type { SyncDeps } from './syncConfig.js';
export { drainOutbox, loadSyncConfig, changeOf };
export { syncEvent, type InitialSyncOptions, type InitialSyncProgress, type InitialSyncTargetReport } from './syncInitial.js';

const C = COLLECTIONS;

export interface TriggerOutcome { targetId: string; outcome: 'queued' | 'kept' | 'skipped' | 'invalid' | 'not mapped'; detail?: string }

/** Plans one definition for one target, as the trigger and the retry of a dead letter both need. */
async function planForTarget(deps: SyncDeps, setup: TargetSetup, definitionId: string, def: TicketDef | null): Promise<{ action: SyncAction; em: EventMappingRow } | { none: TriggerOutcome }> {
  const targetId = setup.target._id;
  const link = await readLink(deps, targetId, definitionId);
  if (def) {
    const em = setup.events.find((e) => e.eventId === def.eventId);
    if (!em) return { none: { targetId, outcome: 'not mapped' } };
    const mapped = applyMappings(def, setup.mappings, { externalEventId: em.externalEventId });
    return { action: planDefinition({ def, mapped }, link, 'trigger'), em };
  }
  if (!link) {
    // Created and deleted before the create was delivered: turn the queued create into a no-op delete.
    const slot = await readOutbox(deps, pairId(targetId, definitionId));
    if (slot && slot.action === 'upsert') {
      const c = { targetId, definitionId, action: 'delete' as const, revision: slot.revision, payloadHash: '' };
      // If a create attempt may have reached the target (createKey), the delete replays it to learn the
      // external ID and removes it; the payload is kept for that replay.
      await enqueue(deps, { ...c, eventId: slot.eventId, externalEventId: slot.externalEventId, payload: slot.createKey ? slot.payload : null, idempotencyKey: idempotencyKey(c) });
      return { none: { targetId, outcome: 'queued', detail: 'queued create withdrawn' } };
    }
    return { none: { targetId, outcome: 'skipped', detail: 'never synced' } };
  }
  return { action: planGone(definitionId, link, setup.target.deleteBehaviour), em: { _id: '', targetId, eventId: link.eventId, externalEventId: link.externalEventId, enabled: true } };
}

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
      const slot = await readOutbox(deps, pairId(targetId, definitionId));
      if (slot && slot.state === 'pending') await deliverSlot(deps, setup, slot);
    }
  }
  return out;
}

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

/** The SyncRuns item holding where a reconcile pass stopped (`cursor`: the last target~event compared). */
export const RECONCILE_RUN_ID = 'reconcile';

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
  const stored = await deps.collections.get<Item>(C.SyncRuns.id, RECONCILE_RUN_ID);
  const parsed = stored ? syncRunSchema.safeParse(stored) : null;
  const prev = parsed?.success ? parsed.data : null;
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
    await deps.collections.save(C.SyncRuns.id, run);
  }
  return report;
}

/** Compares one mapped event with its links; queues repairs and flags items missing on the target. */
async function reconcileEvent(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, report: ReconcileReport): Promise<void> {
  const targetId = setup.target._id;
  report.events++;
  const defs: TicketDef[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.definitions.queryByEvent(em.eventId, { cursor, limit: 100, salesDetails: setup.readSalesDetails });
    defs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  report.definitions += defs.length;
  const links = await eventLinks(deps, targetId, em.eventId);
  const mapped = defs.map((def) => ({ def, mapped: applyMappings(def, setup.mappings, { externalEventId: em.externalEventId }) }));
  const actions = planSync({ definitions: mapped, links, deleteBehaviour: setup.target.deleteBehaviour, complete: true, mode: 'reconcile' });
  const byId = new Map(defs.map((d) => [d._id, d]));
  for (const a of actions) {
    if (a.kind === 'unchanged') continue;
    if (a.kind === 'invalid') {
      const slot = await readOutbox(deps, pairId(targetId, a.definitionId));
      if (!slot || slot.state !== 'dead') report.invalid.push(await parkInvalid(deps, setup, em, byId.get(a.definitionId)!, a));
      continue;
    }
    const change = changeOf(a, setup, em)!;
    if ((await enqueue(deps, change)) === 'queued') {
      report.fixed.push({ targetId, eventId: em.eventId, definitionId: a.definitionId, action: a.kind, detail: a.kind === 'delete' ? `${a.mode} ${a.link.externalId}` : `revision ${change.revision}` });
    }
  }
  // Items removed on the other side by hand: reported and flagged, never silently re-created
  // (a new external item would break the recorded pair).
  const port = await connectTarget(deps, setup.target).catch(() => null);
  if (port?.listExternalIds) {
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
        await deps.collections.save(C.SyncLinks.id, { ...l, status: 'failed', lastError: `external item ${l.externalId} is missing on the target`, updatedAt: deps.clock.now().toISOString() });
      }
    }
  }
}

/** Dead letters ticked for retry: rebuilt from the definition as it is now and queued again. */
export async function requeueDeadLetters(deps: SyncDeps, opts: { config?: SyncConfig; deadline?: number } = {}): Promise<{ requeued: string[]; cleared: string[] }> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  const setups = new Map(config.targets.map((t) => [t.target._id, t]));
  const result = { requeued: [] as string[], cleared: [] as string[] };
  for (const slot of await deadLettersToRetry(deps)) {
    // Past the deadline the rest stay ticked for the next run.
    if (opts.deadline !== undefined && deps.clock.now().getTime() >= opts.deadline) break;
    const setup = setups.get(slot.targetId);
    if (!setup) continue; // target paused or gone: leave it ticked
    const def = await deps.definitions.get(slot.definitionId, { salesDetails: setup.readSalesDetails });
    const p = await planForTarget(deps, setup, slot.definitionId, def);
    const action = 'none' in p ? null : p.action;
    if (action && def && action.kind === 'invalid') {
      await parkInvalid(deps, setup, (p as { em: EventMappingRow }).em, def, action);
      await deps.collections.save(C.SyncOutbox.id, { ...(await readOutbox(deps, slot._id))!, retry: false });
      continue;
    }
    const change = action ? changeOf(action, setup, (p as { em: EventMappingRow }).em) : null;
    if (change) {
      // After a refusal nothing was created; a fresh create key avoids replaying the refusal.
      await enqueue(deps, change, { force: true, newCreateKey: slot.refused });
      result.requeued.push(slot._id);
    } else {
      await deps.collections.remove(C.SyncOutbox.id, slot._id);
      result.cleared.push(slot._id);
    }
  }
  return result;
}

export interface HourlyReport {
  requeued: number;
  reconcile: ReconcileReport;
  drain: DrainReport;
  /** The time budget the run had, if any. */
  budgetMs: number | null;
  /** Nothing was left for lack of time (the reconcile pass ended and no due delivery was left unstarted). */
  complete: boolean;
}

export interface HourlyOptions {
  /**
   * Time in which the run starts work (ms from its start, on deps.clock): after it nothing new starts,
   * and what is left (dead letters still ticked, events not yet reconciled, due deliveries) waits for
   * the next run. Calls in flight then still finish, so keep it below the invocation's limit by more
   * than a delivery's timeout.
   */
  budgetMs?: number;
  /** Share of the budget after which the reconcile starts no new event, so the drain always gets time. Default 0.5. */
  reconcileShare?: number;
  /** At most this many drain rounds (default: until nothing is due, or the budget ends; 5 without a budget). */
  maxDrains?: number;
  /** Slots read per drain round (default 200). */
  drainLimit?: number;
}

/**
 * The hourly job: re-queue ticked dead letters, reconcile drift, then drain. With a budget it stops
 * starting work when the budget is spent and resumes next run (the reconcile from where it stopped).
 */
export async function runHourly(deps: SyncDeps, opts: HourlyOptions = {}): Promise<HourlyReport> {
  const start = deps.clock.now().getTime();
  const budget = opts.budgetMs ?? null;
  const deadline = budget === null ? undefined : start + budget;
  const reconcileDeadline = budget === null ? undefined : start + budget * (opts.reconcileShare ?? 0.5);
  const config = await loadSyncConfig(deps);
  const requeued = await requeueDeadLetters(deps, { config, deadline });
  const rec = await reconcile(deps, { config, deadline: reconcileDeadline });
  const drain = emptyDrainReport();
  const maxDrains = opts.maxDrains ?? (budget === null ? 5 : Infinity);
  for (let i = 0; i < maxDrains; i++) {
    if (deadline !== undefined && deps.clock.now().getTime() >= deadline) {
      drain.outOfTime = true;
      break;
    }
    const r = await drainOutbox(deps, { config, limit: opts.drainLimit ?? 200, deadline });
    drain.delivered += r.delivered; drain.skipped += r.skipped; drain.retried += r.retried; drain.deadLettered += r.deadLettered; drain.deferred += r.deferred;
    drain.outOfTime ||= r.outOfTime;
    drain.warnings.push(...r.warnings);
    // Nothing delivered (empty, throttled or failing target): the rest waits for the next run.
    if (r.outOfTime || r.delivered + r.skipped === 0) break;
  }
  const complete = rec.complete && !drain.outOfTime;
  deps.logger?.info('Sync hourly run', { requeued: requeued.requeued.length, fixed: rec.fixed.length, missingExternally: rec.missingExternally.length, delivered: drain.delivered, deadLettered: drain.deadLettered, complete });
  return { requeued: requeued.requeued.length, reconcile: rec, drain, budgetMs: budget, complete };
}

export { summarizePlan };
