// The local site in a real browser: page code runs on $w.onReady, custom elements get attributes,
// web methods answer, realtime messages arrive without reload, refused subscriptions get nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WixHttpError } from '../../local-wix/server/http.js';
import type { RealtimeSubscriber } from '../../local-wix/site/site-module.js';
import type { RealtimeChannel } from '../../local-wix/server/realtime.js';
import { launchBrowser } from './browser.js';
import { startLocalSite, type LocalSite } from './local-site.js';

let site: LocalSite;
let browser: Browser;
let page: Page;
const checks: { channel: RealtimeChannel; subscriber: RealtimeSubscriber }[] = [];
const webCalls: { file: string; fn: string; args: unknown[] }[] = [];

beforeAll(async () => {
  site = await startLocalSite({
    checkRealtimePermission: async (channel, subscriber) => {
      checks.push({ channel, subscriber });
      return { read: channel.name !== 'secret' };
    },
  });
  site.wix.router.post('/_webMethods/:file/:fn', (req) => {
    const args = (req.body as { args: unknown[] }).args;
    webCalls.push({ file: req.params.file!, fn: req.params.fn!, args });
    if (req.params.fn === 'getGreeting') return { result: `Hello, ${String(args[0])}` };
    throw WixHttpError.application(400, 'NOPE', 'nope from the backend');
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url + '/');
  await page.waitForFunction(() => document.documentElement.dataset.velo === 'ready', null, { timeout: 15_000 });
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe('local site page', () => {
  it('runs masterPage and page code on $w.onReady', async () => {
    expect(await page.textContent('#master')).toBe('master ran');
    expect(await page.textContent('#status')).toBe('page code ran (en-US, Desktop)');
    expect(await page.getAttribute('html', 'data-velo-error')).toBeNull();
  });

  it('places custom elements and passes attributes set through $w', async () => {
    expect(await page.evaluate(() => document.querySelector('wix-custom-element'))).toBeNull();
    expect(await page.textContent('test-counter#counter1')).toBe('label: THREE LEFT');
    expect(await page.textContent('test-counter#counter2')).toBe('label: 7');
  });

  it('delivers CustomEvents from the element to $w on() handlers', async () => {
    await page.click('#counter1');
    await page.click('#counter1');
    expect(await page.textContent('#status')).toBe('clicked 2');
  });

  it('calls web methods from page code and returns the value or the error message', async () => {
    expect(await page.textContent('#greeting')).toBe('Hello, Ada');
    expect(await page.textContent('#error')).toBe('error: nope from the backend');
    expect(webCalls).toContainEqual({ file: 'greeting.web.js', fn: 'getGreeting', args: ['Ada'] });
    const stub = await (await fetch(`${site.url}/_local/site/backend/greeting.web.js`)).text();
    expect(stub).toContain('export function alsoExported(');
    expect((await fetch(`${site.url}/_local/site/backend/missing.web`)).status).toBe(404);
  });

  it('checks subscriptions with realtime_check_permission as a visitor', async () => {
    expect(await page.textContent('#denied')).toMatch(/^denied: /);
    const visitors = new Set(checks.map((c) => `${c.subscriber.type}:${c.subscriber.id}`));
    expect(visitors.size).toBe(1);
    expect([...visitors][0]).toMatch(/^Visitor:[\w-]+$/);
    expect(checks.map((c) => c.channel)).toEqual(expect.arrayContaining([{ name: 'counters' }, { name: 'counters', resourceId: 'def-1' }, { name: 'secret' }]));
  });

  it('pushes realtime messages to the page without reload, channel and resource kept apart', async () => {
    await page.evaluate(() => { (window as any).__marker = 'same page'; });
    site.hub.publish({ name: 'counters' }, { unsold: 3 });
    site.hub.publish({ name: 'counters', resourceId: 'def-1' }, { unsold: 1 });
    site.hub.publish({ name: 'counters', resourceId: 'def-2' }, { unsold: 9 });
    site.hub.publish({ name: 'secret' }, { leaked: true });
    site.hub.publish({ name: 'temporary' }, { unsubscribed: true });
    await page.waitForFunction(() => (window as any).__messages.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const got = await page.evaluate(() => ({ marker: (window as any).__marker, messages: (window as any).__messages }));
    expect(got.marker).toBe('same page');
    expect(got.messages).toEqual([
      { on: 'channel', channel: { name: 'counters' }, payload: { unsold: 3 } },
      { on: 'resource', channel: { name: 'counters', resourceId: 'def-1' }, payload: { unsold: 1 } },
    ]);
  });

  it('serves public files and refuses paths outside the site folder', async () => {
    expect(await (await fetch(`${site.url}/public/shout.js`)).text()).toContain('toUpperCase');
    expect((await fetch(`${site.url}/public/..%2F..%2Fhome.html`)).status).toBe(404);
    expect((await fetch(`${site.url}/_local/site/pages/..%2Fbackend%2Fgreeting.web.js`)).status).toBe(404);
  });
});
