// Ticket Definitions V3 on the local Wix, driven only through the genuine SDK (`ticketDefinitionsV2`
// from @wix/events) and checked against the zod schemas the SDK package publishes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ticketDefinitionsV2 } from '@wix/events';
import * as schemas from '@wix/auto_sdk_events_ticket-definitions-v-2/schemas';
import { createLocalClient, VISITOR } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { SALE_STARTED_EVENT, QUERYABLE_FIELDS } from '../../local-wix/server/ticketDefinitions.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';
import { adminFetch } from '../../local-wix/local-key.js';

let s: StartedLocalWix;
let td: ReturnType<typeof client>['ticketDefinitionsV2'];
const requests: { method: string; url: string; body?: string }[] = [];
const client = (identity?: Parameters<typeof createLocalClient>[2]) =>
  createLocalClient(s.baseUrl, { ticketDefinitionsV2 }, identity, (method, url, body) => requests.push({ method, url, body }));

beforeAll(async () => {
  s = await startLocalWix();
  td = client().ticketDefinitionsV2;
});
afterAll(async () => s.close());
beforeEach(() => { requests.length = 0; });

type Input = Parameters<typeof td.createTicketDefinition>[0];
function def(eventId: string, over: Partial<Input> = {}): Input {
  return { eventId, name: 'General Admission', feeType: 'FEE_INCLUDED', initialLimit: 5, pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } }, ...over } as Input;
}
async function create(input: Input) {
  expect(schemas.CreateTicketDefinitionRequest.safeParse({ ticketDefinition: input }).success).toBe(true);
  const d = await td.createTicketDefinition(input);
  return schemas.CreateTicketDefinitionResponse.parse(d);
}
async function thrown(p: Promise<unknown>): Promise<any> {
  try { await p; } catch (e) { return e; }
  throw new Error('expected the SDK call to throw');
}
const events = (name: string) => s.wix.emittedEvents.filter((e) => e.name === name).map((e) => e.payload as any);
const setClock = (body: object) => adminFetch(`${s.baseUrl}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('create and get', () => {
  it('creates with computed read-only fields and the REST wire format', async () => {
    const eventId = randomUUID();
    const d = await create(def(eventId, { description: 'Entry to all stages' }));
    expect(d).toMatchObject({ eventId, name: 'General Admission', revision: '1', limited: true, initialLimit: 5, actualLimit: 5, hidden: false, saleStatus: 'SALE_STARTED', feeType: 'FEE_INCLUDED' });
    expect(d._id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d._createdDate).toBeInstanceOf(Date);
    expect(d.salesDetails).toBeUndefined();
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/events-ticket-definitions/v3/ticket-definitions' });
    expect(JSON.parse(requests[0]!.body!)).toEqual({ ticketDefinition: expect.objectContaining({ eventId, name: 'General Admission' }) });
    expect(events('wixEvents_onTicketDefinitionCreated').at(-1)).toEqual({ timestamp: expect.any(String), eventId, ticketDefinitionId: d._id });
  });

  it('returns salesDetails only when SALES_DETAILS is asked for', async () => {
    const eventId = randomUUID();
    const limited = await create(def(eventId));
    const unlimited = await create(def(eventId, { name: 'Standing', initialLimit: undefined }));
    const plain = schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(limited._id!));
    expect(plain.salesDetails).toBeUndefined();
    expect(requests.at(-1)!.url).not.toContain('fields=');
    const withSales = schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(limited._id!, { fields: ['SALES_DETAILS'] }));
    expect(requests.at(-1)!.url).toContain('fields=SALES_DETAILS');
    expect(withSales.salesDetails).toEqual({ unsoldCount: 5, soldCount: 0, reservedCount: 0, soldOut: false });
    const u = await td.getTicketDefinition(unlimited._id!, { fields: ['SALES_DETAILS'] });
    expect(u).toMatchObject({ limited: false, salesDetails: { unsoldCount: null, soldCount: 0, soldOut: false } });
    expect(u.initialLimit).toBeUndefined();
  });

  it('supports guest prices and price options (ids assigned, free flag computed)', async () => {
    const eventId = randomUUID();
    const options = await create(def(eventId, { name: 'Festival Pass', pricingMethod: { pricingOptions: { optionDetails: [
      { name: 'Early bird', price: { value: '40.00', currency: 'USD' } }, { name: 'Regular', price: { value: '55.00', currency: 'USD' } },
    ] } } }));
    expect(options.pricingMethod?.pricingOptions?.optionDetails?.map((o) => o.optionId)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    const free = await create(def(eventId, { name: 'Free', pricingMethod: { fixedPrice: { value: '0', currency: 'USD' } } }));
    expect(free.pricingMethod).toMatchObject({ free: true, pricingType: 'STANDARD' });
    const guest = await create(def(eventId, { name: 'Pay what you want', pricingMethod: { guestPrice: { value: '5.00', currency: 'EUR' } } }));
    expect(guest.pricingMethod).toMatchObject({ pricingType: 'DONATION', guestPrice: { value: '5.00', currency: 'EUR' } });
  });

  it('refuses callers without elevated (admin) permissions', async () => {
    const d = await create(def(randomUUID()));
    const e = await thrown(client(VISITOR).ticketDefinitionsV2.getTicketDefinition(d._id!));
    expect(e.status).toBe(403);
    expect(e.details.applicationError.code).toBe('PERMISSION_DENIED');
  });
});

describe('update and delete', () => {
  it('increments revision, keeps eventId, and refuses a stale or missing revision like Wix', async () => {
    const eventId = randomUUID();
    const d = await create(def(eventId));
    const patch = { revision: d.revision!, name: 'GA (early)', initialLimit: 8 };
    expect(schemas.UpdateTicketDefinitionRequest.safeParse({ _id: d._id, ticketDefinition: patch }).success).toBe(true);
    const u = schemas.UpdateTicketDefinitionResponse.parse(await td.updateTicketDefinition(d._id!, patch));
    expect(requests.at(-1)).toMatchObject({ method: 'PATCH', url: `/events-ticket-definitions/v3/ticket-definitions/${d._id}` });
    expect(u).toMatchObject({ revision: '2', name: 'GA (early)', initialLimit: 8, actualLimit: 8, eventId, pricingMethod: d.pricingMethod });
    expect(events('wixEvents_onTicketDefinitionUpdated').at(-1)).toEqual({ timestamp: expect.any(String), eventId, ticketDefinitionId: d._id });

    const stale = await thrown(td.updateTicketDefinition(d._id!, { revision: '1', name: 'lost update' }));
    expect(stale.status).toBe(409);
    expect(stale.details.applicationError).toMatchObject({ code: 'REVISION_MISMATCH', data: { currentRevision: '2', requestedRevision: '1' } });
    expect(stale.message).toContain('entity has already changed since the requested revision');

    const missing = await thrown(td.updateTicketDefinition(d._id!, { name: 'no revision' } as any));
    expect(missing.status).toBe(400);
    expect(missing.details.validationError.fieldViolations[0].field).toContain('revision');

    const moved = await thrown(td.updateTicketDefinition(d._id!, { revision: '2', eventId: randomUUID() } as any));
    expect(moved.status).toBe(400);
    expect(moved.message).toContain('immutable');
    expect((await td.getTicketDefinition(d._id!)).revision).toBe('2');

    // Read-modify-write of the whole entity (read-only fields included) works, as on Wix.
    const current = await td.getTicketDefinition(d._id!, { fields: ['SALES_DETAILS'] });
    const whole = await td.updateTicketDefinition(d._id!, { ...current, name: 'GA (regular)' } as any);
    expect(whole).toMatchObject({ revision: '3', name: 'GA (regular)', initialLimit: 8, pricingMethod: d.pricingMethod });
  });

  it('deletes; a later get is 404 and the deleted event carries the legacy payload', async () => {
    const eventId = randomUUID();
    const d = await create(def(eventId));
    await td.deleteTicketDefinition(d._id!); // the SDK resolves with nothing; the wire answer is {}
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE' });
    const e = await thrown(td.getTicketDefinition(d._id!));
    expect(e.status).toBe(404);
    expect(e.details.applicationError.code).toBe('NOT_FOUND');
    expect((await thrown(td.deleteTicketDefinition(d._id!))).status).toBe(404);
    expect(events('wixEvents_onTicketDefinitionDeleted').at(-1)).toEqual({ timestamp: expect.any(String), eventId, ticketDefinitionId: d._id });
  });
});

describe('query and count', () => {
  it('filters by eventId, hidden, saleStatus and _id ($eq, $in, $ne, plain equality)', async () => {
    const eventId = randomUUID();
    const future = new Date(Date.now() + 30 * 86400_000);
    const a = await create(def(eventId, { name: 'A' }));
    const b = await create(def(eventId, { name: 'B', hidden: true }));
    const c = await create(def(eventId, { name: 'C', salePeriod: { startDate: future } }));
    await create(def(randomUUID(), { name: 'Other event' }));
    const names = (r: { items: { name?: string | null }[] }) => r.items.map((i) => i.name);
    expect(names(await td.queryTicketDefinitions().eq('eventId', eventId).find())).toEqual(['A', 'B', 'C']);
    expect(names(await td.queryTicketDefinitions().eq('eventId', eventId).eq('hidden', true).find())).toEqual(['B']);
    expect(names(await td.queryTicketDefinitions().eq('eventId', eventId).ne('hidden', true).find())).toEqual(['A', 'C']);
    expect(names(await td.queryTicketDefinitions().eq('eventId', eventId).eq('saleStatus', 'SALE_SCHEDULED').find())).toEqual(['C']);
    expect(names(await td.queryTicketDefinitions().in('_id', [a._id!, c._id!]).find())).toEqual(['A', 'C']);
    expect(names(await td.queryTicketDefinitions().eq('eventId', eventId).descending('name').find())).toEqual(['C', 'B', 'A']);

    const typed = { filter: { eventId: { $eq: eventId }, _id: { $ne: b._id! } }, cursorPaging: { limit: 10 } };
    expect(schemas.QueryTicketDefinitionsRequest.safeParse({ query: typed, options: { fields: ['SALES_DETAILS'] } }).success).toBe(true);
    const res = schemas.QueryTicketDefinitionsResponse.parse(await td.queryTicketDefinitions(typed as any, { fields: ['SALES_DETAILS'] }));
    expect(res.ticketDefinitions!.map((d) => d.name)).toEqual(['A', 'C']);
    expect(res.ticketDefinitions![0]!.salesDetails).toEqual({ unsoldCount: 5, soldCount: 0, reservedCount: 0, soldOut: false });
    expect(JSON.parse(requests.at(-1)!.body!)).toMatchObject({ query: { filter: { id: { $ne: b._id } } }, fields: ['SALES_DETAILS'] });
  });

  it('allows only the filter fields the published schema lists', async () => {
    const keys = Object.keys((schemas.QueryTicketDefinitionsRequest.shape.query.shape.filter as any).unwrap().shape).filter((k) => !k.startsWith('$'));
    expect(new Set(keys.map((k) => k.replace(/^_id$/, 'id').replace(/^_(created|updated)Date$/, '$1Date')))).toEqual(QUERYABLE_FIELDS);
    const e = await thrown(td.queryTicketDefinitions().eq('salesDetails.soldOut' as any, true).find());
    expect(e.status).toBe(400);
    expect(e.details.applicationError.code).toBe('FILTER_PARSER_ERROR');
  });

  it('pages over more than 100 definitions with cursors (at most 100 a page)', async () => {
    const [e1, e2] = [randomUUID(), randomUUID()];
    const created: string[] = [];
    for (let i = 0; i < 100; i++) created.push((await td.createTicketDefinition(def(e1, { name: `T${i}` })))._id!);
    const full = await thrown(td.createTicketDefinition(def(e1, { name: 'one too many' })));
    expect(full.status).toBe(428);
    expect(full.details.applicationError.code).toBe('TICKET_DEFINITIONS_LIMIT_REACHED');
    for (let i = 0; i < 30; i++) created.push((await td.createTicketDefinition(def(e2, { name: `U${i}` })))._id!);

    const first = await td.queryTicketDefinitions().in('eventId', [e1, e2]).limit(100).find();
    expect(first.items).toHaveLength(100);
    expect(first.hasNext()).toBe(true);
    const second = await first.next();
    expect(second.items).toHaveLength(30);
    expect(second.hasNext()).toBe(false);
    expect([...first.items, ...second.items].map((d) => d._id)).toEqual(created);
    expect(JSON.parse(requests.at(-1)!.body!)).toEqual({ query: { cursorPaging: { cursor: expect.any(String), limit: 100 } } });
    const back = await second.prev();
    expect(back.items.map((d) => d._id)).toEqual(created.slice(0, 100));

    // The typed form resumes from a cursor string alone (as a later invocation would).
    const page1 = schemas.QueryTicketDefinitionsResponse.parse(await td.queryTicketDefinitions({ filter: { eventId: { $in: [e1, e2] } }, cursorPaging: { limit: 60 } } as any));
    const cursor = page1.metadata!.cursors!.next!;
    expect(cursor.length).toBeLessThanOrEqual(36);
    const page2 = schemas.QueryTicketDefinitionsResponse.parse(await td.queryTicketDefinitions({ cursorPaging: { limit: 100, cursor } } as any));
    expect(page2.ticketDefinitions!.map((d) => d._id)).toEqual(created.slice(60));
    expect(page2.metadata).toMatchObject({ count: 70 });
    expect(page2.metadata!.cursors!.next ?? null).toBeNull();

    const tooMany = await thrown(td.queryTicketDefinitions().eq('eventId', e1).limit(101).find());
    expect(tooMany.status).toBe(400);
    expect(tooMany.details.validationError.fieldViolations[0].field).toContain('limit');
  });

  it('counts with a filter', async () => {
    const eventId = randomUUID();
    await create(def(eventId, { name: 'A' }));
    await create(def(eventId, { name: 'B', hidden: true }));
    const all = schemas.CountTicketDefinitionsResponse.parse(await td.countTicketDefinitions({ filter: { eventId } }));
    expect(all.metadata?.count).toBe(2);
    const hidden = await td.countTicketDefinitions({ filter: { eventId, hidden: true }, facet: ['hidden'] });
    expect(hidden.metadata?.count).toBe(1);
    expect(hidden.facets).toEqual({ hidden: { counts: { true: 1 } } });
    expect(requests.at(-1)).toMatchObject({ method: 'POST', url: '/events-ticket-definitions/v3/ticket-definitions/count' });
  });
});

describe('sale status follows the clock', () => {
  it('moves SCHEDULED → STARTED → ENDED and emits sale-started exactly once', async () => {
    const eventId = randomUUID();
    const base = new Date('2031-03-01T10:00:00.000Z');
    await setClock({ now: base.toISOString(), freeze: true });
    const start = new Date('2031-03-02T12:30:45.678Z');
    const end = new Date('2031-03-05T00:00:00.000Z');
    const d = await create(def(eventId, { name: 'VIP', salePeriod: { startDate: start, endDate: end } }));
    expect(d.saleStatus).toBe('SALE_SCHEDULED');
    expect(d.salePeriod?.startDate?.toISOString()).toBe('2031-03-02T12:30:00.000Z'); // rounded down to the minute
    expect(events(SALE_STARTED_EVENT).filter((p) => p.metadata.entityId === d._id)).toHaveLength(0);

    await setClock({ now: '2031-03-02T12:30:00.000Z', freeze: true });
    const started = events(SALE_STARTED_EVENT).filter((p) => p.metadata.entityId === d._id);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ data: { ticketDefinition: { id: d._id, eventId, saleStatus: 'SALE_STARTED' } }, metadata: { id: expect.any(String), eventTime: '2031-03-02T12:30:00.000Z' } });
    expect(started[0].data.ticketDefinition.salesDetails).toBeUndefined();
    expect((await td.getTicketDefinition(d._id!)).saleStatus).toBe('SALE_STARTED');
    expect((await td.queryTicketDefinitions().eq('eventId', eventId).eq('saleStatus', 'SALE_STARTED').find()).items).toHaveLength(1);

    await setClock({ advanceMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1100)); // one sweep of the 1 s timer
    await setClock({ now: '2031-03-06T00:00:00.000Z', freeze: true });
    expect((await td.getTicketDefinition(d._id!)).saleStatus).toBe('SALE_ENDED');
    expect(events(SALE_STARTED_EVENT).filter((p) => p.metadata.entityId === d._id)).toHaveLength(1);
    await setClock({ reset: true });
  });

  it('refuses a sale period that ends before it starts', async () => {
    const e = await thrown(td.createTicketDefinition(def(randomUUID(), { salePeriod: { startDate: new Date('2031-01-02'), endDate: new Date('2031-01-01') } })));
    expect(e.status).toBe(428);
    expect(e.details.applicationError.code).toBe('INVALID_SALE_PERIOD');
  });
});

describe('bad requests get Wix-style errors and the server keeps answering', () => {
  it.each([
    ['a name over 30 characters', { name: 'x'.repeat(31) }, 'ticketDefinition.name'],
    ['two pricing methods', { pricingMethod: { fixedPrice: { value: '1.00', currency: 'USD' }, guestPrice: { value: '1.00', currency: 'USD' } } }, 'ticketDefinition.pricingMethod'],
    ['no pricing method', { pricingMethod: undefined }, 'ticketDefinition.pricingMethod'],
    ['a money value that is not a decimal string', { pricingMethod: { fixedPrice: { value: '25,00', currency: 'USD' } } }, 'ticketDefinition.pricingMethod.fixedPrice.value'],
    ['a zero limit', { initialLimit: 0 }, 'ticketDefinition.initialLimit'],
    ['no fee type', { feeType: undefined }, 'ticketDefinition.feeType'],
  ])('%s', async (_label, over, field) => {
    const e = await thrown(td.createTicketDefinition(def(randomUUID(), over as Partial<Input>)));
    expect(e.status).toBe(400);
    expect(e.details.validationError.fieldViolations).toEqual([expect.objectContaining({ field })]);
    expect(e.message).toContain('INVALID_ARGUMENT');
    expect((await td.queryTicketDefinitions().limit(1).find()).items.length).toBeGreaterThanOrEqual(0);
  });

  it('invalid JSON', async () => {
    const res = await adminFetch(`${s.baseUrl}/events-ticket-definitions/v3/ticket-definitions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: tokenFor({ role: 'ADMIN', id: 'test' }) }, body: '{"ticketDefinition":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: expect.stringContaining('INVALID_ARGUMENT'), details: { validationError: { fieldViolations: [expect.any(Object)] } } });
    const d = await create(def(randomUUID()));
    expect((await td.getTicketDefinition(d._id!))._id).toBe(d._id);
  });
});
