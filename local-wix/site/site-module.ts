// The local site: serves pages built from an editor layout plus the site's page code, the files of
// `src/public`, web-method proxies and the browser Velo APIs, and pushes realtime messages to pages.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalWixModule } from '../server/app.js';
import type { RealtimeHub } from '../server/realtime.js';
import { registerRealtimeRoutes, type CheckRealtimePermission } from './realtime-routes.js';
import { renderPage, type PageDef } from './page-document.js';
import { notFound, resolveInside, sendFile, sendText } from './static-files.js';
import { webMethodStub } from './web-method-stubs.js';
import { ensureVisitor } from './visitor.js';
import { isOwner, registerOwnerLogin, sendLoginRequired } from './owner-session.js';

export type { PageDef } from './page-document.js';
export type { CheckRealtimePermission, RealtimeSubscriber } from './realtime-routes.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BROWSER_DIR = path.join(HERE, 'browser');

export interface SiteModuleOptions {
  /** The site's `src` folder (`pages/`, `public/`, `backend/`, `styles/`), or a test fixture. */
  siteDir: string;
  hub: RealtimeHub;
  /** The site's `realtime_check_permission`; without it every subscription may read. */
  checkRealtimePermission?: CheckRealtimePermission;
  pages: PageDef[];
  /** The site's locale (`wix-window-frontend` `locale`, `<html lang>`). Default `en-US`. */
  locale?: string;
  /** The site owner's key (an API key of this local Wix): dashboard pages need its login cookie. */
  ownerKey?: string;
}

/** The demo page of `npm start`: layout in local-wix/site/pages/home.html, page code `src/pages/Home.*.js`. */
export function demoPages(): PageDef[] {
  return [
    { path: '/', name: 'Home', layoutFile: path.join(HERE, 'pages', 'home.html'), title: 'Ticket counter demo (local Wix)' },
    CONTROL_ROOM_PAGE(),
  ];
}

/** URL path of the owner's control room, a dashboard page (src/pages/ControlRoom.*.js). */
export const CONTROL_ROOM_PATH = '/_local/dashboard/control-room';
const CONTROL_ROOM_PAGE = (): PageDef => ({ path: CONTROL_ROOM_PATH, name: 'ControlRoom', layoutFile: path.join(HERE, 'pages', 'control-room.html'), title: 'Control room (local Wix dashboard)', dashboard: true });

export function siteModule(opts: SiteModuleOptions): LocalWixModule {
  const locale = opts.locale ?? 'en-US';
  return (ctx) => {
    const r = ctx.router;
    for (const page of opts.pages) {
      r.stream('GET', page.path, (req, res) => {
        if (page.dashboard && !isOwner(req.headers, opts.ownerKey)) return sendLoginRequired(res, page.name);
        let html: string;
        try { html = renderPage(opts.siteDir, page, { locale }); } catch (err) {
          return sendText(res, 500, 'text/plain; charset=utf-8', `Page ${page.name} failed to render: ${(err as Error).message}`);
        }
        const v = ensureVisitor(req.headers);
        sendText(res, 200, 'text/html; charset=utf-8', html, v.setCookie ? { 'set-cookie': v.setCookie } : {});
      });
    }
    r.stream('GET', '/_local/site/browser/*', (req, res) => sendFile(res, resolveInside(BROWSER_DIR, req.params.rest!)));
    r.stream('GET', '/_local/site/pages/*', (req, res) => {
      const rest = req.params.rest!;
      sendFile(res, rest.endsWith('.js') ? resolveInside(path.join(opts.siteDir, 'pages'), rest) : null);
    });
    r.stream('GET', '/_local/site/styles/*', (req, res) => sendFile(res, resolveInside(path.join(opts.siteDir, 'styles'), req.params.rest!)));
    r.stream('GET', '/public/*', (req, res) => sendFile(res, resolveInside(path.join(opts.siteDir, 'public'), req.params.rest!)));
    // Page code may import only web modules from the backend (`backend/x.web` or `backend/x.web.js`).
    r.stream('GET', '/_local/site/backend/*', (req, res) => {
      const m = /^([\w./-]+?\.web)(\.js)?$/.exec(req.params.rest!);
      const rel = m ? `${m[1]}.js` : null;
      const file = rel ? resolveInside(path.join(opts.siteDir, 'backend'), rel) : null;
      const stub = file && rel ? webMethodStub(file, rel) : null;
      if (!stub) return notFound(res, `No web module backend/${req.params.rest}`);
      sendText(res, 200, 'text/javascript; charset=utf-8', stub);
    });
    registerOwnerLogin(r, opts.ownerKey);
    registerRealtimeRoutes(ctx, opts.hub, opts.checkRealtimePermission ?? (() => ({ read: true })));
  };
}
