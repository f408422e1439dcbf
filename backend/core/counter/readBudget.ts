// The counter's Ticket Definitions read budget. Wix allows about 200 REST calls a minute per site,
// shared with everything else the site does; a refresh slot of 100 ms would allow 600 in a long rush.
// Each scheduled refresh is a "read mark" in CounterClaims (`read:<time>`, its read time), claimed by
// the one invocation that will read. A new read goes at its (fast) slot's end while the site has
// fewer than `reads` marks since `now − windowMs`; past that, at the end of the enclosing slow slot,
// where one read serves every order until then. The marks are also the schedule an order handler
// looks up: a mark at or after its own time means a read that will include its order is due.

export interface ReadBudget {
  /** Refresh reads allowed in the window before refreshes move to the slow slot. */
  reads: number;
  windowMs: number;
}

const PREFIX = 'read:';
/** Sorts after every read mark (':' < ';'). */
const AFTER_ALL = 'read;';

/** The mark of a refresh reading at `at`: milliseconds at fixed width, so marks sort by time and a window is an ID range. */
export function readMarkId(at: Date): string {
  return PREFIX + String(at.getTime()).padStart(15, '0');
}

/** CounterClaims filter for the marks of refreshes at or after `now − windowMs` (an `_id` range: the primary key's index). */
export function recentReadMarks(now: Date, windowMs: number): { _id: { $gte: string; $lt: string } } {
  return { _id: { $gte: readMarkId(new Date(now.getTime() - windowMs)), $lt: AFTER_ALL } };
}

/** Whether the site's fast reads are used up: refreshes go to the slow slot. */
export function budgetUsedUp(recentReads: number, budget: ReadBudget): boolean {
  return recentReads >= budget.reads;
}

/**
 * When a slot winner reads: at its fast slot's end while under budget, else at the end of the slow
 * slot holding `now` (never earlier than the fast slot's end). Both are slot ends, so concurrent
 * winners that pick the same time share one mark and one read.
 */
export function readTime(now: Date, fastSlotEnd: Date, slowSlotMs: number, recentReads: number, budget: ReadBudget): Date {
  if (!budgetUsedUp(recentReads, budget)) return fastSlotEnd;
  const slowEnd = (Math.floor(now.getTime() / slowSlotMs) + 1) * slowSlotMs;
  return new Date(Math.max(slowEnd, fastSlotEnd.getTime()));
}

/** The read time a mark stands for (epoch ms), or null when the ID is not a read mark. */
export function readMarkTime(id: string): number | null {
  if (!id.startsWith(PREFIX)) return null;
  const ms = Number(id.slice(PREFIX.length));
  return Number.isSafeInteger(ms) ? ms : null;
}

/** The width of a fast refresh slot and of a slow one (after the budget), in ms. */
export const DEFAULT_SLOT_MS = 100;
export const DEFAULT_SLOW_SLOT_MS = 1500;
/**
 * 25 fast reads a minute (a 2.5 s burst read every 100 ms), then one every 1.5 s: at most about 25 + 40
 * = 65 Ticket Definitions calls in any minute, a third of Wix's ~200, leaving the rest to the site.
 * (Measured against 150 ms / 40 / 3 s: more fast slots meant more concurrent claims that lose, 0.13
 * writes per order in the burst instead of 0.05–0.07, and no better latency on the shared machine.)
 */
export const DEFAULT_READ_BUDGET: ReadBudget = { reads: 25, windowMs: 60_000 };

/**
 * How long a warm container that found the fast-read budget used up keeps claiming slow slots without
 * looking the schedule up first (a claim is one write; a lookup is one read, for every order after the
 * last claimed read). After it, the next order looks up again, so fast reads resume once the window
 * empties. Assuming slow too long only delays reads by at most one slow slot; it never misses one.
 */
export const SLOW_MODE_MEMORY_MS = 10_000;

/** Whether a container whose lookup found the budget used up at `slowSince` (0: never) still assumes so at `now`. */
export function stillSlow(slowSince: number, now: number, memoryMs = SLOW_MODE_MEMORY_MS): boolean {
  return slowSince > 0 && now >= slowSince && now - slowSince < memoryMs;
}
