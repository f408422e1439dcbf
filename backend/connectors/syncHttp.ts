// HTTP for sync connectors: JSON calls with a timeout, failures classified as ExternalCallError (status,
// Retry-After), and a pacer that spends a target's rate budget evenly instead of bursting into 429s.
import { parseRetryAfter } from '../core/sync/outboxPolicy.js';
import { ExternalCallError, type ClockPort } from '../ports.js';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal; redirect?: 'manual' }) => Promise<Response>;

export interface HttpOptions {
  fetch?: FetchLike;
  clock?: ClockPort;
  timeoutMs?: number;
  pacer?: RatePacer | null;
  /** 429/503 answers waited out inline (Retry-After) before giving up to the outbox. 0 inside Wix. */
  inlineRetries?: number;
  maxInlineWaitMs?: number;
}

export interface JsonResponse { status: number; body: unknown; headers: Headers }

const systemClock: ClockPort = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * Paces calls to `perMinute`: each call gets the next slot on a fixed grid, so timer lateness does not
 * lose budget (a late caller may use up to `burst` missed slots at once, never more).
 */
export class RatePacer {
  private nextSlot: number;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly interval: number;
  constructor(readonly perMinute: number, readonly burst = 3, private clock: ClockPort = systemClock) {
    this.interval = 60_000 / perMinute;
    this.nextSlot = clock.now().getTime();
  }
  /** Waits for a slot. Callers are served in order. */
  take(): Promise<void> {
    const next = this.queue.then(async () => {
      for (;;) {
        const now = this.clock.now().getTime();
        const slot = Math.max(this.nextSlot, now - this.interval * (this.burst - 1), this.blockedUntil);
        if (slot <= now) {
          this.nextSlot = slot + this.interval;
          return;
        }
        await this.clock.sleep(Math.max(1, Math.floor(slot - now)));
      }
    });
    this.queue = next;
    return next;
  }
  /** The target said "not before": nobody sends until then. */
  blockFor(ms: number) {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now().getTime() + ms);
  }
}

/** What is kept of a target's error answer: short, and never a value we sent in a header (a target may echo them). */
export const MAX_ERROR_DETAIL = 300;

export function redactSent(text: string, headers: Record<string, string>): string {
  let out = text;
  for (const v of Object.values(headers)) {
    if (typeof v !== 'string' || v.length < 8) continue;
    out = out.split(v).join('[redacted]');
    // The bare token of "Token …" / "Bearer …" too.
    const bare = v.replace(/^(token|bearer|basic)\s+/i, '');
    if (bare !== v && bare.length >= 8) out = out.split(bare).join('[redacted]');
  }
  return out;
}

export async function requestJson(url: string, init: { method: string; headers?: Record<string, string>; body?: unknown }, opts: HttpOptions & { onCall?: () => void } = {}): Promise<JsonResponse> {
  const doFetch = opts.fetch ?? ((u, i) => fetch(u, i));
  const clock = opts.clock ?? systemClock;
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const headers = { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
  for (let attempt = 0; ; attempt++) {
    await opts.pacer?.take();
    opts.onCall?.();
    const ctrl = new AbortController();
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    let res: Response;
    let text: string;
    try {
      // Redirects are never followed (redirect: 'manual'): a 3xx is an answer like any other error,
      // so a target cannot bounce the signed request and its token to another host.
      res = await doFetch(url, { method: init.method, headers, body, signal: ctrl.signal, redirect: 'manual' });
      // The body is read under the same timer: a target that sends headers and then stalls times out.
      text = await res.text();
    } catch (e) {
      throw ctrl.signal.aborted
        ? new ExternalCallError(`${init.method} ${new URL(url).pathname} timed out after ${timeoutMs} ms`, { kind: 'timeout' })
        : new ExternalCallError(`${init.method} ${new URL(url).pathname}: ${redactSent(e instanceof Error ? e.message : String(e), headers).slice(0, MAX_ERROR_DETAIL)}`, { kind: 'network' });
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    if (res.ok) return { status: res.status, body: parsed, headers: res.headers };
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now());
    if ((res.status === 429 || res.status === 503) && retryAfterMs !== null) {
      opts.pacer?.blockFor(retryAfterMs);
      if (attempt < (opts.inlineRetries ?? 0) && retryAfterMs <= (opts.maxInlineWaitMs ?? 60_000)) {
        if (!opts.pacer) await clock.sleep(retryAfterMs);
        continue;
      }
    }
    const raw = parsed && typeof parsed === 'object' ? JSON.stringify(parsed) : String(parsed ?? '');
    const detail = res.status >= 300 && res.status < 400 ? '(redirect not followed)' : redactSent(raw, headers).slice(0, MAX_ERROR_DETAIL);
    throw new ExternalCallError(`${init.method} ${new URL(url).pathname} → ${res.status} ${detail}`, { kind: 'http', status: res.status, retryAfterMs });
  }
}
