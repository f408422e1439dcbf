// Clearing the cached counter answers (web method caching) at the end of each window of visible
// changes (core/counter/cacheWindow.ts), with `invalidateCache` from Velo's wix-cache-backend, elevated
// as Wix documents for it.
import { elevate } from 'wix-auth';
import { COUNTER_CACHE_TAG } from '../core/counter/counterChannel.js';
import { invalidationAt } from '../core/counter/cacheWindow.js';
import { consoleLogger } from './runtime.js';

/** A realtime message already sent once, sent again after the invalidation (keyed so the latest one wins). */
export interface Resend { key: string; send: () => Promise<unknown> }

interface Window { at: number; resends: Map<string, () => Promise<unknown>> }
let current: Window | null = null;

/**
 * Called by the TicketCounters hooks after a visible change: the change is cleared from the cache at
 * its window's end. The first call of a window in this container waits for that moment (its
 * invocation keeps the container running), invalidates once, and then sends again each counter's
 * latest message of the window, for pages that opened during the window: they may have been answered
 * from the cache before the change and subscribed after its push. Later calls of the same window only
 * add their message and return at once. A failure is logged, not thrown: the write happened, realtime
 * pushes went out, and the cache's TTL bounds how long newly opened pages could see the older answer.
 */
export async function invalidateCounterAnswersSoon(resend?: Resend): Promise<void> {
  const at = invalidationAt(Date.now());
  if (current && current.at === at) {
    if (resend) current.resends.set(resend.key, resend.send);
    return;
  }
  const mine: Window = { at, resends: new Map(resend ? [[resend.key, resend.send]] : []) };
  current = mine;
  await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
  if (current === mine) current = null;
  try {
    const { invalidateCache } = await import('wix-cache-backend');
    await elevate(invalidateCache)([{ tag: COUNTER_CACHE_TAG }]);
  } catch (e) {
    consoleLogger.warn('Counter cache: invalidateCache failed', { error: String((e as Error)?.message ?? e) });
  }
  for (const send of mine.resends.values()) {
    await send().catch((e) => consoleLogger.warn('Counter cache: a repeated push failed', { error: String((e as Error)?.message ?? e) }));
  }
}
