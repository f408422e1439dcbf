// Headless Chromium for site tests: the browser shipped in @sparticuz/chromium, driven by playwright-core.
import chromium from '@sparticuz/chromium';
import { chromium as pw, type Browser } from 'playwright-core';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  return pw.launch({
    executablePath,
    headless: true,
    args: [...chromium.args, '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
