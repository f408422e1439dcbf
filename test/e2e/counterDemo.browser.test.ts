// The counter on the demo page, end to end: real site code (src/) in the Velo host (cold mode, as on
// Wix), the local Wix over HTTP, realtime over SSE, the widget in headless Chromium.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import type { Stack } from '../../local-wix/stack.js';
import { startTestStack } from '../support/testStack.js';
import { findDemoDefinitions } from '../../local-wix/demo/seed.js';
import { launchBrowser } from '../support/browser.js';
import { ticketDefinitionsV2 } from '@wix/events';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { adminFetch } from '../../local-wix/local-key.js';

let stack: Stack;
let browser: Browser;
let page: Page;
let defs: Map<string, any>;

beforeAll(async () => {
  stack = await startTestStack('e2e-counter', { seed: true });
  defs = await findDemoDefinitions(stack.baseUrl);
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${stack.baseUrl}/`);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The definition IDs a page's getCounters call asks for. */
const askedFor = (route: Route) => (route.request().postDataJSON() as { args: [{ definitionIds: string[] }] }).args[0].definitionIds;
const counterText = (id: string) => page.locator(`#${id} [part=text]`);
async function order(name: string, quantity: number, optionName?: string) {
  const d = defs.get(name)!;
  const optionId = optionName ? d.pricingMethod.pricingOptions.optionDetails.find((o: any) => o.name === optionName).optionId : undefined;
  return adminFetch(`${stack.baseUrl}/_local/checkout/orders`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: d.eventId, tickets: [{ ticketDefinitionId: d._id, optionId, quantity }] }),
  });
}

