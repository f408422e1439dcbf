// Removes sale-alert bookkeeping past its retention (core/alerts/alertRetention.ts): delivery records,
// sweep markers and retry claims after 90 days, rate-limit records once their window has passed.
// Runs at the end of every sweep in chunks of one page, at most `maxPerRun` per collection, and only
// while the invocation has time left; a backlog clears over the following hourly runs.
import { COLLECTIONS } from '../collections.js';
import { ALERT_RETENTION, PRUNE_LIMITS, pruneCutoffs } from '../core/alerts/alertRetention.js';
import { SWEEP_CURSOR_ID } from '../core/alerts/sweepChunks.js';
import type { Filter } from '../ports.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import type { ChunkBudget } from './alertsChunks.js';
import type { AlertsDeps } from './alertsDeps.js';

const C = COLLECTIONS;

export interface PruneStats { deliveries: number; markers: number; rateLimits: number; more: boolean }

export const emptyPruneStats = (): PruneStats => ({ deliveries: 0, markers: 0, rateLimits: 0, more: false });

export async function pruneAlertRecords(deps: AlertsDeps, budget: ChunkBudget): Promise<PruneStats> {
  const limits = { ...PRUNE_LIMITS, ...deps.pruneLimits };
  const cutoff = pruneCutoffs(deps.clock.now(), ALERT_RETENTION);
  const stats = emptyPruneStats();
  const targets: { stat: keyof Omit<PruneStats, 'more'>; collection: string; field: string; filter: Filter }[] = [
    { stat: 'deliveries', collection: C.SaleAlertDeliveries.id, field: 'claimedAt', filter: { claimedAt: { $lt: cutoff.deliveries } } },
    // The cursor is the sweep's state, not a marker: it stays whatever its age.
    { stat: 'markers', collection: C.SaleAlertSweeps.id, field: 'at', filter: { at: { $lt: cutoff.markers }, _id: { $ne: SWEEP_CURSOR_ID } } },
    { stat: 'rateLimits', collection: C.SaleAlertRateLimits.id, field: 'updatedAt', filter: { updatedAt: { $lt: cutoff.rateLimits } } },
  ];
  for (const t of targets) {
    for (;;) {
      if (stats[t.stat] >= limits.maxPerRun || !budget.canStart()) { stats.more = true; break; }
      const pageSize = Math.min(limits.pageSize, limits.maxPerRun - stats[t.stat]);
      const full = await budget.chunk(async () => {
        const { items } = await deps.collections.query(t.collection, { filter: t.filter, sort: [{ field: t.field, order: 'ASC' }], limit: pageSize });
        await mapConcurrent(items, deps.config.concurrency ?? 10, (it) => deps.collections.remove(t.collection, it._id));
        stats[t.stat] += items.length;
        return items.length === pageSize;
      });
      if (!full) break;
    }
  }
  return stats;
}
