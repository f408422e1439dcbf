// Worker thread entry: the local checkout's confirmations served apart from the thread that serves the
// local Wix, as Wix's checkout runs apart from the APIs a site's code calls. It opens the same SQLite
// file (WAL: the local Wix's reads see each commit) and hands each order event to the main thread,
// which delivers it to the Velo host. See checkoutWorker.ts.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkoutService, ORDER_CONFIRMED_EVENT } from './checkout.js';
import { orderEventPayload } from './checkoutOrders.js';
import { Clock } from './clock.js';
import { WixHttpError, type Json } from './http.js';
import { TicketDefinitionStore } from './ticketDefinitionStore.js';
import type { CheckoutWorkerSetup, FromCheckoutWorker } from './checkoutWorker.js';

const setup = workerData as CheckoutWorkerSetup;
const port = parentPort!;
const send = (m: FromCheckoutWorker) => port.postMessage(m);

const db = new Database(setup.dbFile, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const store = new TicketDefinitionStore(db);
const checkout = checkoutService(db, () => store, new Clock());

function reply(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function confirm(text: string): { status: number; body: unknown } {
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    return { status: 400, body: { message: 'INVALID_ARGUMENT: the body is not JSON', details: {} } };
  }
  try {
    const order = checkout.confirm(body);
    send({ type: 'event', name: ORDER_CONFIRMED_EVENT, payload: orderEventPayload(order, order.created) });
    return { status: 200, body: order };
  } catch (err) {
    if (err instanceof WixHttpError) return { status: err.status, body: { message: err.message, details: err.details } };
    return { status: 500, body: { message: err instanceof Error ? err.message : String(err), details: {} } };
  }
}

const server = http.createServer((req, res) => {
  if (req.headers['x-local-wix-key'] !== setup.localKey) return reply(res, 401, { message: 'This local route needs the local key (x-local-wix-key)', details: {} });
  if (req.method !== 'POST' || req.url !== '/_local/checkout/orders') return reply(res, 404, { message: `Not found: ${req.method} ${req.url} (the checkout worker confirms orders only)`, details: {} });
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => { text += c; });
  req.on('end', () => { const r = confirm(text); reply(res, r.status, r.body); });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  send({ type: 'ready', url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
});

port.on('message', (m: { type: 'close' }) => {
  if (m.type !== 'close') return;
  server.close(() => { db.close(); send({ type: 'closed' }); });
  server.closeAllConnections();
});
