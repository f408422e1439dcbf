// Worker thread entry: runs the site's `events.js` handlers and `data.js` hooks apart from the thread
// that serves the local Wix, as Wix runs site code in containers apart from its own checkout and APIs.
// Site code reaches Wix over HTTP through the genuine SDK as in the main thread; `wix-realtime-backend`
// publishes and `wix-crm-backend` calls are forwarded to the main thread's hub and CRM. See site-workers.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { SiteLoader } from './site-loader.js';
import { SecretsStore } from './secrets.js';
import { runInvocation, setFallbackServices, WIX_BACKEND, type CrmLike, type HostServices } from './invocation.js';
import { installSdkContext } from './sdk-context.js';
import type { FromWorker, TaskOutcome, ToWorker, WorkerSetup, WorkerTask } from './site-workers.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const send = (m: FromWorker) => port.postMessage(m);

let nextCall = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/** Each CrmLike method as a call to the main thread's CRM; its errors come back with name, message and code. */
const crm = new Proxy({}, {
  get: (_t, method) => (...args: unknown[]) => new Promise((resolve, reject) => {
    const callId = nextCall++;
    pending.set(callId, { resolve, reject });
    send({ type: 'crm', callId, method: String(method), args });
  }),
}) as CrmLike;

const services: HostServices = {
  baseUrl: setup.baseUrl,
  hub: { publish: (channel, payload) => send({ type: 'publish', channel, payload }) },
  crm,
  secrets: new SecretsStore(setup.secretsFile),
};
const loader = new SiteLoader(setup.siteDir, setup.cold);
setFallbackServices(services);

/** Runs one task as Velo would: the events.js handler as the site's backend, the hook as the writer. */
async function run(task: WorkerTask): Promise<TaskOutcome> {
  installSdkContext();
  const file = task.kind === 'event' ? 'events.js' : 'data.js';
  const identity = task.kind === 'event' ? WIX_BACKEND : task.identity;
  try {
    return await runInvocation({ services, identity, kind: task.kind, name: task.name }, async () => {
      const fn = (await loader.load(file))[task.name];
      if (typeof fn !== 'function') throw new Error(`${file} export ${task.name} is not a function`);
      if (task.kind === 'event') { await fn(task.data); return { ok: true } as const; }
      const value = await fn(task.item, task.context);
      return value === undefined ? { ok: true, passThrough: true } as const : { ok: true, value } as const;
    });
  } catch (err) {
    if (err instanceof Error) return { ok: false, error: { name: err.name, message: err.message, code: (err as { code?: unknown }).code } };
    return { ok: false, thrown: err };
  }
}

// Loaded before the first task, as a container that has started (esbuild's compile and the first
// import of the @wix packages would otherwise fall on the first burst). The files' top level only
// defines things. A missing or broken file is reported when a task needs it.
Promise.allSettled(['events.js', 'data.js'].map((f) => loader.load(f))).finally(() => send({ type: 'ready' }));

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') {
    void run(m.task).then((outcome) => {
      try {
        send({ type: 'done', id: m.id, outcome });
      } catch (err) {
        // A result or thrown value that cannot be cloned (a function, say) would not survive Wix's wire either.
        send({ type: 'done', id: m.id, outcome: { ok: false, error: { name: 'DataCloneError', message: `${m.task.name} returned or threw a value that cannot be passed on: ${(err as Error).message}` } } });
      }
    });
    return;
  }
  const call = pending.get(m.callId);
  if (!call) return;
  pending.delete(m.callId);
  if (m.ok) call.resolve(m.value);
  else call.reject(Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code }));
});
