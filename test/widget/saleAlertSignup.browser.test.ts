// The built <sale-alert-signup> and its page binding (src/public, what Wix serves) in real Chromium.
// The web method is a stand-in module resolved through an import map, as Wix resolves `backend/…`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';

const publicDir = path.resolve(import.meta.dirname, '../../src/public');
const widgetFile = path.join(publicDir, 'custom-elements/sale-alert-signup.js');
const bindingFile = path.join(publicDir, 'sale-alert-signup-binding.js');
let browser: Browser;
let page: Page;

// The stand-in web method answers with whatever the test put in window.answer, and records its calls.
const webMethodStub = `
export async function subscribeToSaleAlerts(input) {
  (window.calls ??= []).push(input);
  const a = window.answer;
  if (a instanceof Error) throw a;
  return typeof a === 'function' ? a(input) : a;
}`;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  const asModule = (code: string) => `data:text/javascript,${encodeURIComponent(code)}`;
  const importMap = { imports: {
    'backend/alerts.web': asModule(webMethodStub),
    'public/sale-alert-signup-binding.js': asModule(fs.readFileSync(bindingFile, 'utf8')),
  } };
  await page.setContent(`<html><head><script type="importmap">${JSON.stringify(importMap)}</script></head><body></body></html>`);
  await page.addScriptTag({ content: fs.readFileSync(widgetFile, 'utf8'), type: 'module' });
  await page.addScriptTag({ content: `import { bindSaleAlertSignups } from 'public/sale-alert-signup-binding.js'; window.bindSaleAlertSignups = bindSaleAlertSignups;`, type: 'module' });
  await page.waitForFunction(() => !!customElements.get('sale-alert-signup') && !!(window as any).bindSaleAlertSignups);
});
afterAll(async () => { await browser?.close(); });

/** Mounts a fresh element; `bound` wires it to the stand-in web method through the real binding, with a minimal `$w`. */
async function mount(attrs: Record<string, string>, bound = false): Promise<void> {
  await page.evaluate(({ a, bound }) => {
    document.body.innerHTML = '';
    (window as any).calls = [];
    (window as any).events = [];
    const el = document.createElement('sale-alert-signup');
    el.id = 's';
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
    el.addEventListener('alert-subscribe', (e) => (window as any).events.push((e as CustomEvent).detail));
    document.body.appendChild(el);
    if (bound) {
      const $w = (sel: string) => {
        const node = document.querySelector(sel)!;
        return { on: (n: string, h: (e: Event) => void) => node.addEventListener(n, h), setAttribute: (k: string, v: string) => node.setAttribute(k, v) };
      };
      (window as any).bindSaleAlertSignups($w, ['#s']);
    }
  }, { a: attrs, bound });
}
const status = () => page.locator('#s [role=status]');
const events = () => page.evaluate(() => (window as any).events as any[]);
const calls = () => page.evaluate(() => (window as any).calls as any[]);
const setAnswer = (a: unknown) => page.evaluate((v) => { (window as any).answer = v; }, a);
async function submit(email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Notify me when tickets go on sale' }).click();
}
const setResult = (json: string) => page.evaluate((j) => document.getElementById('s')!.setAttribute('result', j), json);

