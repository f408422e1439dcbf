// A per-minute quota counted over a rolling window of one-second buckets: O(1) per request, no
// timestamps kept. A request counts for the second it arrived in and the 60 seconds after it, so the
// window spans 60–61 s: never shorter than Wix's minute (never kinder), at most a second longer.

/** Buckets of the window: the current second plus the 60 before it. */
const BUCKETS = 61;

/** Counts per second over the last BUCKETS seconds. */
export class RollingCount {
  private readonly counts = new Float64Array(BUCKETS);
  private head = Number.NaN;
  private sum = 0;

  /** Drops the seconds that left the window, up to second `sec`. */
  private advance(sec: number) {
    if (Number.isNaN(this.head) || sec - this.head >= BUCKETS) {
      this.counts.fill(0);
      this.sum = 0;
      this.head = sec;
      return;
    }
    while (this.head < sec) {
      this.head++;
      const i = this.head % BUCKETS;
      this.sum -= this.counts[i]!;
      this.counts[i] = 0;
    }
  }

  /** Requests in the window ending at `nowMs`. */
  inWindow(nowMs: number): number {
    this.advance(Math.floor(nowMs / 1000));
    return this.sum;
  }

  /** Counts `n` at `nowMs`; returns the window's new sum. */
  add(nowMs: number, n: number): number {
    const sec = Math.floor(nowMs / 1000);
    this.advance(sec);
    this.counts[sec % BUCKETS]! += n;
    this.sum += n;
    return this.sum;
  }

  clear() {
    this.counts.fill(0);
    this.sum = 0;
    this.head = Number.NaN;
  }
}

export interface QuotaStats {
  /** Requests per rolling minute; null: not limited (counted only). */
  limit: number | null;
  perMinute: true;
  /** Requests admitted since start (or the last stats reset). */
  total: number;
  /** Requests refused for the quota since start (or the last stats reset); not in `total`. */
  refused: number;
  /** Most requests admitted in any rolling minute since start (or the last stats reset). */
  peakPerMinute: number;
}

export class RollingQuota {
  /** What the quota enforces; a stats reset does not empty it (the site's minute goes on). */
  private readonly window = new RollingCount();
  /** The same count for `peakPerMinute`, emptied by a stats reset. */
  private readonly statsWindow = new RollingCount();
  private total = 0;
  private refused = 0;
  private peak = 0;

  constructor(readonly limit: number | null, private readonly now: () => number = Date.now) {}

  /** Counts `n` requests if the quota has room for them; false (and counted as refused) if not. */
  take(n = 1): boolean {
    const t = this.now();
    if (this.limit !== null && this.window.inWindow(t) + n > this.limit) {
      this.refused += n;
      return false;
    }
    this.window.add(t, n);
    this.total += n;
    const inMinute = this.statsWindow.add(t, n);
    if (inMinute > this.peak) this.peak = inMinute;
    return true;
  }

  /** Requests admitted in the current rolling minute. */
  inWindow(): number { return this.window.inWindow(this.now()); }

  stats(): QuotaStats {
    return { limit: this.limit, perMinute: true, total: this.total, refused: this.refused, peakPerMinute: this.peak };
  }

  resetStats() {
    this.total = 0;
    this.refused = 0;
    this.peak = 0;
    this.statsWindow.clear();
  }
}
