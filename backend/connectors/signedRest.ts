// Generic signed REST target: JSON create/update/delete to URL templates, every request signed with the
// Standard Webhooks scheme (webhook-id = the change's idempotency key, so the receiver can drop
// replays by it) and carrying an Idempotency-Key header.
import { Webhook } from 'standardwebhooks';
import type { ExternalRef, ExternalTicketingPort, ExternalWrite } from '../ports.js';
import { sameOrigin } from '../core/security/outboundUrl.js';
import { requestJson, type HttpOptions } from './syncHttp.js';

export interface SignedRestTemplates {
  /** `{baseUrl}`, `{externalEventId}`, `{externalId}`, `{definitionId}` are replaced (URL-encoded). */
  create: string;
  update: string;
  delete: string;
  /** Listing of an event's external IDs (JSON array of {id}, or {items:[{id}]}); optional. */
  list?: string;
}

export const DEFAULT_TEMPLATES: SignedRestTemplates = {
  create: '{baseUrl}/events/{externalEventId}/tickets',
  update: '{baseUrl}/events/{externalEventId}/tickets/{externalId}',
  delete: '{baseUrl}/events/{externalEventId}/tickets/{externalId}',
  list: '{baseUrl}/events/{externalEventId}/tickets',
};

export interface SignedRestConfig extends HttpOptions {
  baseUrl: string;
  /** Standard Webhooks secret, `whsec_<base64>`, from Wix Secrets. */
  secret: string;
  templates?: Partial<SignedRestTemplates>;
  /** Response field holding the created item's ID. */
  idField?: string;
  idempotencyHeader?: string;
}

export function expandTemplate(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = vars[k];
    if (v === undefined) return m;
    return k === 'baseUrl' ? v.replace(/\/+$/, '') : encodeURIComponent(v);
  });
}

export function signedRestConnector(cfg: SignedRestConfig): ExternalTicketingPort & { readonly calls: number } {
  let calls = 0;
  const wh = new Webhook(cfg.secret);
  const t = { ...DEFAULT_TEMPLATES, ...cfg.templates };
  const url = (tpl: string, v: Record<string, string>) => {
    const u = expandTemplate(tpl, { baseUrl: cfg.baseUrl, ...v });
    // Templates start with {baseUrl} (checked with the row); the expanded URL must still be on its origin.
    if (!sameOrigin(u, cfg.baseUrl)) throw new Error(`URL template leaves the target's origin (${tpl})`);
    return u;
  };

  async function send(method: string, target: string, body: unknown, key: string | null) {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (key) {
      const ts = (cfg.clock?.now() ?? new Date());
      headers['webhook-id'] = key;
      headers['webhook-timestamp'] = String(Math.floor(ts.getTime() / 1000));
      headers['webhook-signature'] = wh.sign(key, ts, text);
      headers[cfg.idempotencyHeader ?? 'idempotency-key'] = key;
    }
    return requestJson(target, { method, headers, body: body === undefined ? undefined : text }, { ...cfg, onCall: () => calls++ });
  }

  return {
    get calls() { return calls; },
    async create(w: ExternalWrite) {
      const r = await send('POST', url(t.create, { externalEventId: w.externalEventId, definitionId: w.definitionId }), w.payload, w.idempotencyKey);
      const id = (r.body as Record<string, unknown> | null)?.[cfg.idField ?? 'id'];
      if (id === undefined || id === null) throw new Error(`create answered without "${cfg.idField ?? 'id'}"`);
      return { externalId: String(id) };
    },
    async update(w: ExternalWrite & { link: ExternalRef }) {
      await send('PUT', url(t.update, { externalEventId: w.externalEventId, externalId: w.link.externalId, definitionId: w.definitionId }), w.payload, w.idempotencyKey);
      return {};
    },
    async remove(req) {
      const u = url(t.delete, { externalEventId: req.externalEventId, externalId: req.link.externalId, definitionId: req.definitionId });
      if (req.mode === 'deactivate') await send('PATCH', u, { active: false }, req.idempotencyKey);
      else await send('DELETE', u, undefined, req.idempotencyKey);
      return {};
    },
    ...(t.list ? {
      async listExternalIds(externalEventId: string) {
        const r = await send('GET', url(t.list!, { externalEventId }), undefined, null);
        const rows = Array.isArray(r.body) ? r.body : ((r.body as { items?: unknown[] })?.items ?? []);
        return rows.map((x) => String((x as Record<string, unknown>)[cfg.idField ?? 'id']));
      },
    } : {}),
  };
}
