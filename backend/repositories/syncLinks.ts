// SyncLinks: the Wix ⇄ external pairs, one item per (target, definition) (`_id` = pairId). Rows are
// checked against `syncLinkSchema` (core/sync/syncRows.ts); a new pair is recorded insert-once.
import { COLLECTIONS } from '../collections.js';
import { pairId, syncLinkSchema, type LinkStatus, type SyncLink } from '../core/sync/syncRows.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';
import { readAllPages } from '../lib/readAllPages.js';
import type { ClaimsPort, CollectionsPort, Item } from '../ports.js';
import { countOf, getRow, insertOnce, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SyncLinks.id;
export const SYNC_LINK_ROWS = rowSchema<SyncLink>(ID, syncLinkSchema);

export function syncLinks(deps: RepositoryDeps & { concurrency?: number }) {
  const c = deps.collections;
  return {
    /** The link of a definition on a target; null when never recorded (or malformed: reported). */
    get: (targetId: string, definitionId: string) => getRow(deps, SYNC_LINK_ROWS, pairId(targetId, definitionId)),

    /** Every valid link of one event on one target (pages of 1,000). */
    async ofEvent(targetId: string, eventId: string): Promise<SyncLink[]> {
      const rows = await readAllPages({ pageSize: 1000, skip: async (skip, limit) => (await c.query<Item>(ID, { filter: { targetId, eventId }, limit, skip })).items });
      return validRows(deps, SYNC_LINK_ROWS, rows);
    },

    /** Records a new pair; false when the pair was recorded first by someone else. */
    recordNew: (link: SyncLink) => insertOnce(c, ID, link),

    /** Records each new pair not recorded yet (one bulk insert where the port can); the IDs inserted. */
    async recordNewMany(links: SyncLink[]): Promise<Set<string>> {
      const claims = c as CollectionsPort & Partial<ClaimsPort>;
      if (typeof claims.claim === 'function') return claims.claim(ID, links);
      const won = new Set<string>();
      await mapConcurrent(links, deps.concurrency ?? 16, async (l) => { if (await insertOnce(c, ID, l)) won.add(l._id); });
      return won;
    },

    /** Saves a link whose pair exists (the caller keeps the pair as recorded). */
    save: async (link: SyncLink) => { await c.save(ID, link); },
    saveAll: (links: SyncLink[]) => c.bulkSave(ID, links),

    /** How many links of a target have this status. */
    count: (targetId: string, status: LinkStatus) => countOf(c, ID, { targetId, status }),
  };
}

export type SyncLinks = ReturnType<typeof syncLinks>;
