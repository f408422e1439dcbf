// Realtime read permissions. In Wix Studio this file must exist or every subscription fails.
import { COUNTER_CHANNEL } from '../core/counter/counterChannel.js';

interface Channel { name: string; resourceId?: string }

export function realtime_check_permission(channel: Channel, _subscriber: unknown) {
  // Counters are public (the TicketCounters collection is readable by anyone); nothing else is offered.
  return { read: channel.name === COUNTER_CHANNEL && typeof channel.resourceId === 'string' };
}
