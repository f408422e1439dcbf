// The Velo host: runs the site's built backend (`src/backend/*.js`) against the local Wix as Wix runs
// it — events by their Velo names, data hooks around collection writes, jobs from jobs.config, web
// methods with their permissions, HTTP functions, realtime and secrets — each invocation with the
// identity Wix would use, and (cold mode) with fresh module state.
import fs from 'node:fs';
import type { EventLoopUtilization } from 'node:perf_hooks';
import path from 'node:path';
import type { DataHookContext, LocalWixModule, ServerContext, SiteCodeHost } from '../server/app.js';
import { Reply, WixHttpError, type RequestContext } from '../server/http.js';
import type { Identity } from '../server/identity.js';
import { RealtimeHub, type RealtimeChannel } from '../server/realtime.js';
import { ADMIN } from '../sdk-client.js';
import { HTTP_FUNCTIONS_FILE, HTTP_FUNCTION_METHODS, handlerNames, toReply, toWixRequest } from './http-functions.js';
import { type CrmLike, type HostServices, type Invocation, type InvocationKind, WIX_BACKEND, runInvocation, setFallbackServices } from './invocation.js';
import { InvocationLog } from './invocation-log.js';
import { JobScheduler, JobsConfigError, validateJobsConfig, type ValidJob } from './jobs.js';
import { webMethodCacheOptions, webMethodPermission, type Permission } from './modules/wix-web-module.js';
import { WebMethodCache, type CacheOptions } from './webMethodCache.js';
import { localKeyFor } from '../local-key.js';
import { installSdkContext } from './sdk-context.js';
import { SecretNotFoundError, SecretsStore } from './secrets.js';
import { SiteFileMissingError, SiteLoader } from './site-loader.js';
import { EventWorkers } from './event-workers.js';
import { callEventHandler } from './event-handler.js';
import { Redeliveries, WIX_RESEND_SCHEDULE_MS } from './redelivery.js';
import { STATIC_EXPORT_FILES, StaticExportError, readVeloExports, refusalMessage } from './static-exports.js';

export interface VeloHostOptions {
  /** The site's `src` folder (holding `backend/`). */
  siteDir: string;
  /** Fresh module instances per invocation, as Wix's short-lived containers. Default: env LOCAL_WIX_COLD=1. */
  cold?: boolean;
  /** Local Secrets Manager file. Default `.local-wix/secrets.json` under the current directory. */
  secretsFile?: string;
  hub?: RealtimeHub;
  crm?: CrmLike | null;
  /** Schedule jobs.config on its cron expressions (tests usually call runJob instead). Default true. */
  scheduleJobs?: boolean;
  /** Wix redelivers events not acknowledged within ~1.25 s. */
  slowEventMs?: number;
  /**
   * When an event whose handler threw or ran past `slowEventMs` is delivered again: each further
   * attempt's delay after the failure before it. Default: Wix's resend policy (WIX_RESEND_SCHEDULE_MS:
   * 1 min, 10 min, 1 h, … 12 attempts); [] delivers once.
   */
  redeliveryMs?: readonly number[];
  /** Wix web methods time out after ~14 s. */
  webMethodTimeoutMs?: number;
  /**
   * At most this many event handlers run at once; later events wait in order, as in a delivery queue.
   * Wix's own limit is not published. Default: env LOCAL_WIX_EVENT_CONCURRENCY, else 0 (no limit).
   */
  eventConcurrency?: number;
  /**
   * Run event handlers in this many worker threads instead of the thread serving the local Wix (as Wix
   * runs site code apart from its own services); data hooks, web methods and jobs stay in-thread.
   * Default: env LOCAL_WIX_EVENT_WORKERS, else 0 (in-thread). See event-workers.ts.
   */
  eventWorkers?: number;
}

