// Composes the local Wix: one HTTP server, one SQLite file, the modules that answer Wix's wire format,
// and the seams through which the Velo host runs site code (events, data hooks, realtime).
import http from 'node:http';
import Database from 'better-sqlite3';
import { Router, type RequestContext } from './http.js';
import { Clock } from './clock.js';
import { identify, type Identity } from './identity.js';
import { SiteLimits } from './siteLimits.js';
import type { LimitsOption } from './limitSettings.js';
import { hasLocalKey, isSameOriginBrowser, refuseAtSurface } from './localSurface.js';
import { forgetLocalKey, newLocalKey, rememberLocalKey } from '../local-key.js';

/** What the local Wix asks of the Velo host. Without a host, events and hooks are recorded only. */
export interface SiteCodeHost {
  /** Deliver a backend event to `events.js` by its Velo name, e.g. `wixEvents_onOrderConfirmed`. */
  dispatchEvent(veloName: string, payload: unknown): void;
  /** Run `data.js` hook `<Collection>_<hook>`; returns the (possibly changed) item; throws to refuse. */
  runDataHook(collection: string, hook: string, item: any, context: DataHookContext): Promise<any>;
  /** Whether `data.js` exports any of `<Collection>_<hook>` (hosts without it are asked through runDataHook every time). */
  hasDataHook?(collection: string, hooks: string[]): Promise<boolean>;
}
export interface DataHookContext { collectionName: string; userId: string | null; userRole: string }

export interface LocalWixOptions {
  dbFile: string;
  /** API keys accepted as admin (e.g. for `npm run sync` against the local Wix). */
  apiKeys?: string[];
  clock?: Clock;
  /** The live site's quotas, time limits and latency (limitSettings.ts). Default: on, from the environment. */
  limits?: LimitsOption;
  /** The per-start key (local-key.ts): an admin API key, and what admin `/_local/*` routes need. Default: a new one. */
  localKey?: string;
  /** The site's ID: API key calls must send it in `wix-site-id`, as on Wix. Unset: not checked. */
  siteId?: string;
}

export interface ServerContext {
  router: Router;
  db: Database.Database;
  clock: Clock;
  /** Who is calling, from the Authorization header. */
  identity(req: RequestContext): Identity;
  host: SiteCodeHost;
  /** Counts of requests by route label, for benchmarks (`GET /_local/stats`). */
  stats: Map<string, number>;
  /** The site's quotas, time limits and latency; the Velo host counts backend requests and stops jobs with it. */
  limits: SiteLimits;
  /** Recorded backend events (also available when no host is attached). */
  emittedEvents: { name: string; payload: unknown; at: string }[];
}

export interface LocalWix extends ServerContext {
  server: http.Server;
  /** The per-start key: admin API key for ApiKeyStrategy, `x-local-wix-key` for `/_local/*` admin routes. */
  localKey: string;
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  attachHost(host: SiteCodeHost): void;
}

export type LocalWixModule = (ctx: ServerContext) => void;

export function createLocalWix(opts: LocalWixOptions, modules: LocalWixModule[]): LocalWix {
  const db = new Database(opts.dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Checkpoints (the only fsyncs under NORMAL) every ~40 MB of WAL instead of ~4 MB: a burst of
  // small commits otherwise pays a blocking checkpoint every few hundred writes.
  db.pragma('wal_autocheckpoint = 10000');
  const router = new Router();
  const clock = opts.clock ?? new Clock();
  const localKey = opts.localKey ?? newLocalKey();
  const apiKeys = new Set([...(opts.apiKeys ?? []), localKey]);
  const stats = new Map<string, number>();
  const limits = new SiteLimits(opts.limits);
  router.around = limits.around;
  router.onRequest = (method, path) => {
    const label = `${method} ${path.replace(/\/[0-9a-f-]{36}(?=\/|$)/g, '/{id}')}`;
    stats.set(label, (stats.get(label) ?? 0) + 1);
  };
  const emittedEvents: ServerContext['emittedEvents'] = [];
  let attached: SiteCodeHost | null = null;
  const host: SiteCodeHost = {
    dispatchEvent(name, payload) {
      emittedEvents.push({ name, payload, at: clock.now().toISOString() });
      if (emittedEvents.length > 10_000) emittedEvents.splice(0, 5_000);
      attached?.dispatchEvent(name, payload);
    },
    async runDataHook(collection, hook, item, context) {
      return attached ? attached.runDataHook(collection, hook, item, context) : item;
    },
    async hasDataHook(collection, hooks) {
      if (!attached) return false;
      return attached.hasDataHook ? attached.hasDataHook(collection, hooks) : true;
    },
  };
  const ctx: ServerContext = {
    router, db, clock, host, stats, emittedEvents, limits,
    identity: (req) => identify(req.headers, {
      apiKeys, siteId: opts.siteId,
      trusted: hasLocalKey(req.headers, localKey) || isSameOriginBrowser(req.method, req.headers),
    }),
  };
  for (const m of modules) m(ctx);
  router.get('/_local/stats', () => ({ stats: Object.fromEntries(stats), limits: limits.stats() }));
  router.post('/_local/stats/reset', () => { stats.clear(); limits.resetStats(); return {}; });
  router.get('/_local/events', () => ({ events: emittedEvents }));
  router.post('/_local/clock', (req) => {
    const b = req.body as { now?: string; advanceMs?: number; freeze?: boolean; reset?: boolean };
    if (b.reset) clock.reset();
    if (b.now) clock.set(new Date(b.now), !!b.freeze);
    if (typeof b.advanceMs === 'number') clock.advance(b.advanceMs);
    return { now: clock.now().toISOString() };
  });
  router.get('/_local/clock', () => ({ now: clock.now().toISOString() }));

  let listeningPort = -1;
  router.guard = (method, pathname, headers) => refuseAtSurface(method, pathname, headers, { key: localKey, port: () => listeningPort });
  // No CORS headers: the local site's pages are same-origin, and SDK calls come from Node, not browsers.
  const server = http.createServer((req, res) => void router.handle(req, res));
  server.keepAliveTimeout = 60_000;
  return {
    ...ctx,
    server,
    attachHost(h) { attached = h; },
    localKey,
    listen(port = 0) {
      return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
        const a = server.address();
        listeningPort = typeof a === 'object' && a ? a.port : port;
        const baseUrl = `http://127.0.0.1:${listeningPort}`;
        // Callers in this process (the Velo host, tests, the demo seed) send the key by the server's origin.
        rememberLocalKey(baseUrl, localKey);
        rememberLocalKey(`http://localhost:${listeningPort}`, localKey);
        resolve(baseUrl);
      }));
    },
    close() {
      if (listeningPort >= 0) {
        forgetLocalKey(`http://127.0.0.1:${listeningPort}`);
        forgetLocalKey(`http://localhost:${listeningPort}`);
      }
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => { db.close(); resolve(); });
      });
    },
  };
}
