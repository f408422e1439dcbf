// Clearing the cached counter answers (web method caching) when a visitor-visible snapshot changes.
// `invalidateCache` from Velo's wix-cache-backend, elevated as Wix documents for it.
import { elevate } from 'wix-auth';
import { COUNTER_CACHE_TAG } from '../core/counter/counterChannel.js';
import { consoleLogger } from './runtime.js';

let pending: Promise<void> | null = null;

/**
 * One invalidation for every hook call of the same moment: a bulk save of several counters runs a hook
 * per item, and they share one `invalidateCache` call. A change made after that call started gets its
 * own (it must not be served from a cache filled before it). Refresh slots already bound how often
 * counters change: at most once per read, so a rush costs at most one cache miss per read, not per order.
 * A failure is logged, not thrown: the write happened, realtime pushes still go out, and the cache's
 * TTL bounds how long newly opened pages could see the older answer.
 */
export function invalidateCounterAnswers(): Promise<void> {
  pending ??= (async () => {
    await new Promise((r) => setTimeout(r, 0));
    pending = null;
    try {
      const { invalidateCache } = await import('wix-cache-backend');
      await elevate(invalidateCache)([{ tag: COUNTER_CACHE_TAG }]);
    } catch (e) {
      consoleLogger.warn('Counter cache: invalidateCache failed', { error: String((e as Error)?.message ?? e) });
    }
  })();
  return pending;
}
