// Pure rules of the owner's control room: which outbox rows count as due, retrying or dead; whether
// a target is enabled, disabled or paused and why; what a sweep cursor says about the last sweep;
// and that no text shown on the page carries a secret.
import type { OutboxView } from './controlRoomInput.js';

/** Wix Data filter of an outbox view at `now` (ISO): due waits for the next drain, retrying waits for its backoff. */
export function outboxViewFilter(view: OutboxView, now: string): Record<string, unknown> {
  if (view === 'dead') return { state: 'dead' };
  if (view === 'due') return { state: 'pending', nextAttemptAt: { $lte: now } };
  return { state: 'pending', nextAttemptAt: { $gt: now } };
}

/** The sort that puts the rows an owner acts on first: the oldest dead letter, the next retry. */
export function outboxViewSort(view: OutboxView): { field: string; order: 'ASC' | 'DESC' }[] {
  return view === 'dead' ? [{ field: 'firstFailureAt', order: 'ASC' }, { field: '_id', order: 'ASC' }] : [{ field: 'nextAttemptAt', order: 'ASC' }, { field: '_id', order: 'ASC' }];
}

export type TargetState = 'enabled' | 'disabled' | 'paused';

/**
 * A target's state from its row and the sync's configuration problems (each problem names the
 * target as `Sync target <id>`), plus a problem found when connecting (bad options, missing secret).
 */
export function targetState(input: { targetId: string; enabledInRow: boolean; loaded: boolean; problems: readonly string[]; connectProblem?: string | null }): { state: TargetState; why: string[] } {
  const mine = input.problems.filter((p) => p.startsWith(`Sync target ${input.targetId}:`) || p.startsWith(`Sync target ${input.targetId} `));
  if (!input.enabledInRow) return { state: 'disabled', why: [] };
  const why = [...mine, ...(input.connectProblem ? [input.connectProblem] : [])].map(scrubSecrets);
  if (!input.loaded || input.connectProblem) return { state: 'paused', why: why.length ? why : ['not loaded by the sync'] };
  return { state: 'enabled', why };
}

/** The last sweep as the owner reads it: when it started, whether it went through every event or was cut off. */
export function sweepSummary(row: { cursor?: { runId?: unknown; startedAt?: unknown; targets?: unknown; targetIndex?: unknown } | null; at?: unknown } | null): { runId: string; startedAt: string; savedAt: string | null; events: number; eventsDone: number; completed: boolean } | null {
  const c = row?.cursor;
  if (!c || typeof c.runId !== 'string' || !Array.isArray(c.targets)) return null;
  const events = c.targets.length;
  const done = Math.min(events, typeof c.targetIndex === 'number' ? c.targetIndex : 0);
  return { runId: c.runId, startedAt: String(c.startedAt ?? ''), savedAt: typeof row!.at === 'string' ? row!.at : null, events, eventsDone: done, completed: done >= events };
}

// Shapes secrets take in this package: Standard Webhooks secrets, Pretix tokens, API keys, bearer values.
const SECRET_SHAPES = [/whsec_[A-Za-z0-9+/=]+/g, /\b(?:Bearer|Token) [A-Za-z0-9._~+/=-]{8,}/g, /\b[A-Za-z0-9_+/=]{32,}/g];

/**
 * Text for the page with anything shaped like a secret replaced. Secret *names* (short, readable)
 * pass; values never reach the page even if an error message quoted one.
 */
export function scrubSecrets(text: string): string {
  return SECRET_SHAPES.reduce((t, re) => t.replace(re, '[redacted]'), text);
}
