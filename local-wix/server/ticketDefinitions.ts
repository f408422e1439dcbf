// Ticket Definitions V3 at the paths and in the wire format the genuine SDK (`ticketDefinitionsV2`
// in @wix/events) uses: create, get, update, delete, query, count — admin only, persisted in SQLite.
// Emits the legacy Velo events on create/update/delete and a sale-started event once per
// definition when the clock passes its sale start.
import { randomUUID } from 'node:crypto';
import type { LocalWixModule, ServerContext } from './app.js';
import { WixHttpError, type Json, type RequestContext } from './http.js';
import { definitionFields, saleStatusAt, toWire, type StoredDefinition } from './ticketDefinitionModel.js';
import { TicketDefinitionStore } from './ticketDefinitionStore.js';
import { guidError, isGuid, requireGuid } from './guid.js';
import { checkRequest, ticketDefinitionSchemas as schemas, toSdkShape } from './wixSchemas.js';
import { checkFilterFields, compareKeys, keyOf, parseSort, run, type Key, type Row, type SortSpec } from './ticketQuery.js';
import {
  DEFINITION_CREATED_EVENT, DEFINITION_DELETED_EVENT, DEFINITION_UPDATED_EVENT, SALE_STARTED_EVENT,
  emitDefinitionEvent, emitSaleStarted,
} from './ticketDefinitionEvents.js';

export { SALE_STARTED_EVENT, DEFINITION_CREATED_EVENT, DEFINITION_UPDATED_EVENT, DEFINITION_DELETED_EVENT };

/** The SDK's path; `/events/v3/…` (the REST reference's base) is served too. */
export const TICKET_DEFINITIONS_PATHS = ['/events-ticket-definitions/v3/ticket-definitions', '/events/v3/ticket-definitions'];
export const MAX_DEFINITIONS_PER_EVENT = 100;
const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;
const CURSOR_TTL_MS = 24 * 3600_000;
/** Filter and sort fields the published request schema allows (REST names; `_id` etc. are accepted too). */
export const QUERYABLE_FIELDS: ReadonlySet<string> = new Set([
  'id', 'eventId', 'revision', 'name', 'description', 'initialLimit', 'pricingMethod.fixedPrice.value',
  'pricingMethod.fixedPrice.currency', 'createdDate', 'updatedDate', 'hidden', 'pricingMethod.free',
  'pricingMethod.pricingType', 'feeType', 'saleStatus',
]);

interface CursorState { filter: unknown; sort: SortSpec[]; after?: Key; before?: Key }

export interface TicketDefinitionsApi {
  store: TicketDefinitionStore;
  /** Emits the sale-started event for every definition whose sale start the clock has passed (once each). */
  checkSaleStarts(): number;
}

const apis = new WeakMap<object, TicketDefinitionsApi>();
/** The ticket-definitions API of a running local Wix (for the checkout and for tests). */
export function ticketDefinitionsOf(ctx: Pick<ServerContext, 'db'>): TicketDefinitionsApi {
  const api = apis.get(ctx.db);
  if (!api) throw new Error('ticketDefinitionsModule is not installed in this local Wix');
  return api;
}
export function checkSaleStarts(ctx: Pick<ServerContext, 'db'>): number {
  return ticketDefinitionsOf(ctx).checkSaleStarts();
}

function requireAdmin(ctx: ServerContext, req: RequestContext) {
  const who = ctx.identity(req);
  if (who.role !== 'ADMIN') {
    throw WixHttpError.application(403, 'PERMISSION_DENIED', `Caller (${who.role}) is not permitted to manage ticket definitions; elevated permissions are required`);
  }
}

/** `fields` from a query string (`fields=SALES_DETAILS`, repeated or comma-joined) or a JSON body. */
function wantsSales(fields: unknown): boolean {
  const list = Array.isArray(fields) ? fields : typeof fields === 'string' ? [fields] : [];
  return list.flatMap((f) => String(f).split(',')).includes('SALES_DETAILS');
}

