// The single-channel SSE endpoint (for scripts and benchmarks) and the subscription API's refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSite, type LocalSite } from './local-site.js';

let site: LocalSite;
beforeAll(async () => {
  site = await startLocalSite({ checkRealtimePermission: (channel) => ({ read: channel.name !== 'secret' }) });
});
afterAll(async () => { await site?.close(); });

/** Opens a stream and collects `message` events' data until aborted. */
async function open(channel: unknown) {
  const ctl = new AbortController();
  const res = await fetch(`${site.url}/_local/realtime/subscribe?channel=${encodeURIComponent(JSON.stringify(channel))}`, { signal: ctl.signal });
  const events: { event: string; data: any }[] = [];
  if (res.ok) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch { /* aborted */ }
    })();
  }
  return { res, events, close: () => ctl.abort() };
}

const until = async (fn: () => boolean) => {
  for (let i = 0; i < 100 && !fn(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('GET /_local/realtime/subscribe', () => {
  it('streams the channel\'s messages and not its resources\'', async () => {
    const s = await open({ name: 'counters' });
    expect(s.res.headers.get('content-type')).toMatch(/text\/event-stream/);
    await until(() => s.events.some((e) => e.event === 'subscribed'));
    site.hub.publish({ name: 'counters', resourceId: 'd1' }, { n: 1 });
    site.hub.publish({ name: 'counters' }, { n: 2 });
    await until(() => s.events.some((e) => e.event === 'message'));
    s.close();
    expect(s.events.filter((e) => e.event === 'message').map((e) => e.data.payload)).toEqual([{ n: 2 }]);
  });

  it('refuses a denied or malformed channel before streaming', async () => {
    const denied = await open({ name: 'secret' });
    expect(denied.res.status).toBe(403);
    const bad = await open({ resourceId: 'x' });
    expect(bad.res.status).toBe(400);
  });

  it('refuses subscriptions on an unknown connection', async () => {
    const res = await fetch(`${site.url}/_local/realtime/subscriptions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId: 'nope', channel: { name: 'counters' } }),
    });
    expect(res.status).toBe(404);
  });
});
