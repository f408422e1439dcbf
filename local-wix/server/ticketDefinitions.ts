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
import type { Row } from './ticketQuery.js';
import { QUERYABLE_FIELDS, countDefinitions, queryDefinitions, type QuerySource } from './ticketDefinitionPaging.js';
import {
  DEFINITION_CREATED_EVENT, DEFINITION_DELETED_EVENT, DEFINITION_UPDATED_EVENT, SALE_STARTED_EVENT,
  emitDefinitionEvent, emitSaleStarted,
} from './ticketDefinitionEvents.js';

export { SALE_STARTED_EVENT, DEFINITION_CREATED_EVENT, DEFINITION_UPDATED_EVENT, DEFINITION_DELETED_EVENT, QUERYABLE_FIELDS };

/** The SDK's path; `/events/v3/…` (the REST reference's base) is served too. */
export const TICKET_DEFINITIONS_PATHS = ['/events-ticket-definitions/v3/ticket-definitions', '/events/v3/ticket-definitions'];
export const MAX_DEFINITIONS_PER_EVENT = 100;
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

/** What the request handlers share: the local Wix, the store and the wire form at the clock's now. */
interface Definitions extends QuerySource {
  ctx: ServerContext;
  wire(d: StoredDefinition, withSales: boolean): Json;
  checkSaleStarts(): number;
}

function checkSaleStartsOf(dc: Definitions): number {
  if (!dc.ctx.db.open) return 0;
  let emitted = 0;
  const at = dc.now();
  for (const d of dc.store.pendingSaleStarts()) {
    const status = saleStatusAt(d.fields.salePeriod, at);
    if (status === 'SALE_SCHEDULED') continue;
    // A sale that already ended by the time the clock got here (a jump) is marked, not announced.
    if (dc.store.markSaleStartAnnounced(d.id) && status === 'SALE_STARTED') {
      emitSaleStarted(dc.ctx, dc.wire(d, false));
      emitted++;
    }
  }
  return emitted;
}

/** A create request's definition: its fields, its event (a GUID) and the GUID it may bring. */
function readNewDefinition(body: Json) {
  const input = body.ticketDefinition as Json | undefined;
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
  return { fields, eventId, givenId: givenId as string | null };
}

function create(dc: Definitions, req: RequestContext) {
  requireAdmin(dc.ctx, req);
  const { fields, eventId, givenId } = readNewDefinition(req.body as Json);
  const created = dc.ctx.db.transaction(() => {
    if (dc.store.list(eventId).length >= MAX_DEFINITIONS_PER_EVENT) {
      throw WixHttpError.application(428, 'TICKET_DEFINITIONS_LIMIT_REACHED', `Event ${eventId} already has ${MAX_DEFINITIONS_PER_EVENT} ticket definitions`);
    }
    const at = dc.now().toISOString();
    const started = saleStatusAt(fields.salePeriod, dc.now()) !== 'SALE_SCHEDULED';
    const id = givenId ?? randomUUID();
    if (givenId && dc.store.get(id)) throw WixHttpError.application(409, 'ALREADY_EXISTS', `Ticket definition ${id} already exists`);
    return dc.store.insert({ id, eventId, fields, now: at, saleAlreadyStarted: started });
  })();
  emitDefinitionEvent(dc.ctx, DEFINITION_CREATED_EVENT, created);
  return { ticketDefinition: dc.wire(created, wantsSales((req.body as Json).fields)) };
}

function get(dc: Definitions, req: RequestContext) {
  requireAdmin(dc.ctx, req);
  requireGuid('ticketDefinitionId', req.params.id);
  const d = dc.store.get(req.params.id!);
  if (!d) throw notFound(req.params.id!);
  return { ticketDefinition: dc.wire(d, wantsSales(req.url.searchParams.getAll('fields'))) };
}

/** An update request's patch: it must carry the current revision (an Int64 string) and no other id. */
function readPatch(body: Json, id: string): Json {
  const input = body.ticketDefinition;
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw WixHttpError.validation('ticketDefinition', 'ticketDefinition is required');
  const patch = input as Json;
  if (patch.id !== undefined && patch.id !== id) throw WixHttpError.validation('ticketDefinition.id', `id ${String(patch.id)} does not match the path (${id})`);
  if (patch.revision === undefined || patch.revision === null) {
    throw WixHttpError.validation('ticketDefinition.revision', 'revision is required: read the ticket definition and send its current revision');
  }
  if (typeof patch.revision !== 'string' || !/^\d+$/.test(patch.revision)) throw WixHttpError.validation('ticketDefinition.revision', 'revision must be an Int64 string');
  checkRequest(schemas.UpdateTicketDefinitionRequest, toSdkShape(schemas.UpdateTicketDefinitionRequest, { id, ticketDefinition: patch }), 'updateTicketDefinition');
  return patch;
}

