// What a visitor may send to subscribe. Everything from the browser is untrusted: parse, never cast.
import { z } from 'zod';
import { PUSH_ENDPOINT_RULE, pushEndpointAllowed } from './pushEndpoint.js';
import { ALERT_CHANNELS, type AlertChannel, type PushSubscriptionJson } from './saleAlertTypes.js';
import { wixIdSchema } from '../validation/ids.js';
import { issueLines } from '../validation/zodIssues.js';

/** Lower-cased and trimmed: one person, one key, whatever the capitalisation they typed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');

export interface SubscriptionInputOptions {
  /**
   * The local Wix only (a deployment fact, see README "Live site or local Wix"): also accept
   * `http://127.0.0.1|localhost` push endpoints. Event IDs are GUIDs everywhere.
   */
  localWix?: boolean;
}

function pushEndpoint(opts: SubscriptionInputOptions) {
  return z.string().max(2000).refine((s) => pushEndpointAllowed(s, opts), PUSH_ENDPOINT_RULE);
}

export function pushSubscriptionSchema(opts: SubscriptionInputOptions = {}) {
  return z.object({
    endpoint: pushEndpoint(opts),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({
      // An uncompressed P-256 point is 65 bytes → 87 base64url chars; auth is 16 bytes → 22.
      p256dh: base64url.min(80).max(100),
      auth: base64url.min(16).max(32),
    }),
  });
}

export function subscriptionInputSchema(opts: SubscriptionInputOptions = {}) {
  return z.object({
    email: z.string().trim().max(254).pipe(z.email()).transform(normalizeEmail),
    eventId: z.string().trim().max(100).pipe(wixIdSchema('an event ID')),
    channels: z.array(z.enum(ALERT_CHANNELS as [AlertChannel, ...AlertChannel[]])).min(1).max(2)
      .transform((c) => [...new Set(c)].sort() as AlertChannel[])
      .default(['email']),
    push: pushSubscriptionSchema(opts).nullable().optional(),
    locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).max(35).refine(isIntlLocale, 'must be a language tag such as en-US').nullable().optional(),
  }).strict().superRefine((v, ctx) => {
    if (v.channels.includes('push') && !v.push) ctx.addIssue({ code: 'custom', path: ['push'], message: 'is required for the push channel' });
  }).transform((v) => ({
    email: v.email,
    eventId: v.eventId,
    channels: v.channels,
    // A push subscription without the push channel is not kept: nothing would use it.
    push: v.channels.includes('push') && v.push ? (v.push as PushSubscriptionJson) : null,
    locale: v.locale ?? null,
  }));
}

export type SubscriptionInput = z.output<ReturnType<typeof subscriptionInputSchema>>;

export class InvalidSubscriptionError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid subscription: ${issues.join('; ')}`);
    this.name = 'InvalidSubscriptionError';
  }
}

export function parseSubscriptionInput(input: unknown, opts: SubscriptionInputOptions = {}): SubscriptionInput {
  const r = subscriptionInputSchema(opts).safeParse(input);
  if (r.success) return r.data;
  throw new InvalidSubscriptionError(issueLines(r.error, { sep: ' ' }));
}

/** Tags the shape check lets through but Intl refuses (`en-US-US`) would fail every email later. */
function isIntlLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
