// The HTML document of a site page: the editor layout (elements the site owner placed), an import
// map resolving Velo's module names in the browser, and the boot script that runs the page code.
import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../server/html.js';

export interface PageDef {
  /** URL path of the page, e.g. `/` or `/events`. */
  path: string;
  /** Page name as in `src/pages/<Name>.<id>.js`. */
  name: string;
  /** HTML of the elements placed on the page (custom elements as `<wix-custom-element id tag src>` or their own tag). */
  layoutFile: string;
  /** Page code file name under `<siteDir>/pages`; default: the first `<name>.*.js` found there. */
  codeFile?: string;
  title?: string;
  /**
   * Values the site owner would type into the editor, such as a ticket definition's ID in a custom
   * element's attributes: `{{definition:General Admission}}` in the layout takes `vars['definition:General Admission']`.
   */
  vars?: Record<string, string>;
  /**
   * A dashboard page (added in the editor as a Dashboard Page): served only to the logged-in site
   * owner, web methods called from it run as the owner, and `wix-dashboard` / `@wix/dashboard` work on it.
   */
  dashboard?: boolean;
}

/** Fills `{{name}}` placeholders of a layout with escaped values; unknown ones become empty. */
export function fillLayout(layout: string, vars: Record<string, string> = {}): string {
  return layout.replace(/\{\{([^{}]{1,100})\}\}/g, (_, name: string) => escapeHtml(vars[name.trim()] ?? ''));
}

export const IMPORT_MAP = {
  imports: {
    'wix-realtime-frontend': '/_local/site/browser/wix-realtime-frontend.js',
    'wix-window-frontend': '/_local/site/browser/wix-window-frontend.js',
    'wix-dashboard': '/_local/site/browser/wix-dashboard.js',
    '@wix/dashboard': '/_local/site/browser/wix-dashboard-sdk.js',
    'backend/': '/_local/site/backend/',
    'public/': '/public/',
  },
};

/** The page code file for a page, resolved at request time so files added later are picked up. */
export function pageCodeFile(siteDir: string, page: PageDef): string | null {
  const dir = path.join(siteDir, 'pages');
  if (page.codeFile) return fs.existsSync(path.join(dir, page.codeFile)) ? page.codeFile : null;
  if (!fs.existsSync(dir)) return null;
  const prefix = `${page.name}.`;
  return fs.readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.js') && f.split('.').length === 3).sort()[0] ?? null;
}

export function renderPage(siteDir: string, page: PageDef, opts: { locale: string }): string {
  const layout = fillLayout(fs.readFileSync(page.layoutFile, 'utf8'), page.vars);
  const code: string[] = [];
  if (fs.existsSync(path.join(siteDir, 'pages', 'masterPage.js'))) code.push('/_local/site/pages/masterPage.js');
  const own = pageCodeFile(siteDir, page);
  if (own) code.push(`/_local/site/pages/${encodeURIComponent(own)}`);
  const hasCss = fs.existsSync(path.join(siteDir, 'styles', 'global.css'));
  const config = { page: { name: page.name, path: page.path }, pageCode: code, customElementsBase: '/public/' };
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${escapeHtml(opts.locale)}"${page.dashboard ? ' data-dashboard="true"' : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title ?? page.name)}</title>
${hasCss ? '<link rel="stylesheet" href="/_local/site/styles/global.css">' : ''}
<script type="importmap">${json(IMPORT_MAP)}</script>
<script type="module">import { boot } from '/_local/site/browser/site-runtime.js'; boot(${json(config)});</script>
</head>
<body>
<main id="SITE_PAGES" data-page="${escapeHtml(page.name)}">
${layout}
</main>
</body>
</html>
`;
}
