// Local `wix-dashboard` (Velo) for dashboard pages: showToast draws the toast at the top of the page
// (up to 3 at once, the rest queued by priority; timeout 'normal' = 6 s), navigate / setPageTitle /
// onBeforeUnload as far as a local page can. Like Wix, it works only on dashboard pages: anywhere
// else every function throws. The config is checked as Wix's types state it; a bad one throws.
const TYPES = ['standard', 'success', 'warning', 'error'];
const PRIORITIES = { low: 0, normal: 1, high: 2 };
const TIMEOUT_MS = 6000;
const MAX_SHOWN = 3;
const queue = [];
let shown = 0;

function onDashboardPage(fn) {
  if (document.documentElement.dataset.dashboard !== 'true') {
    throw new Error(`wix-dashboard ${fn}() works only in the code of dashboard pages`);
  }
}

function container() {
  let c = document.getElementById('local-wix-dashboard-toasts');
  if (!c) {
    c = document.createElement('div');
    c.id = 'local-wix-dashboard-toasts';
    c.setAttribute('data-local-dashboard', 'toasts');
    c.style.cssText = 'position:sticky;top:0;z-index:1000;display:flex;flex-direction:column;gap:4px;';
    document.body.prepend(c);
  }
  return c;
}

const COLORS = { standard: '#20303c', success: '#0f7b3f', warning: '#8a5a00', error: '#c1121f' };

function render(item) {
  const { config } = item;
  const type = config.type || 'standard';
  const el = document.createElement('div');
  el.className = 'local-wix-toast';
  el.dataset.type = type;
  el.style.cssText = `background:${COLORS[type]};color:#fff;padding:8px 12px;font:14px system-ui,sans-serif;display:flex;gap:12px;align-items:center;`;
  const text = document.createElement('span');
  text.textContent = config.message; // text, never HTML
  el.append(text);
  if (config.action) {
    const a = document.createElement('button');
    a.type = 'button';
    a.textContent = config.action.text;
    a.addEventListener('click', () => { config.action.onClick(); if (config.action.removeToastOnClick) item.remove(); });
    el.append(a);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close notification');
  close.textContent = '×';
  close.addEventListener('click', () => { item.remove(); if (config.onCloseClick) config.onCloseClick(); });
  el.append(close);
  item.el = el;
  container().append(el);
  shown++;
  if (config.onToastSeen) config.onToastSeen();
  if ((config.timeout || 'normal') === 'normal') item.timer = setTimeout(() => item.remove(), TIMEOUT_MS);
}

function pump() {
  while (shown < MAX_SHOWN && queue.length) {
    queue.sort((a, b) => b.rank - a.rank || a.seq - b.seq);
    render(queue.shift());
  }
}

let seq = 0;
export function showToast(config) {
  onDashboardPage('showToast');
  if (!config || typeof config.message !== 'string') throw new TypeError('showToast: config.message must be a string');
  if (config.type !== undefined && !TYPES.includes(config.type)) throw new TypeError(`showToast: type must be one of ${TYPES.join(', ')}`);
  if (config.priority !== undefined && !(config.priority in PRIORITIES)) throw new TypeError('showToast: priority must be low, normal or high');
  if (config.timeout !== undefined && config.timeout !== 'normal' && config.timeout !== 'none') throw new TypeError("showToast: timeout must be 'normal' or 'none'");
  if (config.action && (typeof config.action.text !== 'string' || typeof config.action.onClick !== 'function')) throw new TypeError('showToast: action needs text and onClick');
  const item = {
    config, rank: PRIORITIES[config.priority || 'normal'], seq: seq++, el: null, timer: null, removed: false,
    remove() {
      if (item.removed) return;
      item.removed = true;
      clearTimeout(item.timer);
      const i = queue.indexOf(item);
      if (i >= 0) queue.splice(i, 1);
      if (item.el) { item.el.remove(); shown--; pump(); }
    },
  };
  queue.push(item);
  pump();
  return { remove: () => item.remove() };
}

export function navigate(destination) {
  onDashboardPage('navigate');
  if (!destination || typeof destination.pageId !== 'string') throw new TypeError('navigate: destination.pageId must be a string');
  console.info('[local wix] dashboard navigate() has no other dashboard pages locally:', destination);
}

export function setPageTitle(title) {
  onDashboardPage('setPageTitle');
  document.title = String(title);
}

export function onBeforeUnload(handler) {
  onDashboardPage('onBeforeUnload');
  const listener = (e) => { const r = handler(); if (r) { e.preventDefault(); e.returnValue = ''; } };
  window.addEventListener('beforeunload', listener);
  return { remove: () => window.removeEventListener('beforeunload', listener) };
}

export default { showToast, navigate, setPageTitle, onBeforeUnload };
