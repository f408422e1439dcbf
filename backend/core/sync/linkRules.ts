// What a change may do to the link it would write through (the Wix ⇄ external pair), in one place:
// - no resurrection after delete: once deleted (done, or pending in the outbox slot), a definition is
//   never written to the target again;
// - stale revision: a revision older than the applied one is a stale read and is ignored;
// - already applied: the applied revision again is a duplicate delivery;
// - delete behaviour: 'delete' or 'deactivate' on the target, or 'ignore' (forget the link only).
import { compareRevisions } from '../ticketDefinition.js';
import type { SyncLink } from './syncRows.js';

export type DeleteMode = 'delete' | 'deactivate' | 'ignore';

/** No resurrection after delete: a deleted link, or a delete waiting in the outbox slot, blocks any upsert. */
export function blocksUpsert(prior: { status?: string; action?: string } | null | undefined): boolean {
  return prior?.status === 'deleted' || prior?.action === 'delete';
}

/**
 * When a change at the link's own revision counts as already applied:
 * `same revision` (a change event: the revision is what Wix changed), `same content` (a delivery:
 * revision and payload both), `never` (a reconcile compares the payload instead).
 */
export type AppliedWhen = 'same revision' | 'same content' | 'never';

export type LinkGuard = { kind: 'deleted' | 'stale' | 'applied'; reason: string } | null;

/** Null when an upsert at `revision` may go through `link`; otherwise why not. */
export function guardUpsert(link: Pick<SyncLink, 'status' | 'lastRevision' | 'payloadHash'> | null, change: { revision: string; payloadHash?: string }, applied: AppliedWhen): LinkGuard {
  if (!link) return null;
  if (blocksUpsert(link)) return { kind: 'deleted', reason: 'deleted earlier; a deleted definition is never brought back' };
  const cmp = compareRevisions(change.revision, link.lastRevision);
  if (cmp < 0) return { kind: 'stale', reason: `stale read: revision ${change.revision} is older than the applied ${link.lastRevision}` };
  if (cmp > 0 || link.status !== 'active' || applied === 'never') return null;
  if (applied === 'same revision') return { kind: 'applied', reason: `revision ${change.revision} already applied` };
  return link.payloadHash === change.payloadHash ? { kind: 'applied', reason: `revision ${change.revision} already applied` } : null;
}

/** Whether a delete has anything to do: a link that never existed or is already deleted is left alone. */
export function guardDelete(link: Pick<SyncLink, 'status'> | null): { reason: string } | null {
  if (!link) return { reason: 'never synced' };
  if (link.status === 'deleted') return { reason: 'already deleted' };
  return null;
}

/** Delete behaviour: 'ignore' only forgets the link; the other modes are sent to the target. */
export function deleteOnTarget(mode: DeleteMode): mode is 'delete' | 'deactivate' {
  return mode !== 'ignore';
}

/** The link after a delete: kept (so the definition is never brought back), marked deleted. */
export function deletedLink(link: SyncLink, warnings: string[], at: string, refs: Record<string, unknown> = {}): SyncLink {
  return { ...link, status: 'deleted', lastError: null, warnings, updatedAt: at, refs: { ...link.refs, ...refs } };
}
