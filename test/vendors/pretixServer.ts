// A local Pretix following its documented REST API (docs.pretix.eu, api/resources: items, item
// variations, quotas; api/fundamentals: token auth, pagination, idempotency, rate limiting), separate
// from the connector. Only what the connector uses, with pretix's rules: 50 results a page, variations
// not changeable through the item endpoint, ordered items not deletable, X-Idempotency-Key replays,
// 409 while a key is in flight, 429 with Retry-After over the rate limit. Faults can be injected.
import type http from 'node:http';
import { LoopbackServer, readBody, sendJson } from './loopbackServer.js';

export interface PretixServerOptions {
  token?: string;
  organizer?: string;
  /** Admitted requests per window; 429 + Retry-After beyond it. */
  rateLimit?: { limit: number; windowMs: number } | null;
  /** Server-side latency per request. */
  latencyMs?: number;
}

type Fault = '500' | '503' | 'timeout' | 'applyThenHang';
interface Variation { id: number; value: Record<string, string>; default_price: string | null; price: string; active: boolean; position: number; description: null }
interface Item { id: number; name: Record<string, string>; internal_name: string | null; default_price: string; active: boolean; admission: boolean; variations: Variation[]; has_variations: boolean; [k: string]: unknown }
interface Quota { id: number; name: string; size: number | null; items: number[]; variations: number[]; subevent: null; sold: number }
interface EventState { items: Map<number, Item>; quotas: Map<number, Quota> }

const PAGE = 50;
const ITEM_FIELDS = new Set(['name', 'internal_name', 'default_price', 'active', 'description', 'free_price', 'available_from', 'available_until', 'min_per_order', 'max_per_order', 'admission', 'position', 'category', 'hide_without_voucher', 'require_voucher', 'sales_channels', 'has_variations', 'variations']);

export class PretixServer {
  readonly token: string;
  readonly organizer: string;
  readonly events = new Map<string, EventState>();
  rateLimit: { limit: number; windowMs: number } | null;
  latencyMs: number;
  /** Faults for the next requests (writes only unless `faultsOnReads`). */
  faults: Fault[] = [];
  /** While this returns a fault, every write gets it (e.g. a 429 window returns null when over). */
  faultWindow: ((now: number) => Fault | '429' | null) | null = null;
  readonly stats = { requests: 0, throttled: 0, writesApplied: 0, idempotentReplays: 0, byRoute: new Map<string, number>(), createdByInternalName: new Map<string, number>() };
  private seq = 100;
  private admitted: number[] = [];
  private idem = new Map<string, { status: number; body: unknown } | 'inflight'>();
  private readonly http = new LoopbackServer((req, res) => this.handle(req, res));
  baseUrl = '';

  constructor(opts: PretixServerOptions = {}) {
    this.token = opts.token ?? 'pretix-test-token';
    this.organizer = opts.organizer ?? 'demo';
    this.rateLimit = opts.rateLimit ?? null;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  addEvent(slug: string) {
    if (!this.events.has(slug)) this.events.set(slug, { items: new Map(), quotas: new Map() });
  }

  /** Sells tickets from a quota (as pretix's shop would). */
  sell(quotaId: number, n: number) {
    for (const e of this.events.values()) { const q = e.quotas.get(quotaId); if (q) { q.sold += n; return; } }
    throw new Error(`no quota ${quotaId}`);
  }

  allItems(): Item[] { return [...this.events.values()].flatMap((e) => [...e.items.values()]); }
  quotaOf(itemId: number): Quota | undefined {
    for (const e of this.events.values()) for (const q of e.quotas.values()) if (q.items.includes(itemId)) return q;
    return undefined;
  }

  async start(): Promise<string> {
    this.baseUrl = `${await this.http.listen()}/api/v1`;
    return this.baseUrl;
  }

  close() { return this.http.close(); }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = await readBody(req);
    this.stats.requests++;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => sendJson(res, status, body, headers);
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (req.headers.authorization !== `Token ${this.token}`) return send(401, { detail: 'Invalid token.' });

    // Rate limit: a sliding window over admitted requests, as pretix's throttling answers it.
    const now = Date.now();
    if (this.rateLimit) {
      const { limit, windowMs } = this.rateLimit;
      this.admitted = this.admitted.filter((t) => t > now - windowMs);
      if (this.admitted.length >= limit) {
        this.stats.throttled++;
        const wait = Math.max(1, Math.ceil((this.admitted[0]! + windowMs - now) / 1000));
        return send(429, { detail: `Request was throttled. Expected available in ${wait} seconds.` }, { 'retry-after': String(wait) });
      }
      this.admitted.push(now);
    }
    const method = req.method ?? 'GET';
    const write = method !== 'GET';
    const windowFault = write ? this.faultWindow?.(now) ?? null : null;
    if (windowFault === '429') { this.stats.throttled++; return send(429, { detail: 'Request was throttled.' }, { 'retry-after': '1' }); }
    const fault = windowFault ?? (write ? this.faults.shift() : undefined);
    if (fault === '500') return send(500, { detail: 'Internal server error' });
    if (fault === '503') return send(503, { detail: 'Maintenance' }, { 'retry-after': '1' });
    if (fault === 'timeout') { this.http.hung.push(res); return; }

    const key = write ? (req.headers['x-idempotency-key'] as string | undefined) : undefined;
    const idemKey = key ? `${this.token}:${key}` : null;
    if (idemKey) {
      const prev = this.idem.get(idemKey);
      if (prev === 'inflight') return send(409, { detail: 'Concurrent request with idempotency key.' });
      if (prev) { this.stats.idempotentReplays++; return send(prev.status, prev.body); }
      this.idem.set(idemKey, 'inflight');
    }
    let status = 500;
    let body: unknown = null;
    try {
      [status, body] = this.route(method, new URL(req.url ?? '/', 'http://x'), raw ? JSON.parse(raw) : null);
    } catch (e) {
      [status, body] = [400, { detail: e instanceof Error ? e.message : String(e) }];
    }
    if (idemKey) {
      // Pretix keeps the answer (not 5xx) for 24 h and replays it for the same key.
      if (status < 500) this.idem.set(idemKey, { status, body }); else this.idem.delete(idemKey);
    }
    if (write && status < 300) this.stats.writesApplied++;
    if (fault === 'applyThenHang') { this.http.hung.push(res); return; }
    send(status, body);
  }

