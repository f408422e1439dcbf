// Who is calling the local Wix. Real Wix derives this from OAuth/API-key tokens; locally the
// token says it plainly, and the Velo host picks the token that matches the invocation.
import type http from 'node:http';
import { WixHttpError } from './http.js';

export type Role = 'ADMIN' | 'SITE_MEMBER' | 'ANYONE';
export interface Identity { role: Role; id: string }

export const LOCAL_AUTH_SCHEME = 'LocalWix';

export function tokenFor(identity: Identity): string {
  return `${LOCAL_AUTH_SCHEME} ${identity.role} ${identity.id}`;
}

export interface IdentifyOptions {
  apiKeys: ReadonlySet<string>;
  /** The request carries the per-start key or comes from the local site's own pages (localSurface.ts). */
  trusted: boolean;
  /** The site an API key call must name in `wix-site-id`, as Wix requires; unset: not checked. */
  siteId?: string;
}

/**
 * An API key (as a site owner would create in Wix, with `wix-site-id`) is admin. A local token
 * `LocalWix <ROLE> <id>` says who calls; ADMIN and SITE_MEMBER tokens count only from a trusted caller,
 * so a page on another site (or a process without the key) cannot claim them.
 */
export function identify(headers: http.IncomingHttpHeaders, opts: IdentifyOptions): Identity {
  const raw = String(headers.authorization ?? '').trim();
  if (opts.apiKeys.has(raw.replace(/^Bearer\s+/i, ''))) {
    const site = headers['wix-site-id'];
    if (opts.siteId && site !== opts.siteId) {
      throw WixHttpError.application(401, 'UNAUTHENTICATED', `An API key call needs the header wix-site-id: ${opts.siteId} (got ${site === undefined ? 'none' : JSON.stringify(String(site).slice(0, 60))})`);
    }
    return { role: 'ADMIN', id: 'api-key' };
  }
  const [scheme, role, id] = raw.split(/\s+/);
  if (scheme === LOCAL_AUTH_SCHEME && (role === 'ADMIN' || role === 'SITE_MEMBER' || role === 'ANYONE')) {
    if (role !== 'ANYONE' && !opts.trusted) {
      throw WixHttpError.application(401, 'UNAUTHENTICATED', `A ${LOCAL_AUTH_SCHEME} ${role} token needs the local Wix's key (header x-local-wix-key, printed by npm start)`);
    }
    return { role, id: id ?? 'anonymous' };
  }
  // A token Wix does not know (a wrong or expired API key) is refused, not taken for a visitor.
  if (raw) throw WixHttpError.application(401, 'UNAUTHENTICATED', 'The Authorization header holds no valid API key or token');
  return { role: 'ANYONE', id: 'anonymous' };
}

const rank: Record<Role, number> = { ANYONE: 0, SITE_MEMBER: 1, ADMIN: 2 };
/** Whether a caller of `role` meets a collection permission such as `ANYONE` or `ADMIN`. */
export function allows(required: string, role: Role): boolean {
  const need = required === 'SITE_MEMBER_AUTHOR' ? 'SITE_MEMBER' : (required as Role);
  return rank[role] >= (rank[need] ?? 2);
}
