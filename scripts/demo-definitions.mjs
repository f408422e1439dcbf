import { createClient, ApiKeyStrategy } from '@wix/sdk';
import { ticketDefinitionsV2 } from '@wix/events';
const local = (url, init) => fetch(new URL(new URL(url).pathname + new URL(url).search, process.env.LOCAL_WIX_URL ?? 'http://127.0.0.1:5173'), init);
const wix = createClient({ modules: { ticketDefinitionsV2 }, auth: ApiKeyStrategy({ apiKey: process.env.LOCAL_WIX_API_KEY, siteId: '00000000-0000-4000-8000-000000000000' }), fetch: local });
console.log((await wix.ticketDefinitionsV2.queryTicketDefinitions({ filter: { eventId: '6d3f9a2e-4b1c-4e8a-9f27-5c0d2026a001' } }, { fields: ['SALES_DETAILS'] })).ticketDefinitions.map((d) => `${d.name}: ${d.salesDetails.unsoldCount ?? 'unlimited'} left`).join('\n'));
