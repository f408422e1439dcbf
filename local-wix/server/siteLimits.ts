// A live site's limits, enforced for the whole local Wix (one site): per-minute quotas on Wix Data
// reads and writes, Wix API calls, triggered emails and backend requests; Wix Data's per-request
// time limit; and an added latency per Wix call. Requests from the Velo host's SDK calls, the local
// CMS page and REST all count alike (meteredRoutes.ts says which); `/_local/*` tooling does not.
import { WixHttpError, type RequestContext } from './http.js';
import { meteringOf } from './meteredRoutes.js';
import { RollingQuota, type QuotaStats } from './rollingQuota.js';
import { resolveLimits, type LatencyRange, type LimitSettings, type LimitsOption } from './limitSettings.js';

export type QuotaName = 'dataReads' | 'dataWrites' | 'apiCalls' | 'emails' | 'backendRequests';
export const QUOTA_NAMES: QuotaName[] = ['dataReads', 'dataWrites', 'apiCalls', 'emails', 'backendRequests'];

export interface LimitsStats {
  enabled: boolean;
  latencyMs: LatencyRange;
  quotas: Record<QuotaName, QuotaStats>;
  timeLimits: { dataRequestMs: number | null; jobMs: number | null; eventMs: number | null; dataRequestsTimedOut: number; jobsStopped: number; eventsStopped: number };
}