/** Applies a patch in one transaction: stale revision 409, eventId immutable, limit not below sold + reserved. */
function applyPatch(dc: Definitions, id: string, patch: Json): StoredDefinition {
  return dc.ctx.db.transaction(() => {
    const existing = dc.store.get(id);
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
    const rearm = saleStatusAt(fields.salePeriod, dc.now()) === 'SALE_SCHEDULED';
    dc.store.update(id, existing.revision, fields, dc.now().toISOString(), rearm);
    return dc.store.get(id)!;
  })();
}

function update(dc: Definitions, req: RequestContext) {
  requireAdmin(dc.ctx, req);
  const id = requireGuid('ticketDefinition.id', req.params.id);
  const updated = applyPatch(dc, id, readPatch(req.body as Json, id));
  emitDefinitionEvent(dc.ctx, DEFINITION_UPDATED_EVENT, updated);
  dc.checkSaleStarts();
  return { ticketDefinition: dc.wire(updated, wantsSales((req.body as Json).fields)) };
}

function remove(dc: Definitions, req: RequestContext) {
  requireAdmin(dc.ctx, req);
  requireGuid('ticketDefinitionId', req.params.id);
  const d = dc.store.get(req.params.id!);
  if (!d || !dc.store.remove(d.id)) throw notFound(req.params.id!);
  emitDefinitionEvent(dc.ctx, DEFINITION_DELETED_EVENT, d);
  return {};
}

function registerRoutes(dc: Definitions) {
  const query = (req: RequestContext) => {
    requireAdmin(dc.ctx, req);
    const body = req.body as Json;
    return queryDefinitions(dc, body, wantsSales(body.fields));
  };
  const count = (req: RequestContext) => {
    requireAdmin(dc.ctx, req);
    return countDefinitions(dc, req.body as Json);
  };
  for (const base of TICKET_DEFINITIONS_PATHS) {
    dc.ctx.router.post(`${base}/query`, query);
    dc.ctx.router.post(`${base}/count`, count);
    dc.ctx.router.post(base, (req) => create(dc, req));
    dc.ctx.router.get(`${base}/:id`, (req) => get(dc, req));
    dc.ctx.router.patch(`${base}/:id`, (req) => update(dc, req));
    dc.ctx.router.delete(`${base}/:id`, (req) => remove(dc, req));
  }
}

/**
 * Sale starts: a 1 s sweep, plus an immediate check whenever the clock is set or advanced
 * (POST /_local/clock or a test moving it directly).
 */
function watchSaleStarts(dc: Definitions) {
  const timer = setInterval(() => {
    if (!dc.ctx.db.open) return clearInterval(timer);
    dc.checkSaleStarts();
  }, 1000);
  timer.unref();
  const clock = dc.ctx.clock;
  for (const method of ['set', 'advance', 'reset'] as const) {
    const original = clock[method].bind(clock) as (...args: unknown[]) => void;
    (clock as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      original(...args);
      dc.checkSaleStarts();
    };
  }
}

export function createTicketDefinitions(ctx: ServerContext): TicketDefinitionsApi {
  const store = new TicketDefinitionStore(ctx.db);
  const now = () => ctx.clock.now();
  const wire = (d: StoredDefinition, withSales: boolean) => toWire(d, now(), withSales);
  const dc: Definitions = {
    ctx, store, now, wire,
    checkSaleStarts: () => checkSaleStartsOf(dc),
    rows(filter: unknown): Row[] {
      const f = (filter ?? {}) as Json;
      const eventId = typeof f.eventId === 'string' ? f.eventId : undefined;
      return store.list(eventId).map((d) => ({ seq: d.seq, wire: wire(d, true) }));
    },
  };
  registerRoutes(dc);
  watchSaleStarts(dc);
  const api: TicketDefinitionsApi = { store, checkSaleStarts: dc.checkSaleStarts };
  apis.set(ctx.db, api);
  return api;
}

export const ticketDefinitionsModule: LocalWixModule = (ctx) => {
  createTicketDefinitions(ctx);
};
