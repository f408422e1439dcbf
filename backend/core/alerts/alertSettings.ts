// The site owner's sale-alert settings, kept as one JSON value in Wix Secrets
// (`SALE_ALERTS_SETTINGS`) so they change without a code publish. Parsed strictly: a typo must
// show up in the logs, not silently switch the marketing tool.
import { z } from 'zod';
import { issueLines } from '../validation/zodIssues.js';

export const alertSettingsSchema = z.object({
  /** `https://www.example.com` — the site's public URL. */
  siteUrl: z.url().refine((u) => u.startsWith('https://') || u.startsWith('http://127.0.0.1') || u.startsWith('http://localhost'), 'must be https'),
  /** Triggered-email template ID from the dashboard. */
  templateId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).default('sale-alert'),
  /** Triggered email with the double opt-in link (variables `eventName`, `eventUrl`, `confirmUrl`). */
  confirmTemplateId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).default('sale-alert-confirm'),
  /** Site-wide cap on confirmation emails per UTC hour; past it sign-ups answer `rate_limited`. */
  confirmationsPerHour: z.number().int().min(1).max(10_000).default(100),
  /** Version of the sign-up wording the visitor agreed to; change it when you change the wording. Stored with each consent. */
  consentWording: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/).default('sale-alert-v1'),
  marketingTool: z.enum(['wix', 'mailchimp']).default('wix'),
  mailchimpListId: z.string().regex(/^[A-Za-z0-9]{1,40}$/).optional(),
  /** VAPID contact (`mailto:` or `https:`); web push is off when VAPID keys are missing. */
  pushSubject: z.string().regex(/^(mailto:|https:)/).optional(),
  locale: z.string().max(35).default('en-US'),
}).strict().refine((s) => s.marketingTool !== 'mailchimp' || !!s.mailchimpListId, { message: 'mailchimpListId is required for Mailchimp', path: ['mailchimpListId'] });

export type AlertSettings = z.output<typeof alertSettingsSchema>;

export function parseAlertSettings(json: string): AlertSettings {
  let raw: unknown;
  try { raw = JSON.parse(json); } catch { throw new Error('SALE_ALERTS_SETTINGS is not JSON'); }
  const r = alertSettingsSchema.safeParse(raw);
  if (!r.success) throw new Error(`SALE_ALERTS_SETTINGS: ${issueLines(r.error, { root: 'settings', sep: ' ' }).join('; ')}`);
  return r.data;
}
