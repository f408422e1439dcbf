// The sentence a counter shows ("Only 3 tickets left at $25.00"), localized with Intl.
import type { CounterState } from './counterState.js';

export interface TextTemplates {
  low: string;
  available: string;
  unlimited: string;
  soldOut: string;
  notOnSale: string;
  ended: string;
}

export const DEFAULT_TEMPLATES: TextTemplates = {
  low: 'Only {count} left at {price}',
  available: '{count} left at {price}',
  unlimited: 'Tickets available at {price}',
  soldOut: 'Sold out',
  notOnSale: 'On sale {start}',
  ended: 'Sale ended',
};

/** Free tickets have no price to show; a pay-what-you-want price is a minimum ("from $5.00"). */
export type PriceKind = 'priced' | 'guest' | 'free';

const FREE_TEMPLATES: Partial<TextTemplates> = { low: 'Only {count} left', available: '{count} left', unlimited: 'Tickets available' };
const GUEST_TEMPLATES: Partial<TextTemplates> = { low: 'Only {count} left from {price}', available: '{count} left from {price}', unlimited: 'Tickets available from {price}' };

/** The kind of a price point, from its key (`guest`, `free`, …) and price: a zero or missing price is free. */
export function priceKindOf(pricePointKey: string, price: string | null): PriceKind {
  if (pricePointKey === 'free' || price == null || /^0+(\.0+)?$/.test(price)) return 'free';
  return pricePointKey === 'guest' ? 'guest' : 'priced';
}

export interface TextInput {
  state: CounterState;
  /** Picks the default wording; default `priced`. An owner's template is used as written. */
  priceKind?: PriceKind;
  unsold: number | null;
  price: string | null;
  currency: string | null;
  saleStart: string | null;
  locale: string;
  timeZone?: string;
}

/** Money from a decimal string, never through float arithmetic: Intl formats the string as given. */
export function formatPrice(value: string | null, currency: string | null, locale: string): string {
  if (value == null || !/^-?\d+(\.\d+)?$/.test(value)) return '';
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return value;
  // Intl.NumberFormat accepts decimal strings exactly (no binary rounding).
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value as unknown as number);
}

const TICKET_WORDS: Record<string, { one: string; other: string }> = {
  en: { one: 'ticket', other: 'tickets' },
  de: { one: 'Ticket', other: 'Tickets' },
  fr: { one: 'billet', other: 'billets' },
  es: { one: 'entrada', other: 'entradas' },
  nl: { one: 'ticket', other: 'tickets' },
};

export function formatCount(count: number, locale: string): string {
  const words = TICKET_WORDS[(locale.split('-')[0] ?? 'en').toLowerCase()] ?? TICKET_WORDS.en!;
  const rule = new Intl.PluralRules(locale).select(count);
  const n = new Intl.NumberFormat(locale).format(count);
  return `${n} ${rule === 'one' ? words.one : words.other}`;
}

export function formatStart(iso: string | null, locale: string, timeZone?: string): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return 'soon';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: timeZone ?? 'UTC', timeZoneName: 'short' }).format(new Date(iso));
}

/** Fills `{count}`, `{price}`, `{start}` in the template for the state. Unknown placeholders are left as written. */
export function counterText(input: TextInput, templates: Partial<TextTemplates> = {}): string {
  if (input.state === 'hidden') return '';
  const kindDefaults = input.priceKind === 'free' ? FREE_TEMPLATES : input.priceKind === 'guest' ? GUEST_TEMPLATES : {};
  const template = templates[input.state] ?? kindDefaults[input.state] ?? DEFAULT_TEMPLATES[input.state];
  const values: Record<string, string> = {
    count: input.unsold == null ? '' : formatCount(input.unsold, input.locale),
    price: formatPrice(input.price, input.currency, input.locale),
    start: template.includes('{start}') ? formatStart(input.saleStart, input.locale, safeTimeZone(input.timeZone)) : '',
  };
  return template.replace(/\{(count|price|start)\}/g, (_, k: string) => values[k] ?? '');
}

/** An IANA time zone Intl accepts, else UTC (a typo in the editor must not break the widget). */
export function safeTimeZone(raw: string | null | undefined): string {
  if (!raw || !raw.trim()) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw.trim() });
    return raw.trim();
  } catch {
    return 'UTC';
  }
}

export function safeLocale(raw: string | null | undefined): string {
  try {
    return raw && Intl.NumberFormat.supportedLocalesOf([raw]).length ? raw : 'en-US';
  } catch {
    return 'en-US';
  }
}
