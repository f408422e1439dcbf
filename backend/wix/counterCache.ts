// Clearing the cached counter answers (web method caching) with `invalidateCache` from Velo's
// wix-cache-backend, elevated as Wix documents for it: at once (hooks, for changes that are not a
// refresh's), or at the end of the cache window (the refresh flow; core/counter/cacheWindow.ts).
import { elevate } from 'wix-auth';
import { clearedMessage, counterChannel, COUNTER_CACHE_TAG } from '../core/counter/counterChannel.js';
import { invalidationAt } from '../core/counter/cacheWindow.js';
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';
import type { CounterCachePort } from '../ports.js';
import { wixRealtime } from './realtime.js';
import { consoleLogger } from './runtime.js';

const warn = (what: string) => (e: unknown) => consoleLogger.warn(`Counter cache: ${what}`, { error: String((e as Error)?.message ?? e) });

/**
 * Clears every cached counter answer now. A failure is logged, not thrown: the write happened, realtime
 * pushes went out, and the cache's TTL bounds how long newly opened pages could see the older answer.
 */
export async function invalidateCounterAnswers(): Promise<void> {
  try {
    const { invalidateCache } = await import('wix-cache-backend');
    await elevate(invalidateCache)([{ tag: COUNTER_CACHE_TAG }]);
  } catch (e) {
    warn('invalidateCache failed')(e);
  }
}

/** Per definition: the newest read time among the window's changes. */
interface Window { at: number; latest: Map<string, string> }
let current: Window | null = null;

/** Records the newest read time per definition among a window's changes. */
function note(window: Window, snapshots: readonly CounterSnapshot[]) {
  for (const s of snapshots) {
    const known = window.latest.get(s.definitionId);
    if (!known || Date.parse(s.readAt) > Date.parse(known)) window.latest.set(s.definitionId, s.readAt);
  }
}

/** Tells each changed definition's channel that answers read before its newest read here are stale. */
async function announceCleared(latest: ReadonlyMap<string, string>): Promise<void> {
  for (const [definitionId, readAt] of latest) {
    await wixRealtime.publish(counterChannel(definitionId), clearedMessage(readAt)).catch(warn('the cleared message failed'));
  }
}

/**
 * The refresh flow's cache port. The first refresh of a window in this container waits for the
 * window's end (its invocation keeps the container running), clears the cache once, and then tells
 * each changed definition's channel that answers read before the window's newest read are stale
 * (core/counter/counterChannel.ts clearedMessage): a page opened during the window may have been
 * answered from the cache before a change and subscribed after its push; it fetches again, and pages
 * that saw the push ignore it. Later refreshes of the same window in this container add their changes
 * and return at once. Other containers do the same for theirs; their invalidations fall on the same instant.
 * `atOnce` (a read past the fast budget: at most about one per slow slot) clears and tells at once
 * instead, and returns: page views share only reads in flight (flows/counterPageViews.ts), and the
 * slow reads are far enough apart that none is in flight across one.
 */
export function wixCounterCache(): CounterCachePort {
  return {
    async clearSoon(snapshots, options) {
      if (options?.atOnce) {
        const now: Window = { at: Date.now(), latest: new Map() };
        note(now, snapshots);
        await invalidateCounterAnswers();
        await announceCleared(now.latest);
        return;
      }
      const at = invalidationAt(Date.now());
      if (current && current.at === at) {
        note(current, snapshots);
        return;
      }
      const mine: Window = { at, latest: new Map() };
      note(mine, snapshots);
      current = mine;
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
      if (current === mine) current = null;
      await invalidateCounterAnswers();
      await announceCleared(mine.latest);
    },
  };
}
