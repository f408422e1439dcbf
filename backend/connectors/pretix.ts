// Pretix connector: one Wix definition ⇒ one item (price options ⇒ variations, created inline with the
// item) plus one quota. Token auth, X-Idempotency-Key on every write (derived from the change's key,
// so a retried change replays instead of duplicating), 50-result pages, 429 Retry-After. What to send
// is planned in core/sync/pretixPlan.ts; this file only talks HTTP.
import {
  itemCreateBody, needsSoldCheck, planVariations, quotaName, quotaSizeToPush, quotaVariations, refsAfterCreate, refsAfterVariationStep, soldOf, splitPayload,
  type OptionIn, type PretixRefs,
} from '../core/sync/pretixPlan.js';
import { ExternalCallError, type ExternalRef, type ExternalTicketingPort, type ExternalWrite } from '../ports.js';
import { requestJson, type HttpOptions } from './syncHttp.js';
import { sameOrigin } from '../core/security/outboundUrl.js';

export interface PretixConfig extends HttpOptions {
  /** e.g. https://pretix.eu/api/v1 */
  baseUrl: string;
  organizer: string;
  token: string;
}

interface PretixItem { id: number; variations?: { id: number }[] }
interface Availability { paid_orders: number; pending_orders: number; exited_orders?: number }

/** Pretix pages 50 items: 200 pages is 10,000 items, far above Wix's 100 definitions per event. */
export const PRETIX_MAX_PAGES = 200;

interface PretixClient {
  cfg: PretixConfig;
  ev: (event: string) => string;
  call: (method: string, url: string, body?: unknown, key?: string) => ReturnType<typeof requestJson>;
}

function pretixClient(cfg: PretixConfig, onCall: () => void): PretixClient {
  const root = `${cfg.baseUrl.replace(/\/+$/, '')}/organizers/${encodeURIComponent(cfg.organizer)}/events`;
  return {
    cfg,
    ev: (event) => `${root}/${encodeURIComponent(event)}`,
    call: (method, url, body, key) =>
      requestJson(url, { method, body, headers: { authorization: `Token ${cfg.token}`, ...(key ? { 'x-idempotency-key': key.slice(0, 128) } : {}) } }, { ...cfg, onCall }),
  };
}

async function syncVariations(c: PretixClient, event: string, itemId: number, options: OptionIn[], refs: PretixRefs, key: string): Promise<PretixRefs> {
  const base = `${c.ev(event)}/items/${itemId}/variations`;
  for (const step of planVariations(options, refs)) {
    if (step.op === 'create') {
      const r = await c.call('POST', `${base}/`, step.body, `${key}:v:${step.optionId}`);
      refs = refsAfterVariationStep(refs, step, (r.body as { id: number }).id);
    } else {
      const off = step.op === 'deactivate';
      await c.call('PATCH', `${base}/${step.variationId}/`, off ? { active: false } : step.body, `${key}:v:${step.optionId}${off ? ':off' : ''}`);
      refs = refsAfterVariationStep(refs, step);
    }
  }
  return refs;
}

async function createItem(c: PretixClient, w: ExternalWrite) {
  const { item, options, quotaSize } = splitPayload(w.payload);
  const created = (await c.call('POST', `${c.ev(w.externalEventId)}/items/`, itemCreateBody(item, options), `${w.idempotencyKey}:item`)).body as PretixItem;
  const withVariations = refsAfterCreate(options, created.variations);
  const quota = (await c.call('POST', `${c.ev(w.externalEventId)}/quotas/`, {
    name: quotaName(item, w.definitionId), size: quotaSize, items: [created.id], variations: Object.values(withVariations.variations ?? {}),
  }, `${w.idempotencyKey}:quota`)).body as { id: number };
  const refs: PretixRefs = { quotaId: quota.id, quotaSize, ...withVariations };
  return { externalId: String(created.id), refs: refs as Record<string, unknown> };
}

