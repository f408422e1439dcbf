// Who pushes a counter's change to open pages. A scheduled read (flows/counterOrders.ts) pushes what it
// read itself, alongside the save, so pages do not wait for the save's round trip; it marks each row it
// pushed with the read time of the row it compared against (`pushedOver`). Pages and storage keep the
// newer read by one rule (counterSnapshot.ts isNewerSnapshot), so two reads pushed in any order end on
// the same one. The TicketCounters hooks push every other visible change: a definition's own refresh
// and the repair's (they push only what storage accepts), an edit in the CMS, or a pushed row that meets
// a different row than the one its refresh compared against (another container wrote in between;
// pushing it again is harmless).
import { counterChannel, publicSnapshot, type PublicSnapshot } from './counterChannel.js';
import type { CounterSnapshot } from './counterSnapshot.js';

/** `pushedOver` of a row its refresh pushed when no row was stored yet. */
export const PUSHED_OVER_NONE = 'none';

export interface CounterMessage { type: 'counter'; snapshot: PublicSnapshot }

/** Where and what to publish for a snapshot: its definition's channel, its public fields only. */
export function counterPush(s: CounterSnapshot): { channel: { name: string; resourceId: string }; message: CounterMessage } {
  return { channel: counterChannel(s.definitionId), message: { type: 'counter', snapshot: publicSnapshot(s) } };
}

/** A refresh's write, marked as pushed by the refresh over `compared` (the stored row it compared against; none: new). */
export function pushedWrite(write: CounterSnapshot, compared: Pick<CounterSnapshot, 'readAt'> | undefined): CounterSnapshot {
  return { ...write, pushedOver: compared?.readAt ?? PUSHED_OVER_NONE };
}

/**
 * Whether a hook may leave a stored row's push to its refresh: the row carries a refresh's mark for
 * exactly the row it replaces (none: an insert), and it is a newer read than that row (an edit in the
 * CMS keeps the row's read time, and so its old mark never matches).
 */
export function pushedByRefresh(item: Pick<CounterSnapshot, 'readAt' | 'pushedOver'>, current: Pick<CounterSnapshot, 'readAt'> | null | undefined): boolean {
  if (typeof item.pushedOver !== 'string') return false;
  if (!current) return item.pushedOver === PUSHED_OVER_NONE;
  return item.pushedOver === current.readAt && item.readAt !== current.readAt;
}
