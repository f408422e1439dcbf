// `npm start` as the owner uses it: the printed Dashboard URL, opened in headless Chromium, shows the
// Sync, Sale alerts and Counters sections with the demo's data (the demo box office synced, a demo
// subscriber, the counters, one run of each hourly job).
import { DEMO } from '../../local-wix/demo/seed.js';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let dataDir: string;
let browser: Browser;
let output = '';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
  child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['local-wix/start.ts'], { cwd: ROOT, env: { ...process.env, PORT: '0', LOCAL_WIX_DATA_DIR: dataDir, LOCAL_WIX_COLD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => { output += String(d); });
  child.stderr!.on('data', (d) => { output += String(d); });
  const started = Date.now();
  while (!/Dashboard\s+http/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    if (Date.now() - started > 90_000) throw new Error(`no Dashboard URL printed: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints a Dashboard URL whose page shows the three sections with the demo data', async () => {
    const url = /Dashboard\s+(http\S+)/.exec(output)![1]!;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('html[data-velo="ready"]', { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.veloError)).toBeUndefined();
    const section = (name: string) => page.locator('control-room').getByRole('region', { name });
    const sync = await section('Sync').textContent();
    expect(sync).toContain('Demo box office');
    expect(sync).toContain('SYNC_DEMO_TICKETING_SECRET');
    expect(sync).toMatch(/5 active, 0 failed/);
    expect(sync).toMatch(/finished · .* · create 5/);
    expect(sync).toMatch(/complete; 1 event, 5 definitions compared, 0 fixed/);
    const alerts = await section('Sale alerts').textContent();
    expect(alerts).toContain(DEMO.eventId);
    expect(alerts).toContain('1 confirmed, 0 pending, 0 unsubscribed');
    const counters = await section('Counters').textContent();
    expect(counters).toContain('General Admission');
    expect(counters).toContain('Last repair (hourly job)');
    expect(errors).toEqual([]);
    // The secret's value never reaches the page.
    const secret = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).SYNC_DEMO_TICKETING_SECRET as string;
    expect(secret).toMatch(/^whsec_/);
    expect(await page.content()).not.toContain(secret);
  });
});
