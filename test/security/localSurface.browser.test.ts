// The same attacks on the local Wix's surface, made by a real headless Chromium from a hostile page on
// another origin: a form that posts itself to the local CMS, a script reading an admin route, and DNS
// rebinding (the hostname `evil.test` is resolved to 127.0.0.1 by Chromium's --host-resolver-rules, as
// a rebinding DNS server would). The local site's own CMS form keeps working.
import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { items } from '@wix/data';
import { launchBrowser } from '../support/browser.js';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import type { Stack } from '../../local-wix/stack.js';

let stack: Stack;
let browser: Browser;
let evil: http.Server;
let evilPort: number;
let wixPort: number;

const item = (id: string) => JSON.stringify({ _id: id, title: id, kind: 'signedRest', baseUrl: 'https://tickets.example', secretName: 'SYNC_X' });

beforeAll(async () => {
  stack = await startTestStack('local-surface-browser', { seed: false });
  wixPort = Number(new URL(stack.baseUrl).port);
  const target = `http://127.0.0.1:${wixPort}`;
  evil = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (req.url === '/form') {
      res.end(`<form id="f" method="post" action="${target}/_local/cms/SyncTargets"><input name="op" value="save"><textarea name="item">${item('evil-form').replace(/"/g, '&quot;')}</textarea></form><script>document.getElementById('f').submit()</script>`);
    } else {
      res.end(`<script>
        window.results = Promise.all([
          fetch('${target}/_local/stats', { signal: AbortSignal.timeout(5000) }).then((r) => 'read ' + r.status, (e) => e.name === 'TimeoutError' ? 'timeout' : 'blocked'),
          fetch('${target}/_local/stats', { headers: { 'x-local-wix-key': 'guess' }, signal: AbortSignal.timeout(5000) }).then((r) => 'read ' + r.status, (e) => e.name === 'TimeoutError' ? 'timeout' : 'blocked'),
          fetch('${target}/_local/clock', { method: 'POST', mode: 'no-cors', body: '{"advanceMs":86400000}', signal: AbortSignal.timeout(5000) }).then(() => 'sent', (e) => e.name === 'TimeoutError' ? 'timeout' : 'blocked'),
        ]);
      </script>`);
    }
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilPort = (evil.address() as { port: number }).port;
  // With the same-origin policy on (the npm Chromium's defaults turn it off), as in a developer's browser.
  browser = await launchBrowser(['--host-resolver-rules=MAP evil.test 127.0.0.1'], { webSecurity: true });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => evil?.close(r));
  await stack?.close();
});

const owner = () => createLocalClient(stack.baseUrl, { items }, ADMIN).items;

test('a form on another site posting to the local CMS is refused and saves nothing', async () => {
  const page = await browser.newPage();
  const refused = page.waitForResponse((r) => r.url().includes('/_local/cms/SyncTargets'));
  await page.goto(`http://evil.test:${evilPort}/form`);
  expect((await refused).status()).toBe(403);
  expect(await owner().get('SyncTargets', 'evil-form', { consistentRead: true }).catch(() => null)).toBeNull();
  await page.close();
});

test('a script on another site can neither read the admin routes nor change them', async () => {
  const page = await browser.newPage();
  const before = ((await (await fetch(`${stack.baseUrl}/_local/clock`, { headers: { 'x-local-wix-key': stack.apiKey } })).json()) as { now: string }).now;
  await page.goto(`http://evil.test:${evilPort}/read`);
  expect(await page.evaluate(() => (window as any).results)).toEqual(['blocked', 'blocked', 'sent']);
  const after = ((await (await fetch(`${stack.baseUrl}/_local/clock`, { headers: { 'x-local-wix-key': stack.apiKey } })).json()) as { now: string }).now;
  // The no-cors POST reached the server and was refused: the clock did not jump a day.
  expect(new Date(after).getTime() - new Date(before).getTime()).toBeLessThan(3_600_000);
  await page.close();
});

test('DNS rebinding: the local Wix under another hostname answers nothing', async () => {
  const page = await browser.newPage();
  const front = await page.goto(`http://evil.test:${wixPort}/`);
  expect(front!.status()).toBe(403);
  const stats = await page.goto(`http://evil.test:${wixPort}/_local/stats`);
  expect(stats!.status()).toBe(403);
  expect(await stats!.text()).toContain('HOST_NOT_ALLOWED');
  await page.close();
});

test("the local site's own CMS form still saves (same origin)", async () => {
  const page = await browser.newPage();
  await page.goto(`${stack.baseUrl}/_local/cms/SyncTargets`);
  await page.fill('textarea[name=item]', item('own-form'));
  await Promise.all([page.waitForURL(/\/_local\/cms\/SyncTargets$/), page.click('button[value=save]')]);
  expect(await owner().get('SyncTargets', 'own-form', { consistentRead: true })).toMatchObject({ title: 'own-form' });
  await page.close();
});
