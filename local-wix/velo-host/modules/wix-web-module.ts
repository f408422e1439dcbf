// Velo `wix-web-module`: `webMethod(permission, fn, options?)` marks an export of a `*.web.js` file as
// callable from the browser; the host checks the permission against the caller before running it, and
// caches its answers when `options.cache` has tags (see ../webMethodCache.ts).
import { cacheOptions, type CacheOptions } from '../webMethodCache.js';
export const Permissions = Object.freeze({ Anyone: 'Anyone', SiteMember: 'SiteMember', Admin: 'Admin' } as const);
export type Permission = (typeof Permissions)[keyof typeof Permissions];

/** Registered symbol, so the marker survives duplicate module instances. */
export const WEB_METHOD = Symbol.for('local-wix.velo.webMethod');

export function webMethod<F extends (...args: any[]) => any>(permission: Permission, fn: F, options?: { cache?: { tags?: string[]; ttl?: number } }): F {
  if (!Object.values(Permissions).includes(permission)) {
    throw new Error(`webMethod: unknown permission ${JSON.stringify(permission)}; use Permissions.Anyone, Permissions.SiteMember or Permissions.Admin`);
  }
  if (typeof fn !== 'function') throw new Error('webMethod: the second argument must be a function');
  const wrapped = function (this: unknown, ...args: unknown[]) { return fn.apply(this, args); } as unknown as F;
  const cache = cacheOptions(options);
  Object.defineProperty(wrapped, WEB_METHOD, { value: { permission, cache }, enumerable: false });
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}

export function webMethodPermission(fn: unknown): Permission | null {
  return (typeof fn === 'function' && (fn as any)[WEB_METHOD]?.permission) || null;
}

/** The `cache` option a web method was declared with (null: not cached). */
export function webMethodCacheOptions(fn: unknown): CacheOptions | null {
  return (typeof fn === 'function' && (fn as any)[WEB_METHOD]?.cache) || null;
}