describe('live ticket counter on the demo page', () => {
  it('starts at "Only 3 tickets left at $25.00"', async () => {
    await expect.poll(() => counterText('counterFixed').textContent()).toBe('Only 3 tickets left at $25.00');
  });

  it('follows confirmed orders without reloading, down to sold out', async () => {
    const before = await page.evaluate(() => performance.timeOrigin);
    expect((await order('General Admission', 2)).status).toBe(200);
    await expect.poll(() => counterText('counterFixed').textContent(), { timeout: 5000 }).toBe('Only 1 ticket left at $25.00');
    expect((await order('General Admission', 1)).status).toBe(200);
    await expect.poll(() => counterText('counterFixed').textContent(), { timeout: 5000 }).toBe('Sold out');
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(before); // same document: no reload
  });

  it('an order beyond what is left is refused with the reason, and the counter stays', async () => {
    const res = await order('General Admission', 1);
    expect(res.status).toBe(409);
    expect(JSON.stringify(await res.json())).toMatch(/sold out|left/i);
    expect(await counterText('counterFixed').textContent()).toBe('Sold out');
  });

  it('price options show their own prices and share the definition limit', async () => {
    await expect.poll(() => counterText('counterOptionAdult').textContent()).toBe('50 tickets left at $40.00');
    expect(await counterText('counterOptionChild').textContent()).toBe('50 tickets left at $55.00');
    expect((await order('Festival Pass', 45, 'Early bird')).status).toBe(200);
    await expect.poll(() => counterText('counterOptionAdult').textContent(), { timeout: 5000 }).toBe('Only 5 tickets left at $40.00');
    await expect.poll(() => counterText('counterOptionChild').textContent(), { timeout: 5000 }).toBe('Only 5 tickets left at $55.00');
  });

  it('after the realtime connection drops, a change pushed meanwhile shows once the page reconnects', async () => {
    await expect.poll(() => counterText('counterOptionAdult').textContent()).toBe('Only 5 tickets left at $40.00');
    const drop = await adminFetch(`${stack.baseUrl}/_local/realtime/drop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ holdMs: 4000 }) });
    expect(await drop.json()).toEqual({ dropped: 1 });
    const festival = defs.get('Festival Pass')!._id;
    const pushedFour = () => stack.hub.published.some((m: any) => m.payload?.snapshot?.definitionId === festival && m.payload.snapshot.unsold === 4);
    expect((await order('Festival Pass', 1, 'Early bird')).status).toBe(200);
    await expect.poll(pushedFour, { timeout: 3500 }).toBe(true);
    // The push went out while the page had no connection, so it never reached the page.
    const open = await (await adminFetch(`${stack.baseUrl}/_local/realtime/connections`)).json() as { connections: unknown[] };
    expect(open.connections).toHaveLength(0);
    expect(await counterText('counterOptionAdult').textContent()).toBe('Only 5 tickets left at $40.00');
    // Reconnected: the binding fetches the snapshots again.
    await expect.poll(() => counterText('counterOptionAdult').textContent(), { timeout: 10_000 }).toBe('Only 4 tickets left at $40.00');
    expect(await counterText('counterOptionChild').textContent()).toBe('Only 4 tickets left at $55.00');
    // Pushes reach the page again.
    expect((await order('Festival Pass', 1, 'Early bird')).status).toBe(200);
    await expect.poll(() => counterText('counterOptionAdult').textContent(), { timeout: 5000 }).toBe('Only 3 tickets left at $40.00');
  });

  it('a price option removed while the page was not listening goes back to the neutral text after the reconnect', async () => {
    const owner = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
    const pass = await owner.ticketDefinitionsV2.getTicketDefinition(defs.get('Festival Pass')!._id);
    const regular = pass.pricingMethod!.pricingOptions!.optionDetails!.find((o) => o.name === 'Regular')!;
    const removedPushes = () => stack.hub.published.filter((m: any) => m.payload?.type === 'removed').length;
    const before = removedPushes();
    await adminFetch(`${stack.baseUrl}/_local/realtime/drop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ holdMs: 4000 }) });
    // The owner drops "Early bird"; the definition-updated event removes its counter and tells nobody listening.
    await owner.ticketDefinitionsV2.updateTicketDefinition(pass._id!, { revision: pass.revision, pricingMethod: { pricingOptions: { optionDetails: [{ optionId: regular.optionId, name: 'Regular', price: regular.price }] } } } as never);
    await expect.poll(() => removedPushes() > before, { timeout: 3500 }).toBe(true);
    expect(await counterText('counterOptionAdult').textContent()).toBe('Only 3 tickets left at $40.00');
    await expect.poll(() => counterText('counterOptionAdult').textContent(), { timeout: 10_000 }).toBe('Checking ticket availability…');
    expect(await counterText('counterOptionChild').textContent()).toBe('Only 3 tickets left at $55.00');
  });

  it('unlimited, not-yet-on-sale and sold-out counters show their own states', async () => {
    expect(await counterText('counterUnlimited').textContent()).toBe('Tickets available at $10.00');
    const vip = defs.get('VIP Lounge')!;
    const start = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(new Date(vip.salePeriod.startDate));
    expect(await counterText('counterFuture').textContent()).toBe(`On sale ${start}`);
    expect(await page.locator('#counterFuture').getAttribute('data-state')).toBe('notOnSale');
    expect(await counterText('counterSoldOut').textContent()).toBe('Sold out');
  });

  it('getCounters answers bad input with a typed refusal and never returns the raw definition', async () => {
    const call = (fn: string, args: unknown[]) => adminFetch(`${stack.baseUrl}/_webMethods/counter.web.js/${fn}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }),
    });
    const bad = await call('getCounter', [{ definitionId: '<script>' }]);
    expect(bad.status).toBe(200);
    expect((await bad.json() as { result: any }).result).toMatchObject({ ok: false, reason: 'invalid', issues: [expect.stringContaining('must be a ticket definition ID')] });
    const ids = ['General Admission', 'Festival Pass'].map((n) => defs.get(n)!._id);
    const good = await (await call('getCounters', [{ definitionIds: ids }])).json() as { result: { ok: boolean; counters: any[] } };
    expect(good.result.ok).toBe(true);
    expect([...new Set(good.result.counters.map((c) => c.definitionId))].sort()).toEqual([...ids].sort());
    for (const c of good.result.counters) {
      expect(Object.keys(c)).not.toContain('revision');
      // How many were sold and the event stay on the server: the widget shows neither.
      expect(Object.keys(c)).not.toContain('sold');
      expect(Object.keys(c)).not.toContain('eventId');
      expect(c).not.toHaveProperty('pricingMethod');
    }
  });
  it('a getCounters answer older than a push the page already showed does not take the count back', async () => {
    const late = await browser.newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let answer: (() => Promise<void>) | null = null;
    // The page's getCounters call for Festival Pass is answered now (the count before the order), but
    // delivered only after the push. (A slow machine may fetch the page's other counters in a call of their own.)
    const festival = defs.get('Festival Pass')!._id;
    await late.route('**/_webMethods/counter.web.js/getCounters', async (route) => {
      if (!askedFor(route).includes(festival)) return route.continue();
      const stale = await route.fetch();
      answer = () => route.fulfill({ response: stale });
      release();
    });
    await late.goto(`${stack.baseUrl}/`);
    await held;
    // Whichever Festival Pass option still shows a count (earlier tests removed one).
    let el = '';
    for (const id of ['counterOptionAdult', 'counterOptionChild']) if (/\d+ tickets? left/.test((await counterText(id).textContent()) ?? '')) el = id;
    expect(el).not.toBe('');
    const option = el === 'counterOptionAdult' ? 'Early bird' : 'Regular';
    const before = await counterText(el).textContent();
    expect((await order('Festival Pass', 1, option)).status).toBe(200);
    await expect.poll(() => counterText(el).textContent(), { timeout: 5000 }).not.toBe(before);
    const after = await counterText(el).textContent();
    const lateText = () => late.locator(`#${el} [part=text]`).textContent();
    await expect.poll(lateText, { timeout: 5000 }).toBe(after);
    await answer!();
    await late.waitForTimeout(300);
    expect(await lateText()).toBe(after);
    // Not closed: @sparticuz/chromium runs single-process, and closing a page can take the others with it.
    await late.unroute('**/_webMethods/counter.web.js/getCounters');
  });

  it('getCounters is answered from the web method cache, and a visible change clears it: the next call has the new count', async () => {
    const id = defs.get('Festival Pass')!._id;
    const call = async () => ((await (await adminFetch(`${stack.baseUrl}/_webMethods/counter.web.js/getCounters`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: [{ definitionIds: [id] }] }),
    })).json()) as { result: { counters: { unsold: number | null }[] } }).result.counters[0]!.unsold;
    const before = await call();
    const stats = (stack.host as any).webMethodCache.stats;
    const hits = stats.hits;
    expect(await call()).toBe(before);
    expect(stats.hits).toBe(hits + 1); // the second call did not run getCounters
    const option = (await counterText('counterOptionAdult').textContent())?.match(/\d+ tickets? left/) ? 'Early bird' : 'Regular';
    expect((await order('Festival Pass', 1, option)).status).toBe(200);
    // The refresh clears the cached answers at the end of its 2 s cache window; without that the cached
    // answer would stay for its TTL (60 s). Then it tells the definition's channel answers are newer now.
    await expect.poll(call, { timeout: 5000 }).toBe(before! - 1);
    await expect.poll(() => stack.hub.published.some((m) => m.channel.resourceId === id && (m.payload as any)?.type === 'cleared'), { timeout: 3000 }).toBe(true);
  });

  it('a page holding an answer read before a "cleared" message fetches the counters again; an older "cleared" costs no call', async () => {
    const d = defs.get('Festival Pass')!;
    // Earlier tests' refreshes may still be waiting for their cache window's end to send a real "cleared":
    // let them finish, so that the only "cleared" messages the page gets below are this test's.
    await stack.host.idle();
    // Whichever Festival Pass option still shows a count (earlier tests removed one).
    let el = '';
    for (const id of ['counterOptionAdult', 'counterOptionChild']) if (/\d+ tickets? left/.test((await counterText(id).textContent()) ?? '')) el = id;
    expect(el).not.toBe('');
    const truth = await counterText(el).textContent();
    // The page is answered with an old snapshot (as a cache filled before a change would) and missed the push.
    const fresh = await (await adminFetch(`${stack.baseUrl}/_webMethods/counter.web.js/getCounters`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: [{ definitionIds: [d._id] }] }),
    })).json() as { result: { counters: any[] } };
    const old = structuredClone(fresh);
    for (const c of old.result.counters) { c.unsold += 7; c.readAt = new Date(Date.parse(c.readAt) - 60_000).toISOString(); c.answeredAt = new Date(Date.parse(c.answeredAt) - 60_000).toISOString(); }
    const stalePage = await browser.newPage();
    // Only calls that ask for this definition count: on a slow machine the page's other counters may
    // announce themselves after the first call's 30 ms batch and be fetched in a call of their own.
    // Until the test's newer "cleared" message, every call is answered with the old snapshot, so that a
    // call made for any other reason (a realtime reconnect) cannot show the truth early.
    let calls = 0;
    let live = false;
    await stalePage.route('**/_webMethods/counter.web.js/getCounters', async (route) => {
      if (!askedFor(route).includes(d._id)) return route.continue();
      calls++;
      if (!live) return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(old) });
      return route.continue();
    });
    const sentFrom = stack.hub.published.length;
    await stalePage.goto(`${stack.baseUrl}/`);
    const text = () => stalePage.locator(`#${el} [part=text]`).textContent();
    // The old answer shows a count (7 more than the truth), not the text a page shows before any answer.
    await expect.poll(async () => { const t = await text(); return t !== truth && /\d+ tickets? left/.test(t ?? ''); }, { timeout: 5000 }).toBe(true);
    const before = calls;
    expect(before).toBeGreaterThanOrEqual(1);
    const older = new Date(Date.parse(old.result.counters[0].readAt) - 1000).toISOString();
    stack.hub.publish({ name: 'ticket-counters', resourceId: d._id }, { type: 'cleared', readAt: older });
    await stalePage.waitForTimeout(500);
    // If this fails, say whether the site itself sent this definition a "cleared" message meanwhile.
    const siteCleared = () => stack.hub.published.slice(sentFrom)
      .filter((m) => m.channel.resourceId === d._id && (m.payload as any)?.type === 'cleared' && (m.payload as any).readAt !== older).length;
    expect(calls, `"cleared" messages the site sent meanwhile: ${siteCleared()}`).toBe(before);
    live = true;
    stack.hub.publish({ name: 'ticket-counters', resourceId: d._id }, { type: 'cleared', readAt: new Date().toISOString() });
    await expect.poll(text, { timeout: 5000 }).toBe(truth);
    expect(calls).toBe(before + 1);
    await stalePage.unroute('**/_webMethods/counter.web.js/getCounters');
  });
});
