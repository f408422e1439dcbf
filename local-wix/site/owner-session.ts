// The site owner's login to the local dashboard. On Wix only the owner and collaborators, logged in,
// reach dashboard pages, and page code there calls web methods as that user. Locally `npm start`
// prints a login URL carrying the owner key (an API key of this local Wix); opening it sets an
// HttpOnly, SameSite=Strict cookie with the key, which the local Wix reads as the owner (ADMIN,
// local-wix/server/identity.ts). Without it a dashboard page answers 401, like a logged-out dashboard.
import type http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Router } from '../server/http.js';
import { escapeHtml } from '../server/html.js';
import { sendText } from './static-files.js';

export const OWNER_COOKIE = 'lw_owner';
export const LOGIN_PATH = '/_local/dashboard/login';

export function loginUrl(baseUrl: string, ownerKey: string, next: string): string {
  return `${baseUrl}${LOGIN_PATH}?key=${encodeURIComponent(ownerKey)}&next=${encodeURIComponent(next)}`;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function isOwner(headers: http.IncomingHttpHeaders, ownerKey: string | undefined): boolean {
  if (!ownerKey) return false;
  const m = new RegExp(`(?:^|;\\s*)${OWNER_COOKIE}=([\\w-]{16,100})`).exec(String(headers.cookie ?? ''));
  return !!m && same(m[1]!, ownerKey);
}

export function registerOwnerLogin(router: Router, ownerKey: string | undefined) {
  router.stream('GET', LOGIN_PATH, (req, res) => {
    const key = req.url.searchParams.get('key') ?? '';
    const next = req.url.searchParams.get('next') ?? '/';
    // Only paths of this site: no open redirect.
    const target = /^\/(?![/\\])/.test(next) ? next : '/';
    if (!ownerKey || !same(key, ownerKey)) {
      return sendText(res, 403, 'text/html; charset=utf-8', '<!doctype html><title>Not logged in</title><p>That login link is not valid. Use the Dashboard URL that <code>npm start</code> printed.</p>');
    }
    res.writeHead(303, { location: target, 'set-cookie': `${OWNER_COOKIE}=${ownerKey}; Path=/; HttpOnly; SameSite=Strict`, 'cache-control': 'no-store' });
    res.end();
  });
}

export function sendLoginRequired(res: http.ServerResponse, pageName: string) {
  sendText(res, 401, 'text/html; charset=utf-8', `<!doctype html><title>Log in</title><p>The dashboard page ${escapeHtml(pageName)} is for the site owner. Open the Dashboard URL that <code>npm start</code> printed (it logs you in).</p>`);
}
