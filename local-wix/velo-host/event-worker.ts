// Worker thread entry: runs the site's `events.js` handlers apart from the thread that serves the local
// Wix, as Wix runs site code in containers apart from its own checkout and APIs. The handler reaches
// Wix over HTTP through the genuine SDK as in the main thread; `wix-realtime-backend` publishes and
// `wix-crm-backend` calls are forwarded to the main thread's hub and CRM. See event-workers.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { SiteLoader } from './site-loader.js';
import { callEventHandler } from './event-handler.js';
import { SecretsStore } from './secrets.js';
import { runInvocation, setFallbackServices, WIX_BACKEND, type CrmLike, type HostServices, type Invocation } from './invocation.js';
import { installSdkContext } from './sdk-context.js';
import { rememberLocalKey } from '../local-key.js';
import type { FromWorker, ToWorker, WorkerSetup } from './event-workers.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
if (setup.localKey) rememberLocalKey(setup.baseUrl, setup.localKey);
const send = (m: FromWorker) => port.postMessage(m);

let nextCall = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/** A call answered by the main thread (its reply carries the value, or the error's name, message and code). */
function callMain<T>(message: (callId: number) => FromWorker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const callId = nextCall++;
    pending.set(callId, { resolve: resolve as (v: unknown) => void, reject });
    send(message(callId));
  });
}

/** Each CrmLike method as a call to the main thread's CRM. */
const crm = new Proxy({}, {
  get: (_t, method) => (...args: unknown[]) => callMain((callId) => ({ type: 'crm', callId, method: String(method), args })),
}) as CrmLike;

const services: HostServices = {
  baseUrl: setup.baseUrl,
  // Resolves once the main thread has published (after a Wix call's latency there), as on Wix.
  hub: { publish: (channel, payload) => callMain<void>((callId) => ({ type: 'publish', callId, channel, payload })) },
  crm,
  secrets: new SecretsStore(setup.secretsFile),
  // wix-cache-backend clears the main thread's cache (Wix keeps cached answers outside containers).
  cache: { invalidate: (tags) => callMain<number>((callId) => ({ type: 'cache', callId, tags })) },
};
const loader = new SiteLoader(setup.siteDir, setup.cold);
setFallbackServices(services);

/** The handlers running here, by the host's event id (a `stop` marks one stopped). */
const running = new Map<number, Invocation>();

async function runHandler(id: number, veloName: string, data: unknown): Promise<void> {
  installSdkContext();
  const inv: Invocation = { services, identity: WIX_BACKEND, kind: 'event', name: veloName };
  running.set(id, inv);
  try {
    await runInvocation(inv, () => callEventHandler(loader, veloName, data));
  } finally {
    running.delete(id);
  }
}

// Loaded before the first event, as a container that has started (esbuild's compile and the first
// import of the @wix packages would otherwise fall on the first burst). events.js's top level only
// defines things. A missing or broken events.js is reported when an event comes.
loader.load('events.js').catch(() => {}).finally(() => send({ type: 'ready' }));

port.on('message', (m: ToWorker) => {
  if (m.type === 'event') {
    runHandler(m.id, m.veloName, m.data).then(
      () => send({ type: 'done', id: m.id, ok: true }),
      (err: unknown) => send({ type: 'done', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  if (m.type === 'stop') {
    const inv = running.get(m.id);
    if (inv) inv.stopped = m.reason;
    return;
  }
  const call = pending.get(m.callId);
  if (!call) return;
  pending.delete(m.callId);
  if (m.ok) call.resolve(m.value);
  else call.reject(Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code }));
});
