// The simulated checkout: atomic sold counts under parallel requests, refusals with reasons,
// cancellation giving tickets back, and the Velo order events with their documented payload.
// Definitions are made and read through the genuine SDK; the checkout (local only) through fetch.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ticketDefinitionsV2 } from '@wix/events';
import * as schemas from '@wix/auto_sdk_events_ticket-definitions-v-2/schemas';
import { createLocalClient } from '../../local-wix/sdk-client.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';
import { adminFetch } from '../../local-wix/local-key.js';

let s: StartedLocalWix;
let td: ReturnType<typeof createLocalClient<{ ticketDefinitionsV2: typeof ticketDefinitionsV2 }>>['ticketDefinitionsV2'];

beforeAll(async () => {
  s = await startLocalWix();
  td = createLocalClient(s.baseUrl, { ticketDefinitionsV2 }).ticketDefinitionsV2;
});
afterAll(async () => s.close());

type Input = Parameters<typeof td.createTicketDefinition>[0];
const create = (eventId: string, over: Partial<Input> = {}) => td.createTicketDefinition({
  eventId, name: 'General Admission', feeType: 'FEE_INCLUDED', initialLimit: 5, pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } }, ...over,
} as Input);
const sales = async (id: string) => schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(id, { fields: ['SALES_DETAILS'] })).salesDetails;

