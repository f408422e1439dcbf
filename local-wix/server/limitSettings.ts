// The settings of a live site's limits that the local Wix enforces (see README → The local Wix →
// Limits): per-minute quotas, per-request time limits and an added per-call latency. Each is an
// environment variable and a `startStack({ limits: {...} })` option; an option wins over the
// environment, the environment over the default. `limits: false` (or LOCAL_WIX_LIMITS=0) turns every
// quota and time limit off; the latency and the Wix Data mirror's lag stay as set.

export interface LatencyRange { min: number; max: number }

export interface LimitSettings {
  /** false when every quota and time limit is off (`limits: false` / LOCAL_WIX_LIMITS=0). */
  enabled: boolean;
  /** Wix Data read requests per rolling minute (query, get, count; each `include` one more). 0: no limit. */
  dataReadsPerMin: number;
  /** Wix Data write requests per rolling minute (a bulk call is one). 0: no limit. */
  dataWritesPerMin: number;
  /** Longest a Wix Data request may take, in ms (then WDE0028). 0: no limit. */
  dataRequestMs: number;
  /** Wix API calls (ticket definitions, events, contacts, labels) per rolling minute (then 429). 0: no limit. */
  apiCallsPerMin: number;
  /** Triggered emails per rolling minute. Wix publishes no number: off (0) by default. */
  emailsPerMin: number;
  /** Web method and HTTP function calls from outside per rolling minute (then 429). 0: no limit. */
  backendRequestsPerMin: number;
  /** A job run is stopped after this many ms. 0: no limit. */
  jobMs: number;
  /** An event handler run is stopped after this many ms. Wix publishes no number: off (0) by default. */
  eventMs: number;
  /**
   * How long a Wix Data change takes to reach reads without `consistentRead` (Wix: "a short delay,
   * typically a few seconds"; local-wix/server/dataMirror.ts). Every such read lags by exactly this. 0: off.
   */
  dataMirrorLagMs: number;
  /** Added to every Wix Data and Wix API call served to site code (uniform in [min, max]). */
  latencyMs: LatencyRange;
}

type Numeric = Exclude<keyof LimitSettings, 'enabled' | 'latencyMs'>;

/** What `startStack({ limits })` takes: false, or any subset of the settings (latency as "N", "MIN-MAX", N or {min, max}). */
export type LimitsOption = false | (Partial<Omit<LimitSettings, 'enabled' | 'latencyMs'>> & { latencyMs?: number | string | LatencyRange });

/** Defaults: a free Wix site's published limits (WIX-FACTS.md, "Limits a live site enforces"). */
export const DEFAULT_LIMITS: Omit<LimitSettings, 'enabled'> = {
  dataReadsPerMin: 3000,
  dataWritesPerMin: 1500,
  dataRequestMs: 5000,
  apiCallsPerMin: 200,
  emailsPerMin: 0,
  backendRequestsPerMin: 5000,
  jobMs: 300_000,
  eventMs: 0,
  dataMirrorLagMs: 2000,
  latencyMs: { min: 0, max: 0 },
};

/** The environment variable of each setting. */
export const LIMIT_ENV: Record<Numeric | 'latencyMs', string> = {
  dataReadsPerMin: 'LOCAL_WIX_DATA_READS_PER_MIN',
  dataWritesPerMin: 'LOCAL_WIX_DATA_WRITES_PER_MIN',
  dataRequestMs: 'LOCAL_WIX_DATA_REQUEST_MS',
  apiCallsPerMin: 'LOCAL_WIX_API_CALLS_PER_MIN',
  emailsPerMin: 'LOCAL_WIX_EMAILS_PER_MIN',
  backendRequestsPerMin: 'LOCAL_WIX_BACKEND_REQUESTS_PER_MIN',
  jobMs: 'LOCAL_WIX_JOB_MS',
  eventMs: 'LOCAL_WIX_EVENT_MS',
  dataMirrorLagMs: 'LOCAL_WIX_DATA_MIRROR_LAG_MS',
  latencyMs: 'LOCAL_WIX_LATENCY_MS',
};
export const LIMITS_SWITCH_ENV = 'LOCAL_WIX_LIMITS';

const NUMERIC = Object.keys(LIMIT_ENV).filter((k) => k !== 'latencyMs') as Numeric[];

export class LimitSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitSettingError';
  }
}

function wholeNumber(where: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new LimitSettingError(`${where} must be a whole number ≥ 0 (0 = no limit), got ${JSON.stringify(v)}`);
  }
  return n;
}

/** "30", "20-40", 30 or {min, max} → a range in ms. */
export function parseLatency(where: string, v: unknown): LatencyRange {
  if (typeof v === 'number') {
    const n = wholeNumber(where, v);
    return { min: n, max: n };
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const r = v as { min?: unknown; max?: unknown };
    const min = wholeNumber(`${where}.min`, r.min), max = wholeNumber(`${where}.max`, r.max);
    if (min > max) throw new LimitSettingError(`${where}: min ${min} is above max ${max}`);
    return { min, max };
  }
  const m = typeof v === 'string' ? /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v) : null;
  if (!m) throw new LimitSettingError(`${where} must be "N" or "MIN-MAX" in ms (e.g. "20-40"), got ${JSON.stringify(v)}`);
  const min = Number(m[1]), max = m[2] === undefined ? min : Number(m[2]);
  if (min > max) throw new LimitSettingError(`${where}: ${min} is above ${max}`);
  return { min, max };
}

/** The settings in force: option over environment over default. Throws LimitSettingError on a bad value. */
export function resolveLimits(option?: LimitsOption, env: NodeJS.ProcessEnv = process.env): LimitSettings {
  const switchValue = env[LIMITS_SWITCH_ENV];
  if (switchValue !== undefined && !['0', '1', ''].includes(switchValue)) {
    throw new LimitSettingError(`${LIMITS_SWITCH_ENV} must be 0 (limits off) or 1, got ${JSON.stringify(switchValue)}`);
  }
  const enabled = option !== false && switchValue !== '0';
  const given = option === false || option === undefined ? {} : option;
  const out: LimitSettings = { enabled, ...DEFAULT_LIMITS };
  for (const key of NUMERIC) {
    const fromOption = given[key];
    const fromEnv = env[LIMIT_ENV[key]];
    if (fromOption !== undefined) out[key] = wholeNumber(`limits.${key}`, fromOption);
    else if (fromEnv !== undefined && fromEnv !== '') out[key] = wholeNumber(LIMIT_ENV[key], fromEnv);
  }
  if (given.latencyMs !== undefined) out.latencyMs = parseLatency('limits.latencyMs', given.latencyMs);
  else if (env[LIMIT_ENV.latencyMs]) out.latencyMs = parseLatency(LIMIT_ENV.latencyMs, env[LIMIT_ENV.latencyMs]);
  // The mirror's lag, like the latency, is how Wix behaves, not a limit: it stays as set.
  if (!enabled) for (const key of NUMERIC) if (key !== 'dataMirrorLagMs') out[key] = 0;
  return out;
}

/** "20-40 ms", "30 ms" or "none", for start-up banners and benchmark output. */
export function formatLatency(r: LatencyRange): string {
  if (r.max === 0) return 'none';
  return r.min === r.max ? `${r.min} ms` : `${r.min}-${r.max} ms`;
}
