// Removes sale-alert bookkeeping past its retention (core/alerts/alertRetention.ts): delivery records,
// sweep markers and retry claims after 90 days, rate-limit records once their window has passed.
// Runs at the end of every sweep in chunks of one page, at most `maxPerRun` per collection, and only
// while the invocation has time left; a backlog clears over the following sweeps.
import { ALERT_RETENTION, PRUNE_LIMITS, pruneCutoffs } from '../core/alerts/alertRetention.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { alertDeliveries } from '../repositories/alertDeliveries.js';
import { alertRateLimits } from '../repositories/alertRateLimits.js';
import { alertSweeps } from '../repositories/alertSweeps.js';
import type { ChunkBudget } from './alertsChunks.js';
import type { AlertsDeps } from './alertsDeps.js';

export interface PruneStats { deliveries: number; markers: number; rateLimits: number; more: boolean }

export const emptyPruneStats = (): PruneStats => ({ deliveries: 0, markers: 0, rateLimits: 0, more: false });

/** What a repository offers for pruning: its oldest rows before a cutoff, and their removal. */
interface PrunableStore { prunable(cutoff: string, limit: number): Promise<string[]>; remove(id: string): Promise<void> }

export async function pruneAlertRecords(deps: AlertsDeps, budget: ChunkBudget): Promise<PruneStats> {
  const limits = { ...PRUNE_LIMITS, ...deps.pruneLimits };
  const cutoff = pruneCutoffs(deps.clock.now(), ALERT_RETENTION);
  const stats = emptyPruneStats();
  // Each store names its old rows (the sweep cursor is state, not a marker: it stays whatever its age).
  const targets: { stat: keyof Omit<PruneStats, 'more'>; cutoff: string; store: PrunableStore }[] = [
    { stat: 'deliveries', cutoff: cutoff.deliveries, store: alertDeliveries(deps) },
    { stat: 'markers', cutoff: cutoff.markers, store: alertSweeps(deps) },
    { stat: 'rateLimits', cutoff: cutoff.rateLimits, store: alertRateLimits(deps) },
  ];
  for (const t of targets) {
    for (;;) {
      if (stats[t.stat] >= limits.maxPerRun || !budget.canStart()) { stats.more = true; break; }
      const pageSize = Math.min(limits.pageSize, limits.maxPerRun - stats[t.stat]);
      const full = await budget.chunk(async () => {
        const ids = await t.store.prunable(t.cutoff, pageSize);
        await mapConcurrent(ids, deps.config.concurrency ?? 10, (id) => t.store.remove(id));
        stats[t.stat] += ids.length;
        return ids.length === pageSize;
      });
      if (!full) break;
    }
  }
  return stats;
}
