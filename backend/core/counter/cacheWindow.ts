// When cached counter answers are cleared (web method caching), and which stored-snapshot read may
// answer a page view. The fast reads' invalidations fall on a fixed grid of CACHE_WINDOW_MS: every
// visible change they make in a window is cleared at the window's end, in one invalidation, so a burst
// costs one wave of cache misses per window rather than one per read. Reads past the fast budget (at
// most about one per slow slot), and a definition's own event, clear at once instead (clearsAtOnce). A read in
// flight that started in the same window as a request arrived may answer it; an answer whose read
// started before the window it is stored in is read again.

import type { ReadMarkKind } from './readBudget.js';

/**
 * 2 s: a busy page's misses come in waves, one per invalidation (about 7 at 170 views a second and
 * 20–40 ms a read), so a 50 s rush clears the cache at most 25 times: about 175 backend requests and,
 * with shared reads, about 25 Wix Data reads a minute, under 5% of each quota. Open pages get every
 * change by realtime at once; a page opened in the window is sent the window's changes again at its end.
 */
export const CACHE_WINDOW_MS = 2000;

/** The window (its index on the grid) that holds the instant `t` (epoch ms). */
export function cacheWindowOf(t: number, windowMs = CACHE_WINDOW_MS): number {
  return Math.floor(t / windowMs);
}

/** When a change made at `t` is cleared from the cache: the end of its window (always after `t`). */
export function invalidationAt(t: number, windowMs = CACHE_WINDOW_MS): number {
  return (cacheWindowOf(t, windowMs) + 1) * windowMs;
}

/** Whether a read that started at `startedAt` may answer a request at `at`: started no later, within the same window (no grid invalidation between them). */
export function readServes(startedAt: number, at: number, windowMs = CACHE_WINDOW_MS): boolean {
  return startedAt <= at && cacheWindowOf(startedAt, windowMs) === cacheWindowOf(at, windowMs);
}

/**
 * Whether a stored snapshot's update is a refresh's: it carries another read time than the row it
 * replaces (storage keeps only newer reads, and two reads in flight at once may be stored in either
 * order: counterSnapshot.ts isNewerSnapshot). The refresh clears the cache at its window's end; any
 * other visible change (an edit made in the CMS, which keeps the row's read time) is cleared at once.
 * New rows come from a refresh (which clears the cache) or from the getCounters answer that is about
 * to be cached with them.
 */
export function refreshWrite(item: { readAt?: string | null }, current: { readAt?: string | null } | null | undefined): boolean {
  const read = Date.parse(item?.readAt ?? ''), stored = Date.parse(current?.readAt ?? '');
  return Number.isFinite(read) && Number.isFinite(stored) && read !== stored;
}

/** Why counters are read: a read mark of the order flow, or one definition's own event (created, updated, sale started). */
export type RefreshCause = ReadMarkKind | 'definition';

/**
 * Whether a read clears the cached page answers at once, rather than at its cache window's end: every
 * read but a fast one. Fast reads come up to 10 a second and share one clearing per window. Reads past the
 * fast budget come about once per slow slot. A definition's own event is rare (an owner's edit, a sale
 * start), and waiting for the window would keep its handler past the ~1.25 s within which Wix expects an
 * acknowledgement, so Wix would send the event again.
 */
export function clearsAtOnce(cause: RefreshCause): boolean {
  return cause !== 'fast';
}
