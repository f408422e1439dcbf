// Wix Data items: the operations behind the REST routes and the local CMS dashboard. Every write goes
// through here, so permissions, system fields and `data.js` hooks apply to all callers alike.
import { randomUUID } from 'node:crypto';
import { guidFor } from './guid.js';
import type { Clock } from './clock.js';
import { allows, type Identity } from './identity.js';
import { WixHttpError } from './http.js';
import { DataStore, type ReadFrom, type StoredCollection } from './dataStore.js';
import { compareSortKeys, DEFAULT_SORT, fieldScans, FirstN, idScans, matches, validateFilter, project, sortKeys, type Data, type SortKeys, type SortSpec } from './dataQuery.js';
import { dataErrors, bulkItemError, itemExistsError, type DataAction } from './dataErrors.js';
import { DataHooks, hookContext } from './dataHooks.js';

export const MAX_ITEM_BYTES = 500 * 1024;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
export const MAX_BULK = 1000;

/** The wire form of an item in responses. */
export interface WireItem { id: string; dataCollectionId: string; data: Data }
export interface WriteOptions { suppressHooks?: boolean }
export interface QueryInput {
  filter?: unknown;
  sort?: SortSpec[];
  fields?: string[];
  paging?: { limit?: number; offset?: number };
  cursorPaging?: { limit?: number; cursor?: string | null };
}
export type BulkAction = 'INSERT' | 'UPDATE' | 'DELETE';
export interface BulkResult {
  action: BulkAction;
  itemMetadata: { id?: string | null; originalIndex: number; success: boolean; error?: ReturnType<typeof bulkItemError> };
  dataItem?: WireItem;
}

const date = (d: Date) => ({ $date: d.toISOString() });

export class DataService {
  readonly hooks: DataHooks;
  constructor(readonly store: DataStore, private readonly clock: Clock, hooks: DataHooks) { this.hooks = hooks; }

  collection(id: unknown): StoredCollection {
    if (typeof id !== 'string' || !id) throw WixHttpError.validation('dataCollectionId', 'WDE0001: Collection name must be a string.');
    const c = this.store.getCollection(id);
    if (!c) throw dataErrors.collectionMissing(id);
    return c;
  }

  private checkRole(c: StoredCollection, action: DataAction, who: Identity) {
    if (!allows(c.permissions[action], who.role)) throw dataErrors.permissionDenied(c.id, action);
  }

  /** SITE_MEMBER_AUTHOR: a member may only touch items they own. */
  private checkAuthor(c: StoredCollection, action: DataAction, who: Identity, stored: Data) {
    if (c.permissions[action] === 'SITE_MEMBER_AUTHOR' && who.role !== 'ADMIN' && stored._owner !== guidFor(who.id)) {
      throw dataErrors.permissionDenied(c.id, action);
    }
  }

  private wire(c: StoredCollection, data: Data): WireItem {
    return { id: String(data._id), dataCollectionId: c.id, data };
  }

  private validItem(data: unknown): Data {
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw WixHttpError.validation('dataItem.data', 'WDE0004: Items must be JavaScript objects.');
    const d = data as Data;
    if (d._id !== undefined && d._id !== null && typeof d._id !== 'string') throw WixHttpError.validation('dataItem.data._id', 'WDE0002: ItemId must be a string.');
    if (Buffer.byteLength(JSON.stringify(d)) > MAX_ITEM_BYTES) throw dataErrors.tooLarge();
    return d;
  }

  // ---- reads ------------------------------------------------------------------------------

  // A read goes to the mirror (it lags the primary: dataMirror.ts) unless it asks for `consistentRead`.

  get(collectionId: unknown, id: string, who: Identity, from: ReadFrom = 'mirror'): WireItem {
    const c = this.collection(collectionId);
    this.checkRole(c, 'read', who);
    const item = this.store.get(c.id, id, from);
    if (!item || !this.visible(c, who, item)) throw dataErrors.itemMissing(c.id, id);
    return this.wire(c, item);
  }

  private visible(c: StoredCollection, who: Identity, item: Data) {
    return !(c.permissions.read === 'SITE_MEMBER_AUTHOR' && who.role !== 'ADMIN' && item._owner !== guidFor(who.id));
  }

  /**
   * The items the caller may see that match `filter`, one at a time with their row number: SQLite
   * selects the candidates (`idScans`, `fieldScans`), each is parsed and tested here and then dropped
   * unless the caller keeps it, so a query holds what it keeps, not the collection.
   */
  private *matching(c: StoredCollection, who: Identity, filter: unknown, from: ReadFrom): IterableIterator<{ seq: number; item: Data }> {
    this.checkRole(c, 'read', who);
    validateFilter(filter);
    for (const [seq, data] of this.store.scan(c.id, idScans(filter) ?? [], fieldScans(filter), from)) {
      const item = JSON.parse(data) as Data;
      if (this.visible(c, who, item) && matches(item, filter)) yield { seq, item };
    }
  }