describe('<sale-alert-signup>', () => {
  it('is a real form: a labelled email field, the button, a polite status', async () => {
    await mount({ 'event-id': 'ev-1' });
    expect(await page.locator('#s form').count()).toBe(1);
    const input = page.getByLabel('Email');
    expect(await input.getAttribute('type')).toBe('email');
    expect(await input.getAttribute('autocomplete')).toBe('email');
    expect(await page.getByRole('button', { name: 'Notify me when tickets go on sale' }).getAttribute('type')).toBe('submit');
    expect(await status().getAttribute('aria-live')).toBe('polite');
    expect(await input.getAttribute('aria-describedby')).toBe(await status().getAttribute('id'));
    expect(await status().textContent()).toBe('');
  });

  it('refuses an email that is not one, without asking page code', async () => {
    await mount({ 'event-id': 'ev-1' });
    for (const bad of ['', 'fan', 'fan@', 'fan@example', 'fan @example.com', '@example.com']) {
      await submit(bad);
      expect(await status().textContent(), bad).toBe('Please enter a valid email address.');
    }
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await page.getByLabel('Email').getAttribute('id'));
    expect(await events()).toEqual([]);
  });

  it('dispatches alert-subscribe with the email, event and channels (submitting with Enter works too)', async () => {
    await mount({ 'event-id': '6d3f9a2e-4b1c-4e8a-9f27-5c0d2026a001', locale: 'de-AT' });
    await page.getByLabel('Email').fill('  fan@example.com ');
    await page.getByLabel('Email').press('Enter');
    expect(await events()).toEqual([{ email: 'fan@example.com', eventId: '6d3f9a2e-4b1c-4e8a-9f27-5c0d2026a001', channels: ['email'], locale: 'de-AT', requestId: 1 }]);
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBeNull();
    expect(await status().textContent()).toBe('Signing you up…');
    // While waiting, a second submission sends nothing more (Playwright's click would wait for aria-disabled to go).
    await page.locator('#s form').evaluate((f) => (f as HTMLFormElement).requestSubmit());
    expect(await events()).toHaveLength(1);
    expect(await page.getByRole('button').getAttribute('aria-disabled')).toBe('true');
  });

  it('every message can be worded by the site owner (text-* attributes), e.g. in the site\'s language', async () => {
    await mount({
      'event-id': 'ev-1', label: 'E-Mail', button: 'Benachrichtigen', 'text-sending': 'Wird gesendet…', 'text-subscribed': 'Sie stehen auf der Liste.',
      'text-invalid': 'Bitte eine gültige E-Mail-Adresse eingeben.', 'text-failed': 'Das hat nicht geklappt.', 'text-rate-limited': 'Zu viele Versuche, bitte in {minutes} Min. erneut.',
    });
    expect(await page.locator('#s label').textContent()).toBe('E-Mail');
    expect(await page.getByRole('button').textContent()).toBe('Benachrichtigen');
    const submit = async (email: string) => {
      await page.getByLabel('E-Mail').fill(email);
      await page.getByRole('button', { name: 'Benachrichtigen' }).click();
    };
    await submit('not-an-email');
    expect(await status().textContent()).toBe('Bitte eine gültige E-Mail-Adresse eingeben.');
    const cases: [object, string][] = [
      [{ ok: true, outcome: 'subscribed' }, 'Sie stehen auf der Liste.'],
      [{ ok: false, reason: 'rate_limited', retryAfterSeconds: 1800 }, 'Zu viele Versuche, bitte in 30 Min. erneut.'],
      [{ ok: false, reason: 'error' }, 'Das hat nicht geklappt.'],
    ];
    for (const [result, text] of cases) {
      await submit('fan@example.com');
      expect(await status().textContent()).toBe('Wird gesendet…');
      const { requestId } = (await events()).at(-1);
      await setResult(JSON.stringify({ ...result, requestId }));
      expect(await status().textContent(), JSON.stringify(result)).toBe(text);
    }
  });

  it('shows each answer as friendly text', async () => {
    await mount({ 'event-id': 'ev-1' });
    const cases: [object, string][] = [
      [{ ok: true, outcome: 'subscribed' }, "You're on the list. We'll email you when tickets go on sale."],
      // Any success reads the same (the web method answers one outcome for new and known addresses;
      // an outcome this page does not know, say from a newer backend, is still a success).
      [{ ok: true, outcome: 'something-newer' }, "You're on the list. We'll email you when tickets go on sale."],
      [{ ok: false, reason: 'invalid' }, 'Please enter a valid email address.'],
      [{ ok: false, reason: 'rate_limited', retryAfterSeconds: 1800 }, 'Too many tries, try again in 30 minutes.'],
      [{ ok: false, reason: 'rate_limited', retryAfterSeconds: 20 }, 'Too many tries, try again in 1 minute.'],
      [{ ok: false, reason: 'error' }, 'Something went wrong. Please try again in a moment.'],
    ];
    for (const [result, text] of cases) {
      await submit('fan@example.com');
      const { requestId } = (await events()).at(-1);
      await setResult(JSON.stringify({ ...result, requestId }));
      expect(await status().textContent(), JSON.stringify(result)).toBe(text);
      expect(await page.getByRole('button').getAttribute('aria-disabled')).toBeNull();
    }
  });

  it('ignores answers to another submission, invalid answers, and answers nobody asked for', async () => {
    await mount({ 'event-id': 'ev-1' });
    await setResult('{"ok":true}');
    expect(await status().textContent()).toBe('');
    await submit('fan@example.com');
    await setResult('{"ok":true,"requestId":99}');
    await setResult('not json');
    await setResult('{"outcome":"subscribed"}');
    expect(await status().textContent()).toBe('Signing you up…');
    await setResult('{"ok":true,"requestId":1}');
    expect(await status().textContent()).toBe("You're on the list. We'll email you when tickets go on sale.");
  });

  it('takes label and button text from attributes, as text only, and never inserts data as HTML', async () => {
    await mount({ 'event-id': 'ev-1', label: '<img src=x onerror="window.pwned=1">Your email', button: '<b>Tell me</b>' });
    expect(await page.locator('#s label').textContent()).toBe('<img src=x onerror="window.pwned=1">Your email');
    expect(await page.locator('#s button').textContent()).toBe('<b>Tell me</b>');
    await page.locator('#s input').fill('<img src=x onerror="window.pwned=2">@example.com');
    await page.locator('#s button').click();
    await page.locator('#s input').fill('fan@example.com');
    await page.locator('#s button').click();
    await setResult(JSON.stringify({ ok: false, reason: '<img src=x onerror="window.pwned=3">', requestId: 1 }));
    expect(await page.locator('#s img, #s b').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
    await page.evaluate(() => document.getElementById('s')!.setAttribute('label', 'E-Mail'));
    expect(await page.locator('#s label').textContent()).toBe('E-Mail');
  });

  it('without an event-id it asks nothing and says something went wrong', async () => {
    await mount({});
    await submit('fan@example.com');
    expect(await events()).toEqual([]);
    expect(await status().textContent()).toBe('Something went wrong. Please try again in a moment.');
  });

  it('stays small', () => {
    const gz = zlib.gzipSync(fs.readFileSync(widgetFile)).length;
    const gzBinding = zlib.gzipSync(fs.readFileSync(bindingFile)).length;
    console.log(`sale-alert-signup.js: ${fs.statSync(widgetFile).size} B, ${gz} B gzipped; binding ${gzBinding} B gzipped`);
    expect(gz).toBeLessThan(2048);
    expect(gzBinding).toBeLessThan(1024);
  });
});

