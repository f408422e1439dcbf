// Sync flow: mirror ticket definitions of mapped events to external ticketing systems.
// - onDefinitionChanged: a Wix event is only a trigger; re-read, plan against the link, queue, deliver.
// - syncEvent: initial sync of one event with cursor paging, resumable, with a dry-run plan.
// - reconcile / runHourly: compare every mapped event with the links, queue what drifted, drain.
import { COLLECTIONS } from '../collections.js';
import { applyMappings } from '../core/sync/mappingEngine.js';
import { describeMappingError } from '../core/sync/mappingEngine.js';
import { idempotencyKey } from '../core/sync/outboxPolicy.js';
import { planDefinition, planGone, planSync, summarizePlan, type SyncAction } from '../core/sync/planSync.js';
import { pairId, runId, syncLinkSchema, syncRunSchema, type EventMappingRow, type SyncLink, type SyncRun } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { Item } from '../ports.js';
import { connectTarget, loadSyncConfig, type SyncConfig, type SyncDeps, type TargetSetup } from './syncConfig.js';
import { deliverChange, errorText, mapConcurrent, type Change } from './syncDelivery.js';
import { deadLettersToRetry, deliverSlot, drainOutbox, emptyDrainReport, enqueue, readLink, readOutbox, type DrainReport } from './syncOutbox.js';

export type { SyncDeps } from './syncConfig.js';
export { drainOutbox, loadSyncConfig };

const C = COLLECTIONS;

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
async function parkInvalid(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, def: TicketDef, action: Extract<SyncAction, { kind: 'invalid' }>) {
  const c = { targetId: setup.target._id, definitionId: def._id, action: 'upsert' as const, revision: def.revision, payloadHash: 'invalid' };
  const lastError = action.errors.map(describeMappingError).join('\n');
  await enqueue(deps, { ...c, eventId: def.eventId, externalEventId: em.externalEventId, payload: null, idempotencyKey: idempotencyKey(c) }, { dead: true, lastError });
  return lastError;
}

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

export interface InitialSyncProgress { targetId: string; eventId: string; pages: number; definitions: number; counts: Record<string, number> }

export interface InitialSyncTargetReport {
  targetId: string;
  externalEventId: string;
  done: boolean;
  resumed: boolean;
  /** Every planned action (the dry-run table prints these). */
  plan: SyncAction[];
  counts: Record<string, number>;
  failures: string[];
  warnings: string[];
}

export interface InitialSyncOptions {
  eventId: string;
  targetId?: string;
  dryRun?: boolean;
  pageSize?: number;
  /** Start over instead of resuming an unfinished run. */
  restart?: boolean;
  /** Stop after this many pages (an invocation's time budget); the next call resumes. */
  maxPages?: number;
  onProgress?: (p: InitialSyncProgress) => void;
  config?: SyncConfig;
}

async function eventLinks(deps: SyncDeps, targetId: string, eventId: string): Promise<SyncLink[]> {
  const out: SyncLink[] = [];
  for (let skip = 0; ; skip += 1000) {
    const { items } = await deps.collections.query<Item>(C.SyncLinks.id, { filter: { targetId, eventId }, limit: 1000, skip });
    for (const r of items) { const p = syncLinkSchema.safeParse(r); if (p.success) out.push(p.data); }
    if (items.length < 1000) return out;
  }
}

/** Initial sync of one event: page through its definitions, plan each page, deliver, record progress. */
export async function syncEvent(deps: SyncDeps, opts: InitialSyncOptions): Promise<{ eventId: string; targets: InitialSyncTargetReport[]; problems: string[] }> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  const targets: InitialSyncTargetReport[] = [];
  for (const setup of config.targets) {
    if (opts.targetId && setup.target._id !== opts.targetId) continue;
    const em = setup.events.find((e) => e.eventId === opts.eventId);
    if (!em) continue;
    targets.push(await syncEventToTarget(deps, setup, em, opts));
  }
  const problems = [...config.problems];
  if (!targets.length) problems.push(`No enabled sync target has event ${opts.eventId} in SyncEventMappings.`);
  return { eventId: opts.eventId, targets, problems };
}

