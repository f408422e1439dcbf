// Velo `wix-realtime-backend`: publish to the local realtime hub, which browser pages subscribe to.
import { currentServices } from '../invocation.js';

export interface Channel { name: string; resourceId?: string }

export async function publish(channel: Channel, payload: unknown, options?: { users?: unknown[] }): Promise<void> {
  if (!channel || typeof channel.name !== 'string' || !channel.name) throw new Error('publish: channel.name must be a non-empty string');
  if (channel.resourceId !== undefined && typeof channel.resourceId !== 'string') throw new Error('publish: channel.resourceId must be a string');
  if (payload === undefined) throw new Error('publish: payload is required');
  // Wix serializes payloads as JSON; a value that does not survive that must not pass here either.
  const wire = JSON.parse(JSON.stringify(payload));
  if (options?.users) console.warn('[velo-host] publish options.users is ignored locally: every permitted subscriber receives the message');
  const c: Channel = channel.resourceId ? { name: channel.name, resourceId: channel.resourceId } : { name: channel.name };
  await currentServices().hub.publish(c, wire);
}
