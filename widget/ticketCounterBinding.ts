// Page-code side of the counter: for each <ticket-counter> on the page, subscribe to its definition's
// realtime channel, then fetch the snapshots of every counter on the page in one `getCounters` call
// (cached by Wix, so a page view usually runs no backend code), then follow realtime pushes (new
// snapshots, counters removed when a price option or the definition goes, and "cleared": cached answers
// older than a read time were cleared, so a page holding an older one fetches again). After the realtime
// connection drops and comes back, pushes sent meanwhile are lost: the snapshots are fetched again.
// A fetched answer may be older than a push already shown (a cached answer, or a fetch that crossed a
// push): per counter, nothing older than the newest snapshot or removal the page has seen is passed on.
// The widget never polls the Events API.
import { onConnected, onDisconnected, subscribe } from 'wix-realtime-frontend';
import { getCounters } from 'backend/counter.web';
import { counterChannel } from '../backend/core/counter/counterChannel.js';
import { isNewerSnapshot, type ReadStamp } from '../backend/core/counter/counterSnapshot.js';
import { parseSnapshot } from './snapshotInput.js';

interface CounterElement {
  on(event: string, handler: (e: { detail?: { definitionId?: unknown } }) => void): void;
  setAttribute(name: string, value: string): void;
}

/** Elements that announce themselves within this long share one getCounters call. */
const BATCH_MS = 30;

interface Seen { readAt: number; stamp: ReadStamp | null; json: string | null }

export function bindTicketCounters($w: (selector: string) => CounterElement, selectors: string[]) {
  const byDefinition = new Map<string, Set<CounterElement>>();
  /** Per counter ID: the newest snapshot passed on (json) or a removal (json null), and its read time. */
  const seen = new Map<string, Map<string, Seen>>();
  const seenOf = (definitionId: string) => seen.get(definitionId) ?? seen.set(definitionId, new Map()).get(definitionId)!;
  const readAtOf = (snapshot: unknown) => Date.parse(String((snapshot as { readAt?: unknown })?.readAt ?? ''));

  /** The newest read time the page has seen for a definition's counters (-Infinity: none). */
  const newestOf = (definitionId: string) => Math.max(-Infinity, ...[...seenOf(definitionId).values()].map((s) => s.readAt));

  /** Passes a snapshot to `els` unless the page has seen a newer read (or a removal after it) for that counter. */
  const offer = (definitionId: string, snapshot: unknown, els: Iterable<CounterElement>) => {
    const key = (snapshot as { _id?: unknown })?._id;
    const readAt = readAtOf(snapshot);
    if (typeof key !== 'string' || Number.isNaN(readAt)) return;
    const json = JSON.stringify(snapshot);
    const stamp = parseSnapshot(json);
    // Not a snapshot the widget takes: the elements say why they ignore it; the page remembers nothing of it.
    if (!stamp) { for (const el of els) el.setAttribute('snapshot', json); return; }
    const known = seenOf(definitionId).get(key);
    if (known && (known.json === null ? readAt <= known.readAt : !isNewerSnapshot(stamp, known.stamp))) return;
    seenOf(definitionId).set(key, { readAt, stamp, json });
    for (const el of els) el.setAttribute('snapshot', json);
  };
  const removed = (definitionId: string, id: unknown) => {
    if (typeof id !== 'string') return;
    const known = seenOf(definitionId).get(id);
    seenOf(definitionId).set(id, { readAt: known?.readAt ?? 0, stamp: null, json: null });
    for (const el of byDefinition.get(definitionId) ?? []) el.setAttribute('removed', id);
  };

  /** One getCounters call for these definitions; each answer goes to every element of its definition. */
  const fetchCounters = async (definitionIds: string[], opts: { forgetGone?: boolean } = {}) => {
    if (!definitionIds.length) return;
    const answer = await getCounters({ definitionIds });
    if (!answer.ok) throw new Error(`invalid request: ${answer.issues.join('; ')}`);
    const byDef = new Map<string, unknown[]>();
    for (const s of answer.counters) {
      const id = (s as { definitionId?: unknown })?.definitionId;
      if (typeof id === 'string') (byDef.get(id) ?? byDef.set(id, []).get(id)!).push(s);
    }
    for (const definitionId of definitionIds) {
      const snaps = byDef.get(definitionId) ?? [];
      for (const s of snaps) offer(definitionId, s, byDefinition.get(definitionId) ?? []);
      if (!opts.forgetGone) continue;
      // After a reconnect: counters that went while the page was not listening. Only when this answer
      // is at least as new as what the page shows (a cached answer may predate a counter's creation).
      const newest = Math.max(-Infinity, ...snaps.map(readAtOf));
      const ids = new Set(snaps.map((s) => (s as { _id?: unknown })._id));
      for (const [id, known] of seenOf(definitionId)) if (known.json !== null && !ids.has(id) && newest >= known.readAt) removed(definitionId, id);
    }
  };

  let queued = new Set<string>();
  let flush: ReturnType<typeof setTimeout> | null = null;
  const request = (definitionId: string) => {
    queued.add(definitionId);
    flush ??= setTimeout(() => {
      const ids = [...queued];
      queued = new Set();
      flush = null;
      fetchCounters(ids).catch((e) => console.warn(`Ticket counters: ${(e as Error).message}`));
    }, BATCH_MS);
  };

  let dropped = false;
  onDisconnected(() => { dropped = true; });
  onConnected(() => {
    if (!dropped) return;
    dropped = false;
    fetchCounters([...byDefinition.keys()], { forgetGone: true }).catch((e) => console.warn(`Ticket counters: ${(e as Error).message}`));
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
        for (const s of seenOf(definitionId).values()) if (s.json !== null) el.setAttribute('snapshot', s.json);
        return;
      }
      els.add(el);
      try {
        // Subscribe before fetching so no change falls between the two; older reads are dropped above.
        if (first) {
          await subscribe(counterChannel(definitionId), (message) => {
            if (message.payload?.type === 'counter') offer(definitionId, message.payload.snapshot, byDefinition.get(definitionId) ?? []);
            if (message.payload?.type === 'removed') removed(definitionId, message.payload.id);
            if (message.payload?.type === 'cleared' && newestOf(definitionId) < readAtOf(message.payload)) request(definitionId);
          });
          request(definitionId);
        } else {
          for (const s of seenOf(definitionId).values()) if (s.json !== null) el.setAttribute('snapshot', s.json);
        }
      } catch (e) {
        console.warn(`Ticket counter ${selector}: ${(e as Error).message}`);
      }
    });
    // The element may have announced itself before this handler existed: ask again.
    el.setAttribute('ping', String(Date.now()));
  }
}
