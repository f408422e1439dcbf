// The deterministic demo event, created through the genuine SDK against the local Wix, with tickets
// sold through the simulated checkout. Idempotent: an event that already has definitions is left as is.
import { ticketDefinitionsV2 } from '@wix/events';
import { ADMIN, createLocalClient } from '../sdk-client.js';
import { adminFetch } from '../local-key.js';

type Definition = ticketDefinitionsV2.TicketDefinition;
const adminClient = (baseUrl: string) => createLocalClient(baseUrl, { ticketDefinitionsV2 }, ADMIN);
type Input = Parameters<ReturnType<typeof adminClient>['ticketDefinitionsV2']['createTicketDefinition']>[0];

export const DEMO = {
  /** Fixed GUIDs (Wix IDs are GUIDs), so links, pages and scripts can name the demo's objects. */
  eventId: '6d3f9a2e-4b1c-4e8a-9f27-5c0d2026a001',
  ids: {
    'General Admission': '0b7e4c1a-2f3d-4a5b-8c6d-7e8f2026d001',
    'Festival Pass': '0b7e4c1a-2f3d-4a5b-8c6d-7e8f2026d002',
    'Standing (unlimited)': '0b7e4c1a-2f3d-4a5b-8c6d-7e8f2026d003',
    'VIP Lounge': '0b7e4c1a-2f3d-4a5b-8c6d-7e8f2026d004',
    Backstage: '0b7e4c1a-2f3d-4a5b-8c6d-7e8f2026d005',
  } as Record<string, string>,
  optionIds: { 'Early bird': '9c1d2e3f-4a5b-4c6d-8e7f-2026e0000001', Regular: '9c1d2e3f-4a5b-4c6d-8e7f-2026e0000002' } as Record<string, string>,
  names: {
    generalAdmission: 'General Admission',
    festivalPass: 'Festival Pass',
    standing: 'Standing (unlimited)',
    vip: 'VIP Lounge',
    backstage: 'Backstage',
  },
  /** Tickets the seed sells, so the counters start at "Only 3 tickets left at $25.00" and "sold out". */
  sold: { 'General Admission': 2, Backstage: 2 } as Record<string, number>,
  /** The VIP sale starts this long after the local Wix clock at seeding time. */
  vipSaleStartsAfterMs: 30 * 24 * 3600_000,
} as const;

export type DemoName = (typeof DEMO.names)[keyof typeof DEMO.names];

const usd = (value: string) => ({ value, currency: 'USD' });

function definitions(now: Date): Input[] {
  const n = DEMO.names;
  const base = { eventId: DEMO.eventId, feeType: 'FEE_INCLUDED' as const };
  return [
    { ...base, name: n.generalAdmission, description: 'Entry to all stages', initialLimit: 5, pricingMethod: { fixedPrice: usd('25.00') } },
    { ...base, name: n.festivalPass, initialLimit: 50, pricingMethod: { pricingOptions: { optionDetails: [
      { optionId: DEMO.optionIds['Early bird'], name: 'Early bird', price: usd('40.00') },
      { optionId: DEMO.optionIds.Regular, name: 'Regular', price: usd('55.00') },
    ] } } },
    { ...base, name: n.standing, pricingMethod: { fixedPrice: usd('10.00') } },
    { ...base, name: n.vip, initialLimit: 20, pricingMethod: { fixedPrice: usd('120.00') },
      salePeriod: { startDate: new Date(now.getTime() + DEMO.vipSaleStartsAfterMs), displayNotOnSale: true } },
    { ...base, name: n.backstage, initialLimit: 2, pricingMethod: { fixedPrice: usd('80.00') } },
  ] as Input[];
}

async function localClock(baseUrl: string): Promise<Date> {
  const res = await adminFetch(new URL('/_local/clock', baseUrl));
  if (!res.ok) throw new Error(`local Wix clock: HTTP ${res.status}`);
  return new Date(((await res.json()) as { now: string }).now);
}

async function sell(baseUrl: string, ticketDefinitionId: string, quantity: number) {
  const res = await adminFetch(new URL('/_local/checkout/orders', baseUrl), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: DEMO.eventId, tickets: [{ ticketDefinitionId, quantity }], firstName: 'Demo', lastName: 'Buyer', email: 'demo@example.com' }),
  });
  if (!res.ok) throw new Error(`demo checkout refused: ${await res.text()}`);
}

/** The event itself (title, time zone), as Events V3 serves it; 60 days after seeding, in Vienna. */
async function createDemoEvent(baseUrl: string, now: Date) {
  const start = new Date(now.getTime() + 60 * 24 * 3600_000);
  const res = await adminFetch(new URL('/_local/events', baseUrl), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: DEMO.eventId, title: 'Summer Jazz Night', slug: 'summer-jazz-night', timeZoneId: 'Europe/Vienna', startDate: start.toISOString(), endDate: new Date(start.getTime() + 5 * 3600_000).toISOString() }),
  });
  if (!res.ok) throw new Error(`demo event: ${await res.text()}`);
}

/** The demo event's definitions (with sales details), by name. */
export async function findDemoDefinitions(baseUrl: string): Promise<Map<string, Definition>> {
  const client = adminClient(baseUrl);
  const res = await client.ticketDefinitionsV2.queryTicketDefinitions({ filter: { eventId: DEMO.eventId }, cursorPaging: { limit: 100 } } as never, { fields: ['SALES_DETAILS'] });
  return new Map((res.ticketDefinitions ?? []).map((d) => [d.name!, d]));
}

/** Creates the demo unless the event already has ticket definitions. */
export async function seedDemo(baseUrl: string): Promise<{ created: boolean; definitions: Map<string, Definition> }> {
  const client = adminClient(baseUrl);
  const existing = await client.ticketDefinitionsV2.countTicketDefinitions({ filter: { eventId: DEMO.eventId } });
  if ((existing.metadata?.count ?? 0) > 0) return { created: false, definitions: await findDemoDefinitions(baseUrl) };
  const now = await localClock(baseUrl);
  await createDemoEvent(baseUrl, now);
  for (const input of definitions(now)) {
    const d = await client.ticketDefinitionsV2.createTicketDefinition({ ...input, _id: DEMO.ids[input.name!] });
    const sold = DEMO.sold[d.name!];
    if (sold) await sell(baseUrl, d._id!, sold);
  }
  return { created: true, definitions: await findDemoDefinitions(baseUrl) };
}
