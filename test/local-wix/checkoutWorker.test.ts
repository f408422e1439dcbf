// The checkout in its own thread (local-wix/server/checkoutWorker.ts): on the same SQLite file as the
// local Wix, it confirms orders with the route's transactions and answers, never oversells while
// the local Wix's own route sells too, and hands each order event to the main thread.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ticketDefinitionsV2 } from '@wix/events';
import { createLocalClient } from '../../local-wix/sdk-client.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { startCheckoutWorker, type CheckoutWorker } from '../../local-wix/server/checkoutWorker.js';

let s: StartedLocalWix;
let worker: CheckoutWorker;
const dispatched: { name: string; payload: any }[] = [];

beforeAll(async () => {
  s = await startLocalWix();
  worker = await startCheckoutWorker({ dbFile: path.join(s.dir, 'wix.db'), localKey: s.wix.localKey }, (name, payload) => dispatched.push({ name, payload }));
});
afterAll(async () => {
  await worker.close();
  await s.close();
});

const td = () => createLocalClient(s.baseUrl, { ticketDefinitionsV2 }).ticketDefinitionsV2;
async function post(base: string, body: unknown, headers: Record<string, string> = { 'x-local-wix-key': s.wix.localKey }) {
  const res = await fetch(`${base}/_local/checkout/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const viaRoute = async (body: unknown) => {
  const res = await adminFetch(`${s.baseUrl}/_local/checkout/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

it('confirms an order on the local Wix’s data: the sold count moves, the order is there, its event reaches the main thread', async () => {
  const eventId = randomUUID();
  const d = await td().createTicketDefinition({ eventId, name: 'GA', feeType: 'FEE_INCLUDED', initialLimit: 5, pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } } });
  const r = await post(worker.url, { eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 2 }] });
  expect(r.status).toBe(200);
  expect((await td().getTicketDefinition(d._id!, { fields: ['SALES_DETAILS'] })).salesDetails).toMatchObject({ soldCount: 2, unsoldCount: 3 });
  const stored = await (await adminFetch(`${s.baseUrl}/_local/checkout/orders/${r.body.orderNumber}`)).json() as any;
  expect(stored).toMatchObject({ orderNumber: r.body.orderNumber, eventId, status: 'PAID' });
  expect(dispatched.at(-1)).toMatchObject({ name: 'wixEvents_onOrderConfirmed', payload: { orderNumber: r.body.orderNumber, timestamp: r.body.created, tickets: [{ ticketDefinitionId: d._id }, { ticketDefinitionId: d._id }] } });
});

it('never oversells while the local Wix’s own route sells the same definition', async () => {
  const eventId = randomUUID();
  const d = await td().createTicketDefinition({ eventId, name: 'GA', feeType: 'FEE_INCLUDED', initialLimit: 6, pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } } });
  const order = { eventId, tickets: [{ ticketDefinitionId: d._id, quantity: 1 }] };
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? post(worker.url, order) : viaRoute(order))));
  expect(results.filter((r) => r.status === 200)).toHaveLength(6);
  expect(results.filter((r) => r.status === 409).map((r) => r.body.details.applicationError.code)).toEqual(Array(14).fill('SOLD_OUT'));
  expect((await td().getTicketDefinition(d._id!, { fields: ['SALES_DETAILS'] })).salesDetails).toMatchObject({ soldCount: 6, unsoldCount: 0, soldOut: true });
});

it('answers a refusal as the route does; refuses a call without the local key, another path and a body that is not JSON', async () => {
  const bad = { eventId: 'not-a-guid', tickets: [{ ticketDefinitionId: randomUUID(), quantity: 1 }] };
  const [fromWorker, fromRoute] = [await post(worker.url, bad), await viaRoute(bad)];
  expect(fromWorker).toEqual(fromRoute);
  expect(fromWorker.status).toBe(400);
  expect((await post(worker.url, bad, {})).status).toBe(401);
  expect((await post(worker.url, '{"eventId":')).status).toBe(400);
  const other = await fetch(`${worker.url}/_local/checkout/orders/X/cancel`, { method: 'POST', headers: { 'x-local-wix-key': s.wix.localKey } });
  expect(other.status).toBe(404);
});
