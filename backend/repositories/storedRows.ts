// What every repository shares: its stored rows are checked against the repository's schema on read,
// a bad row is reported (a warning naming the collection, the item and what is wrong) and left out,
// never cast; plus the unique-ID insert (the exactly-once primitive), counts and bulk calls in chunks.
// Repositories use only CollectionsPort (and its claim and bulk-update extensions) and the core.
import type { z } from 'zod';
import { issueLines } from '../core/validation/zodIssues.js';
import { DuplicateItemError, type ClaimsPort, type CollectionsPort, type Filter, type Item, type LoggerPort } from '../ports.js';

/** What a repository is built on: the collections, and where it reports a bad row. */
export interface RepositoryDeps<P extends CollectionsPort = CollectionsPort> {
  collections: P;
  logger?: LoggerPort;
}

export type RowCheck<T> = { ok: true; row: T } | { ok: false; problem: string };

/** One collection's row schema: checks a stored item and words what is wrong with a bad one. */
export interface RowSchema<T> {
  collection: string;
  check(raw: unknown): RowCheck<T>;
}

export function rowSchema<T>(collection: string, schema: z.ZodType<T>): RowSchema<T> {
  return {
    collection,
    check(raw) {
      const parsed = schema.safeParse(raw);
      if (parsed.success) return { ok: true, row: parsed.data };
      return { ok: false, problem: `${collection} item ${itemId(raw)} is not valid: ${issueLines(parsed.error, { root: 'item' }).join('; ')}` };
    },
  };
}

function itemId(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as { _id?: unknown })._id : undefined;
  return typeof id === 'string' ? id : '(without _id)';
}

/** The row, or null when absent or bad (a bad one is reported). */
export function validRow<T>(deps: RepositoryDeps, schema: RowSchema<T>, raw: unknown): T | null {
  if (raw === null || raw === undefined) return null;
  const c = schema.check(raw);
  if (c.ok) return c.row;
  deps.logger?.warn(`Ignoring a malformed ${schema.collection} item`, { id: itemId(raw), problem: c.problem });
  return null;
}

/** The rows that pass, in order; each bad one is reported and left out. */
export function validRows<T>(deps: RepositoryDeps, schema: RowSchema<T>, raws: readonly unknown[]): T[] {
  return raws.flatMap((raw) => {
    const row = validRow(deps, schema, raw);
    return row === null ? [] : [row];
  });
}

/** One checked item by ID. */
export async function getRow<T>(deps: RepositoryDeps, schema: RowSchema<T>, id: string): Promise<T | null> {
  return validRow(deps, schema, await deps.collections.get<Item>(schema.collection, id));
}

/** Inserts `item` under its unique `_id`; false when an item with that ID exists (another invocation got there first). */
export async function insertOnce<T extends Item>(collections: CollectionsPort, collection: string, item: T): Promise<boolean> {
  try {
    await collections.insert(collection, item);
    return true;
  } catch (e) {
    if (e instanceof DuplicateItemError) return false;
    throw e;
  }
}

/** How many items match: one Wix Data read (a one-item page with its total), never a scan. */
export async function countOf(collections: CollectionsPort, collection: string, filter: Filter): Promise<number> {
  const r = await collections.query(collection, { filter, limit: 1 });
  return r.total ?? r.items.length;
}

/** Wix Data takes at most 1,000 items per bulk request. */
export const MAX_BULK = 1000;

/** Runs `call` on consecutive chunks of at most MAX_BULK items, one after the other. */
export async function inBulkChunks<T>(items: readonly T[], call: (chunk: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += MAX_BULK) await call(items.slice(i, i + MAX_BULK));
}

/** Bulk claims (≤1,000 per request) of unique `_id`s; the IDs this invocation won. */
export async function claimAll<T extends Item>(claims: ClaimsPort, collection: string, items: readonly T[]): Promise<Set<string>> {
  const won = new Set<string>();
  await inBulkChunks(items, async (chunk) => { for (const id of await claims.claim(collection, chunk)) won.add(id); });
  return won;
}

/** Which of these IDs exist (one read). */
export async function takenIds(collections: CollectionsPort, collection: string, ids: readonly string[]): Promise<Set<string>> {
  const { items } = await collections.query<Item>(collection, { filter: { _id: { $in: [...ids] } }, limit: ids.length });
  return new Set(items.map((i) => i._id));
}

/** The IDs of the oldest items by `field` before `cutoff`, for pruning (one read). */
export async function idsBefore(collections: CollectionsPort, collection: string, field: string, cutoff: string, limit: number, also: Filter = {}): Promise<string[]> {
  const { items } = await collections.query<Item>(collection, { filter: { [field]: { $lt: cutoff }, ...also }, sort: [{ field, order: 'ASC' }], limit });
  return items.map((i) => i._id);
}
