// Reading and recording the Wix ⇄ external pairs (SyncLinks) of the sync flows.
import { COLLECTIONS } from '../collections.js';
import { syncLinkSchema, type SyncLink } from '../core/sync/syncRows.js';
import type { ClaimsPort, Item } from '../ports.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { readAllPages } from '../lib/readAllPages.js';
import { insertOnce } from './insertOnce.js';
import type { SyncDeps } from './syncDeps.js';

const C = COLLECTIONS;

/** Every valid link of one event on one target. */
export async function eventLinks(deps: SyncDeps, targetId: string, eventId: string): Promise<SyncLink[]> {
  const rows = await readAllPages({ pageSize: 1000, skip: async (skip, limit) => (await deps.collections.query<Item>(C.SyncLinks.id, { filter: { targetId, eventId }, limit, skip })).items });
  return rows.flatMap((r) => { const p = syncLinkSchema.safeParse(r); return p.success ? [p.data] : []; });
}

/** Inserts each link whose pair is not recorded yet (one bulk insert where the port can); returns the IDs inserted. */
export async function insertLinksOnce(deps: SyncDeps, links: SyncLink[]): Promise<Set<string>> {
  const claims = deps.collections as Partial<ClaimsPort>;
  if (typeof claims.claim === 'function') return claims.claim(C.SyncLinks.id, links);
  const won = new Set<string>();
  await mapConcurrent(links, deps.concurrency ?? 16, async (l) => { if (await insertOnce(deps.collections, C.SyncLinks.id, l)) won.add(l._id); });
  return won;
}
