// The state a counter shows, from a snapshot, the widget's threshold and the current time.
// Runs on the backend and, bundled into the widget, in the visitor's browser.
import type { CounterSnapshot } from './counterSnapshot.js';

export type CounterState = 'unlimited' | 'available' | 'low' | 'soldOut' | 'notOnSale' | 'ended' | 'hidden';

/** "Low" when unsold ≤ count, or ≤ share × limit (share in 0..1). */
export type Threshold = { count: number } | { share: number };

export const DEFAULT_THRESHOLD: Threshold = { count: 5 };

/** Parses a widget attribute: "5" (count) or "10%" (share of the limit). Invalid → null. */
export function parseThreshold(raw: string | null | undefined): Threshold | null {
  if (raw == null || raw.trim() === '') return null;
  const s = raw.trim();
  const pct = /^(\d{1,3}(?:\.\d+)?)%$/.exec(s);
  if (pct) {
    const share = Number(pct[1]) / 100;
    return share >= 0 && share <= 1 ? { share } : null;
  }
  return /^\d{1,6}$/.test(s) ? { count: Number(s) } : null;
}

export type StateInput = Pick<CounterSnapshot, 'unsold' | 'limit' | 'soldOut' | 'saleStatus' | 'saleStart' | 'saleEnd' | 'hidden'>;

export function counterState(s: StateInput, threshold: Threshold, now: Date): CounterState {
  if (s.hidden) return 'hidden';
  const t = now.getTime();
  if (s.saleStatus === 'SALE_ENDED' || (s.saleEnd && Date.parse(s.saleEnd) <= t)) return 'ended';
  const startsLater = s.saleStart && Date.parse(s.saleStart) > t;
  if (startsLater || (s.saleStatus === 'SALE_SCHEDULED' && !s.saleStart)) return 'notOnSale';
  if (s.soldOut || s.unsold === 0) return 'soldOut';
  if (s.unsold === null) return 'unlimited';
  // The epsilon keeps shares like 0.29 × 100 (28.999…) from rounding down to the wrong count.
  const limit = 'count' in threshold ? threshold.count : Math.floor(threshold.share * (s.limit ?? 0) + 1e-9);
  return s.unsold <= limit ? 'low' : 'available';
}
