// Initial sync of one event: page through its definitions (cursor paging), plan each page against
// the links, deliver, and record progress in SyncRuns so an interrupted or budget-limited run resumes
// where it stopped. A dry run only plans.
import { COLLECTIONS } from '../collections.js';
import { applyMappings } from '../core/sync/mappingEngine.js';
import { planGone, planSync, type SyncAction } from '../core/sync/planSync.js';
import { runId, syncLinkSchema, syncRunSchema, type EventMappingRow, type SyncLink, type SyncRun } from '../core/sync/syncRows.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import type { ClaimsPort, Item } from '../ports.js';
import { changeOf, parkInvalid } from './syncChanges.js';
import { connectTarget, loadSyncConfig, type SyncConfig, type TargetSetup } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { deliverChange, errorText } from './syncDelivery.js';
import { enqueue, readLink } from './syncOutbox.js';
import { insertOnce } from './insertOnce.js';

const C = COLLECTIONS;

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
  /** Stop after this many pages; the next call resumes. */
  maxPages?: number;
  /**
   * Time (epoch ms, on deps.clock) after which no new delivery or page starts: an invocation's time
   * budget. A page cut short is read again by the next call (what was delivered is then unchanged).
   */
  deadline?: number;
  onProgress?: (p: InitialSyncProgress) => void;
  config?: SyncConfig;
}

export async function eventLinks(deps: SyncDeps, targetId: string, eventId: string): Promise<SyncLink[]> {
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
    _id: runId(targetId, opts.eventId), targetId, eventId: opts.eventId, state: 'running', cursor: null, pages: 0, seenIds: [], counts: {}, pendingCreates: {}, startedAt: now(), updatedAt: now(),
  };
  const report: InitialSyncTargetReport = { targetId, externalEventId: em.externalEventId, done: false, resumed, plan: [], counts: run.counts, failures: [], warnings: [] };
  const links = new Map((await eventLinks(deps, targetId, opts.eventId)).map((l) => [l.definitionId, l]));
  const port = opts.dryRun ? null : await connectTarget(deps, setup.target);
  const bump = (k: string, n = 1) => { run.counts[k] = (run.counts[k] ?? 0) + n; };
  const pastDeadline = () => !!port && opts.deadline !== undefined && deps.clock.now().getTime() >= opts.deadline;
  const pause = async () => { run.updatedAt = now(); await deps.collections.save(C.SyncRuns.id, run); return report; };

  const apply = async (actions: SyncAction[], defs: Map<string, TicketDef>): Promise<boolean> => {
    report.plan.push(...actions);
    if (!port) { for (const a of actions) bump(a.kind); return true; }
    const writes: SyncLink[] = [];
    const created: SyncLink[] = [];
    let complete = true;
    // Store the create keys first (one write for the page): see SyncRun.pendingCreates.
    const creates = actions.filter((a) => a.kind === 'create');
    let marked = false;
    for (const a of creates) {
      if (run.pendingCreates[a.definitionId]) continue;
      const c = changeOf(a, setup, em)!;
      run.pendingCreates[a.definitionId] = { key: c.idempotencyKey, hash: c.payloadHash };
      marked = true;
    }
    if (marked && !pastDeadline()) { run.updatedAt = now(); await deps.collections.save(C.SyncRuns.id, run); }
    await mapConcurrent(actions, deps.concurrency ?? 16, async (a) => {
      if (a.kind !== 'unchanged' && pastDeadline()) { complete = false; return; }
      if (a.kind === 'unchanged') return bump('unchanged');
      if (a.kind === 'invalid') {
        bump('invalid');
        report.failures.push(await parkInvalid(deps, setup, em, defs.get(a.definitionId)!, a));
        return;
      }
      const pending = a.kind === 'create' ? run.pendingCreates[a.definitionId] : undefined;
      const change = { ...changeOf(a, setup, em)!, ...(pending ? { createKey: pending.key, createTried: pending.hash } : {}) };
      try {
        const d = await deliverChange(port, setup.target, change, links.get(a.definitionId) ?? null, deps.clock.now());
        if (d.kind === 'applied') {
          // The pair comes from the existing link when there is one: never overwritten.
          const before = links.get(a.definitionId);
          if (before) writes.push({ ...d.link, externalId: before.externalId, linkedAt: before.linkedAt });
          else if (d.op === 'create') created.push(d.link);
          else writes.push(d.link);
          report.warnings.push(...d.warnings.map((w) => `${a.definitionId}: ${w}`));
          bump(a.kind);
        } else bump('unchanged');
      } catch (e) {
        // Not lost: the outbox retries it with backoff, with the create key stored above.
        bump('queued');
        report.failures.push(`${a.definitionId}: ${errorText(e)} (queued for retry)`);
        await enqueue(deps, a.kind === 'create' ? { ...change, createKey: change.createKey ?? change.idempotencyKey, createTried: change.createTried ?? change.payloadHash } : change);
        delete run.pendingCreates[a.definitionId];
      }
    });
    // New pairs go through the same insert-once path as the triggers' (never overwriting a link a
    // trigger recorded meanwhile); existing ones are saved with their pair unchanged.
    if (created.length) {
      const won = await insertLinksOnce(deps, created);
      for (const l of created) {
        delete run.pendingCreates[l.definitionId];
        if (won.has(l._id)) { links.set(l.definitionId, l); continue; }
        const winner = await readLink(deps, l.targetId, l.definitionId);
        if (winner) links.set(l.definitionId, winner);
        if (winner && winner.externalId !== l.externalId) {
          deps.logger?.error('Two external items for one definition; keeping the first link', { definitionId: l.definitionId, kept: winner.externalId, orphan: l.externalId });
        }
      }
    }
    if (writes.length) {
      await deps.collections.bulkSave(C.SyncLinks.id, writes);
      for (const l of writes) links.set(l.definitionId, l);
    }
    return complete;
  };

  let pagesThisCall = 0;
  while (true) {
    if (opts.maxPages !== undefined && pagesThisCall >= opts.maxPages) return report;
    if (pagesThisCall > 0 && pastDeadline()) return pause();
    const page = await deps.definitions.queryByEvent(opts.eventId, { cursor: run.cursor, limit: opts.pageSize ?? 100, salesDetails: setup.readSalesDetails });
    pagesThisCall++;
    const mapped = page.items.map((def) => ({ def, mapped: applyMappings(def, setup.mappings, { externalEventId: em.externalEventId }) }));
    const actions = planSync({ definitions: mapped, links: [...links.values()], deleteBehaviour: setup.target.deleteBehaviour, complete: false, mode: 'reconcile' });
    // Cut short by the deadline: the cursor stays on this page, so the next call reads it again.
    if (!(await apply(actions, new Map(page.items.map((d) => [d._id, d]))))) return pause();
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
  if (!(await apply(gone, new Map()))) return pause();
  run.state = 'done';
  run.updatedAt = now();
  if (!opts.dryRun) await deps.collections.save(C.SyncRuns.id, run);
  report.done = true;
  return report;
}


/** Inserts each link whose pair is not recorded yet (one bulk insert where the port can); returns the IDs inserted. */
async function insertLinksOnce(deps: SyncDeps, links: SyncLink[]): Promise<Set<string>> {
  const claims = deps.collections as Partial<ClaimsPort>;
  if (typeof claims.claim === 'function') return claims.claim(C.SyncLinks.id, links);
  const won = new Set<string>();
  await mapConcurrent(links, deps.concurrency ?? 16, async (l) => { if (await insertOnce(deps.collections, C.SyncLinks.id, l)) won.add(l._id); });
  return won;
}
