// Data hooks (`<Collection>_<hook>`): they run for writes from code, REST and the CMS dashboard alike.
import { counterChannel, publicSnapshot } from '../core/counter/counterChannel.js';
import type { CounterSnapshot } from '../core/counter/counterSnapshot.js';
import { wixRealtime } from '../wix/realtime.js';

async function pushCounter(item: CounterSnapshot) {
  await wixRealtime.publish(counterChannel(item.definitionId), { type: 'counter', snapshot: publicSnapshot(item) });
  return item;
}

export const TicketCounters_afterInsert = pushCounter;
export const TicketCounters_afterUpdate = pushCounter;

export async function TicketCounters_afterRemove(item: CounterSnapshot) {
  await wixRealtime.publish(counterChannel(item.definitionId), { type: 'removed', id: item._id });
  return item;
}
