// Velo `wix-cache-backend`: `invalidateCache([{ tag }])` clears the cached web method answers that carry
// any of the tags (see ../webMethodCache.ts). Wix restricts the Cache API: it runs only with elevated
// permissions (`elevate()` from wix-auth), so any other caller is refused.
import { currentInvocation, currentServices } from '../invocation.js';

export async function invalidateCache(invalidationMethods: { tag: string }[]): Promise<void> {
  if (!Array.isArray(invalidationMethods) || !invalidationMethods.every((m) => m && typeof m === 'object' && typeof m.tag === 'string')) {
    throw new Error('invalidateCache: invalidationMethods must be an array of { tag: string }');
  }
  const inv = currentInvocation();
  if (inv?.identity.role !== 'ADMIN') {
    throw Object.assign(new Error('invalidateCache: permission denied. The Cache API runs only with elevated permissions: elevate(invalidateCache)(…) from wix-auth'), { code: 'PERMISSION_DENIED' });
  }
  const cache = (inv.services ?? currentServices()).cache;
  if (!cache) throw new Error('[velo-host] wix-cache-backend: this Velo host has no web method cache attached');
  await cache.invalidate(invalidationMethods.map((m) => m.tag));
}

/** Velo also exposes it as `cache.invalidateCache`. */
export const cache = { invalidateCache };