async function syncEventToTarget(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, opts: InitialSyncOptions): Promise<InitialSyncTargetReport> {
  const targetId = setup.target._id;
  const now = () => deps.clock.now().toISOString();
  const stored = opts.restart || opts.dryRun ? null : await deps.collections.get<Item>(C.SyncRuns.id, runId(targetId, opts.eventId));
  const prev = stored ? syncRunSchema.safeParse(stored) : null;
  const resumed = !!prev?.success && prev.data.state === 'running';
  const run: SyncRun = resumed && prev?.success ? prev.data : {
    _id: runId(targetId, opts.eventId), targetId, eventId: opts.eventId, state: 'running', cursor: null, pages: 0, seenIds: [], counts: {}, startedAt: now(), updatedAt: now(),
  };
  const report: InitialSyncTargetReport = { targetId, externalEventId: em.externalEventId, done: false, resumed, plan: [], counts: run.counts, failures: [], warnings: [] };
  const links = new Map((await eventLinks(deps, targetId, opts.eventId)).map((l) => [l.definitionId, l]));
  const port = opts.dryRun ? null : await connectTarget(deps, setup.target);
  const bump = (k: string, n = 1) => { run.counts[k] = (run.counts[k] ?? 0) + n; };

  const apply = async (actions: SyncAction[], defs: Map<string, TicketDef>) => {
    report.plan.push(...actions);
    if (!port) { for (const a of actions) bump(a.kind); return; }
    const writes: SyncLink[] = [];
    await mapConcurrent(actions, deps.concurrency ?? 16, async (a) => {
      if (a.kind === 'unchanged') return bump('unchanged');
      if (a.kind === 'invalid') {
        bump('invalid');
        report.failures.push(await parkInvalid(deps, setup, em, defs.get(a.definitionId)!, a));
        return;
      }
      const change = changeOf(a, setup, em)!;
      try {
        const d = await deliverChange(port, setup.target, change, links.get(a.definitionId) ?? null, deps.clock.now());
        if (d.kind === 'applied') {
          // The pair comes from the existing link when there is one: never overwritten.
          const before = links.get(a.definitionId);
          writes.push(before ? { ...d.link, externalId: before.externalId, linkedAt: before.linkedAt } : d.link);
          report.warnings.push(...d.warnings.map((w) => `${a.definitionId}: ${w}`));
          bump(a.kind);
        } else bump('unchanged');
      } catch (e) {
        // Not lost: the outbox retries it with backoff.
        bump('queued');
        report.failures.push(`${a.definitionId}: ${errorText(e)} (queued for retry)`);
        const creating = a.kind === 'create';
        await enqueue(deps, creating ? { ...change, createKey: change.idempotencyKey, createTried: change.payloadHash } : change);
      }
    });
    if (writes.length) {
      await deps.collections.bulkSave(C.SyncLinks.id, writes);
      for (const l of writes) links.set(l.definitionId, l);
    }
  };

  let pagesThisCall = 0;
  while (true) {
    if (opts.maxPages !== undefined && pagesThisCall >= opts.maxPages) return report;
    const page = await deps.definitions.queryByEvent(opts.eventId, { cursor: run.cursor, limit: opts.pageSize ?? 100, salesDetails: setup.readSalesDetails });
    pagesThisCall++;
    const mapped = page.items.map((def) => ({ def, mapped: applyMappings(def, setup.mappings, { externalEventId: em.externalEventId }) }));
    const actions = planSync({ definitions: mapped, links: [...links.values()], deleteBehaviour: setup.target.deleteBehaviour, complete: false, mode: 'reconcile' });
    await apply(actions, new Map(page.items.map((d) => [d._id, d])));
    run.seenIds.push(...page.items.map((d) => d._id));
    run.pages++;
    run.cursor = page.nextCursor;
    run.updatedAt = now();
    opts.onProgress?.({ targetId, eventId: opts.eventId, pages: run.pages, definitions: run.seenIds.length, counts: { ...run.counts } });
    if (!page.nextCursor) break;
    if (!opts.dryRun) await deps.collections.save(C.SyncRuns.id, run);
  }
  // All pages read: links whose definition is gone are deletes.
  const seen = new Set(run.seenIds);
  const gone = [...links.values()].filter((l) => !seen.has(l.definitionId)).map((l) => planGone(l.definitionId, l, setup.target.deleteBehaviour)).filter((a) => a.kind !== 'unchanged');
  await apply(gone, new Map());
  run.state = 'done';
  run.updatedAt = now();
  if (!opts.dryRun) await deps.collections.save(C.SyncRuns.id, run);
  report.done = true;
  return report;
}

