// Realtime read permissions. In Wix Studio the site's realtime-permissions.js must exist or every
// subscription fails. A site has one realtime_check_permission: the build's block in
// src/backend/realtime-permissions.js asks ticketFlowsRealtimePermission first and leaves every
// channel that is not the package's to the owner's rule (or to Wix's default).
import { COUNTER_CHANNEL } from '../core/counter/counterChannel.js';

interface Channel { name: string; resourceId?: string }

/** The package's answer for its own channels; null for a channel that is not the package's. */
export function ticketFlowsRealtimePermission(channel: Channel, _subscriber: unknown): { read: boolean } | null {
  if (channel?.name !== COUNTER_CHANNEL) return null;
  // Counters are public (the TicketCounters collection is readable by anyone), one definition per channel resource.
  return { read: typeof channel.resourceId === 'string' };
}

export function realtime_check_permission(channel: Channel, subscriber: unknown) {
  return ticketFlowsRealtimePermission(channel, subscriber) ?? { read: false };
}
