// The owner's control room end to end: the built <control-room> element and its page code on the
// local dashboard page in headless Chromium, the admin web methods in the Velo host (cold, as on
// Wix), a signed-REST receiver as the sync target. The page renders with empty collections; the
// owner adds the mapping preset, runs a dry run (the plan, nothing written) and a sync; the target
// stops, a change fails until it is a dead letter with its error; the target starts again, Retry
// delivers it and the count drops. Visitors are refused by every web method behind the page.
import { adminFetch } from '../../local-wix/local-key.js';
import { confirmSignupFromInbox } from '../../local-wix/demo/confirmSignup.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { items } from '@wix/data';
import { ticketDefinitionsV2 } from '@wix/events';
import { startStack, type Stack } from '../../local-wix/stack.js';
import { ADMIN, VISITOR, createLocalClient } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { DEMO, findDemoDefinitions, seedDemo } from '../../local-wix/demo/seed.js';
import { loginUrl } from '../../local-wix/site/owner-session.js';
import { CONTROL_ROOM_PATH } from '../../local-wix/site/site-module.js';
import { exportNames } from '../../local-wix/site/web-method-stubs.js';
import { launchBrowser } from '../support/browser.js';
import { SignedRestReceiver } from '../vendors/signedRestReceiver.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TARGET = 'hooks';
const SECRET = `whsec_${Buffer.from('control-room-test-signing-key-32b').toString('base64')}`;
let stack: Stack;
let dataDir: string;
let receiver: SignedRestReceiver;
let receiverPort: number;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let cms: ReturnType<typeof createLocalClient<{ items: typeof items }>>;

