// The local Wix's own surface, hardened against the web pages a developer visits while it runs:
//  - no CORS headers at all, so another origin can neither read answers nor send custom headers;
//  - the Host header must name the loopback address it listens on (DNS rebinding: a hostile name
//    resolved to 127.0.0.1 makes the browser treat the local Wix as that site's own origin);
//  - a state-changing request from another site (a cross-site form post) is refused, except for
//    HTTP functions (`/_functions/*`), which a live site answers from anywhere;
//  - the admin routes under `/_local/` need the per-start key (local-key.ts) or a same-origin
//    browser request from the local site's own pages (or the developer typing the URL).
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { WixHttpError } from './http.js';
import { LOCAL_KEY_HEADER } from '../local-key.js';

/** `/_local/*` routes a visitor's page (or a push service) uses: not admin. */
const VISITOR_ROUTES: { method?: string; pattern: RegExp }[] = [
  { method: 'GET', pattern: /^\/_local\/site\// },
  { pattern: /^\/_local\/realtime\/(connect|subscribe|subscriptions)(\/|$)/ },
  // The local web-push service: the backend's web-push library posts encrypted messages here.
  { method: 'POST', pattern: /^\/_local\/push\/[^/]+$/ },
];
/** Routes a live site answers to callers on any site (HTTP functions: webhooks, forms, RFC 8058 unsubscribes). */
const CROSS_SITE_ROUTES = /^\/_functions\//;
const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isAdminRoute(method: string, pathname: string): boolean {
  if (!pathname.startsWith('/_local/')) return false;
  return !VISITOR_ROUTES.some((r) => (!r.method || r.method === method) && r.pattern.test(pathname));
}

function sameKey(given: string, key: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the request carries the per-start key, in `x-local-wix-key` or as an API key in Authorization. */
export function hasLocalKey(headers: http.IncomingHttpHeaders, key: string): boolean {
  const header = headers[LOCAL_KEY_HEADER];
  if (typeof header === 'string' && sameKey(header, key)) return true;
  const auth = String(headers.authorization ?? '').trim().replace(/^Bearer\s+/i, '');
  return auth.length > 0 && sameKey(auth, key);
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** A browser request from the local site's own pages, or a navigation the developer typed. */
export function isSameOriginBrowser(method: string, headers: http.IncomingHttpHeaders): boolean {
  const site = one(headers['sec-fetch-site']);
  const origin = one(headers.origin);
  if (site === 'same-origin') return origin === undefined || origin === `http://${headers.host}`;
  if (site === 'none') return method === 'GET' || method === 'HEAD';
  // Browsers without Fetch Metadata still send Origin on every non-GET request.
  return site === undefined && origin !== undefined && origin === `http://${headers.host}`;
}

function isCrossSite(headers: http.IncomingHttpHeaders): boolean {
  const site = one(headers['sec-fetch-site']);
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = one(headers.origin);
  return origin !== undefined && origin !== `http://${headers.host}`;
}

export interface SurfaceCheck {
  /** The port the server listens on (known once it listens). */
  port(): number;
  key: string;
}

/** Refuses a request that the local Wix's surface does not accept, with a Wix-style error; null lets it through. */
export function refuseAtSurface(method: string, pathname: string, headers: http.IncomingHttpHeaders, opts: SurfaceCheck): WixHttpError | null {
  const host = String(headers.host ?? '');
  const port = opts.port();
  if (!LOOPBACK_HOSTNAMES.some((h) => host === `${h}:${port}`)) {
    return WixHttpError.application(403, 'HOST_NOT_ALLOWED', `Host "${host.slice(0, 100)}" is not this local Wix (use http://127.0.0.1:${port}); other names are refused against DNS rebinding`);
  }
  if (method !== 'GET' && method !== 'HEAD' && isCrossSite(headers) && !CROSS_SITE_ROUTES.test(pathname)) {
    return WixHttpError.application(403, 'CROSS_SITE_REQUEST_REFUSED', `${method} ${pathname} from another site is refused (a cross-site form or script cannot change the local Wix)`);
  }
  if (isAdminRoute(method, pathname) && !hasLocalKey(headers, opts.key) && !isSameOriginBrowser(method, headers)) {
    return WixHttpError.application(401, 'UNAUTHENTICATED', `${pathname} is a local admin route: send the key printed by npm start (header ${LOCAL_KEY_HEADER}, or Authorization), or open it from the local site`);
  }
  return null;
}
