// Outbox rules: one slot per (target, definition) holding the latest change, an idempotency key per
// change, retries with exponential backoff and jitter, Retry-After honoured, dead letter after a
// bounded time.
import { compareRevisions } from '../ticketDefinition.js';
import { blocksUpsert } from './linkRules.js';
import { hashText } from './payloadHash.js';
import type { ChangeIdentity } from './syncChange.js';
import type { OutboxItem } from './syncRows.js';

export interface OutboxPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failing longer than this (from the first failure) dead-letters the change. */
  deadLetterAfterMs: number;
  /** A Retry-After beyond this is treated as this (a broken header must not park a change for days). */
  maxRetryAfterMs: number;
}

export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 30 * 60_000,
  deadLetterAfterMs: 24 * 3600_000,
  maxRetryAfterMs: 6 * 3600_000,
};

/** Same change ⇒ same key, on every attempt and from every invocation; a new revision or payload ⇒ a new key. */
export function idempotencyKey(c: ChangeIdentity): string {
  const text = [c.targetId, c.definitionId, c.action, c.revision, c.action === 'delete' ? '' : c.payloadHash].join('|');
  return `tf-${hashText(text)}${hashText(text, 1)}`;
}

export type Failure =
  | { kind: 'http'; status: number; retryAfterMs?: number | null }
  | { kind: 'timeout' }
  | { kind: 'network' }
  | { kind: 'rejected' }
  | { kind: 'mapping' };

/** Server trouble, throttling and lost answers are retried; a 4xx refusal (or a bad mapping) is not. */
export function isRetryable(f: Failure): boolean {
  if (f.kind === 'timeout' || f.kind === 'network') return true;
  if (f.kind === 'http') return f.status === 408 || f.status === 409 || f.status === 425 || f.status === 429 || f.status >= 500;
  return false;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so delays grow but never align. */
export function backoffMs(attempt: number, random: number, policy: OutboxPolicy = DEFAULT_OUTBOX_POLICY): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + (random * exp) / 2);
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now.getTime());
}

/**
 * Retry-After cap: the wait a throttling target (429, 503) asks for, capped at `maxRetryAfterMs`;
 * null when it asked for none.
 */
export function retryAfterWaitMs(failure: Failure, policy: OutboxPolicy = DEFAULT_OUTBOX_POLICY): number | null {
  if (failure.kind !== 'http' || (failure.status !== 429 && failure.status !== 503) || failure.retryAfterMs == null) return null;
  return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
}

export type AfterFailure = { next: 'retry'; at: Date; attempt: number } | { next: 'dead'; reason: string };

export function afterFailure(
  item: Pick<OutboxItem, 'attempt' | 'firstFailureAt'>,
  failure: Failure,
  now: Date,
  random: number,
  policy: OutboxPolicy = DEFAULT_OUTBOX_POLICY,
): AfterFailure {
  if (!isRetryable(failure)) return { next: 'dead', reason: 'the target refused the change; fix the cause, then tick "retry"' };
  const attempt = item.attempt + 1;
  const delay = Math.max(backoffMs(item.attempt, random, policy), retryAfterWaitMs(failure, policy) ?? 0);
  const first = item.firstFailureAt ? Date.parse(item.firstFailureAt) : now.getTime();
  const at = new Date(now.getTime() + delay);
  if (at.getTime() - first > policy.deadLetterAfterMs) return { next: 'dead', reason: `still failing after ${Math.round(policy.deadLetterAfterMs / 3600_000)} h` };
  return { next: 'retry', at, attempt };
}

/**
 * What the outbox slot holds after a new change arrives. A pending delete is never replaced by an
 * upsert (no resurrection); an older or identical upsert does not replace a newer one.
 */
export function mergeChange(existing: Pick<OutboxItem, 'action' | 'revision' | 'payloadHash' | 'state'> | null, incoming: ChangeIdentity): 'replace' | 'keep' {
  if (!existing) return 'replace';
  // No resurrection (linkRules): a pending delete is kept, whether an upsert or the same delete arrives.
  if (blocksUpsert(existing)) return 'keep';
  if (incoming.action === 'delete') return 'replace';
  const cmp = compareRevisions(incoming.revision, existing.revision);
  if (cmp < 0) return 'keep';
  // The same change again (a duplicate trigger) keeps the slot as it is, dead letters included:
  // only the owner re-queues those.
  if (cmp === 0 && incoming.payloadHash === existing.payloadHash) return 'keep';
  return 'replace';
}