/** Pushes the quota's variations and size; a size below what Pretix sold is held back with a warning. */
async function pushQuota(c: PretixClient, w: ExternalWrite, refs: PretixRefs & { quotaId: number }, options: OptionIn[], wanted: number | null) {
  const sold = needsSoldCheck(wanted, refs.quotaSize)
    ? soldOf((await c.call('GET', `${c.ev(w.externalEventId)}/quotas/${refs.quotaId}/availability/`)).body as Availability)
    : null;
  const { size, warning } = quotaSizeToPush(wanted, refs.quotaSize, sold, refs.quotaId);
  await c.call('PATCH', `${c.ev(w.externalEventId)}/quotas/${refs.quotaId}/`, { variations: quotaVariations(refs, options), size }, `${w.idempotencyKey}:quota`);
  return { refs: { ...refs, quotaSize: size }, warnings: warning ? [warning] : [] };
}

async function updateItem(c: PretixClient, w: ExternalWrite & { link: ExternalRef }) {
  const { item, options, quotaSize } = splitPayload(w.payload);
  const itemId = Number(w.link.externalId);
  // Variations cannot be changed through the item endpoint: they have their own.
  await c.call('PATCH', `${c.ev(w.externalEventId)}/items/${itemId}/`, item, `${w.idempotencyKey}:item`);
  const refs = await syncVariations(c, w.externalEventId, itemId, options, (w.link.refs ?? {}) as PretixRefs, w.idempotencyKey);
  if (refs.quotaId === undefined) return { refs: refs as Record<string, unknown>, warnings: [] };
  const pushed = await pushQuota(c, w, { ...refs, quotaId: refs.quotaId }, options, quotaSize);
  return { refs: pushed.refs as Record<string, unknown>, warnings: pushed.warnings };
}

const isHttp = (e: unknown, status: number) => e instanceof ExternalCallError && e.failure.kind === 'http' && e.failure.status === status;

async function removeItem(c: PretixClient, req: Parameters<ExternalTicketingPort['remove']>[0]) {
  const itemUrl = `${c.ev(req.externalEventId)}/items/${req.link.externalId}/`;
  if (req.mode === 'deactivate') {
    await c.call('PATCH', itemUrl, { active: false }, `${req.idempotencyKey}:item`);
    return {};
  }
  try {
    await c.call('DELETE', itemUrl, undefined, `${req.idempotencyKey}:item`);
  } catch (e) {
    if (isHttp(e, 404)) return {};
    // Pretix refuses to delete an item that was ordered: deactivate instead and say so.
    if (isHttp(e, 403)) {
      await c.call('PATCH', itemUrl, { active: false }, `${req.idempotencyKey}:deactivate`);
      return { warnings: [`item ${req.link.externalId} has orders in Pretix, so it was deactivated instead of deleted`] };
    }
    throw e;
  }
  const quotaId = (req.link.refs as PretixRefs | undefined)?.quotaId;
  if (quotaId !== undefined) {
    await c.call('DELETE', `${c.ev(req.externalEventId)}/quotas/${quotaId}/`, undefined, `${req.idempotencyKey}:quota`).catch((e) => {
      if (!isHttp(e, 404)) throw e;
    });
  }
  return {};
}

async function listItemIds(c: PretixClient, externalEventId: string) {
  const ids: string[] = [];
  let url: string | null = `${c.ev(externalEventId)}/items/`;
  // `next` comes from the target: it must stay on the target's origin (the token goes with it),
  // and a target that pages forever is stopped.
  for (let pages = 0; url; pages++) {
    if (pages >= PRETIX_MAX_PAGES) throw new Error(`Pretix listing of ${externalEventId} has more than ${PRETIX_MAX_PAGES} pages; stopped`);
    if (!sameOrigin(url, c.cfg.baseUrl)) throw new Error(`Pretix listing: the next page is on another origin (${new URL(url).origin}); not followed`);
    const page = (await c.call('GET', url)).body as { next: string | null; results: { id: number }[] };
    ids.push(...page.results.map((r) => String(r.id)));
    url = typeof page.next === 'string' && page.next ? page.next : null;
  }
  return ids;
}

export function pretixConnector(cfg: PretixConfig): ExternalTicketingPort & { readonly calls: number } {
  let calls = 0;
  const c = pretixClient(cfg, () => calls++);
  return {
    get calls() { return calls; },
    create: (w) => createItem(c, w),
    update: (w) => updateItem(c, w),
    remove: (req) => removeItem(c, req),
    listExternalIds: (externalEventId) => listItemIds(c, externalEventId),
  };
}