/** Lets at most `limit` callers in at once (0: no limit); the others wait in arrival order. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async enter(): Promise<void> {
    if (this.limit > 0 && this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
  }
  leave(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

export interface RealtimeSubscriber { id: string; type: 'Admin' | 'Member' | 'Visitor' }

const DATA_HOOKS = ['beforeInsert', 'afterInsert', 'beforeUpdate', 'afterUpdate', 'beforeRemove', 'afterRemove',
  'beforeGet', 'afterGet', 'beforeQuery', 'afterQuery', 'beforeCount', 'afterCount', 'onFailure'];
const REALTIME_FILE = 'realtime-permissions.js';
const REALTIME_EXPORT = 'realtime_check_permission';

/** An event handler run past LOCAL_WIX_EVENT_MS (Wix publishes no event-handler limit; off by default). */
export class EventStoppedError extends Error {
  constructor(readonly veloName: string, readonly limitMs: number) {
    super(`event handler ${veloName} was stopped after ${limitMs} ms (LOCAL_WIX_EVENT_MS; Wix publishes no event-handler limit)`);
    this.name = 'EventStoppedError';
  }
}

/** A job run past the job time limit (Wix: 5 minutes). */
export class JobStoppedError extends Error {
  constructor(readonly functionName: string, readonly limitMs: number) {
    super(`job ${functionName} was stopped after ${limitMs} ms (Wix stops a job run after 5 minutes; LOCAL_WIX_JOB_MS)`);
    this.name = 'JobStoppedError';
  }
}

export class JobNotFoundError extends Error {
  constructor(name: string, known: string[]) {
    super(`No job "${name}" in jobs.config (jobs: ${known.join(', ') || 'none'})`);
    this.name = 'JobNotFoundError';
  }
}

/**
 * Who backend events and jobs run as. Wix runs them "without a visitor or member identity, so use
 * elevation to call Wix APIs that need permissions" (Wix docs): un-elevated SDK calls from an event
 * handler or job go out as an anonymous caller here too, so a missing elevate() fails locally as on Wix.
 */
export { WIX_BACKEND };

/** A data hook runs as the caller of the write it wraps (Velo's context.userRole / userId). */
export function hookIdentity(context: DataHookContext): Identity {
  const role = String(context?.userRole ?? '');
  if (/owner|admin/i.test(role)) return { role: 'ADMIN', id: context.userId ?? 'site-owner' };
  if (/member/i.test(role)) return { role: 'SITE_MEMBER', id: context.userId ?? 'member' };
  return { role: 'ANYONE', id: context?.userId ?? 'anonymous' };
}

const rank: Record<Identity['role'], number> = { ANYONE: 0, SITE_MEMBER: 1, ADMIN: 2 };
const needs: Record<Permission, number> = { Anyone: 0, SiteMember: 1, Admin: 2 };

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(typeof e === 'string' ? e : JSON.stringify(e));
}

export class VeloHost implements SiteCodeHost {
  readonly loader: SiteLoader;
  readonly log = new InvocationLog();
  readonly hub: RealtimeHub;
  readonly secrets: SecretsStore;
  readonly cold: boolean;
  jobs: ValidJob[] = [];
  private readonly services: HostServices;
  /** Cached web method answers, kept on "Wix's side": shared by every invocation, cold or warm. */
  readonly webMethodCache = new WebMethodCache();
  /** What each web method was declared with, as last loaded, by `<file>/<fn>` (for answering from the cache). */
  private readonly webMethodDeclarations = new Map<string, { version: number; permission: Permission; cache: CacheOptions | null }>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly scheduler: JobScheduler;
  private ctx: ServerContext | null = null;
  private readonly opts: Required<Pick<VeloHostOptions, 'scheduleJobs' | 'slowEventMs' | 'webMethodTimeoutMs'>>;

