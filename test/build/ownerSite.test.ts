// Installing the package into a site that already has code (test/fixtures/owner-site): after
// `npm run build` the owner's files are there byte for byte outside the ticket-flows blocks, the local
// Velo host runs the owner's handlers and the package's side by side, and `npm run build -- --remove`
// leaves the site exactly as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collections, items } from '@wix/data';
import { applyPlan, planBuild, splitBlock, BEGIN, END, MANIFEST } from '../../scripts/build-velo.js';
import { startStack, type Stack } from '../../local-wix/stack.js';
import { dataQueriesServed } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/owner-site');
/** The package's jobs, in the order of its source jobs.config (they follow the owner's). */
const PACKAGE_JOBS = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../backend/velo/jobs.config'), 'utf8')) as { jobs: { functionName: string }[] }).jobs.map((j) => j.functionName);

/** Every file below dir, relative path → bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const abs = path.join(dir, f);
    if (fs.statSync(abs).isFile()) out.set(f.split(path.sep).join('/'), fs.readFileSync(abs));
  }
  return out;
}

let site: string;
let before: Map<string, Buffer>;
beforeAll(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'owner-site-'));
  fs.cpSync(FIXTURE, site, { recursive: true });
  before = snapshot(site);
  applyPlan(site, await planBuild(site));
});
afterAll(() => fs.rmSync(site, { recursive: true, force: true }));

describe('npm run build on a site with its own code', () => {
  it('keeps every owner file byte for byte outside the ticket-flows blocks', () => {
    const after = snapshot(site);
    const merged = ['src/backend/events.js', 'src/backend/data.js', 'src/backend/http-functions.js', 'src/backend/realtime-permissions.js'];
    for (const [f, bytes] of before) {
      if (f === 'src/backend/jobs.config') continue;
      const now = after.get(f)!.toString('utf8');
      if (merged.includes(f)) {
        expect(now.startsWith(BEGIN), f).toBe(true);
        expect(splitBlock(now, f).owner, f).toBe(bytes.toString('utf8'));
      } else {
        expect(now, f).toBe(bytes.toString('utf8'));
      }
    }
  });

  it('keeps the owner\'s job in jobs.config as written and adds the package\'s after it', () => {
    const owner = before.get('src/backend/jobs.config')!.toString('utf8');
    const now = fs.readFileSync(path.join(site, 'src/backend/jobs.config'), 'utf8');
    const ownerEntry = owner.slice(owner.indexOf('        {'), owner.indexOf('        }') + 9);
    expect(now).toContain(ownerEntry);
    const jobs = JSON.parse(now).jobs as { functionLocation: string; functionName: string }[];
    expect(jobs.map((j) => j.functionName)).toEqual(['nightlyReport', ...PACKAGE_JOBS]);
    expect(jobs.slice(1).every((j) => j.functionLocation === '/ticket-flows/velo/jobs.js')).toBe(true);
  });

  it('lists what it generated in the manifest, and a second build writes nothing', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(site, MANIFEST), 'utf8'));
    for (const f of manifest.generated) expect(fs.existsSync(path.join(site, f)), f).toBe(true);
    for (const f of before.keys()) expect(manifest.generated, f).not.toContain(f);
    expect(applyPlan(site, await planBuild(site)).written).toEqual([]);
  });
});

describe('the owner\'s handlers and the package\'s run on the local Velo host', () => {
  let stack: Stack;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'owner-stack-'));
    stack = await startStack({ port: 0, dataDir, siteDir: path.join(site, 'src'), cold: true, scheduleJobs: false, seed: false, pages: [] });
  });
  afterAll(async () => { await stack.close(); fs.rmSync(dataDir, { recursive: true, force: true }); });

  it('events: the owner\'s wixMembers_onMemberCreated and the package\'s wixEvents_onOrderConfirmed', async () => {
    const before = dataQueriesServed(stack);
    stack.host.dispatchEvent('wixMembers_onMemberCreated', { contactId: 'c-1' });
    stack.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: 'o-1', eventId: '0f6b1c2e-8a4d-4c3b-9e71-2d5a6b7c8d01', tickets: [{ ticketNumber: 't-1', ticketDefinitionId: '0f6b1c2e-8a4d-4c3b-9e71-2d5a6b7c8d02' }] });
    await stack.host.idle();
    expect(stack.hub.published.filter((m) => m.channel.name === 'owner-events').map((m) => m.payload)).toEqual([{ handler: 'wixMembers_onMemberCreated', text: 'Hello, c-1!' }]);
    const runs = stack.host.log.recent.filter((r) => r.kind === 'event');
    expect(runs.map((r) => [r.name, r.ok])).toEqual([['wixMembers_onMemberCreated', true], ['wixEvents_onOrderConfirmed', true]]);
    // The package's handler did its work: it looked up the counter's read schedule in its own collection
    // (an order with tickets; one without any has nothing to refresh).
    expect(dataQueriesServed(stack)).toBeGreaterThan(before);
  });

  it('data hooks: the owner\'s on Reviews and the package\'s on TicketCounters', async () => {
    const c = createLocalClient(stack.baseUrl, { items, collections }, ADMIN);
    await c.collections.createDataCollection({ _id: 'Reviews', fields: [{ key: 'title', type: 'TEXT' as never }], permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as never });
    expect(await c.items.insert('Reviews', { title: '  Great show ' })).toMatchObject({ title: 'Great show', checkedBy: 'owner hook' });
    await c.items.insert('TicketCounters', { _id: 'def-1:fixed', definitionId: 'def-1', eventId: 'ev-1', pricePointKey: 'fixed', label: 'GA', price: '25.00', currency: 'USD', unsold: 3, sold: 7, limit: 10, soldOut: false, saleStatus: 'SALE_STARTED', hidden: false, readAt: '2026-01-01T00:00:00.000Z', revision: '1' });
    await stack.host.idle();
    expect(stack.hub.published.some((m) => m.channel.name === 'ticket-counters' && m.channel.resourceId === 'def-1')).toBe(true);
  });

  it('jobs: the owner\'s nightlyReport and the package\'s repairCounters', async () => {
    expect(stack.host.jobs.map((j) => j.functionName)).toEqual(['nightlyReport', ...PACKAGE_JOBS]);
    expect(await stack.host.runJob('nightlyReport')).toEqual({ report: 'Hello, owner!' });
    expect(await stack.host.runJob('repairCounters')).toMatchObject({ complete: true });
  });

  it('HTTP functions: the owner\'s get_hello and the package\'s saleAlertUnsubscribe', async () => {
    const hello = await fetch(`${stack.baseUrl}/_functions/hello?name=Ada`);
    expect(await hello.json()).toEqual({ hello: 'Ada' });
    const unsubscribe = await fetch(`${stack.baseUrl}/_functions/saleAlertUnsubscribe?s=nope&t=nope`);
    expect(unsubscribe.headers.get('content-type')).toMatch(/text\/html/);
    expect(unsubscribe.status).toBeGreaterThanOrEqual(400);
  });

  it('realtime: the package answers for its channel, the owner\'s rule for theirs', async () => {
    const visitor = { id: 'v', type: 'Visitor' as const }, member = { id: 'm', type: 'Member' as const };
    expect(await stack.host.checkRealtimePermission({ name: 'ticket-counters', resourceId: 'def-1' }, visitor)).toEqual({ read: true });
    expect(await stack.host.checkRealtimePermission({ name: 'owner-chat' }, visitor)).toEqual({ read: false });
    expect(await stack.host.checkRealtimePermission({ name: 'owner-chat' }, member)).toEqual({ read: true });
    expect(await stack.host.checkRealtimePermission({ name: 'elsewhere' }, member)).toEqual({ read: false });
  });
});

describe('npm run build -- --remove', () => {
  it('leaves the owner\'s site exactly as it was before the install', async () => {
    applyPlan(site, await planBuild(site, { remove: true }));
    const after = snapshot(site);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [f, bytes] of before) expect(after.get(f)!.equals(bytes), f).toBe(true);
  });

  it('installs again from there', async () => {
    applyPlan(site, await planBuild(site));
    expect(fs.readFileSync(path.join(site, 'src/backend/events.js'), 'utf8')).toContain(END);
    applyPlan(site, await planBuild(site, { remove: true }));
    expect(snapshot(site).size).toBe(before.size);
  });
});
