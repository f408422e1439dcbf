// The external ticketing side in memory, typed against the sync's ports: a target that applies each
// idempotency key at most once and fails on purpose, and a connector factory over such targets.
import {
  ExternalCallError,
  type ExternalRef, type ExternalTicketingFactory, type ExternalTicketingPort, type ExternalWrite, type SyncTargetConfig,
} from '../../backend/ports.js';

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
