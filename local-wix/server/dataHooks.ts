// Runs `data.js` hooks around Wix Data writes the way Velo does: hooks see items with `Date` objects
// (not the wire's {"$date"}), get `{collectionName, userId, userRole}` (+ `currentItem` for update and
// remove hooks), may replace the item (before-hooks) or the returned result (after-hooks).
import type { DataHookContext, SiteCodeHost } from './app.js';
import type { Identity } from './identity.js';
import type { Data } from './dataQuery.js';
import { dataErrors } from './dataErrors.js';

export type WriteHook = 'beforeInsert' | 'afterInsert' | 'beforeUpdate' | 'afterUpdate' | 'beforeRemove' | 'afterRemove';

/** Velo's `context.userRole` values. */
const veloRole = { ADMIN: 'siteOwner', SITE_MEMBER: 'siteMember', ANYONE: 'visitor' } as const;

export function hookContext(collection: string, who: Identity, currentItem?: Data): DataHookContext & { currentItem?: unknown } {
  return {
    collectionName: collection,
    userId: who.role === 'ANYONE' && who.id === 'anonymous' ? null : who.id,
    userRole: veloRole[who.role],
    ...(currentItem ? { currentItem: decodeDates(currentItem) } : {}),
  };
}

/** Wire → Velo: {"$date": iso} becomes a Date, recursively. */
export function decodeDates<T>(v: T): T {
  if (Array.isArray(v)) return v.map(decodeDates) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Data;
    if (typeof o.$date === 'string' && Object.keys(o).length === 1) return new Date(o.$date) as T;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeDates(x)])) as T;
  }
  return v;
}

/** Velo → wire: Date becomes {"$date": iso}, recursively (what the SDK's codec sends). */
export function encodeDates<T>(v: T): T {
  if (v instanceof Date) return { $date: v.toJSON() } as T;
  if (Array.isArray(v)) return v.map(encodeDates) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Data).map(([k, x]) => [k, encodeDates(x)])) as T;
  return v;
}

export class DataHooks {
  constructor(private readonly host: SiteCodeHost) {}

  /** Whether any of these hooks exists for the collection (a write without hooks can skip them). */
  async any(collection: string, hooks: WriteHook[]): Promise<boolean> {
    return this.host.hasDataHook ? this.host.hasDataHook(collection, hooks) : true;
  }

  /** A before-hook: returns its replacement value (wire form); a throw refuses the write (WDE0078). */
  async before<T>(collection: string, hook: WriteHook, value: T, ctx: DataHookContext): Promise<T> {
    let out: unknown;
    try {
      out = await this.host.runDataHook(collection, hook, decodeDates(value), ctx);
    } catch (err) {
      throw dataErrors.hookError(collection, hook, err);
    }
    if (hook === 'beforeRemove') return (typeof out === 'string' ? out : value) as T; // Velo: a string id, else ignored
    return (out && typeof out === 'object' && !Array.isArray(out) ? encodeDates(out) : value) as T;
  }

  /** An after-hook: its object result replaces what the caller gets back; failures are logged only. */
  async after(collection: string, hook: WriteHook, item: Data, ctx: DataHookContext): Promise<Data> {
    try {
      const out = await this.host.runDataHook(collection, hook, decodeDates(item), ctx);
      return out && typeof out === 'object' && !Array.isArray(out) ? (encodeDates(out) as Data) : item;
    } catch (err) {
      console.error(`[local-wix] data hook ${collection}_${hook} failed after the write:`, (err as Error)?.message ?? err);
      return item;
    }
  }
}
