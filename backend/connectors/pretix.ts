// Pretix connector: one Wix definition ⇒ one item (price options ⇒ variations, created inline with the
// item) plus one quota. Token auth, X-Idempotency-Key on every write (derived from the change's key,
// so a retried change replays instead of duplicating), 50-result pages, 429 Retry-After.
import { isMoney, normalizeDecimal } from '../core/sync/money.js';
import { ExternalCallError, type ExternalRef, type ExternalTicketingPort, type ExternalWrite } from '../ports.js';
import { requestJson, type HttpOptions } from './syncHttp.js';
import { sameOrigin } from '../core/security/outboundUrl.js';

export interface PretixConfig extends HttpOptions {
  /** e.g. https://pretix.eu/api/v1 */
  baseUrl: string;
  organizer: string;
  token: string;
}

interface PretixVariation { id: number; value: Record<string, string>; default_price: string | null; active: boolean }
interface PretixItem { id: number; variations?: PretixVariation[] }
interface Availability { paid_orders: number; pending_orders: number; exited_orders?: number }

interface PretixRefs {
  quotaId?: number;
  quotaSize?: number | null;
  /** Wix price option ID → Pretix variation ID. */
  variations?: Record<string, number>;
  /** Last pushed variation body per option (to skip unchanged ones). */
  variationHash?: Record<string, string>;
}

interface OptionIn { optionId: string; name: string; price: unknown }

const variationBody = (o: OptionIn, i: number) => ({
  value: { en: o.name },
  default_price: isMoney(o.price) ? normalizeDecimal(o.price.value, o.price.currency) : o.price == null ? null : String(o.price),
  active: true,
  position: i,
});

function splitPayload(payload: Record<string, unknown>) {
  const { quota, variations, ...item } = payload;
  const options = Array.isArray(variations) ? (variations as OptionIn[]).filter((o) => o && typeof o.optionId === 'string') : [];
  const size = (quota as { size?: unknown } | undefined)?.size;
  return { item, options, quotaSize: typeof size === 'number' ? size : null };
}

/** Pretix pages 50 items: 200 pages is 10,000 items, far above Wix's 100 definitions per event. */
export const PRETIX_MAX_PAGES = 200;

