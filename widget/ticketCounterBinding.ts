// Page-code side of the counter: for each <ticket-counter> on the page, fetch its snapshots once from
// the `getCounter` web method, then follow realtime pushes. The widget never polls the Events API.
import { subscribe } from 'wix-realtime-frontend';
import { getCounter } from 'backend/counter.web';
import { counterChannel } from '../backend/core/counter/counterChannel.js';

interface CounterElement {
  on(event: string, handler: (e: { detail?: { definitionId?: unknown } }) => void): void;
  setAttribute(name: string, value: string): void;
}

export function bindTicketCounters($w: (selector: string) => CounterElement, selectors: string[]) {
  const byDefinition = new Map<string, Set<CounterElement>>();
  const feed = (definitionId: string, snapshot: unknown) => {
    const json = JSON.stringify(snapshot);
    for (const el of byDefinition.get(definitionId) ?? []) el.setAttribute('snapshot', json);
  };
  for (const selector of selectors) {
    const el = $w(selector);
    el.on('counter-ready', async (event) => {
      const definitionId = event.detail?.definitionId;
      if (typeof definitionId !== 'string' || !definitionId) return;
      let els = byDefinition.get(definitionId);
      const first = !els;
      if (!els) byDefinition.set(definitionId, (els = new Set()));
      if (els.has(el)) return;
      els.add(el);
      try {
        // Subscribe before fetching so no change falls between the two; the widget drops older reads.
        if (first) {
          await subscribe(counterChannel(definitionId), (message) => {
            if (message.payload?.type === 'counter') feed(definitionId, message.payload.snapshot);
          });
        }
        const snapshots = (await getCounter({ definitionId })) as unknown[];
        for (const s of snapshots) el.setAttribute('snapshot', JSON.stringify(s));
      } catch (e) {
        console.warn(`Ticket counter ${selector}: ${(e as Error).message}`);
      }
    });
    // The element may have announced itself before this handler existed: ask again.
    el.setAttribute('ping', String(Date.now()));
  }
}
