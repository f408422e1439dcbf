// The CMS rows of the sync collections as zod schemas: config rows the owner edits (targets, event
// mappings) are parsed with owner-facing messages; state rows (links, outbox, runs) are parsed so a
// hand-edited item cannot crash a flow.
import { z } from 'zod';
import { outboundUrlShapeProblem } from '../security/outboundUrl.js';
import { issueLines } from '../validation/zodIssues.js';

const optionalText = z.string().nullish().transform((v) => (v == null || v.trim() === '' ? null : v.trim()));

export const TARGET_KINDS = ['pretix', 'signedRest'] as const;
export const DELETE_BEHAVIOURS = ['delete', 'deactivate', 'ignore'] as const;

/** Sync tokens live in secrets named `SYNC_…`, so a row can never name the package's own keys. */
export const SYNC_SECRET_PREFIX = 'SYNC_';
const TEMPLATE_NAMES = ['create', 'update', 'delete', 'list'] as const;

/** A URL template must start with `{baseUrl}` and continue with a path or query, so it stays on the target. */
export function templateProblem(tpl: string): string | null {
  if (tpl === '') return null; // "" switches the request off (e.g. no list)
  if (!/^\{baseUrl\}(?:$|[/?])/.test(tpl)) return 'must start with {baseUrl} followed by / or ?';
  if (tpl.length > 500) return 'must be at most 500 characters';
  return null;
}

export const syncTargetRowSchema = z.object({
  _id: z.string().min(1),
  title: optionalText,
  kind: z.enum(TARGET_KINDS, { error: `kind must be one of: ${TARGET_KINDS.join(', ')}` }),
  baseUrl: z.string({ error: 'baseUrl must be a full URL such as https://pretix.eu/api/v1' }).trim().max(500).superRefine((u, ctx) => {
    const p = outboundUrlShapeProblem(u);
    if (p) ctx.addIssue({ code: 'custom', message: `baseUrl ${p}` });
  }),
  secretName: z.string({ error: 'secretName must name the Wix secret that holds the token (Secrets Manager)' }).trim().min(1, 'secretName must name the Wix secret that holds the token (Secrets Manager), not the token itself')
    .refine((s) => !/^(whsec_|[A-Za-z0-9]{40,})/.test(s), 'secretName looks like a token: store the token in Wix Secrets Manager and enter its name here')
    .refine((s) => s.startsWith(SYNC_SECRET_PREFIX) && /^[A-Za-z0-9_-]{6,80}$/.test(s), `secretName must start with ${SYNC_SECRET_PREFIX} (e.g. SYNC_PRETIX_TOKEN): sync tokens are kept apart from the site's other secrets`),
  enabled: z.boolean().nullish().transform((v) => v !== false),
  deleteBehaviour: z.enum(DELETE_BEHAVIOURS, { error: `deleteBehaviour must be one of: ${DELETE_BEHAVIOURS.join(', ')}` }).nullish().transform((v) => v ?? 'deactivate'),
  options: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
}).superRefine((row, ctx) => {
  const templates = (row.options as { templates?: unknown }).templates;
  if (templates === undefined || templates === null) return;
  if (typeof templates !== 'object' || Array.isArray(templates)) {
    ctx.addIssue({ code: 'custom', path: ['options', 'templates'], message: 'options.templates must be an object of URL templates' });
    return;
  }
  for (const [name, tpl] of Object.entries(templates)) {
    if (!(TEMPLATE_NAMES as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', path: ['options', 'templates', name], message: `options.templates.${name} is not one of ${TEMPLATE_NAMES.join(', ')}` });
      continue;
    }
    const p = typeof tpl === 'string' ? templateProblem(tpl) : 'must be text';
    if (p) ctx.addIssue({ code: 'custom', path: ['options', 'templates', name], message: `options.templates.${name} ${p}` });
  }
});
export type SyncTargetRow = z.output<typeof syncTargetRowSchema>;

export const eventMappingRowSchema = z.object({
  _id: z.string().min(1),
  targetId: z.string().trim().min(1, 'choose the sync target'),
  eventId: z.string().trim().min(1, 'enter the Wix event ID'),
  externalEventId: z.string().trim().min(1, 'enter the event ID (or slug) on the other system'),
  enabled: z.boolean().nullish().transform((v) => v !== false),
});
export type EventMappingRow = z.output<typeof eventMappingRowSchema>;

export const LINK_STATUSES = ['active', 'deleted', 'failed'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export const syncLinkSchema = z.object({
  _id: z.string(),
  targetId: z.string(),
  definitionId: z.string(),
  eventId: z.string(),
  externalEventId: z.string(),
  /** Recorded once when the external item is created; never overwritten. */
  externalId: z.string(),
  refs: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? {}),
  lastRevision: z.string(),
  payloadHash: z.string().nullish().transform((v) => v ?? ''),
  status: z.enum(LINK_STATUSES),
  lastError: z.string().nullish().transform((v) => v ?? null),
  warnings: z.array(z.string()).nullish().transform((v) => v ?? []),
  linkedAt: z.string(),
  updatedAt: z.string(),
});
export type SyncLink = z.output<typeof syncLinkSchema>;

export const OUTBOX_STATES = ['pending', 'dead'] as const;

export const outboxItemSchema = z.object({
  _id: z.string(),
  targetId: z.string(),
  definitionId: z.string(),
  eventId: z.string(),
  externalEventId: z.string(),
  action: z.enum(['upsert', 'delete']),
  revision: z.string(),
  payload: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? null),
  payloadHash: z.string().nullish().transform((v) => v ?? ''),
  idempotencyKey: z.string(),
  state: z.enum(OUTBOX_STATES),
  attempt: z.number().int().nonnegative(),
  enqueuedAt: z.string(),
  firstFailureAt: z.string().nullish().transform((v) => v ?? null),
  nextAttemptAt: z.string(),
  lastError: z.string().nullish().transform((v) => v ?? null),
  /**
   * Key of the first create attempt for a definition not yet linked. Kept across newer changes so a
   * create whose answer was lost is replayed by the target, never made twice.
   */
  createKey: z.string().nullish().transform((v) => v ?? null),
  /** Payload hash of that first attempt: if it differs from what we now send, an update follows the create. */
  createTried: z.string().nullish().transform((v) => v ?? null),
  /** The last failure was a refusal (4xx): nothing was created, so a re-queued create may use a new key. */
  refused: z.boolean().nullish().transform((v) => v === true),
  /** The owner ticks this on a dead letter to have it re-queued. */
  retry: z.boolean().nullish().transform((v) => v === true),
});
export type OutboxItem = z.output<typeof outboxItemSchema>;

