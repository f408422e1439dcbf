// What the sale-alert flows run on: ports, plus the site owner's settings.
import type { PruneLimits } from '../core/alerts/alertRetention.js';
import type { ChunkLimits } from '../core/alerts/sweepChunks.js';
import type { BulkUpdatePort, ClaimsPort, ClockPort, CollectionsPort, EventDetailsPort, LoggerPort, MailerPort, MarketingToolPort, PushPort, SecretsPort, TicketDefinitionsPort } from '../ports.js';

export interface AlertsConfig {
  /** Triggered-email template ID designed in the Wix dashboard (variables: see `alertEmailVariables`). */
  templateId: string;
  /** `https://<site>/_functions/saleAlertUnsubscribe`: the one-click link's base. */
  unsubscribeBaseUrl: string;
  /** Name of the Wix secret holding the HMAC key of unsubscribe links. */
  unsubscribeSecretName: string;
  /** Page URL used when the event's own page is unknown. */
  siteUrl: string;
  locale?: string;
  /**
   * Running on the local Wix (a deployment fact: the `LOCAL_WIX_DEPLOYMENT` secret, never a visitor's
   * or a CMS row's say): local push endpoints are accepted. Event IDs are GUIDs on both.
   */
  localWix?: boolean;
  /** Triggered email of the double opt-in (default `sale-alert-confirm`). */
  confirmTemplateId?: string;
  /** `https://<site>/_functions/saleAlertConfirm` (default: under `siteUrl`). */
  confirmBaseUrl?: string;
  /** Site-wide confirmation emails per UTC hour (default 100). */
  confirmationsPerHour?: number;
  /** Version of the sign-up wording, stored with each consent (default `sale-alert-v1`). */
  consentWording?: string;
  /** Parallel calls to outside systems inside one chunk. */
  concurrency?: number;
  /** Alerts (triggered emails, pushes) in flight at once per invocation. Default 20. */
  emailConcurrency?: number;
}

export interface AlertsDeps {
  /** Claims (bulk inserts of unique IDs) and bulk updates carry the delivery records. */
  collections: CollectionsPort & ClaimsPort & BulkUpdatePort;
  definitions: TicketDefinitionsPort;
  events: EventDetailsPort;
  marketing: MarketingToolPort;
  mailer: MailerPort;
  /** null when web push is not configured (no VAPID keys): push alerts are then skipped. */
  push: PushPort | null;
  secrets: SecretsPort;
  clock: ClockPort;
  logger?: LoggerPort;
  config: AlertsConfig;
  /** Chunk limits override (tests, benchmarks). */
  limits?: Partial<ChunkLimits>;
  /** Pruning chunk sizes override (tests). */
  pruneLimits?: Partial<PruneLimits>;
  /** Monotonic milliseconds for chunk timing. Default `performance.now`. */
  elapsed?: () => number;
}