  constructor(opts: VeloHostOptions) {
    this.cold = opts.cold ?? process.env.LOCAL_WIX_COLD === '1';
    this.loader = new SiteLoader(path.resolve(opts.siteDir), this.cold);
    this.hub = opts.hub ?? new RealtimeHub();
    this.secrets = new SecretsStore(path.resolve(opts.secretsFile ?? '.local-wix/secrets.json'));
    this.services = { baseUrl: '', hub: this.hub, crm: opts.crm ?? null, secrets: this.secrets, cache: { invalidate: (tags) => this.webMethodCache.invalidate(tags) } };
    this.opts = { scheduleJobs: opts.scheduleJobs ?? true, slowEventMs: opts.slowEventMs ?? 1250, webMethodTimeoutMs: opts.webMethodTimeoutMs ?? 14_000 };
    this.scheduler = new JobScheduler((job) => this.runJob(job.functionName));
    this.eventGate = new Gate(Math.max(0, Math.floor(opts.eventConcurrency ?? Number(process.env.LOCAL_WIX_EVENT_CONCURRENCY ?? 0)) || 0));
    this.eventWorkerCount = Math.max(0, Math.floor(opts.eventWorkers ?? Number(process.env.LOCAL_WIX_EVENT_WORKERS ?? 0)) || 0);
    this.redeliveries = new Redeliveries(opts.redeliveryMs ?? WIX_RESEND_SCHEDULE_MS);
  }
  private readonly redeliveries: Redeliveries;
  /** Failed or slow event deliveries waiting for Wix's resend. */
  get pendingRedeliveries(): number { return this.redeliveries.pending; }
  private readonly eventGate: Gate;
  private readonly eventWorkerCount: number;
  private workers: EventWorkers | null = null;
  /** How many worker threads run event handlers (0: the main thread does). */
  get eventWorkers() { return this.workers?.size ?? 0; }
  /** The event workers' event loop utilization (diagnostics; see EventWorkers.utilization). */
  workerUtilization(since?: EventLoopUtilization[]): EventLoopUtilization[] { return this.workers?.utilization(since) ?? []; }

  get baseUrl() { return this.services.baseUrl; }
  /** The local CRM the `wix-crm-backend` module delegates to (settable until the first invocation). */
  set crm(crm: CrmLike | null) { this.services.crm = crm; }
  /**
   * A Wix call's latency (the site limits' `latencyMs`), waited by each `wix-realtime-backend` publish
   * and `wix-cache-backend` invalidation before it takes effect: both are calls to Wix's services.
   * Settable until the first invocation; without it both are immediate.
   */
  set callLatency(wait: () => Promise<void>) {
    this.services.hub = { publish: async (channel, payload) => { await wait(); this.hub.publish(channel, payload); } };
    this.services.cache = { invalidate: async (tags) => { await wait(); return this.webMethodCache.invalidate(tags); } };
  }

  /** Routes of the host; pass it to createLocalWix before any catch-all module (the site). */
  readonly module: LocalWixModule = (ctx) => {
    this.ctx = ctx;
    const r = ctx.router;
    r.post('/_webMethods/*', (req) => this.serveWebMethod(req));
    for (const m of HTTP_FUNCTION_METHODS) {
      r.add(m, '/_functions/:name', (req) => this.serveHttpFunction(req));
      r.add(m, '/_functions/:name/*', (req) => this.serveHttpFunction(req));
    }
    r.get('/_local/velo/log', () => ({ cold: this.cold, load: this.loadStats(), ...this.log.toJSON() }));
    r.get('/_local/jobs', () => ({
      jobs: this.jobs.map((j) => ({ ...j, nextRun: this.scheduler.nextRun(j.functionName) })),
    }));
    r.post('/_local/jobs/:name/run', async (req) => {
      try {
        const t0 = performance.now();
        const result = await this.runJob(req.params.name!);
        return { functionName: req.params.name, result: result ?? null, durationMs: Math.round(performance.now() - t0) };
      } catch (err) {
        if (err instanceof JobNotFoundError) throw WixHttpError.notFound('JOB_NOT_FOUND', err.message);
        throw WixHttpError.application(500, 'JOB_FAILED', toError(err).message);
      }
    });
    r.post('/_local/velo/events/:name', (req) => {
      this.dispatchEvent(req.params.name!, req.body);
      return { dispatched: req.params.name };
    });
    // What @wix/secrets' getSecretValue calls; like Wix it needs elevated (admin) permissions.
    r.get('/_api/cloud-secrets-vault-server/api/v1/secrets/name/:name', (req) => {
      if (ctx.identity(req).role !== 'ADMIN') throw WixHttpError.application(403, 'PERMISSION_DENIED', 'Reading a secret requires elevated permissions (auth.elevate)');
      try { return { value: this.secrets.get(req.params.name!) }; } catch (err) {
        if (err instanceof SecretNotFoundError) throw WixHttpError.notFound('SECRET_NOT_FOUND', err.message);
        throw err;
      }
    });
  };

