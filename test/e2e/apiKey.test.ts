// `npm start` prints an admin API key that the genuine SDK's ApiKeyStrategy (@wix/sdk) can use. This
// runs the README's script (scripts/demo-definitions.mjs) against a started stack with that key, and
// makes the same query in process, checking every answer against Wix's published schemas.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, ApiKeyStrategy } from '@wix/sdk';
import { ticketDefinitionsV2 } from '@wix/events';
import * as schemas from '@wix/auto_sdk_events_ticket-definitions-v-2/schemas';
import { DEMO } from '../../local-wix/demo/seed.js';
import { startTestStack } from '../support/testStack.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/demo-definitions.mjs');
let stack: Awaited<ReturnType<typeof startTestStack>>;
beforeAll(async () => { stack = await startTestStack('api-key', { seed: true }); });
afterAll(async () => stack?.close());

/** As the README's script: only the origin changes; no local header is added. */
const toLocal = (url: RequestInfo | URL, init?: RequestInit) => {
  const u = new URL(String(url));
  return fetch(new URL(u.pathname + u.search, stack.baseUrl), init);
};
const clientWith = (auth: ReturnType<typeof ApiKeyStrategy>) => createClient({ modules: { ticketDefinitionsV2 }, auth, fetch: toLocal as typeof fetch }).ticketDefinitionsV2;

test('the printed key, with ApiKeyStrategy, queries the demo; every answer passes the published schemas', async () => {
  expect(fs.readFileSync(path.join(stack.dataDir, 'admin-api-key'), 'utf8').trim()).toBe(stack.apiKey);
  const td = clientWith(ApiKeyStrategy({ apiKey: stack.apiKey, siteId: stack.siteId }));
  const page = schemas.QueryTicketDefinitionsResponse.parse(await td.queryTicketDefinitions({ filter: { eventId: DEMO.eventId } } as never, { fields: ['SALES_DETAILS'] }));
  expect(page.ticketDefinitions!.map((d) => d.name).sort()).toEqual(Object.values(DEMO.names).sort());
  for (const d of page.ticketDefinitions!) {
    schemas.GetTicketDefinitionResponse.parse(await td.getTicketDefinition(d._id!, { fields: ['SALES_DETAILS'] }));
  }
  schemas.CountTicketDefinitionsResponse.parse(await td.countTicketDefinitions({ filter: { eventId: DEMO.eventId } }));
});

test('a wrong key, or the right key without the site ID, is refused (401)', async () => {
  const wrong = await clientWith(ApiKeyStrategy({ apiKey: 'LWK.not-the-key', siteId: stack.siteId })).countTicketDefinitions({}).catch((e) => e);
  expect(wrong.status ?? wrong.response?.status).toBe(401);
  const noSite = await clientWith(ApiKeyStrategy({ apiKey: stack.apiKey, accountId: '7f0c2a1e-0000-4000-8000-000000000001' })).countTicketDefinitions({}).catch((e) => e);
  expect(noSite.status ?? noSite.response?.status).toBe(401);
});

test("the README's 5-line script prints the demo's definitions with the key", async () => {
  const script = fs.readFileSync(SCRIPT, 'utf8').trim();
  expect(script.split('\n')).toHaveLength(5);
  expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(script);
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], { cwd: ROOT, env: { ...process.env, LOCAL_WIX_URL: stack.baseUrl, LOCAL_WIX_API_KEY: stack.apiKey } });
  expect(stdout.trim().split('\n').sort()).toEqual([
    'Backstage: 0 left', 'Festival Pass: 50 left', 'General Admission: 3 left', 'Standing (unlimited): unlimited left', 'VIP Lounge: 20 left',
  ]);
});
