// Who pushes a counter's change to open pages. A refresh pushes what it read as soon as it has read it,
// alongside the save, so pages do not wait for the save's round trip; it marks each row it pushed with
// the read time of the row it compared against (`pushedOver`). The TicketCounters hooks push every
// other visible change: an edit in the CMS, or a refresh's row that meets a different row than the one
// its refresh compared against (another container wrote in between; pushing it again is harmless,
// pages keep the newest read).
import { counterChannel, publicSnapshot, type PublicSnapshot } from './counterChannel.js';
import type { CounterSnapshot } from './counterSnapshot.js';

/** `pushedOver` of a row its refresh pushed when no row was stored yet. */
export const PUSHED_OVER_NONE = 'none';

export interface CounterMessage { type: 'counter'; snapshot: PublicSnapshot }

/** What a definition's channel carries for a snapshot: its public fields only. */
export function counterMessage(s: CounterSnapshot): CounterMessage {
  return { type: 'counter', snapshot: publicSnapshot(s) };
}

/** Where and what to publish for a snapshot. */
export function counterPush(s: CounterSnapshot): { channel: { name: string; resourceId: string }; message: CounterMessage } {
  return { channel: counterChannel(s.definitionId), message: counterMessage(s) };
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
