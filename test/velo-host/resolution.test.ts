import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { ADMIN } from '../../local-wix/sdk-client.js';
import { veloModules } from '../../local-wix/velo-host/modules/index.js';
import { callWebMethod, collect, FIXTURE_SITE, startFixture } from './fixture.js';

let f: Awaited<ReturnType<typeof startFixture>> | null = null;
let tmp: string | null = null;
afterEach(async () => {
  await f?.close(); f = null;
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = null;
  vi.restoreAllMocks();
});

function siteWith(files: Record<string, string>) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'velo-site-'));
  fs.cpSync(FIXTURE_SITE, tmp, { recursive: true });
  for (const [name, src] of Object.entries(files)) fs.writeFileSync(path.join(tmp, 'backend', name), src);
  return tmp;
}

test('the host provides these Velo modules', () => {
  expect(Object.keys(veloModules).sort()).toEqual(['wix-auth', 'wix-cache-backend', 'wix-crm-backend', 'wix-events.v2', 'wix-http-functions', 'wix-realtime-backend', 'wix-secrets-backend', 'wix-web-module']);
});

test('an unknown wix-* module fails loudly, naming the module and the importer', async () => {
  f = await startFixture({ siteDir: siteWith({ 'odd.web.js': "import wixData from 'wix-data';\nimport { webMethod, Permissions } from 'wix-web-module';\nexport const q = webMethod(Permissions.Anyone, () => 1);\n" }) });
  const r = await callWebMethod(f.baseUrl, 'odd.web.js', 'q', [], ADMIN);
  expect(r.status).toBe(500);
  expect(r.body.message).toMatch(/Velo module "wix-data" \(imported by backend\/odd\.web\.js\) is not provided/);
});

test('an unknown wix-* module in a natively loaded (top-level await) file fails loudly too', async () => {
  const dir = siteWith({
    'tla2.js': "import x from 'wix-nothing';\nawait 0;\nexport function job() { return 1; }\n",
    'jobs.config': JSON.stringify({ jobs: [{ functionLocation: '/tla2.js', functionName: 'job', executionConfig: { cronExpression: '0 * * * *' } }] }),
  });
  f = await startFixture({ siteDir: dir });
  vi.spyOn(console, 'error').mockImplementation(() => {});
  await expect(f.host.runJob('job')).rejects.toThrow(/Velo module "wix-nothing".*not provided/);
});

test('wix-events.v2 is the SDK package @wix/events (ticketDefinitionsV2 bound to the local Wix)', async () => {
  const seen: string[] = [];
  f = await startFixture({
    siteDir: siteWith({
      'defs.web.js': "import { ticketDefinitionsV2 } from 'wix-events.v2';\nimport { elevate } from 'wix-auth';\nimport { webMethod, Permissions } from 'wix-web-module';\n" +
        "export const get = webMethod(Permissions.Anyone, (id) => elevate(ticketDefinitionsV2.getTicketDefinition)(id, { fields: ['SALES_DETAILS'] }));\n",
    }),
    modules: [(ctx) => ctx.router.get('/events-ticket-definitions/v3/ticket-definitions/:id', (req) => {
      seen.push(`${req.headers.authorization} ${req.url.search}`);
      return { ticketDefinition: { id: req.params.id, name: 'GA', revision: '1' } };
    })],
  });
  const r = await callWebMethod(f.baseUrl, 'defs.web.js', 'get', ['d1']);
  expect(r.body.result).toMatchObject({ _id: 'd1', name: 'GA' });
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatch(/^LocalWix ADMIN site-owner \?.*fields=SALES_DETAILS/);
});

test('an edited site file is picked up on the next invocation', async () => {
  const dir = siteWith({ 'v.web.js': "import { webMethod, Permissions } from 'wix-web-module';\nexport const v = webMethod(Permissions.Anyone, () => 1);\n" });
  f = await startFixture({ siteDir: dir });
  expect((await callWebMethod(f.baseUrl, 'v.web.js', 'v', [])).body.result).toBe(1);
  const file = path.join(dir, 'backend/v.web.js');
  fs.writeFileSync(file, "import { webMethod, Permissions } from 'wix-web-module';\nexport const v = webMethod(Permissions.Anyone, () => 2);\n");
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(file, later, later);
  expect((await callWebMethod(f.baseUrl, 'v.web.js', 'v', [])).body.result).toBe(2);
});

test('realtime: publish reaches hub subscribers; resources are separate channels', async () => {
  f = await startFixture({ siteDir: siteWith({
    'rt.web.js': "import { publish } from 'wix-realtime-backend';\nimport { webMethod, Permissions } from 'wix-web-module';\n" +
      "export const send = webMethod(Permissions.Anyone, (c, p) => publish(c, p));\n",
  }) });
  const plain = collect(f.hub, 'counters');
  const res: unknown[] = [];
  f.hub.subscribe({ name: 'counters', resourceId: 'd1' }, (m) => res.push(m.payload));
  await callWebMethod(f.baseUrl, 'rt.web.js', 'send', [{ name: 'counters' }, { n: 1 }]);
  await callWebMethod(f.baseUrl, 'rt.web.js', 'send', [{ name: 'counters', resourceId: 'd1' }, { n: 2 }]);
  expect(plain.map((m) => m.payload)).toEqual([{ n: 1 }]);
  expect(res).toEqual([{ n: 2 }]);
});

test('realtime_check_permission decides subscriptions; without the file they are denied', async () => {
  f = await startFixture();
  expect(await f.host.checkRealtimePermission({ name: 'counters' }, { id: 'v', type: 'Visitor' })).toEqual({ read: true });
  expect(await f.host.checkRealtimePermission({ name: 'private' }, { id: 'v', type: 'Visitor' })).toEqual({ read: false });
  expect(await f.host.checkRealtimePermission({ name: 'private' }, { id: 'o', type: 'Admin' })).toEqual({ read: true });
  await f.close();
  const dir = siteWith({});
  fs.rmSync(path.join(dir, 'backend/realtime-permissions.js'));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  f = await startFixture({ siteDir: dir });
  expect(warn.mock.calls.some((c) => String(c[0]).includes('realtime-permissions.js is missing'))).toBe(true);
  expect(await f.host.checkRealtimePermission({ name: 'counters' }, { id: 'v', type: 'Visitor' })).toEqual({ read: false });
});
