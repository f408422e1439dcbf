// Builds the connector for a SyncTargets row: the token or signing secret comes from Wix Secrets by
// the name the row holds; kind options are checked with messages the owner can act on.
import { z } from 'zod';
import { outboundUrlProblem } from '../core/security/outboundUrl.js';
import { SYNC_SECRET_PREFIX, templateProblem } from '../core/sync/syncRows.js';
import type { ClockPort, ExternalTicketingFactory, SecretsPort, SyncTargetConfig } from '../ports.js';
import { pretixConnector } from './pretix.js';
import { signedRestConnector } from './signedRest.js';
import { RatePacer, type FetchLike } from './syncHttp.js';
import { issueLines } from '../core/validation/zodIssues.js';

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
  /** The deployment (never a row's say): on a live site loopback, private and link-local hosts are refused. */
  localWix?: boolean | (() => Promise<boolean>);
}

export function syncTargetFactory(opts: FactoryOptions): ExternalTicketingFactory {
  return {
    async connect(target: SyncTargetConfig) {
      // Checked again here, not only in the CMS hook: rows written before these rules, or by code that
      // skips hooks, must not send a token anywhere else.
      const localWix = typeof opts.localWix === 'function' ? await opts.localWix() : !!opts.localWix;
      const urlProblem = outboundUrlProblem(target.baseUrl, { localWix });
      if (urlProblem) throw new Error(`Sync target ${target._id}: baseUrl ${urlProblem}`);
      if (!target.secretName.startsWith(SYNC_SECRET_PREFIX)) throw new Error(`Sync target ${target._id}: secretName must start with ${SYNC_SECRET_PREFIX}`);
      const secret = await opts.secrets.getSecret(target.secretName);
      const http = { fetch: opts.fetch, clock: opts.clock, timeoutMs: opts.timeoutMs, inlineRetries: opts.inlineRetries ?? 0, maxInlineWaitMs: 120_000 };
      const pacer = (perMinute: number | undefined) => (perMinute ? new RatePacer(perMinute * (opts.rateShare ?? 0.97), 3, opts.clock) : null);
      if (target.kind === 'pretix') {
        const o = pretixOptions.safeParse(target.options);
        if (!o.success) throw new Error(`Sync target ${target._id}: ${o.error.issues.map((i) => i.message).join('; ')}`);
        return pretixConnector({ ...http, baseUrl: target.baseUrl, organizer: o.data.organizer, token: secret, pacer: pacer(o.data.ratePerMinute ?? 360) });
      }
      const o = restOptions.safeParse(target.options);
      if (!o.success) throw new Error(`Sync target ${target._id}: ${issueLines(o.error, { prefix: 'options.', root: '' }).join('; ')}`);
      for (const [name, tpl] of Object.entries(o.data.templates ?? {})) {
        const p = typeof tpl === 'string' ? templateProblem(tpl) : null;
        if (p) throw new Error(`Sync target ${target._id}: options.templates.${name} ${p}`);
      }
      return signedRestConnector({ ...http, baseUrl: target.baseUrl, secret, templates: o.data.templates, idField: o.data.idField, idempotencyHeader: o.data.idempotencyHeader, pacer: pacer(o.data.ratePerMinute) });
    },
  };
}
