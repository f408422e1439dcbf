// <ticket-counter>: a Velo custom element that shows "Only 3 tickets left at $25.00".
// Attributes set in the editor: definition-id, price-point (key such as `fixed` / `option:<id>`, or an
// option's name), threshold ("5" or "10%"), template, locale, time-zone. Page code feeds it snapshots
// through the `snapshot` attribute (JSON). Text only (never HTML), announced politely to screen readers.
import { counterState, DEFAULT_THRESHOLD, parseThreshold } from '../backend/core/counter/counterState.js';
import { counterText, priceKindOf, safeLocale } from '../backend/core/counter/counterText.js';
import { counterId } from '../backend/core/counter/counterSnapshot.js';
import { parseSnapshot, type WidgetSnapshot } from './snapshotInput.js';

const NEUTRAL_TEXT = 'Checking ticket availability…';

export class TicketCounterElement extends HTMLElement {
  static observedAttributes = ['definition-id', 'price-point', 'threshold', 'template', 'locale', 'time-zone', 'snapshot', 'removed', 'ping'];
  private output: HTMLSpanElement | null = null;
  private current: WidgetSnapshot | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  connectedCallback() {
    if (!this.output) {
      this.output = document.createElement('span');
      this.output.setAttribute('role', 'status');
      this.output.setAttribute('aria-live', 'polite');
      this.output.setAttribute('part', 'text');
      this.appendChild(this.output);
    }
    this.render();
    this.announce();
  }

  disconnectedCallback() {
    if (this.timer) clearTimeout(this.timer);
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null) {
    if (name === 'snapshot') return this.accept(value);
    if (name === 'removed') return this.forget(value);
    // Another definition or price point: forget the shown snapshot and ask page code to send again.
    if ((name === 'definition-id' || name === 'price-point') && old !== value) this.current = null;
    if (name === 'ping' || name === 'definition-id' || name === 'price-point') this.announce();
    this.render();
  }

  /** Tells page code which counter this is, so it can fetch and subscribe (Velo: `$w('#id').on('counter-ready', …)`). */
  private announce() {
    const definitionId = this.getAttribute('definition-id');
    if (!definitionId) return;
    this.dispatchEvent(new CustomEvent('counter-ready', { detail: { definitionId, pricePoint: this.getAttribute('price-point') } }));
  }

  private accept(raw: string | null) {
    const snap = parseSnapshot(raw);
    if (!snap) {
      if (raw) console.warn('<ticket-counter>: ignored an invalid snapshot');
      return;
    }
    if (snap.definitionId !== this.getAttribute('definition-id')) return;
    if (!this.matchesPricePoint(snap)) return;
    // Realtime messages and the first fetch can cross: never go back to an older read.
    if (this.current && this.current.pricePointKey === snap.pricePointKey && Date.parse(snap.readAt) < Date.parse(this.current.readAt)) return;
    this.current = snap;
    this.render();
  }

  /** Page code passes the ID of a counter that no longer exists (price option removed, definition deleted). */
  private forget(id: string | null) {
    if (!id || !this.current || counterId(this.current.definitionId, this.current.pricePointKey) !== id) return;
    this.current = null;
    this.render();
  }

  private matchesPricePoint(s: WidgetSnapshot): boolean {
    const wanted = this.getAttribute('price-point')?.trim();
    if (!wanted) return !this.current || this.current.pricePointKey === s.pricePointKey;
    return s.pricePointKey === wanted || s.label.toLowerCase() === wanted.toLowerCase();
  }

  private render() {
    if (!this.output) return;
    const s = this.current;
    if (!s) {
      this.dataset.state = 'neutral';
      this.setText(NEUTRAL_TEXT);
      return;
    }
    const now = new Date();
    const threshold = parseThreshold(this.getAttribute('threshold')) ?? DEFAULT_THRESHOLD;
    const state = counterState(s, threshold, now);
    const template = this.getAttribute('template');
    const text = counterText(
      { state, priceKind: priceKindOf(s.pricePointKey, s.price), unsold: s.unsold, price: s.price, currency: s.currency, saleStart: s.saleStart, locale: safeLocale(this.getAttribute('locale')), timeZone: this.getAttribute('time-zone') ?? undefined },
      template ? { low: template } : {},
    );
    this.dataset.state = state;
    this.hidden = state === 'hidden';
    this.setText(text);
    // A sale that starts or ends while the page is open flips by itself when its time comes.
    if (this.timer) clearTimeout(this.timer);
    const next = state === 'notOnSale' ? s.saleStart : state === 'ended' || state === 'hidden' ? null : s.saleEnd;
    const wait = next ? Date.parse(next) - now.getTime() : 0;
    if (wait > 0 && wait < 2 ** 31 - 1) this.timer = setTimeout(() => this.render(), wait + 50);
  }

  private setText(text: string) {
    if (this.output!.textContent !== text) this.output!.textContent = text;
  }
}

if (!customElements.get('ticket-counter')) customElements.define('ticket-counter', TicketCounterElement);
