// The sync settings the owner edits in the CMS: SyncTargets, SyncEventMappings and SyncFieldMappings.
// Target and event-mapping rows are checked with owner-facing wording (core/sync/syncRows.ts) and a bad
// one comes back as the problem the sync reports; field-mapping rows come back as stored, because core
// `checkMappingSet` checks them as a set per target (two rows writing one field are a problem of the set).
import { z } from 'zod';
import { COLLECTIONS } from '../collections.js';
import type { FieldMappingRow } from '../core/sync/mappingRows.js';
import { describeIssues, eventMappingRowSchema, syncTargetRowSchema, type EventMappingRow, type SyncTargetRow } from '../core/sync/syncRows.js';
import { readAllPages } from '../lib/readAllPages.js';
import type { Item } from '../ports.js';
import { getRow, insertOnce, rowSchema, type RepositoryDeps } from './storedRows.js';

const C = COLLECTIONS;
const MAX_ROWS = 1000;

/** A settings row as the sync reads it: valid, or the owner-facing problem. */
export type SettingCheck<T> = { ok: true; row: T } | { ok: false; problem: string };

function checked<T>(what: string, schema: z.ZodType<T>, raw: Item): SettingCheck<T> {
  const p = schema.safeParse(raw);
  return p.success ? { ok: true, row: p.data } : { ok: false, problem: `${what} ${raw._id}: ${describeIssues(p.error)}` };
}

/** What adding a mapping preset needs of a target row: its kind names the default preset. */
const presetTargetSchema = z.looseObject({ _id: z.string(), kind: z.string().nullish() });
const PRESET_TARGET_ROWS = rowSchema(C.SyncTargets.id, presetTargetSchema);

/** A stored row shown to the owner as it is (the control room also shows rows the sync refuses). */
export type StoredSettingRow = Item & Record<string, unknown>;

export function syncSettings(deps: RepositoryDeps) {
  const c = deps.collections;
  const all = (collection: string) => readAllPages({ pageSize: MAX_ROWS, skip: async (skip, limit) => (await c.query<Item>(collection, { limit, skip })).items });
  return {
    /** Every settings row (pages of 1,000 per collection, the three read at once). */
    async readAll(): Promise<{ targets: SettingCheck<SyncTargetRow>[]; events: SettingCheck<EventMappingRow>[]; fieldRows: Item[] }> {
      const [targets, events, fieldRows] = await Promise.all([all(C.SyncTargets.id), all(C.SyncEventMappings.id), all(C.SyncFieldMappings.id)]);
      return {
        targets: targets.map((r) => checked('Sync target', syncTargetRowSchema, r)),
        events: events.map((r) => checked('Event mapping', eventMappingRowSchema, r)),
        fieldRows,
      };
    },

    /** A target's ID and kind, for adding a mapping preset; null when there is no such row. */
    presetTarget: (targetId: string) => getRow(deps, PRESET_TARGET_ROWS, targetId),
    /** The target fields a target's mapping rows already write (at most 1,000 rows). */
    async mappedFields(targetId: string): Promise<Set<unknown>> {
      const { items } = await c.query<StoredSettingRow>(C.SyncFieldMappings.id, { filter: { targetId }, limit: 1000 });
      return new Set(items.map((r) => r.targetField));
    },
    /** Adds a field-mapping row under its own ID; false when that row exists. */
    addFieldMapping: (row: FieldMappingRow) => insertOnce(c, C.SyncFieldMappings.id, row),

    /** One page of target rows as stored, in `_id` order, with the total. */
    async targetPage(skip: number, limit: number): Promise<{ rows: StoredSettingRow[]; total: number }> {
      const r = await c.query<StoredSettingRow>(C.SyncTargets.id, { sort: [{ field: '_id', order: 'ASC' }], limit, skip });
      return { rows: r.items, total: r.total ?? r.items.length };
    },
    /** A target's event-mapping rows as stored (at most 100). */
    async eventMappingsOf(targetId: string): Promise<StoredSettingRow[]> {
      return (await c.query<StoredSettingRow>(C.SyncEventMappings.id, { filter: { targetId }, limit: 100 })).items;
    },
  };
}