async function checkout(body: object) {
  const res = await adminFetch(`${s.baseUrl}/_local/checkout/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const events = (name: string) => s.wix.emittedEvents.filter((e) => e.name === name).map((e) => e.payload as any);

const money = z.object({ amount: z.string().regex(/^\d+\.\d{2,3}$/), currency: z.string().length(3) });
/** The documented Velo `wixEvents_onOrderConfirmed` / `wixEvents_onOrderUpdated` payload (the fields the package relies on). */
const orderEvent = z.object({
  timestamp: z.iso.datetime(),
  eventId: z.string(),
  orderNumber: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}$/),
  contactId: z.string(),
  memberId: z.string().nullable(),
  created: z.iso.datetime(),
  firstName: z.string(), lastName: z.string(), email: z.string(),
  status: z.enum(['FREE', 'PENDING', 'PAID', 'OFFLINE_PENDING', 'INITIATED', 'CANCELED']),
  checkoutForm: z.object({ inputValues: z.array(z.object({ inputName: z.string(), value: z.string() })) }),
  tickets: z.array(z.object({ ticketNumber: z.string(), ticketDefinitionId: z.string(), price: money, ticketName: z.string() })).min(1),
  invoice: z.object({ items: z.array(z.object({ id: z.string(), quantity: z.number().int(), name: z.string(), price: money, total: money })), total: money, subTotal: money, grandTotal: money }),
});

describe('confirming orders', () => {
  it('never oversells: 20 parallel orders of 1 against a limit of 5 → exactly 5 confirmed', async () => {
    const eventId = randomUUID();
    const d = await create(eventId);
    const before = events('wixEvents_onOrderConfirmed').length;
    const results = await Promise.all(Array.from({ length: 20 }, () => checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 1 }] })));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body.details.applicationError).toMatchObject({ code: 'SOLD_OUT', data: { ticketDefinitionId: d._id, unsoldCount: 0, requested: 1 } });
      expect(r.body.message).toContain(`"General Admission" (${d._id}) is sold out`);
    }
    expect(new Set(ok.map((r) => r.body.orderNumber)).size).toBe(5);
    expect(await sales(d._id!)).toEqual({ unsoldCount: 0, soldCount: 5, reservedCount: 0, soldOut: true });
    expect(events('wixEvents_onOrderConfirmed').length - before).toBe(5);
  });

  it('says how many are left when an order asks for more', async () => {
    const eventId = randomUUID();
    const d = await create(eventId);
    expect((await checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 3 }] })).status).toBe(200);
    const r = await checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 2 }, { ticketDefinitionId: d._id, quantity: 1 }] });
    expect(r.status).toBe(409);
    expect(r.body.message).toBe(`Only 2 tickets of "General Admission" (${d._id}) left; 3 requested`);
    expect(r.body.details.applicationError).toMatchObject({ code: 'NOT_ENOUGH_TICKETS', data: { unsoldCount: 2, requested: 3 } });
    expect((await sales(d._id!))?.soldCount).toBe(3);
  });

  it('emits wixEvents_onOrderConfirmed with the documented payload (price options, invoice totals)', async () => {
    const eventId = randomUUID();
    const pass = await create(eventId, { name: 'Festival Pass', initialLimit: 50, pricingMethod: { pricingOptions: { optionDetails: [
      { name: 'Early bird', price: { value: '40.00', currency: 'USD' } }, { name: 'Regular', price: { value: '55.00', currency: 'USD' } },
    ] } } });
    const standing = await create(eventId, { name: 'Standing', initialLimit: undefined, pricingMethod: { fixedPrice: { value: '10.00', currency: 'USD' } } });
    const [early, regular] = pass.pricingMethod!.pricingOptions!.optionDetails!;
    const contactId = randomUUID();
    const r = await checkout({ eventId, contactId, tickets: [
      { ticketDefinitionId: pass._id, optionId: early!.optionId, quantity: 2 },
      { ticketDefinitionId: pass._id, optionId: regular!.optionId, quantity: 1 },
      { ticketDefinitionId: standing._id, quantity: 3 },
    ] });
    expect(r.status).toBe(200);
    const payload = events('wixEvents_onOrderConfirmed').find((p) => p.orderNumber === r.body.orderNumber);
    const parsed = orderEvent.parse(payload);
    expect(parsed).toMatchObject({ eventId, contactId, status: 'PAID', invoice: { grandTotal: { amount: '165.00', currency: 'USD' } } });
    expect(parsed.tickets.map((t) => [t.ticketDefinitionId, t.price.amount])).toEqual([
      [pass._id, '40.00'], [pass._id, '40.00'], [pass._id, '55.00'], [standing._id, '10.00'], [standing._id, '10.00'], [standing._id, '10.00'],
    ]);
    expect(parsed.tickets[0]!.ticketNumber).toBe(`${r.body.orderNumber}001`);
    expect(await sales(pass._id!)).toEqual({ unsoldCount: 47, soldCount: 3, reservedCount: 0, soldOut: false });
    expect(await sales(standing._id!)).toEqual({ unsoldCount: null, soldCount: 3, reservedCount: 0, soldOut: false });
    const got = await adminFetch(`${s.baseUrl}/_local/checkout/orders/${r.body.orderNumber}`);
    expect(await got.json()).toMatchObject({ orderNumber: r.body.orderNumber, status: 'PAID' });
  });

  it('a free ticket makes a FREE order', async () => {
    const eventId = randomUUID();
    const d = await create(eventId, { name: 'Free', pricingMethod: { fixedPrice: { value: '0', currency: 'USD' } } });
    const r = await checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 1 }] });
    expect(r.body).toMatchObject({ status: 'FREE', invoice: { grandTotal: { amount: '0.00' } } });
  });

  it('refuses hidden tickets, sales not started or ended, unknown or missing options, other events', async () => {
    const eventId = randomUUID();
    const now = Date.now();
    const hidden = await create(eventId, { name: 'Hidden', hidden: true });
    const later = await create(eventId, { name: 'Later', salePeriod: { startDate: new Date(now + 86400_000) } });
    const over = await create(eventId, { name: 'Over', salePeriod: { startDate: new Date(now - 2 * 86400_000), endDate: new Date(now - 86400_000) } });
    const options = await create(eventId, { name: 'Options', pricingMethod: { pricingOptions: { optionDetails: [{ name: 'Adult', price: { value: '9.00', currency: 'USD' } }] } } });
    const cases: [object, number, string][] = [
      [{ ticketDefinitionId: hidden._id }, 409, 'TICKET_HIDDEN'],
      [{ ticketDefinitionId: later._id }, 409, 'SALE_NOT_STARTED'],
      [{ ticketDefinitionId: over._id }, 409, 'SALE_ENDED'],
      [{ ticketDefinitionId: options._id, optionId: randomUUID() }, 400, 'UNKNOWN_PRICE_OPTION'],
      [{ ticketDefinitionId: options._id }, 400, 'PRICE_OPTION_REQUIRED'],
      [{ ticketDefinitionId: randomUUID() }, 404, 'TICKET_DEFINITION_NOT_FOUND'],
    ];
    for (const [ticket, status, code] of cases) {
      const r = await checkout({ eventId, tickets: [{ quantity: 1, ...ticket }] });
      expect([r.status, r.body.details.applicationError.code]).toEqual([status, code]);
    }
    const other = await checkout({ eventId: randomUUID(), tickets: [{ ticketDefinitionId: hidden._id, quantity: 1 }] });
    expect(other.body.details.applicationError.code).toBe('WRONG_EVENT');
    const malformed = await checkout({ eventId, tickets: [{ ticketDefinitionId: options._id, quantity: 0 }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details.validationError.fieldViolations[0].field).toBe('tickets[0].quantity');
    // A refused order changes nothing.
    expect((await sales(hidden._id!))?.soldCount).toBe(0);
  });
});

describe('cancelling orders', () => {
  it('gives tickets back and emits wixEvents_onOrderUpdated with status CANCELED', async () => {
    const eventId = randomUUID();
    const d = await create(eventId, { initialLimit: 2 });
    const order = (await checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 2 }] })).body;
    expect((await sales(d._id!))?.soldOut).toBe(true);
    const res = await adminFetch(`${s.baseUrl}/_local/checkout/orders/${order.orderNumber}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await sales(d._id!)).toEqual({ unsoldCount: 2, soldCount: 0, reservedCount: 0, soldOut: false });
    const updated = events('wixEvents_onOrderUpdated').find((p) => p.orderNumber === order.orderNumber);
    expect(orderEvent.parse(updated)).toMatchObject({ status: 'CANCELED', eventId, tickets: [{ ticketDefinitionId: d._id }, { ticketDefinitionId: d._id }] });
    const again = await adminFetch(`${s.baseUrl}/_local/checkout/orders/${order.orderNumber}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await sales(d._id!))?.soldCount).toBe(0);
    expect((await adminFetch(`${s.baseUrl}/_local/checkout/orders/NOPE-NOPE-NO`)).status).toBe(404);
  });

  it('keeps counts exact when orders and cancellations race', async () => {
    const eventId = randomUUID();
    const d = await create(eventId, { initialLimit: 10 });
    const first = await Promise.all(Array.from({ length: 10 }, () => checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 1 }] })));
    const mixed = await Promise.all([
      ...first.slice(0, 5).map((r) => adminFetch(`${s.baseUrl}/_local/checkout/orders/${r.body.orderNumber}/cancel`, { method: 'POST' }).then((x) => x.status)),
      ...Array.from({ length: 10 }, () => checkout({ eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 1 }] }).then((x) => x.status)),
    ]);
    const confirmedNow = mixed.slice(5).filter((st) => st === 200).length;
    const sd = await sales(d._id!);
    expect(sd!.soldCount).toBe(10 - 5 + confirmedNow);
    expect(sd!.soldCount).toBeLessThanOrEqual(10);
    expect(sd!.unsoldCount).toBe(10 - sd!.soldCount!);
  });
});

describe('demo seed', () => {
  it('creates the demo event once, with tickets sold through the checkout', async () => {
    const { seedDemo, findDemoDefinitions, DEMO } = await import('../../local-wix/demo/seed.js');
    const first = await seedDemo(s.baseUrl);
    expect(first.created).toBe(true);
    const byName = first.definitions;
    const n = DEMO.names;
    expect([...byName.keys()]).toEqual([n.generalAdmission, n.festivalPass, n.standing, n.vip, n.backstage]);
    expect(byName.get(n.generalAdmission)).toMatchObject({ pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } }, salesDetails: { unsoldCount: 3, soldCount: 2, soldOut: false } });
    expect(byName.get(n.festivalPass)!.pricingMethod!.pricingOptions!.optionDetails!.map((o) => [o.name, o.price!.value])).toEqual([['Early bird', '40.00'], ['Regular', '55.00']]);
    expect(byName.get(n.standing)).toMatchObject({ limited: false, salesDetails: { unsoldCount: null } });
    expect(byName.get(n.vip)).toMatchObject({ saleStatus: 'SALE_SCHEDULED', pricingMethod: { fixedPrice: { value: '120.00' } } });
    expect(byName.get(n.backstage)).toMatchObject({ salesDetails: { unsoldCount: 0, soldCount: 2, soldOut: true } });
    const again = await seedDemo(s.baseUrl);
    expect(again.created).toBe(false);
    expect((await findDemoDefinitions(s.baseUrl)).size).toBe(5);
  });
});