export const syncRunSchema = z.object({
  _id: z.string(),
  targetId: z.string(),
  eventId: z.string(),
  state: z.enum(['running', 'done']),
  cursor: z.string().nullish().transform((v) => v ?? null),
  pages: z.number().int().nonnegative(),
  seenIds: z.array(z.string()),
  counts: z.record(z.string(), z.number()),
  /**
   * Creates this run is about to make, by definition: the key is stored *before* the create, so a run
   * cut off after the target created the item (answer lost) replays the same key, and so does a
   * trigger for that definition meanwhile: the target returns the same item, never a second one.
   */
  pendingCreates: z.record(z.string(), z.object({ key: z.string(), hash: z.string() })).nullish().transform((v) => v ?? {}),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type SyncRun = z.output<typeof syncRunSchema>;

/** One item per (target, definition): links and outbox slots share the key. */
export const pairId = (targetId: string, definitionId: string) => `${targetId}~${definitionId}`;
/** The SyncRuns item of an initial sync of one event to one target. */
export const runId = (targetId: string, eventId: string) => `${targetId}~${eventId}`;
/** The SyncRuns item holding where a reconcile pass stopped (`cursor`: the last target~event compared). */
export const RECONCILE_RUN_ID = 'reconcile';
/** The SyncRuns item with the last reconcile's findings (written by the hourly job and the dashboard's repair). */
export const RECONCILE_REPORT_ID = 'reconcile-report';

/** Zod issues → "field: message; …" for before-hooks. */
export function describeIssues(error: z.ZodError): string {
  return issueLines(error, { root: 'row' }).join('; ');
}