  loadStats() {
    const s = this.loader.stats;
    return { ...s, meanMs: s.loads ? +(s.totalMs / s.loads).toFixed(4) : 0 };
  }

  /** Binds to the running local Wix, checks the site's convention files and starts jobs. Throws on a refused jobs.config. */
  async start(baseUrl: string): Promise<void> {
    this.services.baseUrl = baseUrl.replace(/\/$/, '');
    setFallbackServices(this.services);
    installSdkContext();
    this.checkStaticExports();
    await this.lintConventionFiles();
    const cfg = path.join(this.loader.backendDir, 'jobs.config');
    if (fs.existsSync(cfg)) {
      const v = await validateJobsConfig(fs.readFileSync(cfg, 'utf8'), { exists: (f) => this.loader.exists(f), exportsOf: (f) => this.loader.exportsOf(f) });
      for (const w of v.warnings) this.log.warn(`jobs.config: ${w}`);
      if (v.errors.length) throw new JobsConfigError(v.errors);
      this.jobs = v.jobs;
      if (this.opts.scheduleJobs) this.scheduler.start(this.jobs);
    }
    if (this.eventWorkerCount) {
      this.workers = new EventWorkers(this.eventWorkerCount, { siteDir: this.loader.siteDir, cold: this.cold, baseUrl: this.services.baseUrl, secretsFile: this.secrets.file, localKey: localKeyFor(this.services.baseUrl) }, this.services);
      await this.workers.ready;
    }
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    this.redeliveries.clear();
    await this.idle();
    await this.workers?.close();
    this.workers = null;
  }

  /** Resolves when every running invocation (including acknowledged events) has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Runs fn as one invocation: current identity for the SDK and wix-* modules, timed and logged. */
  private async invoke<T>(kind: InvocationKind, name: string, identity: Identity, fn: () => Promise<T>, inv: Invocation = { services: this.services, identity, kind, name }): Promise<T> {
    installSdkContext();
    const at = new Date().toISOString();
    const t0 = performance.now();
    try {
      const r = await runInvocation(inv, fn);
      this.log.record({ kind, name, at, durationMs: performance.now() - t0, ok: true });
      return r;
    } catch (err) {
      this.log.record({ kind, name, at, durationMs: performance.now() - t0, ok: false, error: toError(err).message });
      throw err;
    }
  }

  /** Runs fn in the host's context as `identity` (e.g. setup code as ADMIN through the SDK's ambient clients). */
  runAs<T>(identity: Identity, fn: () => Promise<T> | T, name = 'runAs'): Promise<T> {
    return this.track(this.invoke('setup', name, identity, async () => fn()));
  }

  // ---- events -------------------------------------------------------------------------------

  /** Like Wix: acknowledged at once, then `events.js`'s export of exactly this name runs (as the site's backend). */
  dispatchEvent(veloName: string, payload: unknown): void {
    this.log.counts.events++;
    this.deliverLater(veloName, payload === undefined ? undefined : structuredClone(payload), 1);
  }

  /** Queues delivery attempt `attempt` of an event (each attempt gets its own copy of the payload). */
  private deliverLater(veloName: string, payload: unknown, attempt: number): void {
    const at = new Date().toISOString();
    this.track((async () => {
      await new Promise((r) => setImmediate(r));
      await this.eventGate.enter();
      let failure: string | null;
      try {
        failure = await this.deliverEvent(veloName, payload === undefined ? undefined : structuredClone(payload), at);
      } finally {
        this.eventGate.leave();
      }
      if (failure) this.redeliver(veloName, payload, attempt, failure);
    })());
  }