describe('bindSaleAlertSignups', () => {
  it('calls subscribeToSaleAlerts with email only and answers the element', async () => {
    await mount({ 'event-id': '6d3f9a2e-4b1c-4e8a-9f27-5c0d2026a001', locale: 'en-US' }, true);
    await setAnswer({ ok: true, outcome: 'subscribed' });
    await submit('fan@example.com');
    await expect.poll(() => status().textContent()).toBe("You're on the list. We'll email you when tickets go on sale.");
    expect(await calls()).toEqual([{ email: 'fan@example.com', eventId: '6d3f9a2e-4b1c-4e8a-9f27-5c0d2026a001', channels: ['email'], locale: 'en-US' }]);
    expect(JSON.parse((await page.locator('#s').getAttribute('result'))!)).toEqual({ ok: true, outcome: 'subscribed', requestId: 1 });
  });

  it('maps the web method answers: a bad address, rate limits, a misconfigured page, a failed call', async () => {
    await mount({ 'event-id': 'ev-1' }, true);
    const cases: [unknown, string][] = [
      [{ ok: false, reason: 'invalid', issues: ['email Invalid email address'] }, 'Please enter a valid email address.'],
      [{ ok: false, reason: 'rate_limited', retryAfterSeconds: 3000 }, 'Too many tries, try again in 50 minutes.'],
      // A bad event-id is the page's setup, not the visitor's to fix.
      [{ ok: false, reason: 'invalid', issues: ['eventId must be an event ID'] }, 'Something went wrong. Please try again in a moment.'],
    ];
    for (const [answer, text] of cases) {
      await setAnswer(answer);
      await submit('fan@example.com');
      await expect.poll(() => status().textContent(), { message: JSON.stringify(answer) }).toBe(text);
    }
    await page.evaluate(() => { (window as any).answer = new Error('Web method alerts.web.js/subscribeToSaleAlerts failed with HTTP 500'); });
    await submit('fan@example.com');
    await expect.poll(() => status().textContent()).toBe('Something went wrong. Please try again in a moment.');
    // Issues from the web method never reach the element.
    expect(await page.locator('#s').getAttribute('result')).not.toContain('issues');
  });
});
