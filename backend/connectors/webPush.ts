// PushPort over the Web Push protocol. `web-push` encrypts the payload (RFC 8291, aes128gcm) and
// signs the VAPID JWT (RFC 8292); the request itself goes out through `fetch`, so the same code runs
// in Velo and against a local push service in tests. VAPID keys live in Wix Secrets.
import webpush from 'web-push';
import { pushEndpointAllowed } from '../core/alerts/pushEndpoint.js';
import type { PushSubscriptionJson } from '../core/alerts/saleAlertTypes.js';
import type { PushPort, PushResult, SecretsPort } from '../ports.js';

export interface WebPushOptions {
  secrets: SecretsPort;
  /** Secret names (not values) of the VAPID key pair, as `web-push generate-vapid-keys` prints them. */
  publicKeySecret?: string;
  privateKeySecret?: string;
  /** `mailto:` or `https:` contact the push service may use (RFC 8292). */
  subject: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The local Wix only: also push to `http://127.0.0.1|localhost` receivers. */
  localWix?: boolean;
}

/** A push service refused the message for a reason other than "subscription gone". */
export class PushDeliveryError extends Error {
  constructor(readonly status: number, readonly retryAfterMs: number | null, detail: string) {
    super(`Push service answered ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'PushDeliveryError';
  }
}

export function webPushConnector(opts: WebPushOptions): PushPort {
  const doFetch = opts.fetch ?? fetch;
  let vapid: Promise<{ subject: string; publicKey: string; privateKey: string }> | null = null;
  const keys = () => (vapid ??= (async () => ({
    subject: opts.subject,
    publicKey: await opts.secrets.getSecret(opts.publicKeySecret ?? 'VAPID_PUBLIC_KEY'),
    privateKey: await opts.secrets.getSecret(opts.privateKeySecret ?? 'VAPID_PRIVATE_KEY'),
  }))());

  return {
    async send(subscription: PushSubscriptionJson, payload: string, o = {}): Promise<PushResult> {
      // Checked again at send time (rows stored before the rule, or edited in the CMS): an endpoint
      // outside the known push services is never called, and the subscription counts as gone.
      if (!pushEndpointAllowed(subscription.endpoint, { localWix: opts.localWix })) return { outcome: 'gone', status: 0 };
      const details = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: await keys(),
        TTL: o.ttlSeconds ?? 24 * 3600,
        contentEncoding: 'aes128gcm',
        ...(o.topic ? { topic: o.topic } : {}),
        urgency: 'normal',
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(details.headers)) if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
      const res = await doFetch(details.endpoint, {
        method: details.method, headers, body: details.body ? new Uint8Array(details.body) : null, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        // A push service answers; it never sends us elsewhere. A redirect is a failure, not followed.
        redirect: 'manual',
      });
      const text = await res.text().catch(() => '');
      if (res.status === 404 || res.status === 410) return { outcome: 'gone', status: res.status };
      if (res.status >= 200 && res.status < 300) return { outcome: 'sent', status: res.status };
      const ra = res.headers.get('retry-after');
      const retryAfterMs = ra ? (/^\d+$/.test(ra) ? Number(ra) * 1000 : Math.max(0, Date.parse(ra) - Date.now()) || null) : null;
      throw new PushDeliveryError(res.status, retryAfterMs, text.slice(0, 200));
    },
  };
}
