// Realtime hub of the local Wix: what `wix-realtime-backend.publish` feeds and what browser pages
// subscribe to (server-sent events). Interface fixed here; the SSE route lives in the site module.
export interface RealtimeChannel { name: string; resourceId?: string }
export interface RealtimeMessage { channel: RealtimeChannel; payload: unknown; publishedAt: string }
type Listener = (m: RealtimeMessage) => void;

/** Channel key: a channel and its resources are distinct (subscribers of one get nothing of the other). */
export function channelKey(c: RealtimeChannel): string {
  return c.resourceId ? `${c.name}\u0000${c.resourceId}` : c.name;
}

export class RealtimeHub {
  private listeners = new Map<string, Set<Listener>>();
  readonly published: RealtimeMessage[] = [];
  publish(channel: RealtimeChannel, payload: unknown) {
    const m: RealtimeMessage = { channel, payload, publishedAt: new Date().toISOString() };
    this.published.push(m);
    if (this.published.length > 10_000) this.published.splice(0, 5_000);
    for (const l of this.listeners.get(channelKey(channel)) ?? []) l(m);
  }
  subscribe(channel: RealtimeChannel, listener: Listener): () => void {
    const k = channelKey(channel);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }
}