export interface ReconcileReport {
  events: number;
  definitions: number;
  /** What drifted and was queued for repair. */
  fixed: { targetId: string; eventId: string; definitionId: string; action: string; detail: string }[];
  invalid: string[];
  missingExternally: { targetId: string; definitionId: string; externalId: string }[];
  problems: string[];
}

/** Compares every mapped event's definitions with the links and queues what drifted. */
export async function reconcile(deps: SyncDeps, opts: { config?: SyncConfig } = {}): Promise<ReconcileReport> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  const report: ReconcileReport = { events: 0, definitions: 0, fixed: [], invalid: [], missingExternally: [], problems: [...config.problems] };
  for (const setup of config.targets) {
    const targetId = setup.target._id;
    for (const em of setup.events) {
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
        const present = new Set(await port.listExternalIds(em.externalEventId));
        for (const l of links) {
          if (l.status === 'deleted' || present.has(l.externalId)) continue;
          report.missingExternally.push({ targetId, definitionId: l.definitionId, externalId: l.externalId });
          if (l.status !== 'failed') {
            await deps.collections.save(C.SyncLinks.id, { ...l, status: 'failed', lastError: `external item ${l.externalId} is missing on the target`, updatedAt: deps.clock.now().toISOString() });
          }
        }
      }
    }
  }
  return report;
}

/** Dead letters ticked for retry: rebuilt from the definition as it is now and queued again. */
export async function requeueDeadLetters(deps: SyncDeps, opts: { config?: SyncConfig } = {}): Promise<{ requeued: string[]; cleared: string[] }> {
  const config = opts.config ?? (await loadSyncConfig(deps));
  const setups = new Map(config.targets.map((t) => [t.target._id, t]));
  const result = { requeued: [] as string[], cleared: [] as string[] };
  for (const slot of await deadLettersToRetry(deps)) {
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

export interface HourlyReport { requeued: number; reconcile: ReconcileReport; drain: DrainReport }

/** The hourly job: re-queue ticked dead letters, reconcile drift, then drain (bounded by `maxDrains`). */
export async function runHourly(deps: SyncDeps, opts: { maxDrains?: number; drainLimit?: number } = {}): Promise<HourlyReport> {
  const config = await loadSyncConfig(deps);
  const requeued = await requeueDeadLetters(deps, { config });
  const rec = await reconcile(deps, { config });
  const drain = emptyDrainReport();
  for (let i = 0; i < (opts.maxDrains ?? 5); i++) {
    const r = await drainOutbox(deps, { config, limit: opts.drainLimit ?? 200 });
    drain.delivered += r.delivered; drain.skipped += r.skipped; drain.retried += r.retried; drain.deadLettered += r.deadLettered; drain.deferred += r.deferred;
    drain.warnings.push(...r.warnings);
    if (r.delivered + r.skipped === 0) break;
  }
  deps.logger?.info('Sync hourly run', { requeued: requeued.requeued.length, fixed: rec.fixed.length, missingExternally: rec.missingExternally.length, delivered: drain.delivered, deadLettered: drain.deadLettered });
  return { requeued: requeued.requeued.length, reconcile: rec, drain };
}

export { summarizePlan };
