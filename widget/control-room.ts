// <control-room>: the owner's dashboard page for sync, sale alerts and counters (a Velo custom
// element on a dashboard page). Page code (controlRoomBinding.ts) feeds it the sections' data
// through attributes (`sync-data`, `alerts-data`, `counters-data`, `plan`, `progress`, `result`,
// each JSON) and answers the `control-action` CustomEvents it dispatches. Attributes set in the
// editor: `cms-link` (the CMS address of a collection, `{collection}` in it), `locale`.
// Text is only ever set as text; buttons are real buttons (keyboard operable); results are announced
// in a polite live region.
import type { AlertsSection } from '../backend/flows/controlRoomAlerts.js';
import type { CountersSection } from '../backend/flows/controlRoomCounters.js';
import type { SyncSection, TargetHealth } from '../backend/flows/controlRoomSync.js';
import { cmsHref, h, table, when } from './controlRoomDom.js';

type Loaded<T> = { ok: true; data: T } | { ok: false; message: string };
export interface PlanRow { action: string; definitionId: string; name: string; revision: string | null; detail: string }
export interface PlanAttr { targetId: string; eventId: string; rows: PlanRow[]; counts: Record<string, number> }
export interface ProgressAttr { targetId: string; eventId: string; state: 'running' | 'stopping' | 'stopped' | 'done' | 'failed'; calls: number; counts: Record<string, number>; message?: string }
export interface ResultAttr { requestId: number; ok: boolean; message: string }

export type ControlAction =
  | { action: 'load'; section: 'sync' | 'alerts' | 'counters'; args: Record<string, unknown> }
  | { action: 'syncNow' | 'dryRun'; targetId: string; eventId: string }
  | { action: 'stopSync' }
  | { action: 'retry'; ids: string[] }
  | { action: 'retryAll' }
  | { action: 'addPreset'; targetId: string }
  | { action: 'setupCollections' | 'runSweep' | 'refreshCounters' }
  | { action: 'testAlert'; email: string; eventId: string };

const VIEWS = { dead: 'Dead letters', retrying: 'Retrying', due: 'Due' } as const;

function parse<T>(raw: string | null): T | null {
  if (!raw) return null;
  try { return JSON.parse(raw) as T; } catch { return null; }
}

let instances = 0;

export class ControlRoomElement extends HTMLElement {
  static observedAttributes = ['sync-data', 'alerts-data', 'counters-data', 'plan', 'progress', 'result', 'cms-link', 'locale'];
  private uid = `control-room-${++instances}`;
  private status: HTMLElement | null = null;
  private parts: Record<'sync' | 'alerts' | 'counters', HTMLElement> | null = null;
  private requests = 0;
  private busy = new Set<number>();
  /** Paging and view state, sent with each section load. */
  private state = { testEmail: '', testEvent: '', targetPage: 0, outboxView: 'dead' as keyof typeof VIEWS, outboxPage: 0, eventPage: 0, counterPage: 0 };

  connectedCallback() {
    if (!this.parts) this.build();
    this.renderAll();
  }

  attributeChangedCallback(name: string) {
    if (!this.parts) return;
    if (name === 'result') return this.accept();
    if (name === 'sync-data' || name === 'plan' || name === 'progress') return this.renderSync();
    if (name === 'alerts-data') return this.renderAlerts();
    if (name === 'counters-data') return this.renderCounters();
    this.renderAll();
  }

  private build() {
    const style = h('style', {}, `control-room{display:block;font:14px/1.4 system-ui,sans-serif}
control-room section{margin:0 0 1.5rem}control-room table{border-collapse:collapse;width:100%;margin:.5rem 0}
control-room th,control-room td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
control-room caption{text-align:left;font-weight:600;padding:.3rem 0}control-room .toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
control-room .problem{color:#a40000}control-room button{font:inherit}control-room [aria-disabled=true]{opacity:.6}
control-room .status{min-height:1.4em;padding:.3rem 0;font-weight:600}`);
    this.status = h('div', { role: 'status', 'aria-live': 'polite', class: 'status', id: `${this.uid}-status` });
    const section = (key: string, title: string) => h('section', { 'aria-labelledby': `${this.uid}-${key}-h`, 'data-section': key });
    this.parts = { sync: section('sync', 'Sync'), alerts: section('alerts', 'Sale alerts'), counters: section('counters', 'Counters') };
    this.append(style, this.status, this.parts.sync, this.parts.alerts, this.parts.counters);
  }

  private get locale() { return this.getAttribute('locale') || 'en-US'; }

