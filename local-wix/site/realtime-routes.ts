// Realtime for browser pages, over server-sent events. Two shapes:
//  - GET  /_local/realtime/connect                     one SSE connection per page (what the browser
//    POST /_local/realtime/subscriptions {connectionId, subscriptionId, channel}   library uses, so a page
//    DELETE /_local/realtime/subscriptions/:id          with many counters holds one HTTP connection)
//  - GET  /_local/realtime/subscribe?channel=<json>     one channel per stream (scripts, benchmarks)
//  - POST /_local/realtime/drop {holdMs?}               closes every page connection, as a network blip
//    would; pages reconnect after about a second (or when holdMs has passed) and subscribe again
// Every subscription is checked with `checkRealtimePermission` (the site's realtime_check_permission).
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../server/app.js';
import type { RequestContext } from '../server/http.js';
import { WixHttpError } from '../server/http.js';
import type { RealtimeChannel, RealtimeHub, RealtimeMessage } from '../server/realtime.js';
import { visitorId } from './visitor.js';

export interface RealtimeSubscriber { id: string; type: 'Admin' | 'Member' | 'Visitor' }
export type CheckRealtimePermission = (channel: RealtimeChannel, subscriber: RealtimeSubscriber) => Promise<{ read: boolean }> | { read: boolean };

interface Connection { id: string; subscriber: RealtimeSubscriber; res: http.ServerResponse; subs: Map<string, () => void> }

const HEARTBEAT_MS = 15_000;

export function parseChannel(raw: unknown): RealtimeChannel {
  let c: any = raw;
  if (typeof raw === 'string') {
    try { c = JSON.parse(raw); } catch { throw WixHttpError.validation('channel', 'channel must be JSON {name, resourceId?}'); }
  }
  if (!c || typeof c !== 'object' || typeof c.name !== 'string' || !c.name.trim() || c.name.length > 140) {
    throw WixHttpError.validation('channel.name', 'channel.name must be a non-empty string');
  }
  if (c.resourceId !== undefined && c.resourceId !== null && (typeof c.resourceId !== 'string' || !c.resourceId || c.resourceId.length > 140)) {
    throw WixHttpError.validation('channel.resourceId', 'channel.resourceId must be a non-empty string when given');
  }
  return c.resourceId ? { name: c.name, resourceId: c.resourceId } : { name: c.name };
}

function subscriberOf(ctx: ServerContext, req: RequestContext): RealtimeSubscriber {
  const who = ctx.identity(req);
  if (who.role === 'ADMIN') return { id: who.id, type: 'Admin' };
  if (who.role === 'SITE_MEMBER') return { id: who.id, type: 'Member' };
  return { id: visitorId(req.headers) ?? who.id, type: 'Visitor' };
}

function openStream(res: http.ServerResponse): () => void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  // `retry`: how long a browser waits before reconnecting a dropped stream.
  res.write(': local wix realtime\nretry: 1000\n\n');
  const beat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  beat.unref();
  return () => clearInterval(beat);
}

