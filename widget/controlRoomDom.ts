// DOM helpers of the control room element: every text goes in as a text node (never HTML), links
// only to http(s) or same-site paths, dates shown in the owner's locale.

type Child = Node | string | number | null | undefined | false;

/** `h('td', {class: 'n'}, 'text')`: attributes set with setAttribute, children as text nodes or elements. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** A CMS link from the element's `cms-link` template (`{collection}`), or null when none is set or it is not a web address. */
export function cmsHref(template: string | null, collection: string): string | null {
  if (!template) return null;
  const url = template.replace('{collection}', encodeURIComponent(collection));
  return /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : null;
}

export function when(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '—';
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' }).format(new Date(t));
  } catch {
    return new Date(t).toISOString();
  }
}

/** A table with a caption and column headers; `rows` of cells (text or nodes). */
export function table(caption: string, head: string[], rows: Child[][], empty: string): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty' }, `${caption}: ${empty}`);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}
