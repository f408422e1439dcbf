// Who is calling the local Wix. Real Wix derives this from OAuth/API-key tokens; locally the
// token says it plainly, and the Velo host picks the token that matches the invocation.
import type http from 'node:http';

export type Role = 'ADMIN' | 'SITE_MEMBER' | 'ANYONE';
export interface Identity { role: Role; id: string }

export const LOCAL_AUTH_SCHEME = 'LocalWix';

export function tokenFor(identity: Identity): string {
  return `${LOCAL_AUTH_SCHEME} ${identity.role} ${identity.id}`;
}

/** An API key (as a site owner would create in Wix) is admin; so is the local admin token. */
export function identify(headers: http.IncomingHttpHeaders, apiKeys: ReadonlySet<string>): Identity {
  const raw = String(headers.authorization ?? '').trim();
  if (apiKeys.has(raw.replace(/^Bearer\s+/i, ''))) return { role: 'ADMIN', id: 'api-key' };
  // The site owner logged in to the local dashboard (local-wix/site/owner-session.ts): its cookie holds an API key.
  const owner = /(?:^|;\s*)lw_owner=([\w-]{16,100})/.exec(String(headers.cookie ?? ''));
  if (owner && apiKeys.has(owner[1]!)) return { role: 'ADMIN', id: 'site-owner' };
  const [scheme, role, id] = raw.split(/\s+/);
  if (scheme === LOCAL_AUTH_SCHEME && (role === 'ADMIN' || role === 'SITE_MEMBER' || role === 'ANYONE')) {
    return { role, id: id ?? 'anonymous' };
  }
  return { role: 'ANYONE', id: 'anonymous' };
}

const rank: Record<Role, number> = { ANYONE: 0, SITE_MEMBER: 1, ADMIN: 2 };
/** Whether a caller of `role` meets a collection permission such as `ANYONE` or `ADMIN`. */
export function allows(required: string, role: Role): boolean {
  const need = required === 'SITE_MEMBER_AUTHOR' ? 'SITE_MEMBER' : (required as Role);
  return rank[role] >= (rank[need] ?? 2);
}
