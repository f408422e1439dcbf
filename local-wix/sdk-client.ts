// The genuine @wix/sdk pointed at the local Wix: a fetch that keeps the SDK's path and query and swaps
// only the origin, plus an auth strategy that sends the local token of the chosen identity.
import { createClient } from '@wix/sdk';
import { tokenFor, type Identity } from './server/identity.js';

export const ADMIN: Identity = { role: 'ADMIN', id: 'site-owner' };
export const VISITOR: Identity = { role: 'ANYONE', id: 'visitor' };

export function localWixFetch(baseUrl: string, onRequest?: (method: string, url: string, body?: string) => void): typeof fetch {
  const base = new URL(baseUrl);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const original = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    const target = new URL(original.pathname + original.search, base);
    onRequest?.(init?.method ?? 'GET', target.pathname + target.search, typeof init?.body === 'string' ? init.body : undefined);
    return fetch(target, init);
  }) as typeof fetch;
}

export function localAuth(identity: Identity | (() => Identity)) {
  const who = typeof identity === 'function' ? identity : () => identity;
  return {
    getAuthHeaders: async () => ({ headers: { Authorization: tokenFor(who()) } }),
  };
}

/** `createClient` with the given modules, talking to the local Wix as `identity`. */
export function createLocalClient<M extends Record<string, any>>(baseUrl: string, modules: M, identity: Identity | (() => Identity) = ADMIN, onRequest?: Parameters<typeof localWixFetch>[1]) {
  return createClient({ modules, auth: localAuth(identity) as any, fetch: localWixFetch(baseUrl, onRequest) });
}