  query(collectionId: unknown, input: QueryInput, who: Identity, returnTotalCount = false, from: ReadFrom = 'mirror') {
    const c = this.collection(collectionId);
    let q = input;
    let offset = input.paging?.offset ?? 0;
    const cursorMode = !!input.cursorPaging;
    const limit = input.paging?.limit ?? input.cursorPaging?.limit ?? DEFAULT_LIMIT;
    if (input.cursorPaging?.cursor) {
      const decoded = decodeCursor(input.cursorPaging.cursor);
      q = decoded.query;
      offset = decoded.offset;
    }
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw WixHttpError.validation('query.paging.limit', `WDE0036: Invalid limit parameter [${limit}]. limit parameter cannot exceed ${MAX_LIMIT}.`);
    if (!Number.isInteger(offset) || offset < 0) throw WixHttpError.validation('query.paging.offset', `WDE0034: Invalid skip parameter [${offset}]. skip parameter must be a non-negative number.`);
    const sort = q.sort && q.sort.length ? q.sort : DEFAULT_SORT;
    // The sort order, ties by newest row first (the tie-break under the default `_createdDate`
    // descending order). Only the first offset + limit are held, as (row, sort keys), while counting.
    const bySort = compareSortKeys(sort);
    const first = new FirstN<{ seq: number; keys: SortKeys }>(offset + limit, (a, b) => bySort(a.keys, b.keys) || b.seq - a.seq);
    let total = 0;
    for (const { seq, item } of this.matching(c, who, q.filter, from)) {
      total++;
      first.offer({ seq, keys: sortKeys(item, sort) });
    }
    const kept = first.sorted().slice(offset);
    const items = this.store.bySeq(kept.map((k) => k.seq), from);
    const page = kept.map((k) => items.get(k.seq)!);
    const hasNext = offset + page.length < total;
    const pagingMetadata: Record<string, unknown> = { count: page.length, offset, hasNext };
    if (cursorMode) {
      pagingMetadata.cursors = {
        ...(hasNext ? { next: encodeCursor({ query: { filter: q.filter, sort: q.sort, fields: q.fields }, offset: offset + limit }) } : {}),
        ...(offset > 0 ? { prev: encodeCursor({ query: { filter: q.filter, sort: q.sort, fields: q.fields }, offset: Math.max(0, offset - limit) }) } : {}),
      };
    } else if (returnTotalCount) {
      pagingMetadata.total = total;
    }
    return { dataItems: page.map((it) => this.wire(c, project(it, q.fields))), pagingMetadata };
  }

  count(collectionId: unknown, filter: unknown, who: Identity, from: ReadFrom = 'mirror'): number {
    let n = 0;
    for (const _ of this.matching(this.collection(collectionId), who, filter, from)) n++;
    return n;
  }

  // ---- single writes ----------------------------------------------------------------------

  async insert(collectionId: unknown, raw: unknown, who: Identity, opts: WriteOptions = {}): Promise<WireItem> {
    const c = this.collection(collectionId);
    this.checkRole(c, 'insert', who);
    return this.doInsert(c, this.validItem(raw), who, opts);
  }

  private async doInsert(c: StoredCollection, data: Data, who: Identity, opts: WriteOptions): Promise<WireItem> {
    const ctx = hookContext(c.id, who);
    const hooked = opts.suppressHooks ? data : this.validItem(await this.hooks.before(c.id, 'beforeInsert', data, ctx));
    const now = date(this.clock.now());
    const item = newItem(hooked, now, who);
    if (!this.store.insert(c.id, item)) throw dataErrors.itemExists(c.id, String(item._id));
    const result = opts.suppressHooks ? item : await this.hooks.after(c.id, 'afterInsert', item, ctx);
    return this.wire(c, result);
  }

  async update(collectionId: unknown, raw: unknown, who: Identity, opts: WriteOptions = {}): Promise<WireItem> {
    const c = this.collection(collectionId);
    this.checkRole(c, 'update', who);
    const data = this.validItem(raw);
    if (typeof data._id !== 'string' || !data._id) throw WixHttpError.validation('dataItem.id', 'WDE0007: Invalid update. Updated object must have a string _id property.');
    return this.doUpdate(c, data, who, opts);
  }

