// Local `wix-realtime-frontend`: subscribe(channel, handler) → Promise<subscriptionId>.
// One server-sent-events connection per page carries every subscription; after a reconnect the
// subscriptions are made again, as Wix's client does, and `onConnected` handlers run once they are
// (so a page that re-fetches on reconnect misses nothing). A refused subscription rejects.
const handlers = new Map(); // subscriptionId -> { channel, handler }
const listeners = { connected: new Set(), disconnected: new Set(), error: new Set() };
let source = null;
let connectionId = null;
let ready = null; // Promise<connectionId> of the current connection
let resolveReady = null;
let isReady = false;
let seq = 0;

function emit(kind, ...args) {
  for (const fn of listeners[kind]) { try { fn(...args); } catch (e) { console.error(e); } }
}

function connection() {
  if (source) return ready;
  ready = new Promise((resolve) => { resolveReady = resolve; });
  source = new EventSource('/_local/realtime/connect');
  source.addEventListener('connected', (e) => {
    const reconnect = connectionId !== null;
    connectionId = JSON.parse(e.data).connectionId;
    resolveReady(connectionId);
    isReady = true;
    if (!reconnect) return emit('connected');
    const again = [...handlers].map(([id, s]) => register(id, s.channel).catch((err) => emit('error', err, s.channel)));
    Promise.all(again).then(() => emit('connected'));
  });
  source.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    const s = handlers.get(m.subscriptionId);
    if (!s) return;
    try { s.handler({ payload: m.payload }, s.channel); } catch (err) { console.error('realtime handler threw', err); }
  });
  source.onerror = () => {
    if (connectionId === null) return;
    if (!isReady) return;
    isReady = false;
    emit('disconnected');
    ready = new Promise((resolve) => { resolveReady = resolve; });
  };
  return ready;
}

async function register(subscriptionId, channel) {
  const id = await connection();
  const res = await fetch('/_local/realtime/subscriptions', {
    method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin',
    body: JSON.stringify({ connectionId: id, subscriptionId, channel }),
  });
  if (!res.ok) {
    let message = `Subscription refused (HTTP ${res.status})`;
    try { message = (await res.json()).message || message; } catch { /* keep default */ }
    const err = new Error(message);
    err.status = res.status;
    throw err;
  }
}

function checkChannel(channel) {
  if (!channel || typeof channel.name !== 'string' || !channel.name) throw new Error('channel.name is required');
  return channel.resourceId ? { name: channel.name, resourceId: String(channel.resourceId) } : { name: channel.name };
}

export async function subscribe(channel, handler) {
  const c = checkChannel(channel);
  if (typeof handler !== 'function') throw new Error('handler must be a function');
  const subscriptionId = `s${Date.now().toString(36)}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  handlers.set(subscriptionId, { channel: c, handler });
  try {
    await register(subscriptionId, c);
  } catch (err) {
    handlers.delete(subscriptionId);
    emit('error', err, c);
    throw err;
  }
  return subscriptionId;
}

export async function unsubscribe(options = {}) {
  const ids = [];
  if (options.subscriptionId) ids.push(options.subscriptionId);
  else if (options.channel) {
    const c = checkChannel(options.channel);
    for (const [id, s] of handlers) if (s.channel.name === c.name && s.channel.resourceId === c.resourceId) ids.push(id);
  }
  for (const id of ids) {
    handlers.delete(id);
    await fetch(`/_local/realtime/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE', credentials: 'same-origin' }).catch(() => {});
  }
}

export function onConnected(fn) { listeners.connected.add(fn); }
export function onDisconnected(fn) { listeners.disconnected.add(fn); }
export function onError(fn) { listeners.error.add(fn); }

export default { subscribe, unsubscribe, onConnected, onDisconnected, onError };
