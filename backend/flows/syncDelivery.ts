// Applying one change to a target and working out the link that results. Shared by the initial sync
// (direct delivery) and the outbox drain. The Wix ⇄ external pair is copied from the existing link,
// never replaced: only revision, status, refs and errors move.
import { deletedLink, deleteOnTarget, guardDelete, guardUpsert } from '../core/sync/linkRules.js';
import type { Failure } from '../core/sync/outboxPolicy.js';
import type { Change } from '../core/sync/syncChange.js';
import { pairId, type SyncLink } from '../core/sync/syncRows.js';
import type { SyncTargetRow } from '../core/sync/syncRows.js';
import { ExternalCallError, type ExternalTicketingPort } from '../ports.js';

export type Delivery =
  | { kind: 'applied'; op: 'create' | 'update' | 'delete' | 'forget'; link: SyncLink; warnings: string[] }
  | { kind: 'skipped'; reason: string };

/** Decides against the current link and calls the target. Throws ExternalCallError on target failure. */
export async function deliverChange(port: ExternalTicketingPort, target: SyncTargetRow, change: Change, link: SyncLink | null, now: Date): Promise<Delivery> {
  const at = now.toISOString();
  if (change.action === 'delete') {
    if (!link && change.createKey && change.payload) {
      // A create whose answer was lost: replaying its key returns the item, which we then remove.
      const created = await deliverChange(port, target, { ...change, action: 'upsert', idempotencyKey: change.createKey, createTried: null }, null, now);
      if (created.kind !== 'applied') return created;
      const removed = await deliverChange(port, target, { ...change, createKey: null }, created.link, now);
      return removed.kind === 'applied' ? { ...removed, op: 'create' } : { kind: 'applied', op: 'create', link: created.link, warnings: created.warnings };
    }
    const skip = guardDelete(link);
    if (skip || !link) return { kind: 'skipped', reason: skip?.reason ?? 'never synced' };
    if (!deleteOnTarget(target.deleteBehaviour)) return { kind: 'applied', op: 'forget', link: deletedLink(link, [], at), warnings: [] };
    const r = await port.remove({ definitionId: change.definitionId, externalEventId: link.externalEventId, link, mode: target.deleteBehaviour, idempotencyKey: change.idempotencyKey });
    return { kind: 'applied', op: 'delete', link: deletedLink(link, r.warnings ?? [], at, r.refs ?? {}), warnings: r.warnings ?? [] };
  }
  if (!change.payload) return { kind: 'skipped', reason: 'no payload (mapping failed)' };
  const guard = guardUpsert(link, change, 'same content');
  if (guard) return { kind: 'skipped', reason: guard.reason };
  if (link) {
    const r = await port.update({ definitionId: change.definitionId, externalEventId: link.externalEventId, payload: change.payload, idempotencyKey: change.idempotencyKey, link });
    const warnings = r.warnings ?? [];
    return {
      kind: 'applied', op: 'update', warnings,
      link: { ...link, refs: { ...link.refs, ...(r.refs ?? {}) }, lastRevision: change.revision, payloadHash: change.payloadHash, status: 'active', lastError: null, warnings, updatedAt: at },
    };
  }
  const r = await port.create({ definitionId: change.definitionId, externalEventId: change.externalEventId, payload: change.payload, idempotencyKey: change.createKey ?? change.idempotencyKey });
  const warnings = r.warnings ?? [];
  if (change.createTried && change.createTried !== change.payloadHash) {
    // The create may have been a replay of an earlier attempt with older content: bring it up to date.
    const u = await port.update({ definitionId: change.definitionId, externalEventId: change.externalEventId, payload: change.payload, idempotencyKey: change.idempotencyKey, link: r });
    r.refs = { ...(r.refs ?? {}), ...(u.refs ?? {}) };
    warnings.push(...(u.warnings ?? []));
  }
  return {
    kind: 'applied', op: 'create', warnings,
    link: {
      _id: pairId(change.targetId, change.definitionId), targetId: change.targetId, definitionId: change.definitionId, eventId: change.eventId,
      externalEventId: change.externalEventId, externalId: r.externalId, refs: r.refs ?? {}, lastRevision: change.revision, payloadHash: change.payloadHash,
      status: 'active', lastError: null, warnings, linkedAt: at, updatedAt: at,
    },
  };
}

export function failureOf(e: unknown): Failure {
  if (e instanceof ExternalCallError) return e.failure;
  return { kind: 'network' };
}

/** The most of an error the CMS keeps (`lastError`): the connectors already cut and redact what a target answers. */
export const MAX_STORED_ERROR = 1_000;

export function storedError(text: string): string {
  return text.length > MAX_STORED_ERROR ? `${text.slice(0, MAX_STORED_ERROR - 1)}…` : text;
}

export function errorText(e: unknown): string {
  const f = failureOf(e);
  const msg = e instanceof Error ? e.message : String(e);
  return storedError(f.kind === 'http' ? `HTTP ${f.status}: ${msg}` : `${f.kind}: ${msg}`);
}