export function pretixConnector(cfg: PretixConfig): ExternalTicketingPort & { readonly calls: number } {
  let calls = 0;
  const root = `${cfg.baseUrl.replace(/\/+$/, '')}/organizers/${encodeURIComponent(cfg.organizer)}/events`;
  const ev = (event: string) => `${root}/${encodeURIComponent(event)}`;
  const call = (method: string, url: string, body?: unknown, key?: string) =>
    requestJson(url, { method, body, headers: { authorization: `Token ${cfg.token}`, ...(key ? { 'x-idempotency-key': key.slice(0, 128) } : {}) } }, { ...cfg, onCall: () => calls++ });

  async function syncVariations(event: string, itemId: number, options: OptionIn[], refs: PretixRefs, key: string): Promise<PretixRefs> {
    const map = { ...(refs.variations ?? {}) };
    const hashes = { ...(refs.variationHash ?? {}) };
    const base = `${ev(event)}/items/${itemId}/variations`;
    for (const [i, o] of options.entries()) {
      const body = variationBody(o, i);
      const h = JSON.stringify(body);
      if (map[o.optionId] !== undefined) {
        if (hashes[o.optionId] === h) continue;
        await call('PATCH', `${base}/${map[o.optionId]}/`, body, `${key}:v:${o.optionId}`);
      } else {
        const r = await call('POST', `${base}/`, body, `${key}:v:${o.optionId}`);
        map[o.optionId] = (r.body as PretixVariation).id;
      }
      hashes[o.optionId] = h;
    }
    // Options removed in Wix: deactivate (a variation that was ordered cannot be deleted).
    for (const [optionId, vid] of Object.entries(map)) {
      if (options.some((o) => o.optionId === optionId)) continue;
      if (hashes[optionId] === 'inactive') continue;
      await call('PATCH', `${base}/${vid}/`, { active: false }, `${key}:v:${optionId}:off`);
      hashes[optionId] = 'inactive';
    }
    return { ...refs, variations: map, variationHash: hashes };
  }

  return {
    get calls() { return calls; },

    async create(w: ExternalWrite) {
      const { item, options, quotaSize } = splitPayload(w.payload);
      const body = { ...item, variations: options.map(variationBody), has_variations: options.length > 0 };
      const created = (await call('POST', `${ev(w.externalEventId)}/items/`, body, `${w.idempotencyKey}:item`)).body as PretixItem;
      const variations: Record<string, number> = {};
      const variationHash: Record<string, string> = {};
      options.forEach((o, i) => {
        const v = created.variations?.[i];
        if (v) { variations[o.optionId] = v.id; variationHash[o.optionId] = JSON.stringify(variationBody(o, i)); }
      });
      const name = (item.name as Record<string, string> | undefined)?.en ?? `Wix ${w.definitionId}`;
      const quota = (await call('POST', `${ev(w.externalEventId)}/quotas/`, {
        name: String(name).slice(0, 200), size: quotaSize, items: [created.id], variations: Object.values(variations),
      }, `${w.idempotencyKey}:quota`)).body as { id: number };
      const refs: PretixRefs = { quotaId: quota.id, quotaSize, variations, variationHash };
      return { externalId: String(created.id), refs: refs as Record<string, unknown> };
    },

    async update(w: ExternalWrite & { link: ExternalRef }) {
      const { item, options, quotaSize } = splitPayload(w.payload);
      const itemId = Number(w.link.externalId);
      let refs = (w.link.refs ?? {}) as PretixRefs;
      const warnings: string[] = [];
      // Variations cannot be changed through the item endpoint: they have their own.
      await call('PATCH', `${ev(w.externalEventId)}/items/${itemId}/`, item, `${w.idempotencyKey}:item`);
      refs = await syncVariations(w.externalEventId, itemId, options, refs, w.idempotencyKey);
      if (refs.quotaId !== undefined) {
        const quotaBody: Record<string, unknown> = { variations: Object.entries(refs.variations ?? {}).filter(([o]) => options.some((x) => x.optionId === o)).map(([, v]) => v) };
        let size = quotaSize;
        if (size !== refs.quotaSize && size !== null && (refs.quotaSize === null || refs.quotaSize === undefined || size < refs.quotaSize)) {
          const a = (await call('GET', `${ev(w.externalEventId)}/quotas/${refs.quotaId}/availability/`)).body as Availability;
          const sold = (a.paid_orders ?? 0) + (a.pending_orders ?? 0);
          if (size < sold) {
            warnings.push(`capacity ${size} not pushed: Pretix already sold ${sold} (quota ${refs.quotaId} stays at ${refs.quotaSize ?? 'unlimited'})`);
            size = refs.quotaSize ?? null;
          }
        }
        quotaBody.size = size;
        await call('PATCH', `${ev(w.externalEventId)}/quotas/${refs.quotaId}/`, quotaBody, `${w.idempotencyKey}:quota`);
        refs = { ...refs, quotaSize: size };
      }
      return { refs: refs as Record<string, unknown>, warnings };
    },

    async remove(req) {
      const itemUrl = `${ev(req.externalEventId)}/items/${req.link.externalId}/`;
      if (req.mode === 'deactivate') {
        await call('PATCH', itemUrl, { active: false }, `${req.idempotencyKey}:item`);
        return {};
      }
      try {
        await call('DELETE', itemUrl, undefined, `${req.idempotencyKey}:item`);
      } catch (e) {
        const f = e instanceof ExternalCallError ? e.failure : null;
        if (f?.kind === 'http' && f.status === 404) return {};
        // Pretix refuses to delete an item that was ordered: deactivate instead and say so.
        if (f?.kind === 'http' && f.status === 403) {
          await call('PATCH', itemUrl, { active: false }, `${req.idempotencyKey}:deactivate`);
          return { warnings: [`item ${req.link.externalId} has orders in Pretix, so it was deactivated instead of deleted`] };
        }
        throw e;
      }
      const quotaId = (req.link.refs as PretixRefs | undefined)?.quotaId;
      if (quotaId !== undefined) {
        await call('DELETE', `${ev(req.externalEventId)}/quotas/${quotaId}/`, undefined, `${req.idempotencyKey}:quota`).catch((e) => {
          if (!(e instanceof ExternalCallError && e.failure.kind === 'http' && e.failure.status === 404)) throw e;
        });
      }
      return {};
    },

    async listExternalIds(externalEventId: string) {
      const ids: string[] = [];
      let url: string | null = `${ev(externalEventId)}/items/`;
      // `next` comes from the target: it must stay on the target's origin (the token goes with it),
      // and a target that pages forever is stopped.
      for (let pages = 0; url; pages++) {
        if (pages >= PRETIX_MAX_PAGES) throw new Error(`Pretix listing of ${externalEventId} has more than ${PRETIX_MAX_PAGES} pages; stopped`);
        if (!sameOrigin(url, cfg.baseUrl)) throw new Error(`Pretix listing: the next page is on another origin (${new URL(url).origin}); not followed`);
        const page = (await call('GET', url)).body as { next: string | null; results: { id: number }[] };
        ids.push(...page.results.map((r) => String(r.id)));
        url = typeof page.next === 'string' && page.next ? page.next : null;
      }
      return ids;
    },
  };
}
