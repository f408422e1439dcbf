// SyncOutbox: one slot per (target, definition) (`_id` = pairId) holding the latest undelivered change.
// Rows are checked against `outboxItemSchema` (core/sync/syncRows.ts); the control room's views of the
// slots (due, retrying, dead) are filters of core/controlRoom/controlRoomViews.ts.
import { COLLECTIONS } from '../collections.js';
import type { OutboxView } from '../core/controlRoom/controlRoomInput.js';
import { outboxViewFilter, outboxViewSort } from '../core/controlRoom/controlRoomViews.js';
import { outboxItemSchema, pairId, type OutboxItem } from '../core/sync/syncRows.js';
import type { Filter, Item } from '../ports.js';
import { countOf, getRow, rowSchema, validRows, type RepositoryDeps } from './storedRows.js';

const ID = COLLECTIONS.SyncOutbox.id;
export const OUTBOX_ROWS = rowSchema<OutboxItem>(ID, outboxItemSchema);

const byTarget = (targetId?: string | null): Filter => (targetId ? { targetId } : {});

export function syncOutbox(deps: RepositoryDeps) {
  const c = deps.collections;
  const rows = async (opts: Parameters<typeof c.query>[1]) => {
    const r = await c.query<Item>(ID, opts);
    return { rows: validRows(deps, OUTBOX_ROWS, r.items), total: r.total ?? r.items.length };
  };
  return {
    get: (id: string) => getRow(deps, OUTBOX_ROWS, id),
    /** The slot of a definition on a target. */
    slotOf: (targetId: string, definitionId: string) => getRow(deps, OUTBOX_ROWS, pairId(targetId, definitionId)),
    save: async (item: OutboxItem) => { await c.save(ID, item); },
    saveAll: (items: OutboxItem[]) => c.bulkSave(ID, items),
    remove: (id: string) => c.remove(ID, id),

    /** Pending slots whose next attempt has come, the longest waiting first. */
    async due(now: Date, limit: number): Promise<OutboxItem[]> {
      return (await rows({ filter: { state: 'pending', nextAttemptAt: { $lte: now.toISOString() } }, sort: [{ field: 'nextAttemptAt', order: 'ASC' }], limit })).rows;
    },
    /** Dead letters the owner ticked `retry` on (at most 1,000 a run). */
    async ticked(): Promise<OutboxItem[]> {
      return (await rows({ filter: { state: 'dead', retry: true }, limit: 1000 })).rows;
    },
    /** The slots with these IDs that exist. */
    async withIds(ids: readonly string[]): Promise<OutboxItem[]> {
      return (await rows({ filter: { _id: { $in: [...ids] } }, limit: ids.length })).rows;
    },
    /** Dead letters in `_id` order (of one target, or all). */
    async deadLetters(targetId: string | null | undefined, limit: number): Promise<OutboxItem[]> {
      return (await rows({ filter: { state: 'dead', ...byTarget(targetId) }, sort: [{ field: '_id', order: 'ASC' }], limit })).rows;
    },
    countDead: (targetId?: string | null) => countOf(c, ID, { state: 'dead', ...byTarget(targetId) }),
    countTicked: () => countOf(c, ID, { state: 'dead', retry: true }),

    /** How many slots of a target a control-room view at `now` (ISO) holds. */
    countInView: (view: OutboxView, now: string, targetId: string) => countOf(c, ID, { ...outboxViewFilter(view, now), targetId }),
    /** One page of a control-room view at `now` (ISO), with the view's total. */
    inView(view: OutboxView, now: string, page: { targetId?: string | null; skip?: number; limit: number }) {
      return rows({ filter: { ...outboxViewFilter(view, now), ...byTarget(page.targetId) }, sort: outboxViewSort(view), limit: page.limit, ...(page.skip ? { skip: page.skip } : {}) });
    },
  };
}

export type SyncOutbox = ReturnType<typeof syncOutbox>;
