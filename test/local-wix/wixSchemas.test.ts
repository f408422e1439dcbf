// What the local Wix answers and accepts, checked against the zod schemas Wix publishes with the SDK
// (@wix/auto_sdk_events_ticket-definitions-v-2/schemas, @wix/auto_sdk_events_wix-events-v-2/schemas).
// The schemas are the oracle: the demo's answers must pass them; a request they refuse must be refused;
// and for generated definitions, whatever the local Wix accepts must answer in a shape they accept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ticketDefinitionsV2, wixEventsV2 } from '@wix/events';
import * as schemas from '@wix/auto_sdk_events_ticket-definitions-v-2/schemas';
import * as eventSchemas from '@wix/auto_sdk_events_wix-events-v-2/schemas';
import { createLocalClient } from '../../local-wix/sdk-client.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { DEMO, seedDemo } from '../../local-wix/demo/seed.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';
import { guid } from '../support/guids.js';

let s: StartedLocalWix;
let td: ReturnType<typeof createLocalClient<{ ticketDefinitionsV2: typeof ticketDefinitionsV2 }>>['ticketDefinitionsV2'];
beforeAll(async () => {
  s = await startLocalWix();
  td = createLocalClient(s.baseUrl, { ticketDefinitionsV2 }).ticketDefinitionsV2;
  await seedDemo(s.baseUrl);
});
afterAll(async () => s?.close());