  private link(collection: string, text = collection): Node {
    const href = cmsHref(this.getAttribute('cms-link'), collection);
    return href ? h('a', { href, target: '_blank', rel: 'noopener' }, text) : document.createTextNode(text);
  }

  private button(label: string, act: ControlAction, opts: { ariaLabel?: string } = {}): HTMLButtonElement {
    const b = h('button', { type: 'button', 'aria-label': opts.ariaLabel, 'data-key': opts.ariaLabel ?? label });
    b.textContent = label;
    b.addEventListener('click', () => {
      if (b.getAttribute('aria-disabled') === 'true') return;
      this.send(act, b);
    });
    return b;
  }

  /** Dispatches an action; the button stays disabled (but focusable) until its result comes. */
  private send(act: ControlAction, b?: HTMLElement) {
    const requestId = ++this.requests;
    if (act.action !== 'load' && act.action !== 'stopSync') {
      this.busy.add(requestId);
      b?.setAttribute('aria-disabled', 'true');
      b?.setAttribute('data-request', String(requestId));
    }
    this.dispatchEvent(new CustomEvent('control-action', { detail: { ...act, requestId } }));
  }

  private load(section: 'sync' | 'alerts' | 'counters') {
    const s = this.state;
    const args = section === 'sync' ? { targetPage: s.targetPage, outboxView: s.outboxView, outboxPage: s.outboxPage }
      : section === 'alerts' ? { eventPage: s.eventPage } : { counterPage: s.counterPage };
    this.send({ action: 'load', section, args });
  }

  private accept() {
    const r = parse<ResultAttr>(this.getAttribute('result'));
    if (!r || typeof r.message !== 'string') return;
    this.busy.delete(r.requestId);
    this.querySelector(`[data-request="${Number(r.requestId)}"]`)?.removeAttribute('aria-disabled');
    this.status!.dataset.ok = String(r.ok);
    this.status!.textContent = r.message;
  }

  private renderAll() { this.renderSync(); this.renderAlerts(); this.renderCounters(); }

  /**
   * Re-renders a section without losing the keyboard user's place: the focused control (by its
   * data-key) is focused again in the new content, or the section's heading when it is gone.
   */
  private keepFocus(root: HTMLElement, render: () => void) {
    const active = document.activeElement as HTMLElement | null;
    const key = active && root.contains(active) ? active.dataset.key ?? null : null;
    const had = !!active && root.contains(active);
    render();
    if (!had) return;
    const again = key ? [...root.querySelectorAll<HTMLElement>('[data-key]')].find((el) => el.dataset.key === key) : null;
    if (again) again.focus();
    else { const hd = root.querySelector('h2'); hd?.setAttribute('tabindex', '-1'); hd?.focus(); }
  }

  private heading(key: string, text: string, ...tools: Node[]) {
    return [h('h2', { id: `${this.uid}-${key}-h` }, text), h('div', { class: 'toolbar' }, ...tools)];
  }

  private pager(what: string, page: number, pageSize: number, total: number, go: (p: number) => void): HTMLElement {
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const prev = h('button', { type: 'button', 'aria-label': `Previous page of ${what}`, 'data-key': `prev-${what}` }, 'Previous');
    const next = h('button', { type: 'button', 'aria-label': `Next page of ${what}`, 'data-key': `next-${what}` }, 'Next');
    if (page <= 0) prev.disabled = true;
    if (page + 1 >= pages) next.disabled = true;
    prev.addEventListener('click', () => go(page - 1));
    next.addEventListener('click', () => go(page + 1));
    return h('div', { class: 'toolbar pager' }, prev, h('span', {}, `Page ${page + 1} of ${pages} (${total} ${what})`), next);
  }

  // ---------------- Sync ----------------

  private renderSync() { this.keepFocus(this.parts!.sync, () => this.drawSync()); }