function send(res: http.ServerResponse, event: string, data: unknown) {
  if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The realtime routes' state: open page connections and the hold after a simulated drop. */
interface Realtime {
  ctx: ServerContext;
  hub: RealtimeHub;
  connections: Map<string, Connection>;
  allowed(channel: RealtimeChannel, subscriber: RealtimeSubscriber): Promise<boolean>;
  holdUntil: number;
}

const message = (m: RealtimeMessage) => ({ channel: m.channel, payload: m.payload, publishedAt: m.publishedAt });

/** `GET /_local/realtime/connect`: a page's event stream; subscriptions are added to it by ID. */
async function connect(rt: Realtime, req: RequestContext, res: http.ServerResponse) {
  // After a drop with holdMs, reconnecting pages wait (as on a network that is still down).
  const hold = rt.holdUntil - Date.now();
  if (hold > 0) await new Promise((r) => setTimeout(r, hold));
  if (res.destroyed) return;
  const conn: Connection = { id: randomUUID(), subscriber: subscriberOf(rt.ctx, req), res, subs: new Map() };
  rt.connections.set(conn.id, conn);
  const stop = openStream(res);
  send(res, 'connected', { connectionId: conn.id });
  res.on('close', () => {
    stop();
    for (const off of conn.subs.values()) off();
    rt.connections.delete(conn.id);
  });
}

/** `POST /_local/realtime/subscriptions`: subscribes a connection to a channel if the site's check allows it. */
async function subscribe(rt: Realtime, req: RequestContext) {
  const b = req.body as { connectionId?: string; subscriptionId?: string; channel?: unknown };
  const conn = rt.connections.get(String(b.connectionId ?? ''));
  if (!conn) throw WixHttpError.notFound('CONNECTION_NOT_FOUND', 'Unknown or closed realtime connection');
  const channel = parseChannel(b.channel);
  const subscriptionId = typeof b.subscriptionId === 'string' && /^[\w-]{1,64}$/.test(b.subscriptionId) ? b.subscriptionId : randomUUID();
  if (conn.subs.has(subscriptionId)) throw WixHttpError.validation('subscriptionId', 'subscriptionId already in use');
  if (!(await rt.allowed(channel, conn.subscriber))) {
    throw WixHttpError.application(403, 'PERMISSION_DENIED', `Subscription to channel ${JSON.stringify(channel)} denied by realtime_check_permission`);
  }
  if (!rt.connections.has(conn.id)) throw WixHttpError.notFound('CONNECTION_NOT_FOUND', 'Realtime connection closed');
  conn.subs.set(subscriptionId, rt.hub.subscribe(channel, (m) => send(conn.res, 'message', { subscriptionId, ...message(m) })));
  return { subscriptionId, channel };
}

function unsubscribe(rt: Realtime, id: string) {
  for (const conn of rt.connections.values()) {
    const off = conn.subs.get(id);
    if (off) { off(); conn.subs.delete(id); return { unsubscribed: true }; }
  }
  return { unsubscribed: false };
}

/** `GET /_local/realtime/subscribe?channel=<json>`: one channel per event stream, for scripts. */
async function subscribeStream(rt: Realtime, req: RequestContext, res: http.ServerResponse) {
  let channel: RealtimeChannel;
  try { channel = parseChannel(req.url.searchParams.get('channel') ?? ''); } catch (err) {
    const e = err as WixHttpError;
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: e.message, details: e.details }));
    return;
  }
  if (!(await rt.allowed(channel, subscriberOf(rt.ctx, req)))) {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Subscription denied by realtime_check_permission', details: { applicationError: { code: 'PERMISSION_DENIED', description: 'denied', data: {} } } }));
    return;
  }
  const stop = openStream(res);
  const off = rt.hub.subscribe(channel, (m) => send(res, 'message', message(m)));
  send(res, 'subscribed', { channel });
  res.on('close', () => { stop(); off(); });
}

/** `POST /_local/realtime/drop`: closes every page connection, as a network blip would. */
function drop(rt: Realtime, req: RequestContext) {
  const holdMs = Number((req.body as { holdMs?: unknown } | null)?.holdMs ?? 0);
  if (!Number.isFinite(holdMs) || holdMs < 0 || holdMs > 60_000) throw WixHttpError.validation('holdMs', 'holdMs must be between 0 and 60000');
  rt.holdUntil = Date.now() + holdMs;
  const dropped = rt.connections.size;
  for (const c of rt.connections.values()) c.res.destroy();
  return { dropped };
}

export function registerRealtimeRoutes(ctx: ServerContext, hub: RealtimeHub, check: CheckRealtimePermission) {
  const rt: Realtime = {
    ctx, hub, connections: new Map(), holdUntil: 0,
    async allowed(channel, subscriber) {
      try { return (await check(channel, subscriber))?.read === true; } catch (err) {
        console.warn('[local-wix] realtime_check_permission threw; subscription denied:', (err as Error)?.message ?? err);
        return false;
      }
    },
  };
  ctx.router.stream('GET', '/_local/realtime/connect', (req, res) => connect(rt, req, res));
  ctx.router.post('/_local/realtime/subscriptions', (req) => subscribe(rt, req));
  ctx.router.delete('/_local/realtime/subscriptions/:id', (req) => unsubscribe(rt, req.params.id!));
  ctx.router.stream('GET', '/_local/realtime/subscribe', (req, res) => { void subscribeStream(rt, req, res); });
  ctx.router.post('/_local/realtime/drop', (req) => drop(rt, req));
  ctx.router.get('/_local/realtime/connections', () => ({
    connections: [...rt.connections.values()].map((c) => ({ id: c.id, subscriber: c.subscriber, subscriptions: c.subs.size })),
  }));
}
