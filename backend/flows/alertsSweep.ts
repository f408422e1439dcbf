// The hourly sale-alert sweep (the guarantee): continues or plans a send run over the events with due
// sales, then, with the time left, retries failed sends and prunes old records.
import { randomUUID } from 'node:crypto';
import { dueDefinitions } from '../core/alerts/dueDefinitions.js';
import { cursorDone, JOB_LIMITS, newSweepCursor, type ChunkLimits, type SweepCursor, type SweepTarget } from '../core/alerts/sweepChunks.js';
import { alertEvents } from '../repositories/alertEvents.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import { ChunkBudget, doneKeys, elapsedFn, limitsFor, runChunks } from './alertsChunks.js';
import type { AlertsDeps } from './alertsDeps.js';
import { pruneAlertRecords, type PruneStats } from './alertsPrune.js';
import { retryFailedDeliveries, type RetryStats } from './alertsRetry.js';
import { addStats, emptyStats, type PageStats } from './alertsSend.js';
import { allDefinitions } from './eventDefinitions.js';

export interface SweepResult {
  /** The send run: none due (`idle`), out of time mid-run (`progress`), or done (`finished`). */
  outcome: 'idle' | 'progress' | 'finished';
  runId: string | null;
  chunks: number;
  maxChunkMs: number;
  stats: PageStats;
  /** Failed sends retried in this invocation (after the run, with the time left). */
  retries: RetryStats;
  /** Old records removed in this invocation (last, with the time left). */
  pruned: PruneStats;
}

/**
 * Hourly job. Continues the stored run if there is one, else plans a run over the events with due
 * sales. Works in chunks, saving the cursor after each, until done or out of time. With the time
 * left it then retries failed sends that are due and prunes records past their retention.
 */
export async function sweep(deps: AlertsDeps): Promise<SweepResult> {
  const limits = limitsFor(deps, JOB_LIMITS);
  const t0 = elapsedFn(deps)();
  const total = await sendRun(deps, limits, t0);
  const budget = new ChunkBudget(limits, elapsedFn(deps), t0, total.maxChunkMs);
  const retries = await retryFailedDeliveries(deps, budget);
  const pruned = await pruneAlertRecords(deps, budget);
  return { ...total, chunks: total.chunks + budget.chunks, maxChunkMs: Math.max(total.maxChunkMs, budget.maxChunkMs), retries, pruned };
}

type RunResult = Omit<SweepResult, 'retries' | 'pruned'>;

async function sendRun(deps: AlertsDeps, limits: ChunkLimits, t0: number): Promise<RunResult> {
  let total: RunResult = { outcome: 'idle', runId: null, chunks: 0, maxChunkMs: 0, stats: emptyStats() };
  for (let plans = 0; plans < 2; plans++) {
    let cursor = (await alertSweeps(deps).cursorRow())?.cursor ?? null;
    if (!cursor || cursorDone(cursor)) {
      cursor = await planRun(deps);
      if (!cursor) break;
      await saveCursor(deps, cursor);
    }
    const budget = { ...limits, invocationBudgetMs: limits.invocationBudgetMs - (elapsedFn(deps)() - t0) };
    const r = await runChunks(deps, cursor, budget, new Map(), (c) => saveCursor(deps, c));
    total = {
      outcome: cursorDone(r.cursor) ? 'finished' : 'progress', runId: r.cursor.runId, chunks: total.chunks + r.chunks,
      maxChunkMs: Math.max(total.maxChunkMs, r.maxChunkMs), stats: addStats(total.stats, r.stats),
    };
    if (!cursorDone(r.cursor)) break;
  }
  return total;
}

async function planRun(deps: AlertsDeps): Promise<SweepCursor | null> {
  const now = deps.clock.now();
  const targets: SweepTarget[] = [];
  for (const ev of await alertEvents(deps).all()) {
    const defs = await allDefinitions(deps, ev._id);
    const due = dueDefinitions(defs, { now, done: await doneKeys(deps, defs) });
    if (due.length) targets.push({ eventId: ev._id, definitionIds: due.map((d) => d._id) });
  }
  return targets.length ? newSweepCursor(`sweep-${randomUUID()}`, now, targets) : null;
}

async function saveCursor(deps: AlertsDeps, cursor: SweepCursor) {
  await alertSweeps(deps).saveCursor(cursor, deps.clock.now().toISOString());
}
