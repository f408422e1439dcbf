// Order events in the built site code (src/backend/events.js) under Wix's resend policy, as the local
// Velo host applies it: a malformed event is acknowledged (it would fail the same way every time Wix
// sent it again); a delivery Wix resends after the counters were read is covered without a read.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ticketDefinitionsV2 } from '@wix/events';
import type { Stack } from '../../local-wix/stack.js';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { guid } from '../support/guids.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack('e2e-order-redelivery', { seed: false, redeliveryMs: [50, 50] });
});
afterAll(async () => {
  await stack.close();
});
/** Waits until no invocation runs and no resend is pending: on a slow machine the order's own event may
 * take past ~1.25 s, and Wix's resend of it (50 ms later here) must not land inside a measured window. */
async function settled(): Promise<void> {
  for (;;) {
    await stack.host.idle();
    if (stack.host.pendingRedeliveries === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const definitionCalls = () => [...stack.wix.stats.entries()].filter(([k]) => /ticket-definitions/.test(k)).reduce((n, [, v]) => n + (v as number), 0);

it('a malformed order event is logged and acknowledged: Wix is given no reason to send it again', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  stack.host.dispatchEvent('wixEvents_onOrderConfirmed', { tickets: 'not a list' });
  await stack.host.idle();
  await new Promise((r) => setTimeout(r, 200));
  await stack.host.idle();
  expect(stack.host.log.counts.redeliveries).toBe(0);
  expect(stack.host.log.errors.filter((e) => e.name === 'wixEvents_onOrderConfirmed')).toEqual([]);
  expect(warn.mock.calls.map((c) => c.join(' ')).join('\n')).toContain('Order event ignored');
  warn.mockRestore();
});

it('Wix resends an order event from a minute ago whose counters were read since: covered by the stored read, with no Ticket Definitions call', async () => {
  const client = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
  const eventId = guid('redelivery-event');
  const def = await client.ticketDefinitionsV2.createTicketDefinition({ eventId, name: 'GA', initialLimit: 10, feeType: 'FEE_INCLUDED', pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } } });
  const res = await adminFetch(`${stack.baseUrl}/_local/checkout/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ eventId, tickets: [{ ticketDefinitionId: def._id, quantity: 1 }] }) });
  expect(res.status).toBe(200);
  const order = await res.json() as { orderNumber: string };
  await vi.waitFor(async () => {
    const { items } = await stack.host.runAs(ADMIN, async () => (await import('@wix/data')).items.query('TicketCounters').eq('definitionId', def._id).find({ consistentRead: true }));
    expect(items.map((i: any) => i.unsold)).toEqual([9]);
  }, { timeout: 5000 });
  await settled();
  // Wix's resend of that order's event, a minute after the order was confirmed.
  const confirmedAt = new Date(Date.now() - 60_000).toISOString();
  const before = definitionCalls();
  stack.host.dispatchEvent('wixEvents_onOrderConfirmed', { timestamp: confirmedAt, eventId, orderNumber: order.orderNumber, status: 'PAID', tickets: [{ ticketDefinitionId: def._id }] });
  await stack.host.idle();
  expect(definitionCalls() - before).toBe(0);
});
