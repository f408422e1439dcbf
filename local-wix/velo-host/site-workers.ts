// Site workers (opt-in: Velo host option `siteWorkers`, env LOCAL_WIX_SITE_WORKERS=n): the site's
// event handlers and data hooks run in n worker threads instead of the thread that serves the local
// Wix. On Wix the site's backend runs in its own containers, apart from the checkout and the APIs it
// calls; on one thread here, a burst of orders makes the checkout, Wix Data and the site code queue
// behind each other. Web methods, jobs and HTTP functions still run in the main thread.
import { Worker } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { RealtimeChannel } from '../server/realtime.js';
import type { HostServices } from './invocation.js';
import type { Identity } from '../server/identity.js';

export interface WorkerSetup { siteDir: string; cold: boolean; baseUrl: string; secretsFile: string }

/** What a worker runs: an events.js handler, or a data.js hook as the caller of the write. */
export type WorkerTask =
  | { kind: 'event'; name: string; data: unknown }
  | { kind: 'hook'; name: string; item: unknown; context: unknown; identity: Identity };

/** How a task ended: a hook's result (`passThrough`: it returned nothing), or what it threw. */
export type TaskOutcome =
  | { ok: true; value?: unknown; passThrough?: boolean }
  | { ok: false; error: { name: string; message: string; code?: unknown } }
  | { ok: false; thrown: unknown };

export type ToWorker =
  | { type: 'run'; id: number; task: WorkerTask }
  | { type: 'reply'; callId: number; ok: true; value: unknown }
  | { type: 'reply'; callId: number; ok: false; error: { name: string; message: string; code?: unknown } };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; outcome: TaskOutcome }
  | { type: 'publish'; channel: RealtimeChannel; payload: unknown }
  | { type: 'crm'; callId: number; method: string; args: unknown[] };

interface Slot { worker: Worker; running: number }

export class SiteWorkers {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (o: TaskOutcome) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** Resolves once every worker has compiled events.js; rejects if one fails to start. */
  readonly ready: Promise<void>;
  private readyCount = 0;
  private onReady!: { resolve: () => void; reject: (e: Error) => void };

  /** Starts `count` workers; `services` are the main thread's hub and CRM, which the workers' calls reach. */
  constructor(count: number, setup: WorkerSetup, private readonly services: HostServices) {
    this.ready = new Promise<void>((resolve, reject) => { this.onReady = { resolve, reject }; });
    this.ready.catch(() => {}); // also reported through run()
    for (let i = 0; i < count; i++) {
      // The worker's TypeScript is loaded by tsx (site-worker-boot.mjs), as the rest of the local Wix.
      const worker = new Worker(new URL('./site-worker-boot.mjs', import.meta.url), { workerData: setup });
      worker.unref();
      worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => { if (code !== 0) this.fail(new Error(`site worker exited with code ${code}`)); });
      this.slots.push({ worker, running: 0 });
    }
  }

  get size() { return this.slots.length; }

  /** Each worker's event loop utilization (since `since`, as returned by an earlier call), for diagnostics. */
  utilization(since?: EventLoopUtilization[]): EventLoopUtilization[] {
    return this.slots.map((s, i) => s.worker.performance.eventLoopUtilization(since?.[i]));
  }

  /** Runs `events.js` export `veloName` in the least busy worker; rejects with the handler's error. */
  async run(veloName: string, data: unknown): Promise<void> {
    settle(await this.dispatch({ kind: 'event', name: veloName, data }));
  }

  /**
   * Runs `data.js` export `name` (`<Collection>_<hook>`) on `item` as `identity`; resolves to what it
   * returned (`item` itself when it returned nothing), rejects with what it threw.
   */
  async runHook<T>(name: string, item: T, context: unknown, identity: Identity): Promise<T> {
    const o = settle(await this.dispatch({ kind: 'hook', name, item, context, identity }));
    return o.passThrough ? item : (o.value as T);
  }

  private dispatch(task: WorkerTask): Promise<TaskOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.running < a.running ? b : a));
    const id = this.nextId++;
    slot.running++;
    return new Promise<TaskOutcome>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (o) => { slot.running--; resolve(o); },
        reject: (e) => { slot.running--; reject(e); },
      });
      slot.worker.postMessage({ type: 'run', id, task } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private onMessage(worker: Worker, m: FromWorker) {
    if (m.type === 'ready') {
      if (++this.readyCount === this.slots.length) this.onReady.resolve();
    } else if (m.type === 'done') {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.resolve(m.outcome);
    } else if (m.type === 'publish') {
      this.services.hub.publish(m.channel, m.payload);
    } else {
      void this.answerCrm(worker, m.callId, m.method, m.args);
    }
  }

  private async answerCrm(worker: Worker, callId: number, method: string, args: unknown[]) {
    let reply: ToWorker;
    try {
      const crm = this.services.crm as unknown as Record<string, (...a: unknown[]) => unknown> | null;
      if (!crm) throw new Error('[velo-host] wix-crm-backend: this Velo host has no local CRM attached');
      if (typeof crm[method] !== 'function') throw new Error(`[velo-host] wix-crm-backend: the local CRM has no ${method}`);
      reply = { type: 'reply', callId, ok: true, value: await crm[method]!(...args) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { type: 'reply', callId, ok: false, error: { name: e.name, message: e.message, code: (e as { code?: unknown }).code } };
    }
    worker.postMessage(reply);
  }

  /** A worker that crashed fails what it was running and every later event (loudly, not silently). */
  private fail(err: Error) {
    this.failure ??= new Error(`[velo-host] a site worker stopped: ${err.message}`);
    this.onReady.reject(this.failure);
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}

/** The outcome as the main thread sees it: a success, or the thrown Error (name, message, code) or value. */
function settle(o: TaskOutcome): { value?: unknown; passThrough?: boolean } {
  if (o.ok) return o;
  if ('thrown' in o) throw o.thrown;
  throw Object.assign(new Error(o.error.message), { name: o.error.name, code: o.error.code });
}
