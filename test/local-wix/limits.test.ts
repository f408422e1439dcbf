// The limit settings (option over environment over default, refusals of bad values) and the rolling
// per-minute quota on a clock the test moves.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_LIMITS, LimitSettingError, resolveLimits } from '../../local-wix/server/limitSettings.js';
import { RollingQuota } from '../../local-wix/server/rollingQuota.js';
import { SiteLimits } from '../../local-wix/server/siteLimits.js';

describe('limit settings', () => {
  test("defaults are a free site's published limits, on; emails off; no latency; reads lag 2 s without consistentRead", () => {
    expect(resolveLimits(undefined, {})).toEqual({
      enabled: true, dataReadsPerMin: 3000, dataWritesPerMin: 1500, dataRequestMs: 5000, apiCallsPerMin: 200,
      emailsPerMin: 0, backendRequestsPerMin: 5000, jobMs: 300_000, eventMs: 0, dataMirrorLagMs: 2000, latencyMs: { min: 0, max: 0 },
    });
  });

  test('each LOCAL_WIX_* variable sets its limit; a startStack option wins over it', () => {
    const env = {
      LOCAL_WIX_DATA_READS_PER_MIN: '10', LOCAL_WIX_DATA_WRITES_PER_MIN: '11', LOCAL_WIX_DATA_REQUEST_MS: '12', LOCAL_WIX_API_CALLS_PER_MIN: '13',
      LOCAL_WIX_EMAILS_PER_MIN: '14', LOCAL_WIX_BACKEND_REQUESTS_PER_MIN: '15', LOCAL_WIX_JOB_MS: '16', LOCAL_WIX_EVENT_MS: '17', LOCAL_WIX_LATENCY_MS: '20-40',
      LOCAL_WIX_DATA_MIRROR_LAG_MS: '18',
    };
    expect(resolveLimits(undefined, env)).toEqual({
      enabled: true, dataReadsPerMin: 10, dataWritesPerMin: 11, dataRequestMs: 12, apiCallsPerMin: 13,
      emailsPerMin: 14, backendRequestsPerMin: 15, jobMs: 16, eventMs: 17, dataMirrorLagMs: 18, latencyMs: { min: 20, max: 40 },
    });
    expect(resolveLimits({ apiCallsPerMin: 7, latencyMs: 30 }, env)).toMatchObject({ apiCallsPerMin: 7, dataReadsPerMin: 10, latencyMs: { min: 30, max: 30 } });
    expect(resolveLimits({ latencyMs: { min: 5, max: 9 } }, {}).latencyMs).toEqual({ min: 5, max: 9 });
  });

  test('limits: false or LOCAL_WIX_LIMITS=0 turns every quota and time limit off; the latency and the mirror lag stay', () => {
    for (const off of [resolveLimits(false, { LOCAL_WIX_LATENCY_MS: '25' }), resolveLimits({ apiCallsPerMin: 9 }, { LOCAL_WIX_LIMITS: '0', LOCAL_WIX_LATENCY_MS: '25' })]) {
      expect(off).toEqual({
        enabled: false, dataReadsPerMin: 0, dataWritesPerMin: 0, dataRequestMs: 0, apiCallsPerMin: 0,
        emailsPerMin: 0, backendRequestsPerMin: 0, jobMs: 0, eventMs: 0, dataMirrorLagMs: 2000, latencyMs: { min: 25, max: 25 },
      });
    }
  });

  test.each([
    [{ LOCAL_WIX_API_CALLS_PER_MIN: 'many' }, undefined, /LOCAL_WIX_API_CALLS_PER_MIN must be a whole number ≥ 0 \(0 = no limit\), got "many"/],
    [{ LOCAL_WIX_DATA_READS_PER_MIN: '-1' }, undefined, /LOCAL_WIX_DATA_READS_PER_MIN must be a whole number/],
    [{ LOCAL_WIX_JOB_MS: '1.5' }, undefined, /LOCAL_WIX_JOB_MS must be a whole number/],
    [{ LOCAL_WIX_LATENCY_MS: '40-20' }, undefined, /LOCAL_WIX_LATENCY_MS: 40 is above 20/],
    [{ LOCAL_WIX_LATENCY_MS: 'fast' }, undefined, /LOCAL_WIX_LATENCY_MS must be "N" or "MIN-MAX" in ms/],
    [{ LOCAL_WIX_LIMITS: 'off' }, undefined, /LOCAL_WIX_LIMITS must be 0 \(limits off\) or 1/],
    [{}, { dataWritesPerMin: 2.5 }, /limits.dataWritesPerMin must be a whole number/],
  ] as const)('refuses a bad value: %j %j', (env, option, message) => {
    expect(() => resolveLimits(option as never, env)).toThrow(LimitSettingError);
    expect(() => resolveLimits(option as never, env)).toThrow(message);
  });

  test('the defaults table is what resolveLimits starts from', () => {
    expect(resolveLimits(undefined, {})).toEqual({ enabled: true, ...DEFAULT_LIMITS });
  });
});

