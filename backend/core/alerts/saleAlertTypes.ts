// The stored shapes of sale alerts (CMS items) and the values the planning functions pass around.
// All times are ISO-8601 UTC strings; the event's time zone only matters when an email is worded.

export type AlertChannel = 'email' | 'push';
export const ALERT_CHANNELS: readonly AlertChannel[] = ['email', 'push'];

/** A browser's PushSubscription.toJSON(), as the Push API gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

/** `SaleAlertSubscriptions` item: one per (email, event); `_id` = subscriptionId(email, eventId). */
export interface SaleAlertSubscription {
  _id: string;
  email: string;
  eventId: string;
  channels: AlertChannel[];
  push: PushSubscriptionJson | null;
  /** Wix contact the triggered email goes to. */
  contactId: string;
  /**
   * `pending`: signed up, not confirmed yet (gets no alerts). `active`: confirmed through the emailed
   * link. `unsubscribed`: only a new confirmation makes it active again.
   */
  status: 'pending' | 'active' | 'unsubscribed';
  /** When the visitor confirmed (consent record); null until then. */
  consentAt: string | null;
  /** The wording version (setting `consentWording`) the confirmed sign-up showed. */
  consentWording?: string | null;
  /** The sign-up waiting for its confirmation; its channels replace the stored ones only when confirmed. */
  pending?: PendingSignup | null;
  unsubscribedAt: string | null;
  updatedAt: string;
  locale?: string | null;
}

/** A sign-up (consent request) waiting for the visitor to press the button behind the emailed link. */
export interface PendingSignup {
  /** Signed into the confirmation link: only this sign-up's link confirms it. */
  nonce: string;
  channels: AlertChannel[];
  push: PushSubscriptionJson | null;
  locale: string | null;
  requestedAt: string;
  expiresAt: string;
  wording: string;
}

/** `unknown`: a send cut off before its outcome was recorded (it may have gone out; never retried). */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped' | 'unknown';

/**
 * `SaleAlertDeliveries` item, inserted (unique `_id` = deliveryKey) *before* the send: whoever
 * inserts it owns the send; everyone else finds it taken. Updated to sent/failed/skipped after.
 * A failed one is retried by later sweeps (see core/alerts/deliveryRetry.ts): each attempt is
 * claimed with its own unique key, marks the row `pending` again, and records its outcome here.
 */
export interface SaleAlertDelivery {
  _id: string;
  subscriptionId: string;
  definitionId: string;
  eventId: string;
  channel: AlertChannel;
  status: DeliveryStatus;
  /** The sale start the alert announced. */
  saleStart: string;
  claimedAt: string;
  finishedAt: string | null;
  /** The last failed attempt's error; kept after a retry succeeds, to show why it was needed. */
  error: string | null;
  /** Send attempts so far, the first included. Absent on rows from before retries: 1. */
  attempts?: number;
  lastAttemptAt?: string | null;
  /** `failed` only: when the next attempt may run; null once no attempt is left. */
  nextAttemptAt?: string | null;
}

/** `SaleAlertEvents` item: one per event somebody subscribed to, so a sweep knows which events to read. */
export interface SaleAlertEvent {
  _id: string; // = eventId
  firstSubscribedAt: string;
}

/** A definition as the alerts need it, reduced from the V3 entity. */
export interface AlertDefinition {
  definitionId: string;
  eventId: string;
  name: string;
  saleStart: string;
  /** Display price ("$25.00", "Free", "$10.00 – $40.00"), made by `ticketPriceText`. */
  priceText: string;
}
