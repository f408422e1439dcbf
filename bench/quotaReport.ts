// What a benchmark prints about a live site's quotas: for each quota, its limit, the most requests
// counted in any rolling minute, that peak's share of the limit, the total and the refused, plus the
// per-call latency the run had. From the local Wix's `GET /_local/stats` (`limits`). Benchmarks print
// `quotaLines(stats)` before their RESULT line and put `throttled=<throttledCount(stats)>` in it.
import { adminFetch } from '../local-wix/local-key.js';
import type { LimitsStats, QuotaName } from '../local-wix/server/siteLimits.js';

export type QuotaStatsAnswer = { limits: LimitsStats };

/** `GET <baseUrl>/_local/stats` → its `limits` part (the route counts are left out). */
export async function fetchQuotaStats(baseUrl: string): Promise<QuotaStatsAnswer> {
  const res = await adminFetch(new URL('/_local/stats', baseUrl));
  if (!res.ok) throw new Error(`GET /_local/stats answered ${res.status}`);
  const body = (await res.json()) as { limits?: LimitsStats };
  if (!body.limits) throw new Error('GET /_local/stats has no "limits": is this the local Wix with quotas (issue 9)?');
  return { limits: body.limits };
}

/** One line per quota (`quota dataWrites limit=1500 peak_per_min=.. share=0.xx total=.. refused=..`), then `latency_ms=…`. */
export function quotaLines(stats: QuotaStatsAnswer): string[] {
  const lines = Object.entries(stats.limits.quotas).map(([name, q]) => {
    const share = q.limit ? (q.peakPerMinute / q.limit).toFixed(2) : 'n/a';
    return `quota ${name} limit=${q.limit ?? 'none'} peak_per_min=${q.peakPerMinute} share=${share} total=${q.total} refused=${q.refused}`;
  });
  const { min, max } = stats.limits.latencyMs;
  lines.push(`latency_ms=${min === max ? min : `${min}-${max}`}${stats.limits.enabled ? '' : ' limits=off'}`);
  return lines;
}

/** Requests refused by any quota: the benchmark's `throttled=`. */
export function throttledCount(stats: QuotaStatsAnswer): number {
  return Object.values(stats.limits.quotas).reduce((n, q) => n + q.refused, 0);
}

/** The share of one quota's limit used in the busiest minute (null when that quota has no limit). */
export function peakShare(stats: QuotaStatsAnswer, quota: QuotaName): number | null {
  const q = stats.limits.quotas[quota];
  return q.limit ? q.peakPerMinute / q.limit : null;
}