type Input = Parameters<typeof td.createTicketDefinition>[0];
const REST = '/events-ticket-definitions/v3/ticket-definitions';
async function rest(method: string, path: string, body?: unknown) {
  const res = await adminFetch(`${s.baseUrl}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: tokenFor({ role: 'ADMIN', id: 'schema-test' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("the demo's answers pass Wix's published schemas", () => {
  it('every demo definition, by get (with and without sales details), query and count', async () => {
    const query = { filter: { eventId: { $eq: DEMO.eventId } }, cursorPaging: { limit: 100 } };
    expect(schemas.QueryTicketDefinitionsRequest.safeParse({ query, options: { fields: ['SALES_DETAILS'] } }).success).toBe(true);
    const page = schemas.QueryTicketDefinitionsResponse.parse(await td.queryTicketDefinitions(query as never, { fields: ['SALES_DETAILS'] }));
    expect(page.ticketDefinitions!.map((d) => d.name).sort()).toEqual(Object.values(DEMO.names).sort());
    for (const d of page.ticketDefinitions!) {
      expect(d._id).toBe(DEMO.ids[d.name!]);
      expect(schemas.GetTicketDefinitionRequest.safeParse({ ticketDefinitionId: d._id, options: { fields: ['SALES_DETAILS'] } }).success).toBe(true);
      schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(d._id!));
      const withSales = schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(d._id!, { fields: ['SALES_DETAILS'] }));
      expect(withSales.salesDetails).toBeDefined();
    }
    const festival = page.ticketDefinitions!.find((d) => d.name === DEMO.names.festivalPass)!;
    expect(festival.pricingMethod!.pricingOptions!.optionDetails!.map((o) => o.optionId)).toEqual([DEMO.optionIds['Early bird'], DEMO.optionIds.Regular]);
    schemas.CountTicketDefinitionsResponse.parse(await td.countTicketDefinitions({ filter: { eventId: DEMO.eventId } }));
  });

  it('the demo event, as getEvent answers it', async () => {
    const events = createLocalClient(s.baseUrl, { wixEventsV2 }).wixEventsV2;
    expect(eventSchemas.GetEventRequest.safeParse({ eventId: DEMO.eventId, options: { fields: ['URLS'] } }).success).toBe(true);
    const e = eventSchemas.GetEventResponse.parse(await events.getEvent(DEMO.eventId, { fields: ['URLS'] }));
    expect(e).toMatchObject({ _id: DEMO.eventId, title: 'Summer Jazz Night' });
  });
});

describe('a request the published schema refuses is refused', () => {
  const eventId = guid('schema-refusals');
  const good = { eventId, name: 'Schema check', feeType: 'FEE_INCLUDED', pricingMethod: { fixedPrice: { value: '5.00', currency: 'EUR' } } };
  // Each case is first shown to be refused by the schema itself (in the SDK's shape), then by the local Wix.
  it.each([
    ['a malformed eventId', { ...good, eventId: 'demo-event-2026' }, 'ticketDefinition.eventId'],
    ['a malformed id', { ...good, id: 'def-1' }, 'ticketDefinition.id'],
    ['a malformed price option ID', { ...good, pricingMethod: { pricingOptions: { optionDetails: [{ optionId: 'early', name: 'Early', price: { value: '1.00', currency: 'EUR' } }] } } }, 'ticketDefinition.pricingMethod.pricingOptions.optionDetails.0.optionId'],
    ['limitPerCheckout above 50', { ...good, limitPerCheckout: 51 }, 'ticketDefinition.limitPerCheckout'],
    ['a revision that is not an Int64 string', { ...good, revision: 'one' }, 'ticketDefinition.revision'],
    ['extended fields that are not namespaced objects', { ...good, extendedFields: { namespaces: { app: 'flat' } } }, 'ticketDefinition.extendedFields.namespaces.app'],
  ])('%s', async (_what, ticketDefinition, field) => {
    const sdkShape = { ...ticketDefinition, ...('id' in ticketDefinition ? { _id: ticketDefinition.id, id: undefined } : {}) };
    expect(schemas.CreateTicketDefinitionRequest.safeParse({ ticketDefinition: sdkShape }).success).toBe(false);
    const answer = await rest('POST', REST, { ticketDefinition });
    expect(answer.status).toBe(400);
    expect(answer.body.details.validationError.fieldViolations.map((v: any) => v.field.replace(/\[(\d+)\]/g, '.$1'))).toContain(field);
    const stored = await td.countTicketDefinitions({ filter: { eventId } });
    expect(stored.metadata?.count ?? 0).toBe(0);
  });

  it('an update the schema refuses (malformed ID in the path, limitPerCheckout above 50)', async () => {
    const d = await td.createTicketDefinition(good as Input);
    expect(schemas.UpdateTicketDefinitionRequest.safeParse({ _id: 'def-1', ticketDefinition: { revision: '1' } }).success).toBe(false);
    expect((await rest('PATCH', `${REST}/def-1`, { ticketDefinition: { revision: '1', name: 'x' } })).status).toBe(400);
    expect(schemas.UpdateTicketDefinitionRequest.safeParse({ _id: d._id, ticketDefinition: { revision: '1', limitPerCheckout: 60 } }).success).toBe(false);
    expect((await rest('PATCH', `${REST}/${d._id}`, { ticketDefinition: { revision: '1', limitPerCheckout: 60 } })).status).toBe(400);
    expect((await td.getTicketDefinition(d._id!)).revision).toBe('1');
    expect(schemas.GetTicketDefinitionRequest.safeParse({ ticketDefinitionId: 'def-1' }).success).toBe(false);
    const get = await rest('GET', `${REST}/def-1`);
    expect(get.status).toBe(400);
    expect(get.body.details.validationError.fieldViolations[0]).toMatchObject({ field: 'ticketDefinitionId', violatedRule: 'FORMAT' });
    expect(schemas.DeleteTicketDefinitionRequest.safeParse({ ticketDefinitionId: 'def-1' }).success).toBe(false);
    expect((await rest('DELETE', `${REST}/def-1`)).status).toBe(400);
  });
});

describe('generated definitions: what the local Wix accepts answers in the published shape', () => {
  const money = fc.record({
    value: fc.oneof(fc.constantFrom('0', '0.00', '25.00', '9.5', '100'), fc.string({ maxLength: 6 })),
    currency: fc.constantFrom('USD', 'EUR', 'usd', 'XX'),
  });
  const pricingMethod = fc.oneof(
    money.map((m) => ({ fixedPrice: m })),
    money.map((m) => ({ guestPrice: m })),
    fc.array(fc.record({ name: fc.string({ minLength: 0, maxLength: 4 }), price: money }), { minLength: 0, maxLength: 3 }).map((o) => ({ pricingOptions: { optionDetails: o } })),
  );
  const input = fc.record({
    name: fc.string({ minLength: 0, maxLength: 34 }),
    description: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
    hidden: fc.option(fc.boolean(), { nil: undefined }),
    initialLimit: fc.option(fc.integer({ min: -2, max: 2000 }), { nil: undefined }),
    feeType: fc.constantFrom('FEE_INCLUDED', 'FEE_ADDED_AT_CHECKOUT', 'NO_FEE', 'SOMETIMES'),
    pricingMethod,
    salePeriod: fc.option(fc.record({
      startDate: fc.option(fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }), { nil: undefined }),
      endDate: fc.option(fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }), { nil: undefined }),
      displayNotOnSale: fc.option(fc.boolean(), { nil: undefined }),
    }), { nil: undefined }),
  }, { requiredKeys: ['name', 'feeType', 'pricingMethod'] });

  it('schema refuses ⇒ the local Wix refuses; the local Wix accepts ⇒ create, get, update and query answers pass', async () => {
    const eventId = guid('schema-generated');
    let accepted = 0;
    await fc.assert(fc.asyncProperty(input, async (generated) => {
      const ticketDefinition = { ...generated, eventId } as Input;
      const schemaAccepts = schemas.CreateTicketDefinitionRequest.safeParse({ ticketDefinition }).success;
      let created: Awaited<ReturnType<typeof td.createTicketDefinition>> | null = null;
      try { created = await td.createTicketDefinition(ticketDefinition); } catch (err) { expect((err as any).status ?? (err as any).details).toBeTruthy(); }
      if (!schemaAccepts) expect(created, `accepted what the schema refuses: ${JSON.stringify(ticketDefinition)}`).toBeNull();
      if (!created) return;
      accepted++;
      schemas.CreateTicketDefinitionResponse.parse(created);
      schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(created._id!, { fields: ['SALES_DETAILS'] }));
      schemas.UpdateTicketDefinitionResponse.parse(await td.updateTicketDefinition(created._id!, { revision: created.revision!, hidden: !created.hidden }));
      await td.deleteTicketDefinition(created._id!);
    }), { numRuns: 60, seed: 20261201 });
    // The generator must reach both sides, or the property says little.
    expect(accepted).toBeGreaterThan(3);
    schemas.QueryTicketDefinitionsResponse.parse(await td.queryTicketDefinitions({ filter: { eventId: { $eq: eventId } } } as never));
  });
});
