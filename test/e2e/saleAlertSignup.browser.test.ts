// The "notify me when tickets go on sale" sign-up on the demo page, end to end: the built element and
// page code in headless Chromium, the subscribeToSaleAlerts web method in the Velo host (cold, as on
// Wix), then the site owner moves the VIP sale start to the past and the alert lands in the local
// inbox exactly once. (Site code runs on real time, so the sale is moved rather than the clock.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ticketDefinitionsV2 } from '@wix/events';
import type { Stack } from '../../local-wix/stack.js';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { findDemoDefinitions } from '../../local-wix/demo/seed.js';
import { launchBrowser } from '../support/browser.js';
import { adminFetch } from '../../local-wix/local-key.js';

let stack: Stack;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const EMAIL = 'page-fan@example.com';
const inbox = async (to: string) => {
  const b = (await (await adminFetch(`${stack.baseUrl}/_local/inbox?to=${encodeURIComponent(to)}`)).json()) as any;
  return (b.messages ?? b.emails ?? b.items ?? b) as any[];
};

beforeAll(async () => {
  stack = await startTestStack('e2e-signup', { seed: true });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${stack.baseUrl}/`);
  await page.waitForSelector('html[data-velo="ready"]');
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signup = () => page.locator('#saleAlertSignup');
const status = () => signup().locator('[role=status]');

describe('sale-alert sign-up on the demo page', () => {
  it('sits next to the VIP Lounge counter, as a labelled form', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.veloError)).toBeUndefined();
    expect(await page.evaluate(() => document.getElementById('counterFuture')!.closest('.ticket')!.nextElementSibling!.contains(document.getElementById('saleAlertSignup')))).toBe(true);
    await expect.poll(() => signup().getByLabel('Email').count()).toBe(1);
    expect(await signup().getByRole('button', { name: 'Notify me when tickets go on sale' }).count()).toBe(1);
    expect(await status().getAttribute('aria-live')).toBe('polite');
  });

  it('a bad address is refused in the page, before any web method call', async () => {
    await signup().getByLabel('Email').fill('not-an-email');
    await signup().getByRole('button').click();
    expect(await status().textContent()).toBe('Please enter a valid email address.');
  });

  it('a visitor signs up and sees the success text', async () => {
    await signup().getByLabel('Email').fill(EMAIL);
    await signup().getByRole('button').click();
    await expect.poll(() => status().textContent(), { timeout: 10_000 }).toBe("You're on the list. We'll email you when tickets go on sale.");
    // Signing up again is the same subscription, and reads the same.
    await signup().getByRole('button').click();
    await expect.poll(() => signup().getAttribute('result'), { timeout: 10_000 }).toContain('"requestId":2');
    expect(await status().textContent()).toBe("You're on the list. We'll email you when tickets go on sale.");
    expect(pageErrors).toEqual([]);
  });

  it('when the owner moves the VIP sale start to the past, the email lands in the inbox exactly once', async () => {
    expect(await inbox(EMAIL)).toHaveLength(0);
    const vip: any = (await findDemoDefinitions(stack.baseUrl)).get('VIP Lounge');
    const owner = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
    await owner.ticketDefinitionsV2.updateTicketDefinition(vip._id, { revision: vip.revision, salePeriod: { startDate: new Date(Date.now() - 60_000), displayNotOnSale: true } });
    await expect.poll(async () => (await inbox(EMAIL)).length, { timeout: 15_000, interval: 200 }).toBe(1);
    // The hourly guarantee runs too: nothing is sent again.
    expect((await adminFetch(`${stack.baseUrl}/_local/jobs/sweepSaleAlerts/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const sent = await inbox(EMAIL);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain('VIP Lounge');
  });
});
