// Builds the connector for a SyncTargets row: the token or signing secret comes from Wix Secrets by
// the name the row holds; kind options are checked with messages the owner can act on.
import { z } from 'zod';
import type { ClockPort, ExternalTicketingFactory, SecretsPort, SyncTargetConfig } from '../ports.js';
import { pretixConnector } from './pretix.js';
import { signedRestConnector } from './signedRest.js';
import { RatePacer, type FetchLike } from './syncHttp.js';

const pretixOptions = z.object({
  organizer: z.string({ error: 'options.organizer must be the Pretix organizer short name' }).min(1, 'options.organizer must be the Pretix organizer short name'),
  /** Pretix hosted allows 360 a minute per organizer. */
  ratePerMinute: z.number().positive().optional(),
});

const restOptions = z.object({
  templates: z.object({ create: z.string(), update: z.string(), delete: z.string(), list: z.string().optional() }).partial().optional(),
  idField: z.string().optional(),
  idempotencyHeader: z.string().optional(),
  ratePerMinute: z.number().positive().optional(),
});

export interface FactoryOptions {
  secrets: SecretsPort;
  fetch?: FetchLike;
  clock?: ClockPort;
  timeoutMs?: number;
  /** Waiting out a 429 inline suits the CLI; inside Wix (14 s budget) leave 0 and let the outbox wait. */
  inlineRetries?: number;
  /** Share of the target's rate budget to use (pacing just under the limit avoids 429s). */
  rateShare?: number;
}

export function syncTargetFactory(opts: FactoryOptions): ExternalTicketingFactory {
  return {
    async connect(target: SyncTargetConfig) {
      const secret = await opts.secrets.getSecret(target.secretName);
      const http = { fetch: opts.fetch, clock: opts.clock, timeoutMs: opts.timeoutMs, inlineRetries: opts.inlineRetries ?? 0, maxInlineWaitMs: 120_000 };
      const pacer = (perMinute: number | undefined) => (perMinute ? new RatePacer(perMinute * (opts.rateShare ?? 0.97), 3, opts.clock) : null);
      if (target.kind === 'pretix') {
        const o = pretixOptions.safeParse(target.options);
        if (!o.success) throw new Error(`Sync target ${target._id}: ${o.error.issues.map((i) => i.message).join('; ')}`);
        return pretixConnector({ ...http, baseUrl: target.baseUrl, organizer: o.data.organizer, token: secret, pacer: pacer(o.data.ratePerMinute ?? 360) });
      }
      const o = restOptions.safeParse(target.options);
      if (!o.success) throw new Error(`Sync target ${target._id}: ${o.error.issues.map((i) => `options.${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return signedRestConnector({ ...http, baseUrl: target.baseUrl, secret, templates: o.data.templates, idField: o.data.idField, idempotencyHeader: o.data.idempotencyHeader, pacer: pacer(o.data.ratePerMinute) });
    },
  };
}