  private drawSync() {
    const root = this.parts!.sync;
    const loaded = parse<Loaded<SyncSection>>(this.getAttribute('sync-data'));
    root.replaceChildren(...this.heading('sync', 'Sync',
      this.button('Set up collections', { action: 'setupCollections' }),
      this.button('Retry all dead letters', { action: 'retryAll' }),
      this.button('Reload', { action: 'load', section: 'sync', args: {} }, { ariaLabel: 'Reload the Sync section' })));
    if (!loaded) return root.append(h('p', {}, 'Loading…'));
    if (!loaded.ok) return root.append(h('p', { class: 'problem' }, `Could not load the sync: ${loaded.message}`));
    const d = loaded.data;
    for (const p of d.problems) root.append(h('p', { class: 'problem' }, p));
    root.append(table('Sync targets', ['Target', 'State', 'Secret name', 'Links', 'Outbox', 'Actions'], d.targets.items.map((t) => this.targetRow(t)), 'none yet. Add a row to SyncTargets.'));
    if (d.targets.total > d.targets.pageSize) root.append(this.pager('targets', d.targets.page, d.targets.pageSize, d.targets.total, (p) => { this.state.targetPage = p; this.load('sync'); }));
    for (const t of d.targets.items) {
      root.append(table(`Events mapped to ${t.title ?? t.targetId}`, ['Event', 'External event', 'Last sync', 'Actions'], t.events.map((e) => [
        this.link('SyncEventMappings', e.eventId), e.externalEventId,
        e.lastSync ? this.link('SyncRuns', `${e.lastSync.state === 'done' ? 'finished' : 'unfinished (resumes)'} · ${when(e.lastSync.updatedAt, this.locale)} · ${Object.entries(e.lastSync.counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing yet'}`) : 'never synced',
        h('span', { class: 'toolbar' },
          this.button('Sync now', { action: 'syncNow', targetId: t.targetId, eventId: e.eventId }, { ariaLabel: `Sync event ${e.eventId} to ${t.targetId} now` }),
          this.button('Dry run', { action: 'dryRun', targetId: t.targetId, eventId: e.eventId }, { ariaLabel: `Dry run of event ${e.eventId} to ${t.targetId}` })),
      ]), 'no event mapped. Add a row to SyncEventMappings.'));
    }
    root.append(this.progressView(), this.planView(), this.outboxView(d), this.reconcileView(d));
  }

  private targetRow(t: TargetHealth) {
    const state = t.state === 'paused' ? h('span', { class: 'problem' }, `paused: ${t.why.join(' ')}`) : t.state;
    return [
      h('span', {}, this.link('SyncTargets', t.title ?? t.targetId), ` (${t.targetId}, ${t.kind})`),
      state, t.secretName,
      h('span', {}, this.link('SyncLinks', `${t.links.active} active`), `, ${t.links.failed} failed`),
      h('span', {}, this.link('SyncOutbox', `${t.outbox.due} due`), `, ${t.outbox.retrying} retrying${t.outbox.nextAttemptAt ? ` (next ${when(t.outbox.nextAttemptAt, this.locale)})` : ''}, ${t.outbox.dead} dead`),
      this.button('Add the mapping preset', { action: 'addPreset', targetId: t.targetId }, { ariaLabel: `Add the mapping preset to ${t.targetId}` }),
    ];
  }

  private progressView(): Node {
    const p = parse<ProgressAttr>(this.getAttribute('progress'));
    if (!p) return h('div', { 'data-part': 'progress' });
    const counts = Object.entries(p.counts).map(([k, v]) => `${k} ${v}`).join(', ');
    const words = { running: 'Syncing', stopping: 'Stopping', stopped: 'Stopped', done: 'Finished', failed: 'Failed' }[p.state] ?? p.state;
    const line = `${words}: event ${p.eventId} to ${p.targetId}, ${p.calls} call${p.calls === 1 ? '' : 's'}${counts ? `, ${counts}` : ''}${p.message ? `. ${p.message}` : ''}`;
    const tools: Node[] = [];
    if (p.state === 'running') tools.push(this.button('Stop', { action: 'stopSync' }, { ariaLabel: 'Stop the sync after the current call' }));
    if (p.state === 'stopped' || p.state === 'failed') tools.push(this.button('Resume', { action: 'syncNow', targetId: p.targetId, eventId: p.eventId }, { ariaLabel: `Resume the sync of event ${p.eventId}` }));
    return h('div', { class: 'toolbar', 'data-part': 'progress', 'data-state': p.state }, h('span', {}, line), ...tools);
  }

  private planView(): Node {
    const p = parse<PlanAttr>(this.getAttribute('plan'));
    if (!p || !Array.isArray(p.rows)) return h('div', { 'data-part': 'plan' });
    const wrap = h('div', { 'data-part': 'plan' });
    wrap.append(table(`Dry run: event ${p.eventId} to ${p.targetId} (nothing written)`, ['Action', 'Definition', 'Name', 'Revision', 'Detail'],
      p.rows.map((r) => [r.action, r.definitionId, r.name, r.revision ?? '', r.detail]), 'no ticket definitions'));
    return wrap;
  }