  private route(method: string, url: URL, body: any): [number, unknown] {
    const m = /^\/api\/v1\/organizers\/([^/]+)\/events\/([^/]+)\/(items|quotas)\/(?:(\d+)\/)?(?:(variations|availability)\/(?:(\d+)\/)?)?$/.exec(url.pathname);
    if (!m || m[1] !== this.organizer) return [404, { detail: 'Not found.' }];
    const event = this.events.get(m[2]!);
    if (!event) return [404, { detail: 'Not found.' }];
    const [, , , kind, idStr, sub, subIdStr] = m;
    const label = `${method} ${kind}${idStr ? '/:id' : ''}${sub ? `/${sub}` : ''}${subIdStr ? '/:id' : ''}`;
    this.stats.byRoute.set(label, (this.stats.byRoute.get(label) ?? 0) + 1);
    const id = idStr ? Number(idStr) : null;
    if (kind === 'items') {
      if (id === null) {
        if (method === 'GET') return [200, this.page([...event.items.values()], url)];
        if (method === 'POST') return [201, this.createItem(event, body)];
        return [405, { detail: `Method "${method}" not allowed.` }];
      }
      const item = event.items.get(id);
      if (!item) return [404, { detail: 'Not found.' }];
      if (sub === 'variations') return this.variations(item, method, subIdStr ? Number(subIdStr) : null, body, url);
      if (method === 'GET') return [200, item];
      if (method === 'PATCH') {
        if (body && 'variations' in body) return [400, { detail: 'Updating variations via PATCH/PUT is not supported. Please use the dedicated nested endpoint.' }];
        this.checkItemFields(body, false);
        Object.assign(item, body);
        return [200, item];
      }
      if (method === 'DELETE') {
        const q = this.quotaOf(id);
        if (q && q.sold > 0) return [403, { detail: 'This item cannot be deleted because it has already been ordered by a user or currently is in a users\'s cart. Please set the item as "inactive" instead.' }];
        event.items.delete(id);
        for (const qq of event.quotas.values()) qq.items = qq.items.filter((x) => x !== id);
        return [204, null];
      }
      return [405, { detail: `Method "${method}" not allowed.` }];
    }
    // quotas
    if (id === null) {
      if (method === 'GET') return [200, this.page([...event.quotas.values()].map(publicQuota), url)];
      if (method === 'POST') {
        if (!body || typeof body.name !== 'string') return [400, { name: ['This field is required.'] }];
        if (body.size !== null && (!Number.isInteger(body.size) || body.size < 0)) return [400, { size: ['Ensure this value is greater than or equal to 0.'] }];
        for (const it of body.items ?? []) if (!event.items.has(it)) return [400, { items: [`Invalid pk "${it}" - object does not exist.`] }];
        const q: Quota = { id: ++this.seq, name: body.name, size: body.size ?? null, items: body.items ?? [], variations: body.variations ?? [], subevent: null, sold: 0 };
        event.quotas.set(q.id, q);
        return [201, publicQuota(q)];
      }
      return [405, { detail: `Method "${method}" not allowed.` }];
    }
    const q = event.quotas.get(id);
    if (!q) return [404, { detail: 'Not found.' }];
    if (sub === 'availability' && method === 'GET') {
      return [200, { paid_orders: q.sold, pending_orders: 0, exited_orders: 0, blocking_vouchers: 0, cart_positions: 0, waiting_list: 0,
        available_number: q.size === null ? null : Math.max(0, q.size - q.sold), available: q.size === null || q.size > q.sold, total_size: q.size }];
    }
    if (method === 'GET') return [200, publicQuota(q)];
    if (method === 'PATCH') {
      if ('size' in body && body.size !== null && (!Number.isInteger(body.size) || body.size < 0)) return [400, { size: ['Ensure this value is greater than or equal to 0.'] }];
      for (const k of ['name', 'size', 'items', 'variations'] as const) if (k in body) (q as any)[k] = body[k];
      return [200, publicQuota(q)];
    }
    if (method === 'DELETE') { event.quotas.delete(id); return [204, null]; }
    return [405, { detail: `Method "${method}" not allowed.` }];
  }

