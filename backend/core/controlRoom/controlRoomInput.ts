// What the control room's web methods accept: page numbers, page sizes, outbox views, IDs. Parsed
// with zod so a bad call is refused with a message, never half-run.
import { z } from 'zod';
import { wixIdSchema } from '../validation/ids.js';

/** Rows a section shows at once; the page stays usable with thousands of rows behind it. */
export const PAGE_SIZES = { targets: 10, outbox: 25, events: 10, counters: 25 } as const;
const MAX_PAGE = 10_000;

const page = z.number().int().min(0).max(MAX_PAGE).optional();
const id = z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9_~:.-]+$/, 'must be an ID');

export const OUTBOX_VIEWS = ['dead', 'retrying', 'due'] as const;
export type OutboxView = (typeof OUTBOX_VIEWS)[number];

export const syncSectionInput = z.object({
  targetPage: page,
  outboxView: z.enum(OUTBOX_VIEWS).optional(),
  outboxPage: page,
  targetId: id.optional(),
}).strict();
export type SyncSectionInput = z.output<typeof syncSectionInput>;

export const alertsSectionInput = z.object({ eventPage: page }).strict();
export const countersSectionInput = z.object({ counterPage: page }).strict();

export const retryInput = z.union([
  z.object({ ids: z.array(id).min(1).max(100) }).strict(),
  z.object({ all: z.literal(true), targetId: id.optional() }).strict(),
]);
export type RetryInput = z.output<typeof retryInput>;

/** An event ID an admin action names (shared with sync.web): a Wix ID, so a GUID. */
export const adminEventId = z.string().trim().pipe(wixIdSchema('a Wix event ID'));

export const dryRunInput = z.object({
  eventId: adminEventId,
  targetId: id.optional(),
}).strict();

export const testAlertInput = z.object({
  email: z.string().trim().toLowerCase().max(254).email('must be an email address'),
  eventId: adminEventId,
}).strict();

export { inputProblem } from '../validation/zodIssues.js';
