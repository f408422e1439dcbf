// The page side of the local Wix site: `$w` for page code, custom elements placed in the editor,
// and the boot sequence (masterPage.js then the page's code; their `$w.onReady` callbacks run once
// the page is parsed). `<html data-velo="ready">` marks the end of onReady; errors go to the console
// and to `data-velo-error`.
const readyCallbacks = [];

function typeOf(el) {
  if (el.dataset.wixType) return el.dataset.wixType;
  if (el.localName.includes('-')) return '$w.CustomElement';
  if (el.localName === 'button') return '$w.Button';
  if (/^(p|h[1-6]|span)$/.test(el.localName)) return '$w.Text';
  if (el.localName === 'input') return '$w.TextInput';
  return '$w.Element';
}

function wrap(el) {
  const type = typeOf(el);
  const w = {
    get id() { return el.id; },
    get type() { return type; },
    get hidden() { return el.hidden; },
    get collapsed() { return el.style.display === 'none'; },
    get isVisible() { return !el.hidden && el.style.display !== 'none' && document.contains(el); },
    show() { el.hidden = false; return Promise.resolve(); },
    hide() { el.hidden = true; return Promise.resolve(); },
    expand() { el.style.display = ''; return Promise.resolve(); },
    collapse() { el.style.display = 'none'; return Promise.resolve(); },
    scrollTo() { el.scrollIntoView(); return Promise.resolve(); },
    onClick(handler) { el.addEventListener('click', (e) => handler(e)); return w; },
  };
  if (type === '$w.CustomElement') {
    // Velo: setAttribute(key, value) and on(eventName, handler) for CustomEvents the element dispatches.
    w.setAttribute = (name, value) => { el.setAttribute(String(name), String(value)); };
    w.on = (eventName, handler) => { el.addEventListener(String(eventName), (e) => handler(e)); };
  }
  if (type === '$w.Text') {
    Object.defineProperty(w, 'text', { get: () => el.textContent, set: (v) => { el.textContent = String(v); } });
  }
  if (type === '$w.Button') {
    Object.defineProperty(w, 'label', { get: () => el.textContent, set: (v) => { el.textContent = String(v); } });
    Object.defineProperty(w, 'enabled', { get: () => !el.disabled });
    w.enable = () => { el.disabled = false; return Promise.resolve(); };
    w.disable = () => { el.disabled = true; return Promise.resolve(); };
  }
  if (type === '$w.TextInput') {
    Object.defineProperty(w, 'value', { get: () => el.value, set: (v) => { el.value = String(v); } });
    w.onInput = (handler) => { el.addEventListener('input', (e) => handler(e)); return w; };
  }
  return w;
}

export function $w(selector) {
  const m = /^#([A-Za-z][\w-]*)$/.exec(String(selector).trim());
  if (!m) throw new Error(`The local $w supports "#id" selectors only, got ${JSON.stringify(selector)}`);
  const el = document.getElementById(m[1]);
  if (!el || !el.closest('#SITE_PAGES')) throw new Error(`$w('${selector}'): no element with ID ${m[1]} on this page`);
  return wrap(el);
}
$w.onReady = (fn) => {
  if (typeof fn !== 'function') throw new Error('$w.onReady needs a function');
  readyCallbacks.push(fn);
};
$w.at = () => { throw new Error('$w.at (repeaters) is not available on the local site'); };

/** Replace each `<wix-custom-element id tag src ...attrs>` with the element `tag` and load its script. */
function placeCustomElements(base) {
  const loads = [];
  for (const holder of document.querySelectorAll('#SITE_PAGES wix-custom-element')) {
    const tag = holder.getAttribute('tag');
    const src = holder.getAttribute('src');
    if (!tag || !tag.includes('-')) { console.error('wix-custom-element needs a tag with a hyphen', holder); continue; }
    const el = document.createElement(tag);
    for (const a of holder.attributes) if (a.name !== 'tag' && a.name !== 'src') el.setAttribute(a.name, a.value);
    while (holder.firstChild) el.appendChild(holder.firstChild);
    holder.replaceWith(el);
    if (src) loads.push(src);
  }
  const urls = [...new Set(loads)].map((s) => (/^(https?:)?\/\//.test(s) || s.startsWith('/') ? s : base + s.replace(/^public\//, '')));
  return Promise.all(urls.map((u) => import(u).catch((err) => { reportError(`custom element script ${u}`, err); })));
}

function reportError(where, err) {
  console.error(`[local wix] ${where} failed:`, err);
  const root = document.documentElement;
  const msg = `${where}: ${err && err.message ? err.message : err}`;
  root.dataset.veloError = root.dataset.veloError ? `${root.dataset.veloError}\n${msg}` : msg;
}

export async function boot(config) {
  globalThis.$w = $w;
  const elements = placeCustomElements(config.customElementsBase || '/public/');
  for (const url of config.pageCode || []) {
    try { await import(url); } catch (err) { reportError(`page code ${url}`, err); }
  }
  if (document.readyState === 'loading') await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }));
  // Wix runs every onReady (masterPage's and the page's) and waits for the promises they return.
  await Promise.all(readyCallbacks.map(async (fn) => {
    try { await fn($w); } catch (err) { reportError('$w.onReady', err); }
  }));
  await elements;
  document.documentElement.dataset.velo = 'ready';
  document.dispatchEvent(new CustomEvent('local-wix:ready'));
}