  private outboxView(d: SyncSection): Node {
    const o = d.outbox;
    const id = `${this.uid}-outbox-view`;
    const select = h('select', { id, 'data-key': 'outbox-view' });
    for (const [v, label] of Object.entries(VIEWS)) {
      const opt = h('option', { value: v }, label);
      if (v === o.view) opt.selected = true;
      select.append(opt);
    }
    select.addEventListener('change', () => { this.state.outboxView = select.value as keyof typeof VIEWS; this.state.outboxPage = 0; this.load('sync'); });
    const wrap = h('div', { 'data-part': 'outbox' }, h('h3', {}, 'Outbox'), h('div', { class: 'toolbar' }, h('label', { for: id }, 'Show'), select, this.link('SyncOutbox', 'Open SyncOutbox in the CMS')));
    wrap.append(table(`${VIEWS[o.view]} (${o.total})`, ['Definition', 'Target', 'Change', 'Attempts', o.view === 'dead' ? 'First failure' : 'Next attempt', 'Last error', ''],
      o.items.map((r) => [this.link('SyncOutbox', r.definitionId), r.targetId, `${r.action} rev ${r.revision}`, r.attempt, when(o.view === 'dead' ? r.firstFailureAt : r.nextAttemptAt, this.locale), r.lastError ?? '',
        o.view === 'dead' ? this.button('Retry', { action: 'retry', ids: [r.id] }, { ariaLabel: `Retry the dead letter of ${r.definitionId} to ${r.targetId}` }) : '']), 'none'));
    if (o.total > o.pageSize) wrap.append(this.pager(VIEWS[o.view].toLowerCase(), o.page, o.pageSize, o.total, (p) => { this.state.outboxPage = p; this.load('sync'); }));
    return wrap;
  }

  private reconcileView(d: SyncSection): Node {
    const r = d.reconcile;
    const wrap = h('div', { 'data-part': 'reconcile' }, h('h3', {}, 'Last reconcile'), h('p', {}, this.link('SyncRuns', 'Open SyncRuns in the CMS')));
    if (!r.last) wrap.append(h('p', {}, 'No reconcile has run yet (the hourly syncHourly job runs it).'));
    else {
      const c = r.last.counts;
      wrap.append(h('p', {}, `${when(r.last.at, this.locale)}: ${r.last.complete ? 'complete' : 'cut off by its time limit (the next run resumes)'}; ${c.events ?? 0} event${c.events === 1 ? '' : 's'}, ${c.definitions ?? 0} definition${c.definitions === 1 ? '' : 's'} compared, ${c.fixed ?? 0} fixed, ${c.missingExternally ?? 0} missing on the target, ${c.invalid ?? 0} invalid.`));
      if (r.last.findings.length) wrap.append(h('ul', {}, ...r.last.findings.map((f) => h('li', {}, f))));
    }
    if (r.state === 'running') wrap.append(h('p', {}, `A pass is unfinished since ${when(r.updatedAt, this.locale)}; the next run resumes it.`));
    return wrap;
  }

  // ---------------- Sale alerts ----------------

  private renderAlerts() { this.keepFocus(this.parts!.alerts, () => this.drawAlerts()); }