  /** Wix's resend policy: a failed delivery is sent again after the schedule's delay, while attempts are left. */
  private redeliver(veloName: string, payload: unknown, failed: number, failure: string): void {
    const delay = this.redeliveries.after(failed, () => {
      this.log.counts.redeliveries++;
      this.deliverLater(veloName, payload, failed + 1);
    });
    const next = delay === null ? 'no attempt is left' : `Wix delivers it again in ${Math.round(delay / 1000)} s (attempt ${failed + 1} of ${this.redeliveries.attempts})`;
    console.warn(`[velo-host] ${veloName} ${failure}: ${next} (expect duplicates)`);
  }

  /** Runs the events.js export named `veloName`, as Wix does on delivery. Returns why Wix would count the delivery failed, or null. */
  private async deliverEvent(veloName: string, data: unknown, at: string): Promise<string | null> {
    let names: string[];
    try { names = await this.loader.exportsOf('events.js'); } catch (err) {
      if (err instanceof SiteFileMissingError) return this.unhandled(veloName, 'backend/events.js does not exist', at);
      console.error(`[velo-host] cannot load events.js for ${veloName}:`, toError(err).message);
      return null;
    }
    if (!names.includes(veloName)) return this.unhandled(veloName, `events.js has no export named ${veloName}`, at);
    this.log.counts.handledEvents++;
    const t0 = performance.now();
    // Past LOCAL_WIX_EVENT_MS (off by default) the handler is cut like a job: the delivery ends there,
    // and whatever the handler still tries afterwards (an SDK call, a CRM call) fails.
    const limitMs = this.ctx?.limits.settings.eventMs ?? 0;
    const inv: Invocation = { services: this.services, identity: WIX_BACKEND, kind: 'event', name: veloName };
    const cut = new AbortController();
    cut.signal.addEventListener('abort', () => { inv.stopped = String(cut.signal.reason); });
    const run = this.track(this.invoke('event', veloName, WIX_BACKEND, async () => {
      if (this.workers) return this.workers.run(veloName, data, cut.signal);
      return callEventHandler(this.loader, veloName, data);
    }, inv));
    let failure: string | null = null;
    try {
      await this.withinLimit(run, limitMs, () => {
        cut.abort(`Wix stops an event handler after ${limitMs} ms (LOCAL_WIX_EVENT_MS)`);
        this.ctx?.limits.countEventStopped();
        return new EventStoppedError(veloName, limitMs);
      });
    } catch (err) {
      console.error(`[velo-host] event handler ${veloName} failed:`, toError(err).message);
      failure = `failed (${toError(err).message})`;
    }
    const ms = performance.now() - t0;
    if (ms > this.opts.slowEventMs) {
      this.log.recordSlow({ kind: 'event', name: veloName, at, durationMs: ms, ok: failure === null });
      failure ??= `took ${Math.round(ms)} ms, past the ~${this.opts.slowEventMs} ms within which Wix expects an acknowledgement`;
    }
    return failure;
  }

  /** An event no handler receives: dropped silently, as on Wix (never a failed delivery). */
  private unhandled(name: string, reason: string, at: string): null {
    if (this.log.recordUnhandled(name, reason, at)) {
      console.warn(`[velo-host] event ${name} was not handled: ${reason}. On Wix it would be dropped silently.`);
    }
    return null;
  }

  // ---- data hooks ---------------------------------------------------------------------------

  /** The exports of data.js (none when the site has no data.js). */
  private async dataJsExports(): Promise<string[]> {
    try {
      return await this.loader.exportsOf('data.js');
    } catch (err) {
      if (err instanceof SiteFileMissingError) return [];
      throw err;
    }
  }

  async hasDataHook(collection: string, hooks: string[]): Promise<boolean> {
    const names = await this.dataJsExports();
    return hooks.some((h) => names.includes(`${collection}_${h}`));
  }

  async runDataHook(collection: string, hook: string, item: any, context: DataHookContext): Promise<any> {
    const name = `${collection}_${hook}`;
    if (!(await this.dataJsExports()).includes(name)) return item;
    this.log.counts.hooks++;
    return this.track(this.invoke('hook', name, hookIdentity(context), async () => {
      const mod = await this.loader.load('data.js');
      const fn = mod[name];
      if (typeof fn !== 'function') return item;
      try {
        const out = await fn(item, context);
        return out === undefined ? item : out;
      } catch (err) {
        throw toError(err);
      }
    }));
  }

