// A local receiver for the generic signed REST target, written against the Standard Webhooks spec
// (standardwebhooks.com): it verifies webhook-id/-timestamp/-signature with the reference library,
// refuses stale or forged requests with 401, replays the stored answer for a repeated webhook-id,
// and keeps tickets per event. Rate limit (429 + Retry-After) and faults can be injected.
import type http from 'node:http';
import { Webhook } from 'standardwebhooks';
import { LoopbackServer, readBody, sendJson } from './loopbackServer.js';

type Fault = '500' | 'timeout' | 'applyThenHang';
export interface Ticket { id: string; eventId: string; body: Record<string, unknown>; active: boolean }

export class SignedRestReceiver {
  readonly tickets = new Map<string, Ticket>();
  readonly stats = { requests: 0, rejected: 0, replays: 0, applied: 0, throttled: 0 };
  faults: Fault[] = [];
  faultWindow: ((now: number) => Fault | '429' | null) | null = null;
  rateLimit: { limit: number; windowMs: number } | null = null;
  /** Answer every request this much later (a slow system); 0 = at once. */
  delayMs = 0;
  baseUrl = '';
  private wh: Webhook;
  private seen = new Map<string, { status: number; body: unknown }>();
  private admitted: number[] = [];
  private seq = 0;
  private readonly http = new LoopbackServer((req, res) => this.handle(req, res));

  constructor(readonly secret: string) {
    this.wh = new Webhook(secret);
  }

  /** `port`: listen there (e.g. to start again where a stopped receiver was); default a free one. */
  async start(port = 0) {
    this.baseUrl = `${await this.http.listen(port)}/hooks`;
    return this.baseUrl;
  }
  close() { return this.http.close(); }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const raw = await readBody(req);
    this.stats.requests++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => sendJson(res, status, body, headers);
    const now = Date.now();
    if (this.rateLimit) {
      this.admitted = this.admitted.filter((t) => t > now - this.rateLimit!.windowMs);
      if (this.admitted.length >= this.rateLimit.limit) {
        this.stats.throttled++;
        return send(429, { error: 'rate limited' }, { 'retry-after': String(Math.max(1, Math.ceil((this.admitted[0]! + this.rateLimit.windowMs - now) / 1000))) });
      }
      this.admitted.push(now);
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/hooks\/events\/([^/]+)\/tickets(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return send(404, { error: 'not found' });
    const eventId = decodeURIComponent(m[1]!);
    const id = m[2] ? decodeURIComponent(m[2]) : null;
    if (req.method === 'GET' && !id) return send(200, [...this.tickets.values()].filter((t) => t.eventId === eventId).map((t) => ({ id: t.id, ...t.body })));

    try {
      this.wh.verify(raw, req.headers as Record<string, string>);
    } catch (e) {
      this.stats.rejected++;
      return send(401, { error: `signature: ${e instanceof Error ? e.message : e}` });
    }
    const wf = this.faultWindow?.(now) ?? null;
    if (wf === '429') { this.stats.throttled++; return send(429, { error: 'busy' }, { 'retry-after': '1' }); }
    const fault = wf ?? this.faults.shift();
    if (fault === '500') return send(500, { error: 'boom' });
    if (fault === 'timeout') { this.http.hung.push(res); return; }
    const msgId = req.headers['webhook-id'] as string;
    if (req.headers['idempotency-key'] !== msgId) return send(400, { error: 'Idempotency-Key must equal webhook-id' });
    const prev = this.seen.get(msgId);
    if (prev) { this.stats.replays++; return send(prev.status, prev.body); }
    const [status, body] = this.apply(req.method ?? 'GET', eventId, id, raw ? JSON.parse(raw) : null);
    if (status < 500) this.seen.set(msgId, { status, body });
    if (status < 300) this.stats.applied++;
    if (fault === 'applyThenHang') { this.http.hung.push(res); return; }
    send(status, body);
  }

  private apply(method: string, eventId: string, id: string | null, body: any): [number, unknown] {
    if (method === 'POST' && !id) {
      const t: Ticket = { id: `tk_${++this.seq}`, eventId, body, active: true };
      this.tickets.set(t.id, t);
      return [201, { id: t.id }];
    }
    const t = id ? this.tickets.get(id) : undefined;
    if (!t || t.eventId !== eventId) return [404, { error: 'no such ticket' }];
    if (method === 'PUT') { t.body = body; t.active = true; return [200, { id: t.id }]; }
    if (method === 'PATCH') { if (body?.active === false) t.active = false; return [200, { id: t.id }]; }
    if (method === 'DELETE') { this.tickets.delete(t.id); return [204, null]; }
    return [405, { error: 'method' }];
  }
}