const room = () => page.locator('#controlRoom');
const section = (name: string) => room().getByRole('region', { name });
const status = () => room().locator('[role=status]');
const post = async (p: string, body: unknown, auth?: string | null) => {
  const res = await adminFetch(`${stack.baseUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};
const openRoom = async () => {
  await page.goto(loginUrl(stack.baseUrl, stack.ownerKey, CONTROL_ROOM_PATH));
  await page.waitForSelector('html[data-velo="ready"]', { timeout: 20_000 });
  expect(await page.evaluate(() => document.documentElement.dataset.veloError)).toBeUndefined();
};
const outboxRow = async () => (await cms.items.query('SyncOutbox').eq('targetId', TARGET).find({ consistentRead: true })).items[0] as any;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-control-room-'));
  receiver = new SignedRestReceiver(SECRET);
  await receiver.start();
  receiverPort = Number(new URL(receiver.baseUrl).port);
  fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ 'SYNC_HOOKS_SECRET': SECRET }));
  stack = await startStack({ port: 0, dataDir, seed: false, cold: true, scheduleJobs: false });
  cms = createLocalClient(stack.baseUrl, { items }, ADMIN);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await receiver?.close().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the control room dashboard page', () => {
  it('is for the site owner only: without the login the page answers 401', async () => {
    expect((await fetch(`${stack.baseUrl}${CONTROL_ROOM_PATH}`)).status).toBe(401);
    expect((await fetch(loginUrl(stack.baseUrl, 'wrong-key-0000000000', CONTROL_ROOM_PATH), { redirect: 'manual' })).status).toBe(403);
  });

  it('renders each section with empty collections', async () => {
    await openRoom();
    for (const name of ['Sync', 'Sale alerts', 'Counters']) expect(await section(name).getByRole('heading', { level: 2, name }).count()).toBe(1);
    await expect.poll(() => section('Sync').textContent()).toContain('Sync targets: none yet');
    expect(await section('Sync').textContent()).toContain('Dead letters (0): none');
    expect(await section('Sync').textContent()).toContain('No reconcile has run yet');
    expect(await section('Sale alerts').textContent()).toContain('Events with subscribers: none yet');
    expect(await section('Sale alerts').textContent()).toContain('No sweep has sent alerts yet.');
    expect(await section('Counters').textContent()).toContain('Live counters: none yet');
    expect(await section('Counters').textContent()).toContain('The repair job has not run yet.');
    // Labelled controls and a polite live region.
    expect(await section('Sale alerts').getByLabel('Send a test alert to').count()).toBe(1);
    expect(await section('Sync').getByLabel('Show').count()).toBe(1);
    expect(await status().getAttribute('aria-live')).toBe('polite');
    expect(pageErrors).toEqual([]);
  });

  it('refuses visitors and members in every admin web method behind the page', async () => {
    // Wherever the build puts them under src/backend (their path is the web module's name).
    const backend = path.join(ROOT, 'src/backend');
    const all = (fs.readdirSync(backend, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/'));
    const files = ['dashboard.web.js', 'sync.web.js', 'setup.web.js'].map((f) => all.find((p) => p === f || p.endsWith(`/${f}`))!);
    expect(files.every(Boolean)).toBe(true);
    let checked = 0;
    for (const file of files) {
      const names = exportNames(fs.readFileSync(path.join(backend, file), 'utf8'));
      expect(names.length).toBeGreaterThan(0);
      for (const fn of names) {
        for (const auth of [null, tokenFor(VISITOR), tokenFor({ role: 'SITE_MEMBER', id: 'member-1' })]) {
          const r = await post(`/_webMethods/${file}/${fn}`, { args: [{}] }, auth);
          expect(r.status, `${file}/${fn} as ${auth ?? 'anonymous'}`).toBe(403);
          expect(JSON.stringify(r.body)).toContain('requires Permissions.Admin');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3 * 12);
    // The page's owner session, and an admin token, pass the same check.
    expect((await post('/_webMethods/dashboard.web.js/controlRoomCounters', { args: [{}] }, tokenFor(ADMIN))).status).toBe(200);
  });

  it('adds the mapping preset from the page, then a dry run shows the plan and writes nothing', async () => {
    await seedDemo(stack.baseUrl);
    await cms.items.insert('SyncTargets', { _id: TARGET, title: 'Box office', kind: 'signedRest', baseUrl: receiver.baseUrl, secretName: 'SYNC_HOOKS_SECRET', enabled: true, deleteBehaviour: 'deactivate', options: { templates: { list: '' } } });
    await cms.items.insert('SyncEventMappings', { _id: 'jazz', targetId: TARGET, eventId: DEMO.eventId, externalEventId: 'jazz-2026', enabled: true });
    await openRoom();
    const sync = section('Sync');
    // No field mappings yet: the target is paused, and the page says why.
    await expect.poll(() => sync.textContent()).toContain('paused: Sync target hooks has no field mappings');
    expect(await sync.textContent()).toContain('SYNC_HOOKS_SECRET');
    expect(await sync.textContent()).not.toContain(SECRET);
    await sync.getByRole('button', { name: 'Add the mapping preset to hooks' }).click();
    await expect.poll(() => status().textContent(), { timeout: 10_000 }).toMatch(/Mapping preset signedRest for hooks: \d+ rows added, 0 already mapped\./);
    // The dashboard's toast shows the same result.
    await expect.poll(() => page.locator('#local-wix-dashboard-toasts .local-wix-toast').first().textContent()).toMatch(/Mapping preset signedRest/);
    await expect.poll(() => sync.textContent()).not.toContain('paused');

    await sync.getByRole('button', { name: `Dry run of event ${DEMO.eventId} to hooks` }).click();
    const plan = sync.locator('[data-part=plan] table');
    await expect.poll(() => plan.count(), { timeout: 10_000 }).toBe(1);
    expect(await plan.locator('caption').textContent()).toBe(`Dry run: event ${DEMO.eventId} to hooks (nothing written)`);
    const defs = await findDemoDefinitions(stack.baseUrl);
    const rows = await plan.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(defs.size);
    for (const [name, d] of defs) expect(rows.some((r) => r.startsWith('create') && r.includes(d._id!) && r.includes(name))).toBe(true);
    expect(await status().textContent()).toMatch(new RegExp(`Dry run of ${DEMO.eventId} to hooks: create ${defs.size}, .*Nothing was written\\.`));
    expect(receiver.stats.requests).toBe(0);
    expect((await cms.items.query('SyncLinks').find({ consistentRead: true })).items).toHaveLength(0);
  });

  it('syncs the event now, showing progress until it finishes', async () => {
    const sync = section('Sync');
    await sync.getByRole('button', { name: `Sync event ${DEMO.eventId} to hooks now` }).click();
    await expect.poll(() => sync.locator('[data-part=progress]').getAttribute('data-state'), { timeout: 20_000 }).toBe('done');
    expect(await sync.locator('[data-part=progress]').textContent()).toMatch(/^Finished: event .* to hooks, \d+ calls?, create 5/);
    expect(receiver.tickets.size).toBe(5);
    await expect.poll(() => sync.textContent()).toContain('5 active');
  });

  it('a stopped target: a change becomes a dead letter with its error; started again, Retry delivers it and the count drops', async () => {
    await receiver.close();
    const ga: any = (await findDemoDefinitions(stack.baseUrl)).get('General Admission');
    const defsApi = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
    await defsApi.ticketDefinitionsV2.updateTicketDefinition(ga._id, { revision: ga.revision, name: 'General Admission+' });
    await stack.host.idle();
    // The delivery failed and waits for its retry.
    await expect.poll(async () => (await outboxRow())?.attempt ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    const failing = await outboxRow();
    expect(failing.state).toBe('pending');
    expect(failing.lastError).toMatch(/^network: PUT .*fetch failed/);
    // 24 hours of failures pass (the outbox dead-letters a change still failing after 24 h): the
    // row's first failure is moved back a day and the hourly job tries once more.
    await cms.items.update('SyncOutbox', { ...failing, firstFailureAt: new Date(Date.now() - 25 * 3600_000).toISOString(), nextAttemptAt: new Date(Date.now() - 1000).toISOString() });
    expect((await post('/_local/jobs/syncHourly/run', {})).status).toBe(200);
    await expect.poll(async () => (await outboxRow())?.state, { timeout: 10_000 }).toBe('dead');

    const sync = section('Sync');
    await sync.getByRole('button', { name: 'Reload the Sync section' }).click();
    await expect.poll(() => sync.textContent(), { timeout: 10_000 }).toContain('Dead letters (1)');
    const deadRow = sync.locator('[data-part=outbox] tbody tr');
    expect(await deadRow.count()).toBe(1);
    const text = await deadRow.textContent();
    expect(text).toContain(ga._id);
    expect(text).toMatch(/network: PUT .*fetch failed \(still failing after 24 h\)/);
    expect(await sync.textContent()).toContain('1 dead');
    expect(await sync.textContent()).toContain('Last reconcile');

    await receiver.start(receiverPort);
    // Keyboard: focus the row's Retry button and press Enter.
    const retry = deadRow.getByRole('button', { name: `Retry the dead letter of ${ga._id} to hooks` });
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toBe('Re-queued 1, delivered 1, will retry 0, dead again 0; 0 dead letters left.');
    await expect.poll(() => sync.textContent()).toContain('Dead letters (0): none');
    expect(await sync.textContent()).toContain('0 dead');
    expect(await outboxRow()).toBeUndefined();
    const ticket = [...receiver.tickets.values()].find((t) => t.body.wixDefinitionId === ga._id);
    expect(ticket?.body.name).toBe('General Admission+');
    expect(pageErrors).toEqual([]);
  });
});

describe('sync now across calls', () => {
  it('shows progress per call, stops after the current call, and resumes where it stopped', async () => {
    // A slow system (3 s an answer) and an event with 16 definitions: one call (8 s budget, 4
    // deliveries at a time) cannot deliver them all.
    const slow = new SignedRestReceiver(SECRET);
    await slow.start();
    try {
      const ev = await post('/_local/events', { title: 'Big night', timeZoneId: 'UTC', startDate: new Date(Date.now() + 90 * 86400_000).toISOString(), endDate: new Date(Date.now() + 91 * 86400_000).toISOString() }, tokenFor(ADMIN));
      expect(ev.status, JSON.stringify(ev.body)).toBeLessThan(300);
      const eventId = String(ev.body.id ?? ev.body.event?.id);
      const defsApi = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
      for (let i = 1; i <= 16; i++) {
        await defsApi.ticketDefinitionsV2.createTicketDefinition({ eventId, name: `Seat ${i}`, feeType: 'FEE_INCLUDED', initialLimit: 10, pricingMethod: { fixedPrice: { value: '5.00', currency: 'USD' } } } as never);
      }
      await stack.host.idle();
      await cms.items.insert('SyncTargets', { _id: 'slow', title: 'Slow box office', kind: 'signedRest', baseUrl: slow.baseUrl, secretName: 'SYNC_HOOKS_SECRET', enabled: true, options: { templates: { list: '' } } });
      await cms.items.insert('SyncEventMappings', { _id: 'big', targetId: 'slow', eventId, externalEventId: 'big-night', enabled: true });
      expect((await post('/_webMethods/sync.web.js/addSyncMappingPreset', { args: [{ targetId: 'slow' }] }, tokenFor(ADMIN))).status).toBe(200);
      slow.delayMs = 3000;
      await openRoom();
      const sync = section('Sync');
      const progress = sync.locator('[data-part=progress]');
      await sync.getByRole('button', { name: `Sync event ${eventId} to slow now` }).click();
      await expect.poll(() => progress.getAttribute('data-state')).toBe('running');
      await sync.getByRole('button', { name: 'Stop the sync after the current call' }).click();
      expect(await progress.getAttribute('data-state')).toBe('stopping');
      await expect.poll(() => progress.getAttribute('data-state'), { timeout: 20_000 }).toBe('stopped');
      const first = slow.tickets.size;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(16);
      expect(await progress.textContent()).toContain(`Stopped: event ${eventId} to slow, 1 call, create ${first}`);
      expect(await status().textContent()).toContain('stopped after 1 call');
      // Stopped means no further call: nothing more arrives.
      await new Promise((r) => setTimeout(r, 500));
      expect(slow.tickets.size).toBe(first);

      await sync.getByRole('button', { name: `Resume the sync of event ${eventId}` }).click();
      await expect.poll(() => progress.getAttribute('data-state'), { timeout: 40_000 }).toBe('done');
      expect(await progress.textContent()).toMatch(new RegExp(`^Finished: event ${eventId} to slow, \\d+ calls?, create 16`));
      // Resumed, not restarted: every definition exactly once on the target.
      const ids = [...slow.tickets.values()].map((t) => t.body.wixDefinitionId);
      expect(ids).toHaveLength(16);
      expect(new Set(ids).size).toBe(16);
      expect(pageErrors).toEqual([]);
    } finally {
      await slow.close();
    }
  }, 90_000);
});

describe('sale alerts and counters from the control room', () => {
  it('shows the event with its subscriptions and next sale; runs the sweep; sends a test alert to the owner; refreshes the counters', async () => {
    const sub = await post('/_webMethods/alerts.web.js/subscribeToSaleAlerts', { args: [{ email: 'fan@example.com', eventId: DEMO.eventId }] });
    expect(sub.body?.result).toEqual({ ok: true, outcome: 'confirmation_sent' });
    await confirmSignupFromInbox(stack.baseUrl, 'fan@example.com');
    await openRoom();
    const alerts = section('Sale alerts');
    const row = alerts.locator('tbody tr').filter({ hasText: DEMO.eventId });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('1 confirmed, 0 pending, 0 unsubscribed');
    expect(await row.textContent()).not.toContain('none scheduled'); // the VIP sale starts in 30 days
    expect(await row.textContent()).toContain('0 sent');
    // The row's collection opens in the CMS.
    const link = row.getByRole('link', { name: '1 confirmed' });
    expect(await link.getAttribute('href')).toBe('/_local/cms/SaleAlertSubscriptions');
    // Opened as the owner's browser opens a link (a navigation, which the local surface lets through);
    // left open: closing a page of the single-process Chromium can take the browser down with it.
    const cmsPage = await browser.newPage();
    expect((await cmsPage.goto(`${stack.baseUrl}/_local/cms/SaleAlertSubscriptions`))?.status()).toBe(200);

    await alerts.getByRole('button', { name: 'Run the sweep now' }).click();
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toMatch(/^Sweep (found no alert due|finished): 0 sent, 0 failed\.$/);
    await expect.poll(() => page.locator('#local-wix-dashboard-toasts .local-wix-toast[data-type=success]').filter({ hasText: 'Sweep' }).count()).toBeGreaterThan(0);

    await alerts.getByLabel('Send a test alert to').fill('owner@example.com');
    expect(await alerts.getByLabel('for event').inputValue()).toBe(DEMO.eventId);
    await alerts.getByLabel('Send a test alert to').press('Enter');
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toBe('Test alert sent to owner@example.com (5 tickets).');
    const mail = (await (await adminFetch(`${stack.baseUrl}/_local/inbox?to=owner@example.com`)).json()) as { emails: unknown[] };
    expect(mail.emails).toHaveLength(1);
    expect(JSON.stringify(mail.emails[0])).toContain('VIP Lounge');
    // A test alert is not a delivery to a subscriber.
    expect((await cms.items.query('SaleAlertDeliveries').find({ consistentRead: true })).items).toHaveLength(0);

    const counters = section('Counters');
    await counters.getByRole('button', { name: 'Refresh all now' }).click();
    await expect.poll(() => status().textContent(), { timeout: 15_000 }).toMatch(/^Counters refreshed: \d+ definitions, 0 failed\.$/);
    await expect.poll(() => counters.textContent()).toContain('Last repair (from this page)');
    expect(pageErrors).toEqual([]);
  });

  it('a bad test alert address is refused with the reason, in the live region and a toast', async () => {
    const alerts = section('Sale alerts');
    await alerts.getByLabel('Send a test alert to').fill('nobody');
    await alerts.getByRole('button', { name: 'Send test alert' }).click();
    await expect.poll(() => status().textContent(), { timeout: 10_000 }).toContain('sendTestSaleAlert: email must be an email address');
    // Up to 3 toasts show at once; the earlier ones leave after 6 s, so this one may wait in the queue.
    await expect.poll(() => page.locator('#local-wix-dashboard-toasts .local-wix-toast[data-type=error]').filter({ hasText: 'email must be an email address' }).count(), { timeout: 15_000 }).toBe(1);
  });
});

describe('text from the CMS', () => {
  it('is shown as text, never as HTML', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">Evil <b>box</b>';
    await cms.items.insert('SyncTargets', { _id: 'evil', title: evil, kind: 'signedRest', baseUrl: 'https://example.com/hooks', secretName: 'SYNC_EVIL_SECRET', enabled: false });
    const sync = section('Sync');
    await sync.getByRole('button', { name: 'Reload the Sync section' }).click();
    await expect.poll(() => sync.textContent()).toContain(evil);
    expect(await room().locator('img, b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await sync.textContent()).toContain('disabled');
  });
});