  private async doUpdate(c: StoredCollection, data: Data, who: Identity, opts: WriteOptions): Promise<WireItem> {
    const id = String(data._id);
    const stored = this.store.get(c.id, id);
    if (!stored) throw dataErrors.itemMissing(c.id, id);
    this.checkAuthor(c, 'update', who, stored);
    const ctx = hookContext(c.id, who, stored);
    const hooked = opts.suppressHooks ? data : this.validItem(await this.hooks.before(c.id, 'beforeUpdate', data, ctx));
    // Update replaces the item; system fields other than _updatedDate stay as stored.
    const current = this.store.get(c.id, id) ?? stored;
    const item: Data = { ...hooked, _id: id, _createdDate: current._createdDate, _updatedDate: date(this.clock.now()), _owner: current._owner };
    if (!this.store.update(c.id, item)) throw dataErrors.itemMissing(c.id, id);
    const result = opts.suppressHooks ? item : await this.hooks.after(c.id, 'afterUpdate', item, ctx);
    return this.wire(c, result);
  }

  /** Insert or update (running the matching hooks); reports which it did. */
  async save(collectionId: unknown, raw: unknown, who: Identity, opts: WriteOptions = {}): Promise<{ action: BulkAction; item: WireItem }> {
    const c = this.collection(collectionId);
    const data = this.validItem(raw);
    const id = typeof data._id === 'string' && data._id ? data._id : null;
    if (id && this.store.get(c.id, id)) {
      this.checkRole(c, 'update', who);
      return { action: 'UPDATE', item: await this.doUpdate(c, data, who, opts) };
    }
    this.checkRole(c, 'insert', who);
    try {
      return { action: 'INSERT', item: await this.doInsert(c, data, who, opts) };
    } catch (e) {
      // Someone inserted the same _id meanwhile: save means update then.
      if (e instanceof WixHttpError && e.status === 409 && allows(c.permissions.update, who.role)) return { action: 'UPDATE', item: await this.doUpdate(c, data, who, opts) };
      throw e;
    }
  }

  async remove(collectionId: unknown, id: unknown, who: Identity, opts: WriteOptions = {}): Promise<WireItem> {
    const c = this.collection(collectionId);
    this.checkRole(c, 'remove', who);
    if (typeof id !== 'string' || !id) throw WixHttpError.validation('dataItemId', 'WDE0002: ItemId must be a string.');
    return this.doRemove(c, id, who, opts);
  }

  private async doRemove(c: StoredCollection, requestedId: string, who: Identity, opts: WriteOptions): Promise<WireItem> {
    const stored = this.store.get(c.id, requestedId);
    if (!stored) throw dataErrors.itemMissing(c.id, requestedId);
    this.checkAuthor(c, 'remove', who, stored);
    const ctx = hookContext(c.id, who, stored);
    // Velo's beforeRemove gets the item ID and may return another ID to remove instead.
    const id = opts.suppressHooks ? requestedId : await this.hooks.before(c.id, 'beforeRemove', requestedId, ctx);
    const target = id === requestedId ? stored : this.store.get(c.id, id);
    if (!target) throw dataErrors.itemMissing(c.id, id);
    if (id !== requestedId) this.checkAuthor(c, 'remove', who, target);
    if (!this.store.remove(c.id, id)) throw dataErrors.itemMissing(c.id, id);
    const result = opts.suppressHooks ? target : await this.hooks.after(c.id, 'afterRemove', target, hookContext(c.id, who));
    return this.wire(c, result);
  }

  async truncate(collectionId: unknown, who: Identity) {
    const c = this.collection(collectionId);
    if (who.role !== 'ADMIN') throw dataErrors.permissionDenied(c.id, 'remove');
    this.store.truncate(c.id);
  }

  // ---- bulk writes: per-item results, hooks per item ----------------------------------------

  private bulkGuard(c: StoredCollection, n: number) {
    if (n > MAX_BULK) throw dataErrors.tooMany(c.id);
  }

