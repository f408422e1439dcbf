// Wix's webhook resend policy (https://dev.wix.com/docs/rest/articles/getting-started/webhook-resend-policy):
// a delivery fails when it is not acknowledged within 1,250 ms or is not answered with 200; up to 12
// more attempts follow, each a set time after the previous failure, about 47 hours in all. The local
// Velo host applies it to the site's event handlers: a handler that throws, or runs past the
// acknowledgement window, is delivered again with the same payload. (That Velo's backend events follow
// the REST webhooks' policy is assumed, the strict way; the README lists it.)

/** Delay before each further attempt, counted from the failure before it: 1 min, 10 min, 1 h, 2 h ×3, 4 h ×3, 8 h ×2, 12 h. */
export const WIX_RESEND_SCHEDULE_MS: readonly number[] = [1, 10, 60, 120, 120, 120, 240, 240, 240, 480, 480, 720].map((minutes) => minutes * 60_000);

/** The pending redeliveries of one host: timers that never keep the process alive, cleared when it stops. */
export class Redeliveries {
  private readonly timers = new Set<NodeJS.Timeout>();
  constructor(private readonly scheduleMs: readonly number[]) {}

  /** How many attempts a delivery gets in all: the first one and the schedule's. */
  get attempts(): number { return this.scheduleMs.length + 1; }

  /**
   * After delivery attempt `failed` (1: the first delivery) failed: runs `redeliver` once the
   * schedule's delay for the next attempt has passed. Returns that delay, or null when no attempt is left.
   */
  after(failed: number, redeliver: () => void): number | null {
    const delay = this.scheduleMs[failed - 1];
    if (delay === undefined) return null;
    const timer = setTimeout(() => { this.timers.delete(timer); redeliver(); }, delay);
    timer.unref();
    this.timers.add(timer);
    return delay;
  }

  get pending(): number { return this.timers.size; }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
