// How many confirmation emails may go out: one per mailbox (see mailbox.ts) per UTC day, however often
// it is signed up, and at most `perHour` for the whole site. Both are counted with unique-ID claims in
// `SaleAlertRateLimits` (insert-once), so concurrent sign-ups cannot both pass: this module only names
// the claims and says how long a refusal lasts.

export interface ConfirmationLimits {
  /** Site-wide confirmation emails per UTC hour (setting `confirmationsPerHour`). */
  perHour: number;
}

export const DEFAULT_CONFIRMATIONS_PER_HOUR = 100;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The claim that this mailbox got its confirmation email today (UTC). */
export function mailboxDayClaimId(mailboxKey: string, now: Date): string {
  return `cfday_${mailboxKey}_${now.toISOString().slice(0, 10)}`;
}

/** Where the search for this UTC hour's next free confirmation slot starts (a hint: the slots are the claims). */
export function siteHourCountId(now: Date): string {
  return `cfhourcount_${now.toISOString().slice(0, 13)}`;
}

/** The `n`th confirmation email of the site in this UTC hour (n from 0). */
export function siteHourSlotId(now: Date, n: number): string {
  return `cfhour_${now.toISOString().slice(0, 13)}_${String(n).padStart(5, '0')}`;
}

export function untilNextDayMs(now: Date): number {
  return DAY - (now.getTime() % DAY);
}

export function untilNextHourMs(now: Date): number {
  return HOUR - (now.getTime() % HOUR);
}

/** Made-up event IDs: each costs a Wix call, so a miss is remembered and misses share a site budget. */
export const EVENT_MISS_MEMO_MS = 10 * 60_000;
export const EVENT_MISSES_PER_WINDOW = 50;

export function eventMissMemoId(eventId: string): string {
  return `evmiss_${eventId}`;
}

/** Where the search for this 10-minute window's next free event-miss slot starts. */
export function eventMissCountId(now: Date): string {
  return `evmisscount_${Math.floor(now.getTime() / EVENT_MISS_MEMO_MS)}`;
}

/** The `n`th event miss the site paid for in this 10-minute window. */
export function eventMissSlotId(now: Date, n: number): string {
  return `evmissslot_${Math.floor(now.getTime() / EVENT_MISS_MEMO_MS)}_${String(n).padStart(4, '0')}`;
}
