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
import { errorAnswer, WixHttpError, type Json } from './http.js';
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

/** Confirms the order in `text` and hands its event to the main thread; errors are answered as the local Wix answers them. */
function confirm(text: string): { status: number; body: unknown } {
  try {
    let body: Json;
    try { body = JSON.parse(text) as Json; } catch { throw WixHttpError.validation('body', 'Request body is not valid JSON'); }
    const order = checkout.confirm(body);
    send({ type: 'event', name: ORDER_CONFIRMED_EVENT, payload: orderEventPayload(order, order.created) });
    return { status: 200, body: order };
  } catch (err) {
    return errorAnswer(err);
  }
}

const server = http.createServer((req, res) => {
  const refuse = (err: WixHttpError) => { const a = errorAnswer(err); reply(res, a.status, a.body); };
  if (req.headers['x-local-wix-key'] !== setup.localKey) return refuse(WixHttpError.application(401, 'UNAUTHENTICATED', 'This local route needs the local key (x-local-wix-key)'));
  if (req.method !== 'POST' || req.url !== '/_local/checkout/orders') return refuse(WixHttpError.notFound('NOT_FOUND', `Not found: ${req.method} ${req.url} (the checkout worker confirms orders only)`));
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
