// <sale-alert-signup>: a Velo custom element with the "Notify me when tickets go on sale" opt-in.
// Attributes set in the editor: event-id (required), label (the email field's label), button (the
// button's text), locale (sent with the subscription), and text-<answer> for each message shown
// (text-subscribed, text-invalid, text-sending, text-failed, text-rate-limited with {minutes}). Page code listens for the 'alert-subscribe'
// CustomEvent and answers through the `result` attribute (JSON `{ok, outcome | reason,
// retryAfterSeconds?, requestId?}`, see saleAlertSignupBinding.ts). Text only (never HTML); the
// answer is announced politely to screen readers.
//
// Email only for now: web push needs a service worker registered at a path the site serves, and
// whether a Wix site can serve one is unconfirmed, so the element offers no push checkbox.

import { attributeOverrides } from './attributeOverrides.js';

const TEXT = {
  label: 'Email',
  button: 'Notify me when tickets go on sale',
  invalid: 'Please enter a valid email address.',
  // The same words whether the address was new or already listed: the page does not tell a visitor
  // whether someone else's address is subscribed. Alerts start only once the emailed link is confirmed.
  subscribed: 'Almost done: we sent you an email. Confirm with the link in it to get the sale alert.',
  sending: 'Signing you up…',
  failed: 'Something went wrong. Please try again in a moment.',
  rateLimited: 'Too many tries, try again in {minutes}.',
};
type Texts = Omit<typeof TEXT, 'label' | 'button'>;
/** Message → the attribute an owner sets to word it their way (e.g. in the site's language). */
const TEXT_ATTRIBUTES: Record<keyof Texts, string> = {
  invalid: 'text-invalid', subscribed: 'text-subscribed', sending: 'text-sending', failed: 'text-failed', rateLimited: 'text-rate-limited',
};
// A sign-up that page code never answers (not bound, or the web method hangs) must not stay busy.
const ANSWER_TIMEOUT_MS = 20_000;
// The shape check is a courtesy to the visitor; the web method validates for real.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

let instances = 0;

export interface SignupResult {
  ok: boolean;
  outcome?: string;
  reason?: string;
  retryAfterSeconds?: number;
  requestId?: number;
}

/** The `result` attribute, or null when it is not an answer this element understands. */
export function parseResult(raw: string | null): SignupResult | null {
  if (!raw) return null;
  let v: unknown;
  try { v = JSON.parse(raw); } catch { return null; }
  if (!v || typeof v !== 'object' || typeof (v as SignupResult).ok !== 'boolean') return null;
  return v as SignupResult;
}

/** What the visitor reads for an answer of the web method (`texts`: the owner's wording, if set). */
export function resultText(r: SignupResult, texts: Partial<Texts> = {}): string {
  const t = { ...TEXT, ...texts };
  if (r.ok) return t.subscribed;
  if (r.reason === 'invalid') return t.invalid;
  if (r.reason === 'rate_limited') {
    const minutes = Math.max(1, Math.ceil((Number(r.retryAfterSeconds) || 60) / 60));
    // The default wording spells the unit; an owner's template gets the number alone.
    // (A mailbox gets one confirmation email a day, so the wait can be hours.)
    const hours = Math.round(minutes / 60);
    const value = texts.rateLimited ? String(minutes) : minutes > 90 ? `${hours} hours` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
    return t.rateLimited.replace('{minutes}', value);
  }
  return t.failed;
}

export class SaleAlertSignupElement extends HTMLElement {
  static observedAttributes = ['label', 'button', 'result', ...Object.values(TEXT_ATTRIBUTES)];
  private form: HTMLFormElement | null = null;
  private labelEl: HTMLLabelElement | null = null;
  private input: HTMLInputElement | null = null;
  private submit: HTMLButtonElement | null = null;
  private status: HTMLElement | null = null;
  private pending = 0;
  private requests = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  connectedCallback() {
    if (!this.form) this.build();
    this.renderLabels();
  }

