// Headless Chromium for browser tests: Chromium shipped inside the @sparticuz/chromium npm package,
// so `npm ci && npm test` needs nothing else; CHROMIUM_PATH (e.g. /usr/bin/chromium) overrides it.
import { chromium as playwright, type Browser } from 'playwright-core';

const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launchBrowser(): Promise<Browser> {
  if (process.env.CHROMIUM_PATH) {
    return playwright.launch({ executablePath: process.env.CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', ...QUIET_FLAGS] });
  }
  const { default: chromium } = await import('@sparticuz/chromium');
  return playwright.launch({ executablePath: await chromium.executablePath(), headless: true, args: [...chromium.args, ...QUIET_FLAGS] });
}
