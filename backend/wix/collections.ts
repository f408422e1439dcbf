// CollectionsPort over the genuine @wix/data `items` module, elevated: site code writes its own
// bookkeeping collections (admin-only) even when a visitor's web method triggered the work.
import { items } from '@wix/data';
import { auth } from '@wix/essentials';
import { DuplicateItemError, type BulkUpdatePort, type ClaimsPort, type CollectionsPort, type Filter, type Item } from '../ports.js';
import { sdkErrorCode } from './sdkErrors.js';

/** Wix Data's "item already exists" code (insert with an `_id` that is taken). */
export const ITEM_EXISTS = 'WDE0074';
const MAX_PAGE = 1000;
const MAX_BULK = 1000;

type Query = items.WixDataQuery;
type Op = '$lt' | '$lte' | '$gt' | '$gte' | '$in' | '$ne' | '$eq';

function isOps(v: unknown): v is Partial<Record<Op, unknown>> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && Object.keys(v).every((k) => k.startsWith('$'));
}

/** Port filter (`{field: value | {$op: operand}}`) → the SDK's query builder. */
export function applyFilter(q: Query, filter: Filter = {}): Query {
  for (const [field, cond] of Object.entries(filter)) {
    if (!isOps(cond)) { q = q.eq(field, cond); continue; }
    for (const [op, v] of Object.entries(cond) as [Op, any][]) {
      switch (op) {
        case '$eq': q = q.eq(field, v); break;
        case '$ne': q = q.ne(field, v); break;
        case '$lt': q = q.lt(field, v); break;
        case '$lte': q = q.le(field, v); break;
        case '$gt': q = q.gt(field, v); break;
        case '$gte': q = q.ge(field, v); break;
        case '$in': q = q.hasSome(field, v as string[]); break;
        default: throw new Error(`Unsupported filter operator ${String(op)} on ${field}`);
      }
    }
  }
  return q;
}

/** Writes `list` in bulk calls of at most MAX_BULK items; any item a call refuses fails the whole write, with the first error. */
async function inBulkCalls<T>(list: T[], call: (chunk: T[]) => Promise<{ errors: { message: string }[] }>, what: string): Promise<void> {
  for (let i = 0; i < list.length; i += MAX_BULK) {
    const res = await call(list.slice(i, i + MAX_BULK));
    if (res.errors.length) {
      throw Object.assign(new Error(`${what}: ${res.errors.length} item(s) failed, first: ${res.errors[0]!.message}`), { errors: res.errors });
    }
  }
}

/**
 * Every read of the package's collections goes to Wix Data's primary instance. A read otherwise goes to
 * a mirror that Wix updates "with a short delay (typically a few seconds)" (Wix Data and Eventual
 * Consistency), and these collections coordinate: a claim, a snapshot or an outbox row just written by
 * another container must be seen, and a page's cached counters must not be filled from a mirror that
 * has not yet received the refresh that cleared the cache. Wix says it "slows down the operation". The
 * local Wix counts it as any other read; whether Wix's quota counts it differently is not documented.
 */
const PRIMARY = { consistentRead: true } as const;

export function wixCollections(): CollectionsPort & ClaimsPort & BulkUpdatePort {
  const get = auth.elevate(items.get);
  const insert = auth.elevate(items.insert);
  const save = auth.elevate(items.save);
  const remove = auth.elevate(items.remove);
  const query = auth.elevate(items.query);
  const bulkSave = auth.elevate(items.bulkSave);
  const bulkInsert = auth.elevate(items.bulkInsert);
  const bulkUpdate = auth.elevate(items.bulkUpdate);
  return {
    async get<T extends Item>(collection: string, id: string) {
      return ((await get(collection, id, PRIMARY)) as T | null) ?? null;
    },
    async insert<T extends Item>(collection: string, item: T) {
      try {
        return (await insert(collection, item)) as T;
      } catch (e) {
        if (sdkErrorCode(e) === ITEM_EXISTS) throw new DuplicateItemError(collection, item._id);
        throw e;
      }
    },
    async save<T extends Item>(collection: string, item: T) {
      return (await save(collection, item)) as T;
    },
    async remove(collection, id) {
      await remove(collection, id);
    },
    async query<T extends Item>(collection: string, opts: Parameters<CollectionsPort['query']>[1] = {}) {
      let q = applyFilter(query(collection) as Query, opts.filter);
      for (const s of opts.sort ?? []) q = s.order === 'DESC' ? q.descending(s.field) : q.ascending(s.field);
      q = q.limit(Math.min(opts.limit ?? 50, MAX_PAGE));
      if (opts.skip) q = q.skip(opts.skip);
      const res = await q.find({ returnTotalCount: true, ...PRIMARY });
      return { items: res.items as T[], total: res.totalCount };
    },
    async claim<T extends Item>(collection: string, list: T[]) {
      // bulkInsert skips items whose _id exists and reports the ones it inserted.
      const res = await bulkInsert(collection, list);
      const failed = res.errors.filter((e) => !String((e as { code?: unknown }).code ?? e.message).includes(ITEM_EXISTS));
      if (failed.length) throw Object.assign(new Error(`claim in ${collection}: ${failed[0]!.message}`), { errors: failed });
      return new Set(res.insertedItemIds);
    },
    async bulkUpdate<T extends Item>(collection: string, list: T[]) {
      await inBulkCalls(list, (chunk) => bulkUpdate(collection, chunk), `bulkUpdate in ${collection}`);
    },
    async bulkSave<T extends Item>(collection: string, list: T[]) {
      await inBulkCalls(list, (chunk) => bulkSave(collection, chunk), `bulkSave into ${collection}`);
    },
  };
}