  // ---- web methods --------------------------------------------------------------------------

  /**
   * Calls `<file>` (e.g. `alerts.web.js`) export `fn` as `identity`, enforcing its webMethod permission;
   * a method declared with `cache: { tags }` answers from the cache while it holds an answer.
   */
  async callWebMethod(file: string, fn: string, args: unknown[], identity: Identity): Promise<unknown> {
    const hit = this.webMethodCacheHit(file, fn, args, identity);
    return hit ? hit.result : this.runWebMethod(file, fn, args, identity);
  }

  private async runWebMethod(file: string, fn: string, args: unknown[], identity: Identity): Promise<unknown> {
    const cacheKey = WebMethodCache.key(file, fn, args);
    if (!/^([\w-]+\/)*[\w.-]+\.web\.js$/.test(file) || file.includes('..')) {
      throw WixHttpError.notFound('WEB_METHOD_NOT_FOUND', `${file} is not a backend *.web.js file`);
    }
    if (!this.loader.exists(file)) throw WixHttpError.notFound('WEB_METHOD_NOT_FOUND', `backend/${file} does not exist`);
    const names = await this.loader.exportsOf(file);
    if (!names.includes(fn)) throw WixHttpError.notFound('WEB_METHOD_NOT_FOUND', `backend/${file} has no export named ${fn}`);
    this.log.counts.webMethods++;
    const version = this.webFileVersion(file);
    const run = this.invoke('webMethod', `${file}/${fn}`, identity, async () => {
      const mod = await this.loader.load(file);
      const method = mod[fn];
      const permission = webMethodPermission(method);
      if (!permission) {
        throw WixHttpError.application(403, 'NOT_A_WEB_METHOD', `${file} export ${fn} is not wrapped in webMethod(Permissions…, fn), so the browser cannot call it`);
      }
      const cache = webMethodCacheOptions(method);
      this.webMethodDeclarations.set(`${file}/${fn}`, { version, permission, cache });
      checkWebMethodPermission(file, fn, permission, identity);
      const result = await method(...args);
      // Only an answer that arrived is cached (a throw is not), as the JSON the caller receives.
      if (cache) this.webMethodCache.set(cacheKey, file, version, JSON.stringify(result === undefined ? null : result), cache);
      return result;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(WixHttpError.application(504, 'WEB_METHOD_TIMEOUT', `${file}/${fn} did not finish within ${this.opts.webMethodTimeoutMs} ms (Wix's web method limit)`)), this.opts.webMethodTimeoutMs);
      timer.unref();
    });
    try {
      return await this.track(Promise.race([run, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The cached answer of a web method declared with `cache: { tags }`, if Wix's cache holds one for
   * these arguments: the caller's permission is still checked, the function does not run, and (the
   * caller's job) the call is not counted against the backend request quota. Null: not cached.
   */
  webMethodCacheHit(file: string, fn: string, args: unknown[], identity: Identity): { result: unknown } | null {
    const declared = this.webMethodDeclarations.get(`${file}/${fn}`);
    if (!declared?.cache) return null;
    const version = this.webFileVersion(file);
    if (declared.version !== version) return null;
    const json = this.webMethodCache.get(WebMethodCache.key(file, fn, args), version);
    if (json === null) return null;
    checkWebMethodPermission(file, fn, declared.permission, identity);
    this.log.counts.webMethodCacheHits++;
    return { result: JSON.parse(json) };
  }

  /** A web file's version: a code change (a new build) clears its cached answers, as a publish does on Wix. */
  private webFileVersion(file: string): number {
    try { return fs.statSync(this.loader.backendFile(file)).mtimeMs; } catch { return -1; }
  }

  private async serveWebMethod(req: RequestContext) {
    const rest = req.params.rest ?? '';
    const i = rest.lastIndexOf('/');
    if (i < 0) throw WixHttpError.notFound('WEB_METHOD_NOT_FOUND', 'Expected /_webMethods/<file>.web.js/<function>');
    const body = req.body as { args?: unknown };
    const args = body?.args === undefined ? [] : body.args;
    if (!Array.isArray(args)) throw WixHttpError.validation('args', 'args must be an array');
    const [file, fn] = [rest.slice(0, i), rest.slice(i + 1)];
    // Served from Wix's cache: the function does not run and the call does not count as a backend request.
    const hit = this.webMethodCacheHit(file, fn, args, this.ctx!.identity(req));
    if (hit) return Reply.json(hit, { headers: { 'x-local-wix-cache': 'HIT' } });
    // A call from outside (a page) is a backend request: 429 past the site's quota.
    this.ctx!.limits.take('backendRequests', 1, `/backend/${file}/${fn}`);
    try {
      const result = await this.runWebMethod(file, fn, args, this.ctx!.identity(req));
      return { result: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
    } catch (err) {
      if (err instanceof WixHttpError) throw err;
      const e = toError(err);
      throw WixHttpError.application(500, 'WEB_METHOD_ERROR', e.message, { name: e.name });
    }
  }

  // ---- HTTP functions -----------------------------------------------------------------------

  private async serveHttpFunction(req: RequestContext) {
    const name = req.params.name!;
    if (!this.loader.exists(HTTP_FUNCTIONS_FILE)) throw WixHttpError.notFound('NOT_FOUND', `backend/${HTTP_FUNCTIONS_FILE} does not exist`);
    const names = await this.loader.exportsOf(HTTP_FUNCTIONS_FILE);
    const fnName = handlerNames(req.method, name).find((n) => names.includes(n));
    if (!fnName) throw WixHttpError.notFound('NOT_FOUND', `${HTTP_FUNCTIONS_FILE} has no ${handlerNames(req.method, name).join(' or ')}`);
    this.ctx!.limits.take('backendRequests', 1, `/backend/${HTTP_FUNCTIONS_FILE}/${fnName}`);
    this.log.counts.http++;
    const request = toWixRequest(req, this.services.baseUrl);
    let res: unknown;
    try {
      res = await this.track(this.invoke('http', fnName, this.ctx!.identity(req), async () => {
        const mod = await this.loader.load(HTTP_FUNCTIONS_FILE);
        return mod[fnName](request);
      }));
    } catch (err) {
      console.error(`[velo-host] HTTP function ${fnName} threw:`, toError(err).message);
      return Reply.json({ message: toError(err).message }, { status: 500 });
    }
    return toReply(res, fnName);
  }

  // ---- jobs ---------------------------------------------------------------------------------

  async runJob(functionName: string): Promise<unknown> {
    const job = this.jobs.find((j) => j.functionName === functionName);
    if (!job) throw new JobNotFoundError(functionName, this.jobs.map((j) => j.functionName));
    this.log.counts.jobs++;
    const inv: Invocation = { services: this.services, identity: WIX_BACKEND, kind: 'job', name: functionName };
    const run = this.track(this.invoke('job', functionName, WIX_BACKEND, async () => {
      const mod = await this.loader.load(job.functionLocation);
      return mod[job.functionName]();
    }, inv));
    // Wix stops a job run after 5 minutes: the caller gets the failure, and whatever the run still
    // tries afterwards (an SDK call, a CRM call) fails, since on Wix it would never happen.
    const limitMs = this.ctx?.limits.settings.jobMs ?? 0;
    try {
      return await this.withinLimit(run, limitMs, () => {
        inv.stopped = `Wix stops a job run after ${limitMs} ms`;
        this.ctx?.limits.countJobStopped();
        return new JobStoppedError(functionName, limitMs);
      });
    } catch (err) {
      console.error(`[velo-host] job ${functionName} failed:`, toError(err).message);
      throw err;
    }
  }

  /** `run`, or the error `stop()` makes once `limitMs` (0: no limit) has passed; the run itself goes on. */
  private async withinLimit<T>(run: Promise<T>, limitMs: number, stop: () => Error): Promise<T> {
    if (limitMs <= 0) return run;
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = stop();
        this.log.warn(err.message);
        reject(err);
      }, limitMs);
      timer.unref();
    });
    try {
      return await Promise.race([run, stopped]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- realtime -----------------------------------------------------------------------------

  /** `realtime_check_permission(channel, subscriber)` from realtime-permissions.js; denied if the file or export is missing. */
  async checkRealtimePermission(channel: RealtimeChannel, subscriber: RealtimeSubscriber): Promise<{ read: boolean }> {
    if (!this.loader.exists(REALTIME_FILE)) {
      this.log.warn(`backend/${REALTIME_FILE} is missing: subscriptions are denied (in Wix Studio they fail without it)`);
      return { read: false };
    }
    if (!(await this.loader.exportsOf(REALTIME_FILE)).includes(REALTIME_EXPORT)) {
      this.log.warn(`backend/${REALTIME_FILE} does not export ${REALTIME_EXPORT}: subscriptions are denied`);
      return { read: false };
    }
    const identity: Identity = subscriber.type === 'Admin' ? ADMIN : { role: subscriber.type === 'Member' ? 'SITE_MEMBER' : 'ANYONE', id: subscriber.id };
    return this.track(this.invoke('realtimePermission', REALTIME_EXPORT, identity, async () => {
      const mod = await this.loader.load(REALTIME_FILE);
      const r = await mod[REALTIME_EXPORT](channel, subscriber);
      return { read: r?.read === true };
    }));
  }

  // ---- startup checks -----------------------------------------------------------------------

  /**
   * events.js, data.js and routers.js are read as text, as Wix reads them: an export in a form Wix never
   * calls (alias, export list, re-export, dynamic, object-wrapped, CommonJS) stops the host, as a
   * refused jobs.config does, instead of silently never running.
   */
  private checkStaticExports() {
    const problems: string[] = [];
    for (const f of STATIC_EXPORT_FILES) {
      if (!this.loader.exists(f)) continue;
      try {
        for (const r of readVeloExports(fs.readFileSync(this.loader.backendFile(f), 'utf8'), `backend/${f}`).refused) problems.push(refusalMessage(`backend/${f}`, r));
      } catch (err) {
        if (err instanceof StaticExportError) problems.push(...err.problems);
        else throw err;
      }
    }
    if (problems.length) throw new StaticExportError(problems);
  }

  /** Warnings for names Wix would silently ignore. */
  private async lintConventionFiles() {
    if (!fs.existsSync(this.loader.backendDir)) {
      this.log.warn(`no backend folder at ${this.loader.backendDir}`);
      return;
    }
    if (this.loader.exists('events.js')) {
      for (const n of await this.loader.exportsOf('events.js')) {
        if (!/^[a-z][A-Za-z0-9]*_on[A-Z][A-Za-z0-9]*$/.test(n)) this.log.warn(`events.js export "${n}" is not a Velo event handler name (<module>_on<Event>); Wix never calls it`);
      }
    }
    if (this.loader.exists('data.js')) {
      for (const n of await this.loader.exportsOf('data.js')) {
        const hook = n.slice(n.lastIndexOf('_') + 1);
        if (!n.includes('_') || !DATA_HOOKS.includes(hook)) this.log.warn(`data.js export "${n}" is not a data hook name (<Collection>_<${DATA_HOOKS.slice(0, 6).join('|')}|…>); Wix never calls it`);
      }
    }
    if (!this.loader.exists(REALTIME_FILE)) {
      this.log.warn(`backend/${REALTIME_FILE} is missing: realtime subscriptions will be denied (in Wix Studio they fail without it)`);
    } else if (!(await this.loader.exportsOf(REALTIME_FILE)).includes(REALTIME_EXPORT)) {
      this.log.warn(`backend/${REALTIME_FILE} does not export ${REALTIME_EXPORT}: realtime subscriptions will be denied`);
    }
  }
}

export function createVeloHost(opts: VeloHostOptions): VeloHost {
  return new VeloHost(opts);
}

function checkWebMethodPermission(file: string, fn: string, permission: Permission, identity: Identity) {
  if (rank[identity.role] < needs[permission]) {
    throw WixHttpError.application(403, 'PERMISSION_DENIED', `Permission denied: ${fn} in ${file} requires Permissions.${permission}; the caller is ${identity.role}`);
  }
}
