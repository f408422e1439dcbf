// The built <ticket-counter> (src/public/custom-elements/ticket-counter.js, what Wix serves) in real Chromium.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';

const widgetFile = path.resolve(import.meta.dirname, '../../src/public/custom-elements/ticket-counter.js');
let browser: Browser;
let page: Page;

const snap = (over: Record<string, unknown> = {}) => JSON.stringify({
  definitionId: 'def-1', pricePointKey: 'fixed', label: 'General Admission', price: '25.00', currency: 'USD',
  unsold: 3, sold: 2, limit: 5, soldOut: false, saleStatus: 'SALE_STARTED', saleStart: null, saleEnd: null, hidden: false,
  readAt: '2026-11-26T12:00:00.000Z', ...over,
});

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent('<html><body></body></html>');
  await page.addScriptTag({ content: fs.readFileSync(widgetFile, 'utf8'), type: 'module' });
  await page.waitForFunction(() => !!customElements.get('ticket-counter'));
});
afterAll(async () => { await browser?.close(); });

async function mount(attrs: Record<string, string>): Promise<void> {
  await page.evaluate((a) => {
    document.body.innerHTML = '';
    const el = document.createElement('ticket-counter');
    el.id = 'c';
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
    document.body.appendChild(el);
  }, attrs);
}
const text = () => page.locator('#c [part=text]').textContent();
const setSnapshot = (json: string) => page.evaluate((j) => document.getElementById('c')!.setAttribute('snapshot', j), json);

