// Event workers (opt-in: Velo host option `eventWorkers`, env LOCAL_WIX_EVENT_WORKERS=n): the site's
// event handlers run in n worker threads instead of the thread that serves the local Wix. On Wix the
// site's backend runs in its own containers, apart from the checkout and the APIs it calls; on one
// thread here, a burst of orders makes the checkout, Wix Data and the handlers queue behind each other.
// Data hooks, web methods, jobs and HTTP functions still run in the main thread.
import { Worker } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { RealtimeChannel } from '../server/realtime.js';
import type { HostServices } from './invocation.js';

export interface WorkerSetup { siteDir: string; cold: boolean; baseUrl: string; secretsFile: string; /** The local Wix's per-start key (local-key.ts). */ localKey?: string | null }

export type ToWorker =
  | { type: 'event'; id: number; veloName: string; data: unknown }
  /** The host cut the handler (LOCAL_WIX_EVENT_MS): its later Wix calls fail. */
  | { type: 'stop'; id: number; reason: string }
  | { type: 'reply'; callId: number; ok: true; value: unknown }
  | { type: 'reply'; callId: number; ok: false; error: { name: string; message: string; code?: unknown } };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; ok: true }
  | { type: 'done'; id: number; ok: false; error: string }
  | { type: 'publish'; callId: number; channel: RealtimeChannel; payload: unknown }
  | { type: 'crm'; callId: number; method: string; args: unknown[] }
  | { type: 'cache'; callId: number; tags: string[] };

interface Slot { worker: Worker; running: number }

export class EventWorkers {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** Resolves once every worker has loaded events.js; rejects if one fails to start. */
  readonly ready: Promise<void>;
  private readyCount = 0;
  private onReady!: { resolve: () => void; reject: (e: Error) => void };

  /** Starts `count` workers; `services` are the main thread's hub and CRM, which the workers' calls reach. */
  constructor(count: number, setup: WorkerSetup, private readonly services: HostServices) {
    this.ready = new Promise<void>((resolve, reject) => { this.onReady = { resolve, reject }; });
    this.ready.catch(() => {}); // also reported through run()
    for (let i = 0; i < count; i++) {
      // The worker's TypeScript is loaded by tsx (event-worker-boot.mjs), as the rest of the local Wix.
      const worker = new Worker(new URL('./event-worker-boot.mjs', import.meta.url), { workerData: setup });
      worker.unref();
      worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => { if (code !== 0) this.fail(new Error(`event worker exited with code ${code}`)); });
      this.slots.push({ worker, running: 0 });
    }
  }

  get size() { return this.slots.length; }

  /** Each worker's event loop utilization (since `since`, as returned by an earlier call), for diagnostics. */
  utilization(since?: EventLoopUtilization[]): EventLoopUtilization[] {
    return this.slots.map((s, i) => s.worker.performance.eventLoopUtilization(since?.[i]));
  }

  /**
   * Runs `events.js` export `veloName` in the least busy worker; rejects with the handler's error.
   * When `stop` aborts, the handler is marked stopped there (its later Wix calls fail) and runs on.
   */
  run(veloName: string, data: unknown, stop?: AbortSignal): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.running < a.running ? b : a));
    const id = this.nextId++;
    slot.running++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: () => { slot.running--; resolve(); },
        reject: (e) => { slot.running--; reject(e); },
      });
      slot.worker.postMessage({ type: 'event', id, veloName, data } satisfies ToWorker);
      stop?.addEventListener('abort', () => {
        if (this.waiting.has(id)) slot.worker.postMessage({ type: 'stop', id, reason: String(stop.reason) } satisfies ToWorker);
      }, { once: true });
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
      if (m.ok) w?.resolve();
      else w?.reject(new Error(m.error));
    } else if (m.type === 'publish') {
      void this.answer(worker, m.callId, async () => { await this.services.hub.publish(m.channel, m.payload); return null; });
    } else if (m.type === 'cache') {
      void this.answer(worker, m.callId, () => {
        if (!this.services.cache) throw new Error('[velo-host] wix-cache-backend: this Velo host has no web method cache attached');
        return this.services.cache.invalidate(m.tags);
      });
    } else {
      void this.answer(worker, m.callId, () => {
        const crm = this.services.crm as unknown as Record<string, (...a: unknown[]) => unknown> | null;
        if (!crm) throw new Error('[velo-host] wix-crm-backend: this Velo host has no local CRM attached');
        if (typeof crm[m.method] !== 'function') throw new Error(`[velo-host] wix-crm-backend: the local CRM has no ${m.method}`);
        return crm[m.method]!(...m.args);
      });
    }
  }

  /** Runs a worker's forwarded call in this thread and replies with its value or its error (name, message, code). */
  private async answer(worker: Worker, callId: number, run: () => unknown) {
    let reply: ToWorker;
    try {
      reply = { type: 'reply', callId, ok: true, value: await run() };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { type: 'reply', callId, ok: false, error: { name: e.name, message: e.message, code: (e as { code?: unknown }).code } };
    }
    worker.postMessage(reply);
  }

  /** A worker that crashed fails what it was running and every later event (loudly, not silently). */
  private fail(err: Error) {
    this.failure ??= new Error(`[velo-host] an event worker stopped: ${err.message}`);
    this.onReady.reject(this.failure);
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}
