// What the Velo host ran, for GET /_local/velo/log: recent invocations with durations, events that no
// handler received (a misnamed or missing export fails silently on Wix), slow event handlers (Wix
// redelivers what is not acknowledged within ~1.25 s) and errors.
import type { InvocationKind } from './invocation.js';

export interface InvocationRecord { kind: InvocationKind; name: string; at: string; durationMs: number; ok: boolean; error?: string }
export interface UnhandledEvent { name: string; count: number; firstAt: string; lastAt: string; reason: string }

const KEEP = 500;

export class InvocationLog {
  readonly recent: InvocationRecord[] = [];
  readonly errors: InvocationRecord[] = [];
  readonly slow: InvocationRecord[] = [];
  readonly unhandled = new Map<string, UnhandledEvent>();
  readonly warnings: string[] = [];
  counts = { events: 0, handledEvents: 0, redeliveries: 0, hooks: 0, jobs: 0, webMethods: 0, webMethodCacheHits: 0, http: 0 };

  record(r: InvocationRecord) {
    push(this.recent, r);
    if (!r.ok) push(this.errors, r);
  }

  recordSlow(r: InvocationRecord) { push(this.slow, r); }

  /** Returns true the first time a name is seen (so the caller warns once per name). */
  recordUnhandled(name: string, reason: string, at: string): boolean {
    const u = this.unhandled.get(name);
    if (u) { u.count++; u.lastAt = at; return false; }
    this.unhandled.set(name, { name, count: 1, firstAt: at, lastAt: at, reason });
    return true;
  }

  warn(msg: string) {
    if (!this.warnings.includes(msg)) this.warnings.push(msg);
    console.warn(`[velo-host] ${msg}`);
  }

  toJSON() {
    return {
      counts: this.counts,
      unhandledEvents: [...this.unhandled.values()],
      slowEvents: this.slow,
      errors: this.errors,
      warnings: this.warnings,
      recent: this.recent.slice(-100),
    };
  }
}

function push<T>(list: T[], x: T) {
  list.push(x);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
}