/** Thrown (in-process) for a Wix API call or triggered email past its quota; carries the HTTP status Wix answers with. */
export class QuotaExceededError extends Error {
  readonly status = 429;
  constructor(readonly quota: QuotaName, message: string, readonly code = 'TOO_MANY_REQUESTS') {
    super(message);
    this.name = 'QuotaExceededError';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The error Wix gives past each quota. */
function refusal(quota: QuotaName, limit: number, what: string): WixHttpError {
  switch (quota) {
    case 'dataReads':
    case 'dataWrites':
      // Wix's "About Data Quotas": "WDE0014: Requests per minute quota exceeded."
      return WixHttpError.application(429, 'WDE0014', 'WDE0014: Requests per minute quota exceeded.', { quota, limitPerMinute: limit });
    case 'backendRequests':
      // The site-log line from Wix's "About Backend Quotas" (the caller sees a 429).
      return WixHttpError.application(429, 'TOO_MANY_REQUESTS', `${what} was throttled because your site exceeded the maximum number of backend requests per minute.`, { quota, limitPerMinute: limit });
    case 'apiCalls':
      return WixHttpError.application(429, 'TOO_MANY_REQUESTS', `Too many requests: the site exceeded ${limit} Wix API calls per minute (${what})`, { quota, limitPerMinute: limit });
    case 'emails':
      return WixHttpError.application(429, 'TOO_MANY_REQUESTS', `Too many triggered emails: the site exceeded ${limit} a minute (a local setting; Wix publishes no number)`, { quota, limitPerMinute: limit });
  }
}

export class SiteLimits {
  readonly settings: LimitSettings;
  private readonly quotas: Record<QuotaName, RollingQuota>;
  private dataRequestsTimedOut = 0;
  private jobsStopped = 0;
  private eventsStopped = 0;
  private unmeteredDepth = 0;

  constructor(option?: LimitsOption, now: () => number = Date.now) {
    this.settings = resolveLimits(option);
    const s = this.settings;
    const limit = (n: number) => (n > 0 ? n : null);
    this.quotas = {
      dataReads: new RollingQuota(limit(s.dataReadsPerMin), now),
      dataWrites: new RollingQuota(limit(s.dataWritesPerMin), now),
      apiCalls: new RollingQuota(limit(s.apiCallsPerMin), now),
      emails: new RollingQuota(limit(s.emailsPerMin), now),
      backendRequests: new RollingQuota(limit(s.backendRequestsPerMin), now),
    };
  }

  /**
   * Counts `units` requests against `quota`, or throws the error Wix answers past it (a WixHttpError
   * with status 429). `what` names the request in the message (e.g. `/backend/alerts.web.js/fn`).
   */
  take(quota: QuotaName, units = 1, what: string = quota): void {
    if (this.unmeteredDepth > 0) return;
    const q = this.quotas[quota];
    if (!q.take(units)) throw refusal(quota, q.limit!, what);
  }

  /** Requests counted against `quota` in the current rolling minute. */
  inWindow(quota: QuotaName): number { return this.quotas[quota].inWindow(); }

  /** Waits the configured latency (a uniform draw in [min, max] ms). */
  async latency(): Promise<void> {
    const { min, max } = this.settings.latencyMs;
    if (max <= 0 || this.unmeteredDepth > 0) return;
    await sleep(min + Math.random() * (max - min));
  }

  /**
   * Runs `fn` with nothing counted and no latency: for a benchmark's or test's seeding, which is not
   * the site's traffic (say, 5,000 definitions that a site owner would create over hours).
   */
  async unmetered<T>(fn: () => Promise<T> | T): Promise<T> {
    this.unmeteredDepth++;
    try { return await fn(); } finally { this.unmeteredDepth--; }
  }

  /** Router hook: quota, latency and Wix Data's time limit around a routed request. */
  readonly around = async (req: RequestContext, run: () => Promise<unknown>): Promise<unknown> => {
    const m = meteringOf(req);
    if (!m) return run();
    // The round trip comes first: a refused request costs it too, and counts when it reaches Wix.
    if (m.latency) await this.latency();
    if (m.quota) this.take(m.quota, m.units, `${req.method} ${req.url.pathname}`);
    const ms = this.settings.dataRequestMs;
    if (!m.dataTimeLimit || ms <= 0 || this.unmeteredDepth > 0) return run();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.dataRequestsTimedOut++;
        // Wix's "About Data Quotas": each data request may run 5 s, then "WDE0028: Operation time limit exceeded."
        reject(WixHttpError.application(504, 'WDE0028', 'WDE0028: Operation time limit exceeded.', { limitMs: ms }));
      }, ms);
      timer.unref();
    });
    try {
      return await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  /**
   * The local CRM as site code reaches it (`wix-crm-backend`, in-process): each call is a Wix API call
   * (contacts, labels, extended fields) or, for `emailContact`, a triggered email; each waits the latency.
   * A call past its quota rejects with QuotaExceededError.
   */
  meterCrm<T extends object>(crm: T): T {
    return new Proxy(crm, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || typeof prop !== 'string') return v;
        const quota: QuotaName = prop === 'emailContact' ? 'emails' : 'apiCalls';
        return async (...args: unknown[]) => {
          await this.latency();
          try {
            this.take(quota, 1, `wix-crm-backend ${prop}`);
          } catch (err) {
            throw new QuotaExceededError(quota, (err as Error).message);
          }
          return v.apply(target, args);
        };
      },
    });
  }

  /** For the Velo host: a job run was stopped at the time limit. */
  countJobStopped() { this.jobsStopped++; }
  /** For the Velo host: an event handler run was stopped at the time limit (LOCAL_WIX_EVENT_MS). */
  countEventStopped() { this.eventsStopped++; }

  stats(): LimitsStats {
    const s = this.settings;
    return {
      enabled: s.enabled,
      latencyMs: { ...s.latencyMs },
      quotas: Object.fromEntries(QUOTA_NAMES.map((n) => [n, this.quotas[n].stats()])) as Record<QuotaName, QuotaStats>,
      timeLimits: {
        dataRequestMs: s.dataRequestMs || null,
        jobMs: s.jobMs || null,
        eventMs: s.eventMs || null,
        dataRequestsTimedOut: this.dataRequestsTimedOut,
        jobsStopped: this.jobsStopped,
        eventsStopped: this.eventsStopped,
      },
    };
  }

  /** `POST /_local/stats/reset`: totals, refusals and peaks start over; the quotas' current minute goes on. */
  resetStats() {
    for (const q of Object.values(this.quotas)) q.resetStats();
    this.dataRequestsTimedOut = 0;
    this.jobsStopped = 0;
    this.eventsStopped = 0;
  }
}
