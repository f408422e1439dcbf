// Web methods of the "notify me when tickets go on sale" control. Anyone may call them: the flow
// validates every field (zod), rate-limits per mailbox and site, stores only what it validated, and
// sends a confirmation email (double opt-in): bad input answers `invalid` with the issues, never a 500.
import { Permissions, webMethod } from 'wix-web-module';
import { getSecret } from 'wix-secrets-backend';
import { InvalidSubscriptionError } from '../core/alerts/subscriptionInput.js';
import { subscribe } from '../flows/alerts.js';
import { alertsDeps } from './wiring/alertsDeps.js';

export type SubscribeAnswer =
  // One answer for a new and an already listed address: callers are anonymous, and must not learn
  // whether somebody else's address is subscribed.
  // `confirmation_sent`: a confirmation email went out; alerts start once its link is confirmed.
  | { ok: true; outcome: 'confirmation_sent' }
  | { ok: false; reason: 'invalid'; issues: string[] }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

export const subscribeToSaleAlerts = webMethod(Permissions.Anyone, async (input: unknown): Promise<SubscribeAnswer> => {
  try {
    const r = await subscribe(await alertsDeps(), input);
    if (r.outcome === 'rate_limited') return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.ceil(r.retryAfterMs / 1000) };
    // The subscription ID stays server-side: it is what the unsubscribe token signs.
    return { ok: true, outcome: 'confirmation_sent' };
  } catch (e) {
    if (e instanceof InvalidSubscriptionError) return { ok: false, reason: 'invalid', issues: e.issues };
    throw e;
  }
});

/** The VAPID public key the browser passes to `pushManager.subscribe({applicationServerKey})`; null when push is off. */
export const saleAlertPushKey = webMethod(Permissions.Anyone, async (): Promise<{ publicKey: string | null }> => {
  try {
    return { publicKey: await getSecret('VAPID_PUBLIC_KEY') };
  } catch {
    return { publicKey: null };
  }
});
