// Page-code side of the counter: for each <ticket-counter> on the page, fetch its snapshots once from
// the `getCounter` web method, then follow realtime pushes (new snapshots, and counters removed when a
// price option or the definition goes). After the realtime connection drops and comes back, pushes sent
// meanwhile are lost: the snapshots are fetched again. The widget never polls the Events API.
import { onConnected, onDisconnected, subscribe } from 'wix-realtime-frontend';
import { getCounter } from 'backend/counter.web';
import { counterChannel } from '../backend/core/counter/counterChannel.js';

interface CounterElement {
  on(event: string, handler: (e: { detail?: { definitionId?: unknown } }) => void): void;
  setAttribute(name: string, value: string): void;
}

export function bindTicketCounters($w: (selector: string) => CounterElement, selectors: string[]) {
  const byDefinition = new Map<string, Set<CounterElement>>();
  /** The latest snapshot per counter, to re-send when an element switches price point. */
  const latest = new Map<string, Map<string, string>>();
  const remember = (definitionId: string, snapshot: unknown): string => {
    const json = JSON.stringify(snapshot);
    const key = (snapshot as { _id?: unknown })?._id;
    if (typeof key === 'string') (latest.get(definitionId) ?? latest.set(definitionId, new Map()).get(definitionId)!).set(key, json);
    return json;
  };
  const feed = (definitionId: string, snapshot: unknown) => {
    const json = remember(definitionId, snapshot);
    for (const el of byDefinition.get(definitionId) ?? []) el.setAttribute('snapshot', json);
  };
  const removed = (definitionId: string, id: unknown) => {
    if (typeof id !== 'string') return;
    latest.get(definitionId)?.delete(id);
    for (const el of byDefinition.get(definitionId) ?? []) el.setAttribute('removed', id);
  };
  /** Fetches a definition's snapshots and gives them to `els` (the widget drops reads older than its own); returns their IDs. */
  const fetchInto = async (definitionId: string, els: Iterable<CounterElement>): Promise<Set<unknown>> => {
    const snapshots = (await getCounter({ definitionId })) as unknown[];
    for (const s of snapshots) {
      const json = remember(definitionId, s);
      for (const el of els) el.setAttribute('snapshot', json);
    }
    return new Set(snapshots.map((s) => (s as { _id?: unknown })?._id));
  };
  let dropped = false;
  onDisconnected(() => { dropped = true; });
  /** After a reconnect: fetch again, and forget counters that went while the page was not listening. */
  const refetch = async (definitionId: string, els: Set<CounterElement>) => {
    const before = [...(latest.get(definitionId)?.keys() ?? [])];
    const now = await fetchInto(definitionId, els);
    for (const id of before) if (!now.has(id)) removed(definitionId, id);
  };
  onConnected(() => {
    if (!dropped) return;
    dropped = false;
    for (const [definitionId, els] of byDefinition) {
      refetch(definitionId, els).catch((e) => console.warn(`Ticket counter ${definitionId}: ${(e as Error).message}`));
    }
  });
  for (const selector of selectors) {
    const el = $w(selector);
    el.on('counter-ready', async (event) => {
      const definitionId = event.detail?.definitionId;
      if (typeof definitionId !== 'string' || !definitionId) return;
      let els = byDefinition.get(definitionId);
      const first = !els;
      if (!els) byDefinition.set(definitionId, (els = new Set()));
      if (els.has(el)) {
        // Known element asking again (price point changed): it picks what it shows from these.
        for (const json of latest.get(definitionId)?.values() ?? []) el.setAttribute('snapshot', json);
        return;
      }
      els.add(el);
      try {
        // Subscribe before fetching so no change falls between the two; the widget drops older reads.
        if (first) {
          await subscribe(counterChannel(definitionId), (message) => {
            if (message.payload?.type === 'counter') feed(definitionId, message.payload.snapshot);
            if (message.payload?.type === 'removed') removed(definitionId, message.payload.id);
          });
        }
        await fetchInto(definitionId, [el]);
      } catch (e) {
        console.warn(`Ticket counter ${selector}: ${(e as Error).message}`);
      }
    });
    // The element may have announced itself before this handler existed: ask again.
    el.setAttribute('ping', String(Date.now()));
  }
}