  private checkItemFields(body: any, creating: boolean) {
    if (!body || typeof body !== 'object') throw new Error('JSON object expected');
    for (const k of Object.keys(body)) if (!ITEM_FIELDS.has(k)) throw new Error(`Unknown field "${k}"`);
    if (creating || 'name' in body) {
      if (!body.name || typeof body.name !== 'object' || !Object.values(body.name).some((v) => typeof v === 'string' && v)) throw new Error('name: This field is required (a multi-lingual string).');
    }
    if ('default_price' in body && (typeof body.default_price !== 'string' || !/^\d+(\.\d{1,2})?$/.test(body.default_price))) throw new Error(`default_price: "${body.default_price}" is not a valid money string`);
    for (const f of ['available_from', 'available_until']) if (body[f] != null && Number.isNaN(Date.parse(body[f]))) throw new Error(`${f}: invalid datetime`);
  }

  private createItem(event: EventState, body: any): Item {
    this.checkItemFields(body, true);
    const id = ++this.seq;
    const variations: Variation[] = (body.variations ?? []).map((v: any, i: number) => this.newVariation(v, body.default_price ?? '0.00', i));
    const item: Item = { active: true, admission: false, internal_name: null, description: null, default_price: '0.00', ...body, id, variations, has_variations: variations.length > 0 };
    event.items.set(id, item);
    if (item.internal_name) this.stats.createdByInternalName.set(item.internal_name, (this.stats.createdByInternalName.get(item.internal_name) ?? 0) + 1);
    return item;
  }

  private newVariation(v: any, itemPrice: string, i: number): Variation {
    if (!v?.value || typeof v.value !== 'object') throw new Error('variations: value is required (a multi-lingual string)');
    return { id: ++this.seq, value: v.value, default_price: v.default_price ?? null, price: v.default_price ?? itemPrice, active: v.active ?? true, position: v.position ?? i, description: null };
  }

  private variations(item: Item, method: string, vid: number | null, body: any, url: URL): [number, unknown] {
    if (vid === null) {
      if (method === 'GET') return [200, this.page(item.variations, url)];
      if (method === 'POST') { const v = this.newVariation(body, item.default_price, item.variations.length); item.variations.push(v); item.has_variations = true; return [201, v]; }
      return [405, { detail: `Method "${method}" not allowed.` }];
    }
    const v = item.variations.find((x) => x.id === vid);
    if (!v) return [404, { detail: 'Not found.' }];
    if (method === 'GET') return [200, v];
    if (method === 'PATCH') { Object.assign(v, body); v.price = v.default_price ?? item.default_price; return [200, v]; }
    if (method === 'DELETE') { item.variations = item.variations.filter((x) => x.id !== vid); return [204, null]; }
    return [405, { detail: `Method "${method}" not allowed.` }];
  }

  private page<T>(all: T[], url: URL) {
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const results = all.slice((page - 1) * PAGE, page * PAGE);
    const link = (p: number) => { const u = new URL(`${this.baseUrl}${url.pathname.replace(/^\/api\/v1/, '')}`); u.searchParams.set('page', String(p)); return u.toString(); };
    return { count: all.length, next: page * PAGE < all.length ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, results };
  }
}

function publicQuota(q: Quota) {
  const { sold: _sold, ...rest } = q;
  return rest;
}
