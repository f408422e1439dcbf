// <ticket-counter>: a Velo custom element that shows "Only 3 tickets left at $25.00".
// Attributes set in the editor: definition-id, price-point (key such as `fixed` / `option:<id>`, or an
// option's name), threshold ("5" or "10%"), template (the low state) and template-<state> for the
// others, text-checking, locale, time-zone. Page code feeds it snapshots through the `snapshot`
// attribute (JSON). Text only (never HTML). Screen readers hear it through a polite live region that
// announces a new state at once and count changes at most every ANNOUNCE_EVERY_MS, so a busy sale
// does not talk over the page.
import { counterState, DEFAULT_THRESHOLD, parseThreshold } from '../backend/core/counter/counterState.js';
import { counterText, priceKindOf, safeLocale } from '../backend/core/counter/counterText.js';
import { counterId, isNewerSnapshot } from '../backend/core/counter/counterSnapshot.js';
import { parseSnapshot, type WidgetSnapshot } from './snapshotInput.js';
import { attributeOverrides } from './attributeOverrides.js';

const NEUTRAL_TEXT = 'Checking ticket availability…';
export const ANNOUNCE_EVERY_MS = 10_000;
/** State → attribute holding the owner's sentence for it (`template` is the low state's, as before). */
const TEMPLATE_ATTRIBUTES = { low: 'template', available: 'template-available', unlimited: 'template-unlimited', soldOut: 'template-sold-out', notOnSale: 'template-not-on-sale', ended: 'template-ended' } as const;
const VISUALLY_HIDDEN = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0';

export class TicketCounterElement extends HTMLElement {
  static observedAttributes = ['definition-id', 'price-point', 'threshold', ...Object.values(TEMPLATE_ATTRIBUTES), 'text-checking', 'locale', 'time-zone', 'snapshot', 'removed', 'ping'];
  private output: HTMLSpanElement | null = null;
  private live: HTMLSpanElement | null = null;
  private current: WidgetSnapshot | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private spoken = { state: '', at: 0 };
  private speakTimer: ReturnType<typeof setTimeout> | null = null;

  connectedCallback() {
    if (!this.output) {
      // What is seen (read in browse mode through the live region instead, so it is not read twice).
      this.output = document.createElement('span');
      this.output.setAttribute('part', 'text');
      this.output.setAttribute('aria-hidden', 'true');
      this.live = document.createElement('span');
      this.live.setAttribute('role', 'status');
      this.live.setAttribute('aria-live', 'polite');
      this.live.style.cssText = VISUALLY_HIDDEN;
      this.append(this.output, this.live);
    }
    this.render();
    this.announce();
  }

  disconnectedCallback() {
    if (this.timer) clearTimeout(this.timer);
    if (this.speakTimer) clearTimeout(this.speakTimer);
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
    if (this.current && this.current.pricePointKey === snap.pricePointKey && !isNewerSnapshot(snap, this.current)) return;
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
      this.setText(this.getAttribute('text-checking') || NEUTRAL_TEXT);
      return;
    }
    const now = new Date();
    const threshold = parseThreshold(this.getAttribute('threshold')) ?? DEFAULT_THRESHOLD;
    const state = counterState(s, threshold, now);
    const templates = attributeOverrides(this, TEMPLATE_ATTRIBUTES);
    const text = counterText(
      { state, priceKind: priceKindOf(s.pricePointKey, s.price), unsold: s.unsold, price: s.price, currency: s.currency, saleStart: s.saleStart, locale: safeLocale(this.getAttribute('locale')), timeZone: this.getAttribute('time-zone') ?? undefined },
      templates,
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
    this.speak();
  }

  /** The live region follows the text: a new state at once, count changes at most every ANNOUNCE_EVERY_MS (the last one is never dropped). */
  private speak() {
    if (this.speakTimer) { clearTimeout(this.speakTimer); this.speakTimer = null; }
    const text = this.output!.textContent ?? '';
    if (this.live!.textContent === text) return;
    const state = this.dataset.state ?? '';
    const wait = state !== this.spoken.state ? 0 : this.spoken.at + ANNOUNCE_EVERY_MS - Date.now();
    if (wait > 0) { this.speakTimer = setTimeout(() => this.speak(), wait); return; }
    this.live!.textContent = text;
    this.spoken = { state, at: Date.now() };
  }
}

if (!customElements.get('ticket-counter')) customElements.define('ticket-counter', TicketCounterElement);
