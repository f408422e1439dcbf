// The counter's Ticket Definitions read budget. Wix allows about 200 REST calls a minute per site,
// shared with everything else the site does; a refresh slot of 100 ms would allow 600 in a long rush.
// Each scheduled refresh is a "read mark" in CounterClaims (`read:<time>`, its read time), claimed by
// the one invocation that will read. A new read goes at its (fast) slot's end while the site has
// fewer than `reads` marks since `now − windowMs`; past that, by the slow slot's marks (`slowMark`):
// one read per slow slot while orders keep coming, and one soon after they stop. The marks are also the
// schedule an order handler looks up: a mark at or after its own time means that a read starting at or
// after that time will include its order.

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

/** Which read a mark stands for: a fast slot's, a checkpoint's within a slow slot, or a slow slot's tail. */
export type ReadMarkKind = 'fast' | 'checkpoint' | 'tail';
export interface PlannedRead { at: Date; kind: ReadMarkKind }

/**
 * The mark an order handled at `t` claims once the fast reads are used up. A slow slot is cut into
 * checkpoints of `stepMs` while at least two steps remain before its end, then its tail: with 2.1 s and
 * 350 ms, checkpoints end at 350, 700, 1,050 and 1,400 ms and the tail at 2,100 ms. The tail's owner reads at
 * its end. A checkpoint's owner reads only when the stream of orders has paused (see `settleCheck`);
 * otherwise the next mark's owner covers its orders, so a continuous stream still costs one read per
 * slow slot, and the last order of a stream is read within two steps of it.
 */
export function slowMark(t: number, slowSlotMs: number, stepMs: number = SETTLE_STEP_MS): { at: number; kind: 'checkpoint' | 'tail' } {
  const start = Math.floor(t / slowSlotMs) * slowSlotMs;
  const checkpoints = Math.max(0, Math.floor((slowSlotMs - 2 * stepMs) / stepMs));
  const step = Math.floor((t - start) / stepMs);
  return step < checkpoints ? { at: start + (step + 1) * stepMs, kind: 'checkpoint' } : { at: start + slowSlotMs, kind: 'tail' };
}

/**
 * When the owner of the checkpoint mark at `at` looks for orders after it, and the mark those orders
 * claim (the step or tail that starts at `at`). One step later: a next step is over by then, and in a
 * tail the orders of its first step have claimed it. Orders found → the next mark's owner covers this
 * one's orders. None → the stream paused: the owner reads now; having claimed the next mark to find
 * out, it also owns that mark, so a tail's owner still reads at the tail's end.
 */
export function settleCheck(at: number, slowSlotMs: number, stepMs: number = SETTLE_STEP_MS): { checkAt: number; next: { at: number; kind: 'checkpoint' | 'tail' } } {
  return { checkAt: at + stepMs, next: slowMark(at, slowSlotMs, stepMs) };
}

/**
 * When a slot winner reads: at its fast slot's end while under budget, else at its slow mark (never
 * earlier than the fast slot's end). Both are slot ends, so concurrent winners that pick the same time
 * share one mark and one read.
 */
export function plannedRead(now: Date, fastSlotEnd: Date, slowSlotMs: number, recentReads: number, budget: ReadBudget, stepMs: number = SETTLE_STEP_MS): PlannedRead {
  if (!budgetUsedUp(recentReads, budget)) return { at: fastSlotEnd, kind: 'fast' };
  const mark = slowMark(now.getTime(), slowSlotMs, stepMs);
  return { at: new Date(Math.max(mark.at, fastSlotEnd.getTime())), kind: mark.kind };
}

/** The read time a mark stands for (epoch ms), or null when the ID is not a read mark. */
export function readMarkTime(id: string): number | null {
  if (!id.startsWith(PREFIX)) return null;
  const ms = Number(id.slice(PREFIX.length));
  return Number.isSafeInteger(ms) ? ms : null;
}

/** How long past its read time a read waits, so that orders confirmed in the last instant before it are in it. */
export const READ_MARGIN_MS = 15;

/**
 * How long after its covering read an order change that may give tickets back (an update or deletion:
 * a cancellation) is read once more. Two reads in flight together are ordered by their counts, fewer
 * left being newer (counterSnapshot.ts isNewerSnapshot); a cancellation between the moments Wix took
 * them can leave the older one stored. A read sent this long after the covering read is sent after
 * both were answered (a round trip is 20–150 ms), so it is newer by time and its count stands.
 */
export const CANCEL_SETTLE_MS = 300;

/** The width of a fast refresh slot and of a slow one (after the budget), in ms. */
export const DEFAULT_SLOT_MS = 100;
export const DEFAULT_SLOW_SLOT_MS = 2100;
/**
 * A checkpoint's step within a slow slot. A stream's last order is read at most two steps after it
 * (0.7 s, plus the read and the save), where the slow slot alone would leave it up to 2.1 s behind. Each
 * checkpoint costs a claim (a write) per container that handles an order in it, and, when that
 * container saw no later order, one more to find out; no read. (Shorter steps: more claims in a rush,
 * against a third of the write quota; longer: the last order of a rush more than a second behind.)
 */
export const SETTLE_STEP_MS = 350;
/**
 * 25 fast reads a minute (a 2.5 s burst read every 100 ms), then one every 2.1 s while orders keep
 * coming, and one after they stop: at most about 25 + 29 = 54 Ticket Definitions calls in any minute,
 * well under a third of Wix's ~200, leaving the rest to the site.
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