describe('rolling per-minute quota', () => {
  test("admits up to the limit in any 60 s, frees a second's requests 61 s after it, and keeps the busiest minute", () => {
    let now = 1_000_000; // ms, at a whole second
    const q = new RollingQuota(3, () => now);
    expect([q.take(), q.take()]).toEqual([true, true]);
    now += 30_000;
    expect([q.take(), q.take()]).toEqual([true, false]);
    // At +60 s the first two are still in the window (it spans 60–61 s: never shorter than a minute).
    now = 1_000_000 + 60_000;
    expect(q.take()).toBe(false);
    now = 1_000_000 + 61_000;
    expect([q.take(), q.take(), q.take()]).toEqual([true, true, false]);
    expect(q.stats()).toEqual({ limit: 3, perMinute: true, total: 5, refused: 3, peakPerMinute: 3 });
    // Long quiet: the window empties whole.
    now += 10 * 60_000;
    expect(q.inWindow()).toBe(0);
  });

  test('a request of several units (a query with includes) needs room for all of them', () => {
    const now = 5_000;
    const q = new RollingQuota(5, () => now);
    expect(q.take(3)).toBe(true);
    expect(q.take(3)).toBe(false);
    expect(q.take(2)).toBe(true);
    expect(q.stats()).toMatchObject({ total: 5, refused: 3 });
  });

  test('without a limit it counts and refuses nothing; the peak is the busiest rolling minute', () => {
    let now = 0;
    const q = new RollingQuota(null, () => now);
    for (let s = 0; s < 120; s++) { now = s * 1000; q.take(s < 60 ? 1 : 2); }
    // One a second for a minute, then two a second: the busiest window (61 one-second buckets) is the
    // last, seconds 59–119: 1 + 60 × 2.
    expect(q.stats()).toEqual({ limit: null, perMinute: true, total: 180, refused: 0, peakPerMinute: 121 });
  });

  test('a stats reset starts totals and peaks over but not the minute the quota enforces', () => {
    const now = 0;
    const limits = new SiteLimits({ dataWritesPerMin: 2 }, () => now);
    limits.take('dataWrites');
    limits.take('dataWrites');
    limits.resetStats();
    expect(() => limits.take('dataWrites')).toThrow('WDE0014: Requests per minute quota exceeded.');
    expect(limits.stats().quotas.dataWrites).toEqual({ limit: 2, perMinute: true, total: 0, refused: 1, peakPerMinute: 0 });
  });

  test('agrees with a list of every admitted request over random traffic (gaps from 0 to 2 minutes, 1-3 units)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.record({ gapMs: fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 120_000 })), units: fc.integer({ min: 1, max: 3 }) }), { maxLength: 300 }),
      (limit, traffic) => {
        let now = 0;
        const q = new RollingQuota(limit, () => now);
        const admitted: { sec: number; units: number }[] = [];
        let peak = 0, total = 0, refused = 0;
        // The model: a request counts in every window whose last second is within 60 s after its own.
        const inWindow = (sec: number) => admitted.filter((a) => a.sec >= sec - 60 && a.sec <= sec).reduce((n, a) => n + a.units, 0);
        for (const { gapMs, units } of traffic) {
          now += gapMs;
          const sec = Math.floor(now / 1000);
          const ok = inWindow(sec) + units <= limit;
          expect(q.take(units)).toBe(ok);
          if (ok) { admitted.push({ sec, units }); total += units; peak = Math.max(peak, inWindow(sec)); } else refused += units;
        }
        expect(q.stats()).toEqual({ limit, perMinute: true, total, refused, peakPerMinute: peak });
      },
    ), { numRuns: 200 });
  });
});
