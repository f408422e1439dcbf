// The benchmarks' page of counters: open the local site's /bench page, wait until every counter shows
// a count, and record each text change the visitor sees (window.domSeen) with its time.
import type { Browser, Page } from 'playwright-core';

export async function openWatchedCounterPage(browser: Browser, baseUrl: string, timeoutMs: number): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/bench`);
  await page.waitForFunction(() => [...document.querySelectorAll('ticket-counter')].every((e) => (e as HTMLElement).dataset.state === 'available'), undefined, { timeout: timeoutMs });
  await page.evaluate(() => {
    (window as any).domSeen = [];
    for (const el of document.querySelectorAll('ticket-counter')) {
      const definitionId = el.getAttribute('definition-id');
      new MutationObserver(() => {
        const text = el.querySelector('[part=text]')?.textContent ?? '';
        const unsold = /sold out/i.test(text) ? 0 : Number((/([\d,]+) tickets?/.exec(text)?.[1] ?? 'NaN').replace(/,/g, ''));
        (window as any).domSeen.push({ definitionId, unsold, at: performance.timeOrigin + performance.now() });
      }).observe(el, { subtree: true, characterData: true, childList: true });
    }
  });
  return page;
}