function notFound(id: string) {
  return WixHttpError.notFound('NOT_FOUND', `Ticket definition ${id} not found`);
}

export function createTicketDefinitions(ctx: ServerContext): TicketDefinitionsApi {
  const store = new TicketDefinitionStore(ctx.db);
  const now = () => ctx.clock.now();
  const wire = (d: StoredDefinition, withSales: boolean) => toWire(d, now(), withSales);

  function checkSaleStarts(): number {
    if (!ctx.db.open) return 0;
    let emitted = 0;
    const at = now();
    for (const d of store.pendingSaleStarts()) {
      const status = saleStatusAt(d.fields.salePeriod, at);
      if (status === 'SALE_SCHEDULED') continue;
      // A sale that already ended by the time the clock got here (a jump) is marked, not announced.
      if (store.markSaleStartAnnounced(d.id) && status === 'SALE_STARTED') {
        emitSaleStarted(ctx, wire(d, false));
        emitted++;
      }
    }
    return emitted;
  }

  function create(req: RequestContext) {
    requireAdmin(ctx, req);
    const input = (req.body as Json).ticketDefinition as Json | undefined;
    const fields = definitionFields(input);
    const eventId = input!.eventId;
    if (typeof eventId !== 'string' || eventId.length < 1) {
      throw WixHttpError.validation('ticketDefinition.eventId', 'eventId is required');
    }
    requireGuid('ticketDefinition.eventId', eventId);
    // An ID may be given (the published request schema allows `id`, a GUID); otherwise Wix makes one.
    const givenId = input!.id ?? null;
    if (givenId !== null && !isGuid(givenId)) throw guidError('ticketDefinition.id', givenId);
    // Beyond the rules above, nothing is accepted that Wix's published request schema refuses.
    checkRequest(schemas.CreateTicketDefinitionRequest, toSdkShape(schemas.CreateTicketDefinitionRequest, { ticketDefinition: input }), 'createTicketDefinition');
    const created = ctx.db.transaction(() => {
      if (store.list(eventId).length >= MAX_DEFINITIONS_PER_EVENT) {
        throw WixHttpError.application(428, 'TICKET_DEFINITIONS_LIMIT_REACHED', `Event ${eventId} already has ${MAX_DEFINITIONS_PER_EVENT} ticket definitions`);
      }
      const at = now().toISOString();
      const started = saleStatusAt(fields.salePeriod, now()) !== 'SALE_SCHEDULED';
      const id = (givenId as string | null) ?? randomUUID();
      if (givenId && store.get(id)) throw WixHttpError.application(409, 'ALREADY_EXISTS', `Ticket definition ${id} already exists`);
      return store.insert({ id, eventId, fields, now: at, saleAlreadyStarted: started });
    })();
    emitDefinitionEvent(ctx, DEFINITION_CREATED_EVENT, created);
    return { ticketDefinition: wire(created, wantsSales((req.body as Json).fields)) };
  }

  function get(req: RequestContext) {
    requireAdmin(ctx, req);
    requireGuid('ticketDefinitionId', req.params.id);
    const d = store.get(req.params.id!);
    if (!d) throw notFound(req.params.id!);
    return { ticketDefinition: wire(d, wantsSales(req.url.searchParams.getAll('fields'))) };
  }

  function update(req: RequestContext) {
    requireAdmin(ctx, req);
    const id = requireGuid('ticketDefinition.id', req.params.id);
    const input = (req.body as Json).ticketDefinition;
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw WixHttpError.validation('ticketDefinition', 'ticketDefinition is required');
    const patch = input as Json;
    if (patch.id !== undefined && patch.id !== id) throw WixHttpError.validation('ticketDefinition.id', `id ${String(patch.id)} does not match the path (${id})`);
    if (patch.revision === undefined || patch.revision === null) {
      throw WixHttpError.validation('ticketDefinition.revision', 'revision is required: read the ticket definition and send its current revision');
    }
    if (typeof patch.revision !== 'string' || !/^\d+$/.test(patch.revision)) throw WixHttpError.validation('ticketDefinition.revision', 'revision must be an Int64 string');
    checkRequest(schemas.UpdateTicketDefinitionRequest, toSdkShape(schemas.UpdateTicketDefinitionRequest, { id, ticketDefinition: patch }), 'updateTicketDefinition');
    const updated = ctx.db.transaction(() => {
      const existing = store.get(id);
      if (!existing) throw notFound(id);
      if (Number(patch.revision) !== existing.revision) {
        throw WixHttpError.application(409, 'REVISION_MISMATCH', 'entity has already changed since the requested revision', {
          requestedRevision: patch.revision, currentRevision: String(existing.revision),
        });
      }
      if (patch.eventId !== undefined && patch.eventId !== existing.eventId) {
        throw WixHttpError.validation('ticketDefinition.eventId', 'eventId is immutable');
      }
      const fields = definitionFields(patch, existing.fields);
      if (fields.initialLimit !== null && fields.initialLimit < existing.soldCount + existing.reservedCount) {
        throw WixHttpError.application(428, 'LIMIT_BELOW_SOLD', `initialLimit ${fields.initialLimit} is below the ${existing.soldCount + existing.reservedCount} tickets already sold or reserved`);
      }
      const rearm = saleStatusAt(fields.salePeriod, now()) === 'SALE_SCHEDULED';
      store.update(id, existing.revision, fields, now().toISOString(), rearm);
      return store.get(id)!;
    })();
    emitDefinitionEvent(ctx, DEFINITION_UPDATED_EVENT, updated);
    checkSaleStarts();
    return { ticketDefinition: wire(updated, wantsSales((req.body as Json).fields)) };
  }

  function remove(req: RequestContext) {
    requireAdmin(ctx, req);
    requireGuid('ticketDefinitionId', req.params.id);
    const d = store.get(req.params.id!);
    if (!d || !store.remove(d.id)) throw notFound(req.params.id!);
    emitDefinitionEvent(ctx, DEFINITION_DELETED_EVENT, d);
    return {};
  }

  /** Rows in wire form with sales details (so filters may use them); narrowed by a plain eventId filter. */
  function rows(filter: unknown): Row[] {
    const f = (filter ?? {}) as Json;
    const eventId = typeof f.eventId === 'string' ? f.eventId : undefined;
    return store.list(eventId).map((d) => ({ seq: d.seq, wire: wire(d, true) }));
  }

  function query(req: RequestContext) {
    requireAdmin(ctx, req);
    const body = req.body as Json;
    const q = (body.query ?? {}) as Json;
    if (typeof q !== 'object' || Array.isArray(q)) throw WixHttpError.validation('query', 'query must be an object');
    const withSales = wantsSales(body.fields);
    if (q.paging && q.cursorPaging) throw WixHttpError.validation('query', 'use either paging or cursorPaging, not both');
    const paging = (q.cursorPaging ?? q.paging ?? {}) as Json;
    const which = q.paging ? 'paging' : 'cursorPaging';
    const limit = paging.limit ?? DEFAULT_PAGE;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) {
      throw WixHttpError.validation(`query.${which}.limit`, `limit must be an integer from 0 to ${MAX_PAGE}`);
    }
    const strip = (r: Row) => (withSales ? r.wire : (({ salesDetails: _s, ...rest }) => rest)(r.wire));

    if (q.paging) {
      const offset = paging.offset ?? 0;
      if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw WixHttpError.validation('query.paging.offset', 'offset must be a non-negative integer');
      checkFilterFields(q.filter, QUERYABLE_FIELDS);
      const all = run(rows(q.filter), q.filter, parseSort(q.sort, QUERYABLE_FIELDS));
      const page = all.slice(offset, offset + limit);
      return { ticketDefinitions: page.map(strip), metadata: { count: page.length, offset, total: all.length, hasNext: offset + limit < all.length } };
    }

    let state: CursorState;
    if (typeof paging.cursor === 'string' && paging.cursor) {
      const saved = store.getCursor<CursorState>(paging.cursor);
      if (!saved) throw WixHttpError.validation('query.cursorPaging.cursor', 'cursor is invalid or expired');
      state = saved;
    } else {
      checkFilterFields(q.filter, QUERYABLE_FIELDS);
      state = { filter: q.filter ?? {}, sort: parseSort(q.sort, QUERYABLE_FIELDS) };
    }
    const all = run(rows(state.filter), state.filter, state.sort);
    const keys = all.map((r) => keyOf(r, state.sort));
    let start = 0;
    let end = Math.min(all.length, limit);
    if (state.after) {
      const after = state.after;
      start = keys.findIndex((k) => compareKeys(k, after, state.sort) > 0);
      if (start < 0) start = all.length;
      end = Math.min(all.length, start + limit);
    } else if (state.before) {
      const before = state.before;
      end = keys.findIndex((k) => compareKeys(k, before, state.sort) >= 0);
      if (end < 0) end = all.length;
      start = Math.max(0, end - limit);
    }
    const page = all.slice(start, end);
    const at = now().toISOString();
    const cursorFor = (s: CursorState) => {
      const id = randomUUID();
      store.putCursor(id, s, at);
      return id;
    };
    const hasNext = end < all.length && page.length > 0;
    const cursors: Json = {};
    if (hasNext) cursors.next = cursorFor({ filter: state.filter, sort: state.sort, after: keys[end - 1] });
    if (start > 0 && page.length > 0) cursors.prev = cursorFor({ filter: state.filter, sort: state.sort, before: keys[start] });
    store.pruneCursors(new Date(now().getTime() - CURSOR_TTL_MS).toISOString());
    return { ticketDefinitions: page.map(strip), metadata: { count: page.length, cursors, hasNext } };
  }

  function count(req: RequestContext) {
    requireAdmin(ctx, req);
    const body = req.body as Json;
    checkFilterFields(body.filter, QUERYABLE_FIELDS);
    const matching = run(rows(body.filter), body.filter, []);
    const facets: Record<string, { counts: Record<string, number> }> = {};
    const facetNames = Array.isArray(body.facet) ? body.facet : [];
    for (const name of facetNames) {
      if (typeof name !== 'string') continue;
      const counts: Record<string, number> = {};
      for (const r of matching) {
        const v = name.split('.').reduce<unknown>((o, p) => (o && typeof o === 'object' ? (o as Json)[p] : undefined), r.wire);
        const k = String(v ?? null);
        counts[k] = (counts[k] ?? 0) + 1;
      }
      facets[name] = { counts };
    }
    return { metadata: { count: matching.length, total: matching.length }, ...(facetNames.length ? { facets } : {}) };
  }

  for (const base of TICKET_DEFINITIONS_PATHS) {
    ctx.router.post(`${base}/query`, query);
    ctx.router.post(`${base}/count`, count);
    ctx.router.post(base, create);
    ctx.router.get(`${base}/:id`, get);
    ctx.router.patch(`${base}/:id`, update);
    ctx.router.delete(`${base}/:id`, remove);
  }

  // Sale starts: a 1 s sweep, plus an immediate check whenever the clock is set or advanced
  // (POST /_local/clock or a test moving it directly).
  const timer = setInterval(() => {
    if (!ctx.db.open) return clearInterval(timer);
    checkSaleStarts();
  }, 1000);
  timer.unref();
  const clock = ctx.clock;
  for (const method of ['set', 'advance', 'reset'] as const) {
    const original = clock[method].bind(clock) as (...args: unknown[]) => void;
    (clock as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      original(...args);
      checkSaleStarts();
    };
  }

  const api: TicketDefinitionsApi = { store, checkSaleStarts };
  apis.set(ctx.db, api);
  return api;
}

export const ticketDefinitionsModule: LocalWixModule = (ctx) => {
  createTicketDefinitions(ctx);
};
