// The CounterClaims items the counter flows build, by kind: `read` marks (their IDs, `read:<time>`, are
// built in readBudget.ts, where the budget counts them as an ID range), `missing` marks (a definition ID
// getCounters found not to exist) and the repair job's last run. Every key of the collection is made here
// or in readBudget.ts, never in a flow.

export const CLAIM_KINDS = ['read', 'missing', 'job'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** The memory that a definition ID does not exist (read again once the marker is older than its TTL). */
export function missingMarkId(definitionId: string): string {
  return `missing:${definitionId}`;
}

/**
 * The item holding the repair's last run. Kept: the prune removes items by `at` older than 72 h, and
 * this one is rewritten hourly.
 */
export const REPAIR_RUN_ID = 'job:repairCounters';
