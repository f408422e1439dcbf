// Headless Chromium for browser tests: Chromium shipped inside the @sparticuz/chromium npm package,
// so `npm ci && npm test` needs nothing else; CHROMIUM_PATH (e.g. /usr/bin/chromium) overrides it.
import { chromium as playwright, type Browser } from 'playwright-core';

const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** @sparticuz/chromium's default flags turn the same-origin policy off (and run one process, which then crashes on a second origin); a test of that policy needs it on. */
const WEB_SECURITY_OFF = ['--disable-web-security', '--allow-running-insecure-content', '--single-process'];

/**
 * `extraArgs`: more Chromium flags, e.g. `--host-resolver-rules=…` to point a test hostname at 127.0.0.1.
 * `webSecurity: true` keeps CORS and the same-origin policy on, as in a developer's browser.
 */
export async function launchBrowser(extraArgs: string[] = [], opts: { webSecurity?: boolean } = {}): Promise<Browser> {
  if (process.env.CHROMIUM_PATH) {
    return playwright.launch({ executablePath: process.env.CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', ...QUIET_FLAGS, ...extraArgs] });
  }
  const { default: chromium } = await import('@sparticuz/chromium');
  const base = opts.webSecurity ? chromium.args.filter((a) => !WEB_SECURITY_OFF.includes(a)) : chromium.args;
  return playwright.launch({ executablePath: await chromium.executablePath(), headless: true, args: [...base, ...QUIET_FLAGS, ...extraArgs] });
}
