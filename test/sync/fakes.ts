// In-memory fakes of the ports the sync flow uses, typed against the same interfaces.
import type { TicketDef } from '../../backend/core/ticketDefinition.js';
import {
  ExternalCallError,
  type ClockPort, type ExternalRef, type ExternalTicketingFactory, type ExternalTicketingPort, type ExternalWrite,
  type Page, type SecretsPort, type SyncTargetConfig, type TicketDefinitionsPort,
} from '../../backend/ports.js';

export { MemoryCollections } from '../support/memoryCollections.js';

/** Ticket definitions with revisions and cursor paging; counts every call (Wix calls). */
export class MemoryDefinitions implements TicketDefinitionsPort {
  readonly defs = new Map<string, TicketDef>();
  calls = 0;
  pageLimitMax = 100;
  async get(id: string, opts: { salesDetails?: boolean } = {}) {
    this.calls++;
    const d = structuredClone(this.defs.get(id) ?? null);
    if (d && !opts.salesDetails) delete d.salesDetails;
    return d;
  }
  async getMany(ids: readonly string[], opts: { salesDetails?: boolean } = {}) {
    this.calls++;
    return ids.flatMap((id) => this.defs.get(id) ?? []).map((d) => {
      const c = structuredClone(d);
      if (!opts.salesDetails) delete c.salesDetails;
      return c;
    });
  }
  async queryByEvent(eventId: string, opts: { cursor?: string | null; limit?: number; salesDetails?: boolean } = {}): Promise<Page<TicketDef>> {
    this.calls++;
    const limit = Math.min(opts.limit ?? 100, this.pageLimitMax);
    const all = [...this.defs.values()].filter((d) => d.eventId === eventId).sort((a, b) => (a._id < b._id ? -1 : 1));
    const start = opts.cursor ? Number(opts.cursor) : 0;
    const items = all.slice(start, start + limit).map((d) => {
      const c = structuredClone(d);
      if (!opts.salesDetails) delete c.salesDetails;
      return c;
    });
    return { items, nextCursor: start + limit < all.length ? String(start + limit) : null };
  }
  async querySaleStarted(): Promise<Page<TicketDef>> {
    this.calls++;
    return { items: [...this.defs.values()].filter((d) => d.saleStatus === 'SALE_STARTED'), nextCursor: null };
  }
  /** Wix-side changes as an owner would make them. */
  put(def: TicketDef) {
    const prev = this.defs.get(def._id);
    const revision = prev ? String(Number(prev.revision) + 1) : def.revision;
    this.defs.set(def._id, { ...structuredClone(def), revision });
    return this.defs.get(def._id)!;
  }
  delete(id: string) { this.defs.delete(id); }
}

export class ManualClock implements ClockPort {
  constructor(public t = Date.parse('2025-03-01T09:00:00Z')) {}
  now() { return new Date(this.t); }
  async sleep(ms: number) { this.t += ms; }
  advance(ms: number) { this.t += ms; }
}

export const realClock: ClockPort = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export class MemorySecrets implements SecretsPort {
  constructor(readonly secrets: Record<string, string> = {}) {}
  async getSecret(name: string) {
    const s = this.secrets[name];
    if (s === undefined) throw new Error(`No secret named ${name}`);
    return s;
  }
}

export interface ExternalRecord { externalId: string; externalEventId: string; definitionId: string; payload: Record<string, unknown>; active: boolean; deleted: boolean }

/**
 * An external system that applies each idempotency key at most once and can fail on purpose:
 * `failNext` answers the next calls with errors, `applyThenTimeout` applies a call and then loses the answer.
 */
export class FakeExternal implements ExternalTicketingPort {
  readonly records = new Map<string, ExternalRecord>();
  readonly applied = new Map<string, unknown>();
  /** How many times each change was applied (must stay ≤ 1 per key). */
  readonly applyCount = new Map<string, number>();
  calls = 0;
  creates = 0;
  private seq = 0;
  faults: (ExternalCallError | 'applyThenTimeout')[] = [];
  /** While set, every call fails with this (e.g. a 429 window). */
  failAll: ((n: number) => ExternalCallError | null) | null = null;

  private enter(): 'applyThenTimeout' | null {
    this.calls++;
    const all = this.failAll?.(this.calls);
    if (all) throw all;
    const f = this.faults.shift();
    if (f instanceof ExternalCallError) throw f;
    return f ?? null;
  }
  private once<T>(key: string, apply: () => T): T {
    if (this.applied.has(key)) return this.applied.get(key) as T;
    const r = apply();
    this.applied.set(key, r);
    this.applyCount.set(key, (this.applyCount.get(key) ?? 0) + 1);
    return r;
  }
  private lost(f: 'applyThenTimeout' | null) {
    if (f) throw new ExternalCallError('timed out', { kind: 'timeout' });
  }
  async create(w: ExternalWrite) {
    const f = this.enter();
    const r = this.once(w.idempotencyKey, () => {
      this.creates++;
      const externalId = `x${++this.seq}`;
      this.records.set(externalId, { externalId, externalEventId: w.externalEventId, definitionId: w.definitionId, payload: structuredClone(w.payload), active: true, deleted: false });
      return { externalId, refs: { n: this.seq } };
    });
    this.lost(f);
    return r;
  }
  async update(w: ExternalWrite & { link: ExternalRef }) {
    const f = this.enter();
    this.once(w.idempotencyKey, () => {
      const rec = this.records.get(w.link.externalId);
      if (!rec || rec.deleted) throw new ExternalCallError('not found', { kind: 'http', status: 404 });
      rec.payload = structuredClone(w.payload);
    });
    this.lost(f);
    return {};
  }
  async remove(req: { link: ExternalRef; mode: 'delete' | 'deactivate'; idempotencyKey: string }) {
    const f = this.enter();
    this.once(req.idempotencyKey, () => {
      const rec = this.records.get(req.link.externalId);
      if (!rec) return;
      if (req.mode === 'delete') rec.deleted = true;
      else rec.active = false;
    });
    this.lost(f);
    return {};
  }
  async listExternalIds(externalEventId: string) {
    this.calls++;
    return [...this.records.values()].filter((r) => r.externalEventId === externalEventId && !r.deleted).map((r) => r.externalId);
  }
  live(): ExternalRecord[] { return [...this.records.values()].filter((r) => !r.deleted && r.active); }
}

export function factoryOf(ports: Record<string, ExternalTicketingPort>): ExternalTicketingFactory & { connected: SyncTargetConfig[] } {
  const connected: SyncTargetConfig[] = [];
  return {
    connected,
    async connect(t) {
      connected.push(t);
      const p = ports[t._id];
      if (!p) throw new Error(`no fake for ${t._id}`);
      return p;
    },
  };
}

export function definition(over: Partial<TicketDef> & { _id: string }): TicketDef {
  return {
    eventId: 'ev1', revision: '1', name: 'General Admission', hidden: false, limited: true, initialLimit: 5, actualLimit: 5,
    pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } }, saleStatus: 'SALE_STARTED',
    ...over,
  };
}