  private async eachItem<T>(list: T[], run: (x: T, i: number) => Promise<{ action: BulkAction; item: WireItem }>, failedAction: (x: T) => BulkAction, idOf: (x: T) => string | null) {
    const results: BulkResult[] = [];
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      try {
        const { action, item } = await run(x, i);
        results.push({ action, itemMetadata: { id: item.id, originalIndex: i, success: true }, dataItem: item });
      } catch (err) {
        if (!(err instanceof WixHttpError)) throw err;
        results.push({ action: failedAction(x), itemMetadata: { id: idOf(x), originalIndex: i, success: false, error: bulkItemError(err) } });
      }
    }
    return bulkOutcome(results);
  }

  private itemsOf(raw: unknown): Data[] {
    if (!Array.isArray(raw)) throw WixHttpError.validation('dataItems', 'WDE0005: Items must be an array of JavaScript objects.');
    return raw.map((x) => (x && typeof x === 'object' ? ((x as { data?: unknown }).data ?? {}) : x) as Data);
  }

  async bulkInsert(collectionId: unknown, raw: unknown, who: Identity, opts: WriteOptions = {}) {
    const c = this.collection(collectionId);
    const list = this.itemsOf(raw);
    this.bulkGuard(c, list.length);
    this.checkRole(c, 'insert', who);
    if (opts.suppressHooks || !(await this.hooks.any(c.id, ['beforeInsert', 'afterInsert']))) return this.insertAtOnce(c, list, who);
    return this.eachItem(list, async (d) => ({ action: 'INSERT', item: await this.doInsert(c, this.validItem(d), who, opts) }), () => 'INSERT', (d) => idOf(d));
  }

  /** No hooks to run between items: every item goes in within one SQLite transaction (one commit). */
  private insertAtOnce(c: StoredCollection, list: Data[], who: Identity) {
    const now = date(this.clock.now());
    const results = this.store.atomically(() => list.map((raw, i): BulkResult => {
      let item: Data;
      try {
        item = newItem(this.validItem(raw), now, who);
      } catch (err) {
        if (!(err instanceof WixHttpError)) throw err;
        return { action: 'INSERT', itemMetadata: { id: idOf(raw), originalIndex: i, success: false, error: bulkItemError(err) } };
      }
      const id = String(item._id);
      if (!this.store.insert(c.id, item)) return { action: 'INSERT', itemMetadata: { id, originalIndex: i, success: false, error: itemExistsError(c.id, id) } };
      return { action: 'INSERT', itemMetadata: { id, originalIndex: i, success: true }, dataItem: this.wire(c, item) };
    }));
    return bulkOutcome(results);
  }

  async bulkUpdate(collectionId: unknown, raw: unknown, who: Identity, opts: WriteOptions = {}) {
    const c = this.collection(collectionId);
    const list = this.itemsOf(raw);
    this.bulkGuard(c, list.length);
    this.checkRole(c, 'update', who);
    return this.eachItem(list, async (d) => {
      const data = this.validItem(d);
      if (!idOf(data)) throw WixHttpError.validation('dataItem.id', 'WDE0007: Invalid update. Updated object must have a string _id property.');
      return { action: 'UPDATE', item: await this.doUpdate(c, data, who, opts) };
    }, () => 'UPDATE', (d) => idOf(d));
  }

  async bulkSave(collectionId: unknown, raw: unknown, who: Identity, opts: WriteOptions = {}) {
    const c = this.collection(collectionId);
    const list = this.itemsOf(raw);
    this.bulkGuard(c, list.length);
    // Refused as a whole when the caller may neither insert nor update; otherwise per item.
    if (!allows(c.permissions.insert, who.role) && !allows(c.permissions.update, who.role)) throw dataErrors.permissionDenied(c.id, 'insert');
    return this.eachItem(list, (d) => this.save(c.id, d, who, opts), (d) => (idOf(d) && this.store.get(c.id, idOf(d)!) ? 'UPDATE' : 'INSERT'), (d) => idOf(d));
  }

  async bulkRemove(collectionId: unknown, ids: unknown, who: Identity, opts: WriteOptions = {}) {
    const c = this.collection(collectionId);
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) throw WixHttpError.validation('dataItemIds', 'WDE0068: Item ids must be an array of strings');
    this.bulkGuard(c, ids.length);
    this.checkRole(c, 'remove', who);
    return this.eachItem(ids as string[], async (id) => ({ action: 'DELETE', item: await this.doRemove(c, id, who, opts) }), () => 'DELETE', (id) => id);
  }
}

function bulkOutcome(results: BulkResult[]) {
  const ok = results.filter((r) => r.itemMetadata.success).length;
  return { results, bulkActionMetadata: { totalSuccesses: ok, totalFailures: results.length - ok, undetailedFailures: 0 } };
}

/** A new item as stored: its own `_id` or a new GUID, the system dates, the caller's GUID as `_owner`. */
function newItem(d: Data, now: { $date: string }, who: Identity): Data {
  return { ...d, _id: typeof d._id === 'string' && d._id ? d._id : randomUUID(), _createdDate: now, _updatedDate: now, _owner: guidFor(who.id) };
}

function idOf(d: unknown): string | null {
  const id = d && typeof d === 'object' ? (d as Data)._id : undefined;
  return typeof id === 'string' && id ? id : null;
}

function encodeCursor(x: { query: QueryInput; offset: number }): string {
  return Buffer.from(JSON.stringify(x)).toString('base64url');
}
function decodeCursor(cursor: string): { query: QueryInput; offset: number } {
  try {
    const x = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { query: QueryInput; offset: number };
    if (typeof x.offset !== 'number' || !x.query) throw new Error('bad cursor');
    return x;
  } catch {
    throw WixHttpError.validation('query.cursorPaging.cursor', 'Invalid cursor');
  }
}
