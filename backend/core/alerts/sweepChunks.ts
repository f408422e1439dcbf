// Splitting a sweep into chunks that fit Velo's time limits, and the cursor that lets the next
// invocation resume where this one stopped. The cursor is stored in a collection by the flow.

export interface SweepTarget { eventId: string; definitionIds: string[] }

/** The `SaleAlertSweeps` item holding the cursor of the run in progress (never pruned). */
export const SWEEP_CURSOR_ID = 'cursor';

export interface SweepCursor {
  runId: string;
  startedAt: string;
  /** Events with due definitions, in the order this run processes them. */
  targets: SweepTarget[];
  /** Index into `targets`. */
  targetIndex: number;
  /** Subscriptions are read in `_id` order; the next page starts after this one. */
  afterSubscriptionId: string | null;
  pageSize: number;
}

export interface ChunkLimits {
  /** Wall time one invocation may use for chunks (the rest is margin for bookkeeping). */
  invocationBudgetMs: number;
  /** What one chunk should take; a chunk that runs long shrinks the next page. */
  targetChunkMs: number;
  minPageSize: number;
  maxPageSize: number;
}

/**
 * Velo jobs are cut off after a few minutes (5 min is the figure commonly given, *unconfirmed*);
 * event handlers and web methods after ~14 s. Chunks aim at 2 s so even a slow one stays far from both.
 */
// With bulk delivery records a page's Wix Data cost is fixed (a query, two bulk inserts, a bulk update)
// and its sends are bounded by the send concurrency, so pages stay at 500: shrinking them for time
// would multiply the fixed cost. A page of 500 at 20 sends in flight and ~30 ms a send takes ~1 s.
export const JOB_LIMITS: ChunkLimits = { invocationBudgetMs: 4 * 60_000, targetChunkMs: 2_000, minPageSize: 500, maxPageSize: 500 };
export const TRIGGER_LIMITS: ChunkLimits = { invocationBudgetMs: 9_000, targetChunkMs: 2_000, minPageSize: 500, maxPageSize: 500 };
export const INITIAL_PAGE_SIZE = 500;

/** Start another chunk only if one as slow as the slowest so far (with 50% headroom) still fits. */
export function shouldStartChunk(elapsedMs: number, slowestChunkMs: number, limits: ChunkLimits): boolean {
  const expected = Math.max(slowestChunkMs * 1.5, limits.targetChunkMs);
  return elapsedMs + expected <= limits.invocationBudgetMs;
}

/** Page size for the next chunk, scaled toward the target duration and clamped. */
export function nextPageSize(current: number, lastChunkMs: number, items: number, limits: ChunkLimits): number {
  if (items === 0 || lastChunkMs <= 0) return clamp(current, limits);
  const perItem = lastChunkMs / items;
  // Grow at most 2× per step, shrink as much as needed.
  const ideal = Math.floor(limits.targetChunkMs / perItem);
  return clamp(Math.min(ideal, current * 2), limits);
}

function clamp(n: number, l: ChunkLimits) {
  return Math.max(l.minPageSize, Math.min(l.maxPageSize, Math.floor(n)));
}

export function newSweepCursor(runId: string, startedAt: Date, targets: SweepTarget[], pageSize = INITIAL_PAGE_SIZE): SweepCursor {
  return { runId, startedAt: startedAt.toISOString(), targets, targetIndex: 0, afterSubscriptionId: null, pageSize };
}

/**
 * Moves the cursor past a processed page. A short page ends the event: the caller then marks that
 * event's definitions done (`finishedTarget`).
 */
export function advanceCursor(c: SweepCursor, page: { lastId: string | null; full: boolean }, pageSize: number): { cursor: SweepCursor; finishedTarget: SweepTarget | null } {
  if (page.full && page.lastId) return { cursor: { ...c, afterSubscriptionId: page.lastId, pageSize }, finishedTarget: null };
  return { cursor: { ...c, targetIndex: c.targetIndex + 1, afterSubscriptionId: null, pageSize }, finishedTarget: c.targets[c.targetIndex] ?? null };
}

export function cursorDone(c: SweepCursor): boolean {
  return c.targetIndex >= c.targets.length;
}
