// Initial sync of one event: page through its definitions (cursor paging), plan each page against
// the links, deliver, and record progress in SyncRuns so an interrupted or budget-limited run resumes
// where it stopped. A dry run only plans.
import { applyMappings } from '../core/sync/mappingEngine.js';
import { planGone, planSync, type SyncAction } from '../core/sync/planSync.js';
import { runId, type EventMappingRow, type SyncRun } from '../core/sync/syncRows.js';
import { syncLinks } from '../repositories/syncLinks.js';
import { syncRuns } from '../repositories/syncRuns.js';
import { connectTarget, loadSyncConfig, type SyncConfig, type TargetSetup } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { applyActions, nowText, pastDeadline, saveRun, type EventRun } from './syncInitialApply.js';

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

/** Resumes the stored run of this target and event when one is unfinished, else starts one. */
async function startEventRun(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, opts: InitialSyncOptions): Promise<EventRun> {
  const targetId = setup.target._id;
  const at = deps.clock.now().toISOString();
  const prev = opts.restart || opts.dryRun ? null : await syncRuns(deps).ofEvent(targetId, opts.eventId);
  const resumed = prev?.state === 'running';
  const run: SyncRun = resumed && prev ? prev : {
    _id: runId(targetId, opts.eventId), targetId, eventId: opts.eventId, state: 'running', cursor: null, pages: 0, seenIds: [], counts: {}, pendingCreates: {}, startedAt: at, updatedAt: at,
  };
  const report: InitialSyncTargetReport = { targetId, externalEventId: em.externalEventId, done: false, resumed, plan: [], counts: run.counts, failures: [], warnings: [] };
  const links = new Map((await syncLinks(deps).ofEvent(targetId, opts.eventId)).map((l) => [l.definitionId, l]));
  const port = opts.dryRun ? null : await connectTarget(deps, setup.target);
  return { deps, setup, em, opts, run, report, links, port };
}

async function syncEventToTarget(deps: SyncDeps, setup: TargetSetup, em: EventMappingRow, opts: InitialSyncOptions): Promise<InitialSyncTargetReport> {
  const r = await startEventRun(deps, setup, em, opts);
  const pages = await syncPages(r);
  if (pages === 'stopped') return r.report;
  if (pages === 'paused') { await saveRun(r); return r.report; }
  // All pages read: links whose definition is gone are deletes.
  const seen = new Set(r.run.seenIds);
  const gone = [...r.links.values()].filter((l) => !seen.has(l.definitionId)).map((l) => planGone(l.definitionId, l, setup.target.deleteBehaviour)).filter((a) => a.kind !== 'unchanged');
  if (!(await applyActions(r, gone, new Map()))) { await saveRun(r); return r.report; }
  r.run.state = 'done';
  r.run.updatedAt = nowText(r);
  if (!opts.dryRun) await syncRuns(deps).save(r.run);
  r.report.done = true;
  return r.report;
}

/** Reads, plans and applies page after page; 'stopped' at maxPages, 'paused' at the deadline. */
async function syncPages(r: EventRun): Promise<'done' | 'stopped' | 'paused'> {
  const { deps, setup, em, opts, run } = r;
  for (let pagesThisCall = 0; ; ) {
    if (opts.maxPages !== undefined && pagesThisCall >= opts.maxPages) return 'stopped';
    if (pagesThisCall > 0 && pastDeadline(r)) return 'paused';
    const page = await deps.definitions.queryByEvent(opts.eventId, { cursor: run.cursor, limit: opts.pageSize ?? 100, salesDetails: setup.readSalesDetails });
    pagesThisCall++;
    const mapped = page.items.map((def) => ({ def, mapped: applyMappings(def, setup.mappings, { externalEventId: em.externalEventId }) }));
    const actions = planSync({ definitions: mapped, links: [...r.links.values()], deleteBehaviour: setup.target.deleteBehaviour, complete: false, mode: 'reconcile' });
    // Cut short by the deadline: the cursor stays on this page, so the next call reads it again.
    if (!(await applyActions(r, actions, new Map(page.items.map((d) => [d._id, d]))))) return 'paused';
    run.seenIds.push(...page.items.map((d) => d._id));
    run.pages++;
    run.cursor = page.nextCursor;
    run.updatedAt = nowText(r);
    opts.onProgress?.({ targetId: setup.target._id, eventId: opts.eventId, pages: run.pages, definitions: run.seenIds.length, counts: { ...run.counts } });
    if (!page.nextCursor) return 'done';
    if (!opts.dryRun) await syncRuns(deps).save(run);
  }
}
