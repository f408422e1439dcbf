// A minimal local CMS dashboard for the site owner: `GET /_local/cms` lists collections,
// `GET /_local/cms/<collection>` shows items with a JSON form; edits go through the same write path
// (permissions as ADMIN, data hooks) as the CMS dashboard's writes do on Wix.
import { Reply, WixHttpError, type Router } from './http.js';
import type { Identity } from './identity.js';
import type { DataService } from './dataService.js';
import type { DataStore } from './dataStore.js';
import { escapeHtml } from './html.js';

const OWNER: Identity = { role: 'ADMIN', id: 'site-owner' };

function page(title: string, body: string): Reply {
  return Reply.html(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}pre{margin:0;max-width:60em;white-space:pre-wrap}.err{color:#b00}</style>
</head><body>${body}</body></html>`);
}

export function registerCmsRoutes(router: Router, data: DataService, store: DataStore) {
  router.get('/_local/cms', () => page('CMS', `<h1>Collections</h1><table><tr><th>Collection</th><th>Items</th><th>Permissions (read/insert/update/remove)</th></tr>${store
    .listCollections()
    .map((c) => `<tr><td><a href="/_local/cms/${encodeURIComponent(c.id)}">${escapeHtml(c.id)}</a></td><td>${store.count(c.id)}</td><td>${escapeHtml([c.permissions.read, c.permissions.insert, c.permissions.update, c.permissions.remove].join(' / '))}</td></tr>`)
    .join('')}</table>`));

  router.get('/_local/cms/:collection', (req) => {
    const id = req.params.collection!;
    const { dataItems } = data.query(id, { paging: { limit: 1000 } }, OWNER, false, 'primary');
    const error = req.url.searchParams.get('error');
    return page(`CMS: ${id}`, `<p><a href="/_local/cms">All collections</a></p><h1>${escapeHtml(id)}</h1>
${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}
<form method="post"><p>Save an item (JSON; with an existing <code>_id</code> it updates, runs the collection's hooks):</p>
<textarea name="item" rows="6" cols="80">{}</textarea><br><button name="op" value="save">Save</button></form>
<table><tr><th>_id</th><th>data</th><th></th></tr>${dataItems
      .map((it) => `<tr><td>${escapeHtml(it.id)}</td><td><pre>${escapeHtml(JSON.stringify(it.data, null, 2))}</pre></td><td><form method="post"><input type="hidden" name="id" value="${escapeHtml(it.id)}"><button name="op" value="remove">Remove</button></form></td></tr>`)
      .join('')}</table>`);
  });

  router.post('/_local/cms/:collection', async (req) => {
    const id = req.params.collection!;
    const form = new URLSearchParams(req.rawBody);
    const back = `/_local/cms/${encodeURIComponent(id)}`;
    try {
      if (form.get('op') === 'remove') await data.remove(id, form.get('id') ?? '', OWNER);
      else {
        let item: unknown;
        try { item = JSON.parse(form.get('item') ?? '{}'); } catch { throw WixHttpError.validation('item', 'Item is not valid JSON'); }
        await data.save(id, item, OWNER);
      }
      return Reply.redirect(back);
    } catch (err) {
      if (!(err instanceof WixHttpError)) throw err;
      return Reply.redirect(`${back}?error=${encodeURIComponent(err.message)}`);
    }
  });
}