  private drawAlerts() {
    const root = this.parts!.alerts;
    const loaded = parse<Loaded<AlertsSection>>(this.getAttribute('alerts-data'));
    const emailId = `${this.uid}-test-email`, eventId = `${this.uid}-test-event`;
    const email = h('input', { id: emailId, type: 'email', autocomplete: 'email', required: true, 'data-key': 'test-email' });
    email.value = this.state.testEmail;
    email.addEventListener('input', () => { this.state.testEmail = email.value; });
    const event = h('input', { id: eventId, type: 'text', required: true, 'data-key': 'test-event' });
    const first = loaded?.ok ? loaded.data.events.items[0]?.eventId : undefined;
    event.value = this.state.testEvent || first || '';
    event.addEventListener('input', () => { this.state.testEvent = event.value; });
    const form = h('form', { class: 'toolbar', 'aria-label': 'Send a test alert' },
      h('label', { for: emailId }, 'Send a test alert to'), email, h('label', { for: eventId }, 'for event'), event);
    const submit = h('button', { type: 'submit', 'data-key': 'send-test-alert' }, 'Send test alert');
    // The web method checks the address and its answer is announced; no browser bubble instead.
    form.noValidate = true;
    form.append(submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (submit.getAttribute('aria-disabled') === 'true') return;
      this.send({ action: 'testAlert', email: email.value.trim(), eventId: event.value.trim() }, submit);
    });
    root.replaceChildren(...this.heading('alerts', 'Sale alerts',
      this.button('Run the sweep now', { action: 'runSweep' }),
      this.button('Reload', { action: 'load', section: 'alerts', args: {} }, { ariaLabel: 'Reload the Sale alerts section' })), form);
    if (!loaded) return root.append(h('p', {}, 'Loading…'));
    if (!loaded.ok) return root.append(h('p', { class: 'problem' }, `Could not load the sale alerts: ${loaded.message}`));
    const d = loaded.data;
    const s = d.lastSweep;
    root.append(h('p', { 'data-part': 'sweep' }, s
      ? `Last sweep started ${when(s.startedAt, this.locale)}: ${s.completed ? `completed (${s.events} event${s.events === 1 ? '' : 's'})` : `cut off after ${s.eventsDone} of ${s.events} events (the next sweep resumes)`}.`
      : 'No sweep has sent alerts yet.'));
    root.append(table('Events with subscribers', ['Event', 'Subscriptions', 'Next sale start', 'Deliveries'], d.events.items.map((e) => [
      e.eventId,
      h('span', {}, this.link('SaleAlertSubscriptions', `${e.subscriptions.confirmed} confirmed`), `, ${e.subscriptions.pending} pending, ${e.subscriptions.unsubscribed} unsubscribed`),
      e.nextSaleStartError ? h('span', { class: 'problem' }, `could not read: ${e.nextSaleStartError}`) : e.nextSaleStart ? when(e.nextSaleStart, this.locale) : 'none scheduled',
      h('span', {}, this.link('SaleAlertDeliveries', `${e.deliveries.sent} sent`), `, ${e.deliveries.failedRetryPlanned} failed (retry planned), ${e.deliveries.failedFinal} failed (no retry left), ${e.deliveries.skipped} skipped, ${e.deliveries.unknown} unknown, ${e.deliveries.pending} being sent`),
    ]), 'none yet. Visitors subscribe with the sale-alert sign-up.'));
    if (d.events.total > d.events.pageSize) root.append(this.pager('events', d.events.page, d.events.pageSize, d.events.total, (p) => { this.state.eventPage = p; this.load('alerts'); }));
  }

  // ---------------- Counters ----------------

  private renderCounters() { this.keepFocus(this.parts!.counters, () => this.drawCounters()); }

  private drawCounters() {
    const root = this.parts!.counters;
    const loaded = parse<Loaded<CountersSection>>(this.getAttribute('counters-data'));
    root.replaceChildren(...this.heading('counters', 'Counters',
      this.button('Refresh all now', { action: 'refreshCounters' }),
      this.button('Reload', { action: 'load', section: 'counters', args: {} }, { ariaLabel: 'Reload the Counters section' })));
    if (!loaded) return root.append(h('p', {}, 'Loading…'));
    if (!loaded.ok) return root.append(h('p', { class: 'problem' }, `Could not load the counters: ${loaded.message}`));
    const d = loaded.data;
    root.append(h('p', { 'data-part': 'reads' }, `Counter read marks in the last minute: ${d.reads.lastMinute}. Each fast read is one, up to ${d.reads.budget} a minute; past that, each slow slot (one read while orders keep coming) has up to five.`));
    const r = d.lastRepair;
    root.append(h('p', {}, this.link('CounterClaims', 'Open CounterClaims (read marks, repair runs) in the CMS')));
    root.append(h('p', { 'data-part': 'repair' }, r
      ? `Last repair (${r.by === 'job' ? 'hourly job' : 'from this page'}) ${when(r.at, this.locale)}: ${r.refreshed} refreshed, ${r.failed} failed, ${r.pruned} old claims pruned${r.complete ? '' : ', stopped by its time limit'}.`
      : 'The repair job has not run yet.'));
    root.append(table('Live counters', ['Ticket', 'Price', 'Unsold', 'Sold', 'Sale', 'Last refresh'], d.counters.items.map((c) => [
      h('span', {}, this.link('TicketCounters', c.label || c.definitionId), ` (${c.definitionId})`),
      c.price ? `${c.price} ${c.currency ?? ''}`.trim() : '—',
      c.unsold === null ? 'unlimited' : c.unsold, c.sold ?? '—',
      c.soldOut ? 'sold out' : (c.saleStatus ?? '—'), when(c.readAt, this.locale),
    ]), 'none yet. A counter appears when a page first shows it.'));
    if (d.counters.total > d.counters.pageSize) root.append(this.pager('counters', d.counters.page, d.counters.pageSize, d.counters.total, (p) => { this.state.counterPage = p; this.load('counters'); }));
  }
}

if (!customElements.get('control-room')) customElements.define('control-room', ControlRoomElement);
