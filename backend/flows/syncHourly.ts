// The hourly job: re-queue ticked dead letters, reconcile drift, then drain, within a time budget.
import { loadSyncConfig } from './syncConfig.js';
import type { SyncDeps } from './syncDeps.js';
import { drainOutbox, emptyDrainReport, type DrainReport } from './syncOutbox.js';
import { reconcile, type ReconcileReport } from './syncReconcile.js';
import { requeueDeadLetters } from './syncRequeue.js';

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
