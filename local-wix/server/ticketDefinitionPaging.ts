// Query and Count Ticket Definitions (V3): the request's paging (offset or cursor, never both,
// at most 100 a page), cursors kept 24 h, and count's facets. The rows come from the caller in
// wire form with sales details, so a filter may use them; an answer drops them unless asked.
import { randomUUID } from 'node:crypto';
import { WixHttpError, type Json } from './http.js';
import type { TicketDefinitionStore } from './ticketDefinitionStore.js';
import { checkFilterFields, compareKeys, keyOf, parseSort, run, type Key, type Row, type SortSpec } from './ticketQuery.js';

/** Most definitions a page holds (Wix's limit; the test fakes page the same way). */
export const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;
const CURSOR_TTL_MS = 24 * 3600_000;

/** Filter and sort fields the published request schema allows (REST names; `_id` etc. are accepted too). */
export const QUERYABLE_FIELDS: ReadonlySet<string> = new Set([
  'id', 'eventId', 'revision', 'name', 'description', 'initialLimit', 'pricingMethod.fixedPrice.value',
  'pricingMethod.fixedPrice.currency', 'createdDate', 'updatedDate', 'hidden', 'pricingMethod.free',
  'pricingMethod.pricingType', 'feeType', 'saleStatus',
]);

interface CursorState { filter: unknown; sort: SortSpec[]; after?: Key; before?: Key }

export interface QuerySource {
  store: TicketDefinitionStore;
  now(): Date;
  /** Rows in wire form with sales details, narrowed by a plain eventId filter. */
  rows(filter: unknown): Row[];
}

interface Paging { q: Json; paging: Json; limit: number; strip: (r: Row) => Json }

/** The page size and paging kind of a query body; refuses both kinds at once or a limit out of range. */
function readPaging(body: Json, withSales: boolean): Paging {
  const q = (body.query ?? {}) as Json;
  if (typeof q !== 'object' || Array.isArray(q)) throw WixHttpError.validation('query', 'query must be an object');
  if (q.paging && q.cursorPaging) throw WixHttpError.validation('query', 'use either paging or cursorPaging, not both');
  const paging = (q.cursorPaging ?? q.paging ?? {}) as Json;
  const which = q.paging ? 'paging' : 'cursorPaging';
  const limit = paging.limit ?? DEFAULT_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) {
    throw WixHttpError.validation(`query.${which}.limit`, `limit must be an integer from 0 to ${MAX_PAGE}`);
  }
  const strip = (r: Row) => (withSales ? r.wire : (({ salesDetails: _s, ...rest }) => rest)(r.wire));
  return { q, paging, limit, strip };
}

function offsetPage(src: QuerySource, { q, paging, limit, strip }: Paging) {
  const offset = paging.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw WixHttpError.validation('query.paging.offset', 'offset must be a non-negative integer');
  checkFilterFields(q.filter, QUERYABLE_FIELDS);
  const all = run(src.rows(q.filter), q.filter, parseSort(q.sort, QUERYABLE_FIELDS));
  const page = all.slice(offset, offset + limit);
  return { ticketDefinitions: page.map(strip), metadata: { count: page.length, offset, total: all.length, hasNext: offset + limit < all.length } };
}

/** A saved cursor's filter, sort and position, or a first page's from the request. */
function cursorState(src: QuerySource, { q, paging }: Paging): CursorState {
  if (typeof paging.cursor === 'string' && paging.cursor) {
    const saved = src.store.getCursor<CursorState>(paging.cursor);
    if (!saved) throw WixHttpError.validation('query.cursorPaging.cursor', 'cursor is invalid or expired');
    return saved;
  }
  checkFilterFields(q.filter, QUERYABLE_FIELDS);
  return { filter: q.filter ?? {}, sort: parseSort(q.sort, QUERYABLE_FIELDS) };
}

/** The [start, end) slice of the sorted rows that a cursor's position and the limit select. */
function cursorWindow(keys: Key[], state: CursorState, limit: number): { start: number; end: number } {
  const total = keys.length;
  if (state.after) {
    const after = state.after;
    let start = keys.findIndex((k) => compareKeys(k, after, state.sort) > 0);
    if (start < 0) start = total;
    return { start, end: Math.min(total, start + limit) };
  }
  if (state.before) {
    const before = state.before;
    let end = keys.findIndex((k) => compareKeys(k, before, state.sort) >= 0);
    if (end < 0) end = total;
    return { start: Math.max(0, end - limit), end };
  }
  return { start: 0, end: Math.min(total, limit) };
}

function cursorPage(src: QuerySource, p: Paging) {
  const state = cursorState(src, p);
  const all = run(src.rows(state.filter), state.filter, state.sort);
  const keys = all.map((r) => keyOf(r, state.sort));
  const { start, end } = cursorWindow(keys, state, p.limit);
  const page = all.slice(start, end);
  const at = src.now().toISOString();
  const cursorFor = (s: CursorState) => {
    const id = randomUUID();
    src.store.putCursor(id, s, at);
    return id;
  };
  const hasNext = end < all.length && page.length > 0;
  const cursors: Json = {};
  if (hasNext) cursors.next = cursorFor({ filter: state.filter, sort: state.sort, after: keys[end - 1] });
  if (start > 0 && page.length > 0) cursors.prev = cursorFor({ filter: state.filter, sort: state.sort, before: keys[start] });
  src.store.pruneCursors(new Date(src.now().getTime() - CURSOR_TTL_MS).toISOString());
  return { ticketDefinitions: page.map(p.strip), metadata: { count: page.length, cursors, hasNext } };
}

/** Query Ticket Definitions: an offset page or a cursor page. */
export function queryDefinitions(src: QuerySource, body: Json, withSales: boolean) {
  const p = readPaging(body, withSales);
  return p.q.paging ? offsetPage(src, p) : cursorPage(src, p);
}

function facetCounts(rows: Row[], name: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) {
    const v = name.split('.').reduce<unknown>((o, p) => (o && typeof o === 'object' ? (o as Json)[p] : undefined), r.wire);
    const k = String(v ?? null);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Count Ticket Definitions, with a count per value of each requested facet. */
export function countDefinitions(src: QuerySource, body: Json) {
  checkFilterFields(body.filter, QUERYABLE_FIELDS);
  const matching = run(src.rows(body.filter), body.filter, []);
  const facets: Record<string, { counts: Record<string, number> }> = {};
  const facetNames = Array.isArray(body.facet) ? body.facet : [];
  for (const name of facetNames) {
    if (typeof name === 'string') facets[name] = { counts: facetCounts(matching, name) };
  }
  return { metadata: { count: matching.length, total: matching.length }, ...(facetNames.length ? { facets } : {}) };
}