describe('<ticket-counter>', () => {
  it('shows a neutral state until data arrives, then the count, politely announced', async () => {
    await mount({ 'definition-id': 'def-1', 'price-point': 'fixed' });
    expect(await text()).toBe('Checking ticket availability…');
    expect(await page.locator('#c [role=status]').getAttribute('aria-live')).toBe('polite');
    await setSnapshot(snap());
    expect(await text()).toBe('Only 3 tickets left at $25.00');
    expect(await page.locator('#c').getAttribute('data-state')).toBe('low');
  });

  it('follows newer snapshots and never goes back to an older read', async () => {
    await mount({ 'definition-id': 'def-1' });
    await setSnapshot(snap({ unsold: 1, readAt: '2026-11-26T12:00:02.000Z' }));
    expect(await text()).toBe('Only 1 ticket left at $25.00');
    await setSnapshot(snap({ unsold: 3, readAt: '2026-11-26T12:00:01.000Z' }));
    expect(await text()).toBe('Only 1 ticket left at $25.00');
    await setSnapshot(snap({ unsold: 0, soldOut: true, readAt: '2026-11-26T12:00:03.000Z' }));
    expect(await text()).toBe('Sold out');
  });

  it('of two reads in flight together, keeps the one with fewer tickets left, whichever arrives last', async () => {
    // Sent 12:00:01.100 and answered .160; the other sent .120 (later) and answered .140, but taken first.
    const early = snap({ unsold: 2, readAt: '2026-11-26T12:00:01.100Z', answeredAt: '2026-11-26T12:00:01.160Z' });
    const late = snap({ unsold: 3, readAt: '2026-11-26T12:00:01.120Z', answeredAt: '2026-11-26T12:00:01.140Z' });
    for (const order of [[early, late], [late, early]]) {
      await mount({ 'definition-id': 'def-1' });
      for (const j of order) await setSnapshot(j);
      expect(await text()).toBe('Only 2 tickets left at $25.00');
    }
    // A read sent after both were answered wins, even with more left (a cancellation).
    await setSnapshot(snap({ unsold: 4, readAt: '2026-11-26T12:00:01.200Z', answeredAt: '2026-11-26T12:00:01.230Z' }));
    expect(await text()).toBe('Only 4 tickets left at $25.00');
  });

  it('uses the template, threshold and locale attributes', async () => {
    await mount({ 'definition-id': 'def-1', template: 'Nur noch {count} zu {price}', threshold: '50%', locale: 'de-DE' });
    await setSnapshot(snap({ unsold: 2, limit: 4, currency: 'EUR', price: '1234.50' }));
    expect(await text()).toBe('Nur noch 2 Tickets zu 1.234,50\u00a0€');
    await mount({ 'definition-id': 'def-1', threshold: '1' });
    await setSnapshot(snap({ unsold: 3 }));
    expect(await text()).toBe('3 tickets left at $25.00');
  });

  it('every state has its own sentence attribute, for sites in other languages', async () => {
    const german = {
      'definition-id': 'def-1', locale: 'de-DE', 'time-zone': 'Europe/Berlin', 'text-checking': 'Verfügbarkeit wird geprüft…',
      template: 'Nur noch {count} zu {price}', 'template-available': 'Noch {count} zu {price}', 'template-unlimited': 'Tickets zu {price}',
      'template-sold-out': 'Ausverkauft', 'template-not-on-sale': 'Vorverkauf ab {start}', 'template-ended': 'Verkauf beendet',
    };
    await mount(german);
    expect(await text()).toBe('Verfügbarkeit wird geprüft…');
    const cases: [Record<string, unknown>, string][] = [
      [{ unsold: 40, limit: 50 }, 'Noch 40 Tickets zu 25,00\u00a0$'],
      [{ unsold: 2 }, 'Nur noch 2 Tickets zu 25,00\u00a0$'],
      [{ unsold: null, limit: null }, 'Tickets zu 25,00\u00a0$'],
      [{ unsold: 0, soldOut: true }, 'Ausverkauft'],
      [{ saleStatus: 'SALE_SCHEDULED', saleStart: '2099-12-24T18:00:00.000Z' }, 'Vorverkauf ab 24. Dez. 2099, 19:00 MEZ'],
      [{ saleStatus: 'SALE_ENDED' }, 'Verkauf beendet'],
    ];
    let second = 0;
    for (const [over, expected] of cases) {
      await setSnapshot(snap({ ...over, readAt: `2026-11-26T12:00:${String(++second).padStart(2, '0')}.000Z` }));
      expect(await text()).toBe(expected);
    }
  });

  it('ignores snapshots of other definitions or price points, and invalid data', async () => {
    await mount({ 'definition-id': 'def-1', 'price-point': 'Regular' });
    await setSnapshot(snap({ pricePointKey: 'option:a', label: 'Early bird' }));
    await setSnapshot(snap({ definitionId: 'def-2', pricePointKey: 'option:b', label: 'Regular' }));
    await setSnapshot('{"not":"a snapshot"}');
    await setSnapshot(snap({ pricePointKey: 'option:b', label: 'Regular', unsold: -4 }));
    expect(await text()).toBe('Checking ticket availability…');
    await setSnapshot(snap({ pricePointKey: 'option:b', label: 'Regular', price: '55.00', unsold: 40, limit: 50 }));
    expect(await text()).toBe('40 tickets left at $55.00');
  });

  it('screen readers hear a new state at once and count changes at most every 10 s, ending on the latest', async () => {
    // A page of its own with a controllable clock (left open: closing a page can end the
    // single-process Chromium that the other tests share; the browser closes after the file).
    const p = await browser.newPage();
    {
      await p.clock.install({ time: new Date('2026-11-26T12:00:00Z') });
      await p.setContent('<html><body></body></html>');
      await p.addScriptTag({ content: fs.readFileSync(widgetFile, 'utf8'), type: 'module' });
      await p.waitForFunction(() => !!customElements.get('ticket-counter'));
      await p.evaluate(() => {
        const el = document.createElement('ticket-counter');
        el.id = 'c';
        el.setAttribute('definition-id', 'def-1');
        el.setAttribute('threshold', '1');
        document.body.appendChild(el);
      });
      const feed = (over: Record<string, unknown>, second: number) => p.evaluate((j) => document.getElementById('c')!.setAttribute('snapshot', j), snap({ ...over, readAt: `2026-11-26T12:00:${String(second).padStart(2, '0')}.000Z` }));
      const spoken = () => p.locator('#c [role=status]').textContent();
      const seen = () => p.locator('#c [part=text]').textContent();
      expect(await p.locator('#c [part=text]').getAttribute('aria-hidden')).toBe('true');
      await feed({ unsold: 40, limit: 50 }, 1);
      expect(await spoken()).toBe('40 tickets left at $25.00'); // neutral → available: a new state
      await feed({ unsold: 39, limit: 50 }, 2);
      await feed({ unsold: 38, limit: 50 }, 3);
      expect(await seen()).toBe('38 tickets left at $25.00');
      expect(await spoken()).toBe('40 tickets left at $25.00'); // same state: held back
      await p.clock.runFor(10_000);
      expect(await spoken()).toBe('38 tickets left at $25.00'); // the latest, once the interval has passed
      await feed({ unsold: 0, limit: 50, soldOut: true }, 4);
      expect(await spoken()).toBe('Sold out'); // a new state: at once
    }
  });

  it('never inserts data as HTML', async () => {
    await mount({ 'definition-id': 'def-1', template: '<img src=x onerror="window.pwned=1">{count}' });
    await setSnapshot(snap({ label: '<b>bold</b>' }));
    expect(await page.locator('#c img').count()).toBe(0);
    expect(await text()).toBe('<img src=x onerror="window.pwned=1">3 tickets');
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  });

  it('shows a future sale with its start time, and hides hidden definitions', async () => {
    await mount({ 'definition-id': 'def-1', 'time-zone': 'UTC' });
    await setSnapshot(snap({ saleStatus: 'SALE_SCHEDULED', saleStart: '2099-12-24T18:00:00.000Z' }));
    expect(await text()).toBe('On sale Dec 24, 2099, 6:00 PM UTC');
    expect(await page.locator('#c').getAttribute('data-state')).toBe('notOnSale');
    await setSnapshot(snap({ hidden: true, readAt: '2026-11-26T13:00:00.000Z' }));
    expect(await page.locator('#c').evaluate((e) => (e as HTMLElement).hidden)).toBe(true);
  });

  it('a mistyped time zone falls back to UTC instead of breaking the counter', async () => {
    await mount({ 'definition-id': 'def-1', 'time-zone': 'Europe/Berln' });
    await setSnapshot(snap({ saleStatus: 'SALE_SCHEDULED', saleStart: '2099-12-24T18:00:00.000Z' }));
    expect(await text()).toBe('On sale Dec 24, 2099, 6:00 PM UTC');
    await mount({ 'definition-id': 'def-1', 'time-zone': '' });
    await setSnapshot(snap({ saleStart: '2020-01-01T00:00:00.000Z' }));
    expect(await text()).toBe('Only 3 tickets left at $25.00');
  });

  it('a percentage threshold counts exactly (29% of 100 is 29)', async () => {
    await mount({ 'definition-id': 'def-1', threshold: '29%' });
    await setSnapshot(snap({ unsold: 29, limit: 100 }));
    expect(await page.locator('#c').getAttribute('data-state')).toBe('low');
  });

  it('flips to "Sale ended" by itself when the sale ends with the page open', async () => {
    await mount({ 'definition-id': 'def-1' });
    const end = await page.evaluate(() => new Date(Date.now() + 400).toISOString());
    await setSnapshot(snap({ saleEnd: end }));
    expect(await page.locator('#c').getAttribute('data-state')).toBe('low');
    await page.waitForFunction(() => document.getElementById('c')!.dataset.state === 'ended', undefined, { timeout: 3000 });
  });

  it('a removed counter (price option or definition gone) goes back to the neutral state', async () => {
    await mount({ 'definition-id': 'def-1', 'price-point': 'fixed' });
    await setSnapshot(snap());
    await page.evaluate(() => document.getElementById('c')!.setAttribute('removed', 'def-1:option:other'));
    expect(await text()).toBe('Only 3 tickets left at $25.00');
    await page.evaluate(() => document.getElementById('c')!.setAttribute('removed', 'def-1:fixed'));
    expect(await text()).toBe('Checking ticket availability…');
  });

  it('switching price point forgets the shown one and asks page code again', async () => {
    await mount({ 'definition-id': 'def-1', 'price-point': 'fixed' });
    await setSnapshot(snap());
    const detail = await page.evaluate(() => new Promise((resolve) => {
      const el = document.getElementById('c')!;
      el.addEventListener('counter-ready', (e) => resolve((e as CustomEvent).detail));
      el.setAttribute('price-point', 'option:b');
    }));
    expect(detail).toEqual({ definitionId: 'def-1', pricePoint: 'option:b' });
    expect(await text()).toBe('Checking ticket availability…');
    await setSnapshot(snap({ pricePointKey: 'option:b', label: 'Regular', price: '55.00', unsold: 40, limit: 50 }));
    expect(await text()).toBe('40 tickets left at $55.00');
  });

  it('announces itself to page code with its definition', async () => {
    await mount({ 'definition-id': 'def-9', 'price-point': 'fixed' });
    const detail = await page.evaluate(() => new Promise((resolve) => {
      const el = document.getElementById('c')!;
      el.addEventListener('counter-ready', (e) => resolve((e as CustomEvent).detail));
      el.setAttribute('ping', '1');
    }));
    expect(detail).toEqual({ definitionId: 'def-9', pricePoint: 'fixed' });
  });

  it('stays small', () => {
    const gz = zlib.gzipSync(fs.readFileSync(widgetFile)).length;
    console.log(`ticket-counter.js: ${fs.statSync(widgetFile).size} B, ${gz} B gzipped`);
    expect(gz).toBeLessThan(4096);
  });
});