  disconnectedCallback() {
    this.stopWaiting();
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null) {
    if (name === 'result') return this.accept(value);
    this.renderLabels();
  }

  /** The owner's wording from the text-* attributes (empty ones keep the default). */
  private texts(): Partial<Texts> {
    return attributeOverrides(this, TEXT_ATTRIBUTES);
  }

  private text(k: keyof Texts): string {
    return this.texts()[k] ?? TEXT[k];
  }

  private build() {
    const id = `sale-alert-email-${++instances}`;
    const form = (this.form = document.createElement('form'));
    form.noValidate = true; // our own message, in our words, instead of the browser's bubble
    const label = (this.labelEl = document.createElement('label'));
    label.htmlFor = id;
    const input = (this.input = document.createElement('input'));
    Object.assign(input, { id, type: 'email', name: 'email', autocomplete: 'email', required: true });
    input.setAttribute('inputmode', 'email');
    input.setAttribute('aria-describedby', `${id}-status`);
    const button = (this.submit = document.createElement('button'));
    button.type = 'submit';
    const status = (this.status = document.createElement('p'));
    status.id = `${id}-status`;
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    form.append(label, input, button, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    this.appendChild(form);
  }

  private renderLabels() {
    if (!this.labelEl || !this.submit) return;
    this.labelEl.textContent = this.getAttribute('label') || TEXT.label;
    this.submit.textContent = this.getAttribute('button') || TEXT.button;
  }

  private send() {
    if (this.pending) return;
    const email = this.input!.value.trim();
    const eventId = this.getAttribute('event-id')?.trim();
    if (!eventId) {
      console.warn('<sale-alert-signup>: the event-id attribute is missing');
      return this.show(this.text('failed'), 'error');
    }
    if (email.length > 254 || !EMAIL_SHAPE.test(email)) {
      this.input!.setAttribute('aria-invalid', 'true');
      this.input!.focus();
      return this.show(this.text('invalid'), 'invalid');
    }
    this.input!.removeAttribute('aria-invalid');
    this.pending = ++this.requests;
    // aria-disabled rather than disabled: the button keeps focus while the answer comes.
    this.submit!.setAttribute('aria-disabled', 'true');
    this.form!.setAttribute('aria-busy', 'true');
    this.show(this.text('sending'), 'sending');
    this.timer = setTimeout(() => this.accept(JSON.stringify({ ok: false, reason: 'timeout', requestId: this.pending })), ANSWER_TIMEOUT_MS);
    const locale = this.getAttribute('locale');
    const detail: Record<string, unknown> = { email, eventId, channels: ['email'], requestId: this.pending };
    if (locale) detail.locale = locale;
    this.dispatchEvent(new CustomEvent('alert-subscribe', { detail }));
  }

  private accept(raw: string | null) {
    const r = parseResult(raw);
    if (!r) {
      if (raw) console.warn('<sale-alert-signup>: ignored an invalid result');
      return;
    }
    // An answer to an earlier submission (or one already shown) is not this one's.
    if (!this.pending || (r.requestId !== undefined && r.requestId !== this.pending)) return;
    this.stopWaiting();
    if (r.reason === 'invalid') this.input?.setAttribute('aria-invalid', 'true');
    this.show(resultText(r, this.texts()), r.ok ? 'subscribed' : r.reason === 'invalid' || r.reason === 'rate_limited' ? r.reason : 'error');
  }

  private stopWaiting() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = 0;
    this.submit?.removeAttribute('aria-disabled');
    this.form?.removeAttribute('aria-busy');
  }

  private show(text: string, state: string) {
    this.dataset.state = state;
    if (this.status!.textContent !== text) this.status!.textContent = text;
  }
}

if (!customElements.get('sale-alert-signup')) customElements.define('sale-alert-signup', SaleAlertSignupElement);
