// A site visitor's local identity: a cookie set when a page is served (Wix keeps a visitor session).
import type http from 'node:http';
import { randomUUID } from 'node:crypto';

export const VISITOR_COOKIE = 'lw_visitor';

export function visitorId(headers: http.IncomingHttpHeaders): string | null {
  const m = /(?:^|;\s*)lw_visitor=([\w-]{1,64})/.exec(String(headers.cookie ?? ''));
  return m ? m[1]! : null;
}

/** The visitor's id and, for a new visitor, the Set-Cookie header value. */
export function ensureVisitor(headers: http.IncomingHttpHeaders): { id: string; setCookie?: string } {
  const id = visitorId(headers);
  if (id) return { id };
  const fresh = randomUUID();
  return { id: fresh, setCookie: `${VISITOR_COOKIE}=${fresh}; Path=/; SameSite=Lax; HttpOnly` };
}
