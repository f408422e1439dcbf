// Web method caching as Wix does it on its own infrastructure (so it outlives any container and
// ignores cold mode): `webMethod(perm, fn, { cache: { tags, ttl } })` stores a successful answer per
// (file, function, arguments) for `ttl` seconds (default 604,800, one week); without tags nothing is
// cached. `invalidateCache([{ tag }])` from `wix-cache-backend` clears every answer carrying any listed
// tag; a code change to the file clears its answers too (Wix: "republished with a code change").

/** Wix's default time to live of a cached web method answer: one week. */
export const DEFAULT_CACHE_TTL_SECONDS = 604_800;

export interface CacheOptions { tags: string[]; ttlSeconds: number }

interface Entry { json: string; tags: string[]; expiresAt: number; file: string; version: number }

export interface CacheStats { hits: number; misses: number; stored: number; invalidated: number; expired: number }

export class WebMethodCache {
  private readonly entries = new Map<string, Entry>();
  readonly stats: CacheStats = { hits: 0, misses: 0, stored: 0, invalidated: 0, expired: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  static key(file: string, fn: string, args: unknown[]): string {
    return `${file}\u0000${fn}\u0000${JSON.stringify(args)}`;
  }

  /** The cached answer (as JSON text) for `key`, unless it expired or `file` changed since (`version`). */
  get(key: string, version: number): string | null {
    const e = this.entries.get(key);
    if (!e) { this.stats.misses++; return null; }
    if (e.expiresAt <= this.now() || e.version !== version) {
      this.entries.delete(key);
      this.stats.expired++;
      this.stats.misses++;
      return null;
    }
    this.stats.hits++;
    return e.json;
  }

  set(key: string, file: string, version: number, json: string, options: CacheOptions): void {
    this.entries.set(key, { json, tags: options.tags, expiresAt: this.now() + options.ttlSeconds * 1000, file, version });
    this.stats.stored++;
  }

  /** Clears every answer carrying at least one of `tags`; no tags, nothing cleared. Returns how many. */
  invalidate(tags: string[]): number {
    if (tags.length === 0) return 0;
    const wanted = new Set(tags);
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.tags.some((t) => wanted.has(t))) { this.entries.delete(k); n++; }
    }
    this.stats.invalidated += n;
    return n;
  }

  get size() { return this.entries.size; }
}

/**
 * The `cache` option of `webMethod`, checked as Wix documents it: `tags` (required for caching: without
 * them nothing is cached) and `ttl` in seconds. A malformed option is a mistake in site code, reported loudly.
 */
export function cacheOptions(options: unknown): CacheOptions | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== 'object' || Array.isArray(options)) throw new Error('webMethod: the third argument (options) must be an object such as { cache: { tags: [\'…\'], ttl: 60 } }');
  const cache = (options as { cache?: unknown }).cache;
  if (cache === undefined || cache === null) return null;
  if (typeof cache !== 'object' || Array.isArray(cache)) throw new Error('webMethod: options.cache must be an object { tags, ttl? }');
  const { tags, ttl } = cache as { tags?: unknown; ttl?: unknown };
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string' && t.length > 0))) {
    throw new Error('webMethod: options.cache.tags must be an array of non-empty strings');
  }
  if (ttl !== undefined && !(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    throw new Error(`webMethod: options.cache.ttl must be a positive number of seconds (got ${JSON.stringify(ttl)})`);
  }
  if (!tags || tags.length === 0) return null; // Wix: "The tags field is required for caching. If omitted, nothing is cached."
  return { tags: [...new Set(tags as string[])], ttlSeconds: (ttl as number | undefined) ?? DEFAULT_CACHE_TTL_SECONDS };
}
