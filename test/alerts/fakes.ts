// In-memory fakes of the ports the alert flow uses, typed against the same interfaces.
import type { TicketDef } from '../../backend/core/ticketDefinition.js';
import type { EventDetails } from '../../backend/core/alerts/alertEmail.js';
import type { PushSubscriptionJson } from '../../backend/core/alerts/saleAlertTypes.js';
import type { AlertsDeps } from '../../backend/flows/alertsDeps.js';
import type { ClockPort, CollectionsPort, EventDetailsPort, MailerPort, MarketingContact, MarketingToolPort, Page, PushPort, PushResult, SecretsPort, TicketDefinitionsPort } from '../../backend/ports.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { confirmSubscription, subscribe } from '../../backend/flows/alerts.js';
import { guid } from '../support/guids.js';

export { MemoryCollections } from '../support/memoryCollections.js';

export class ManualClock implements ClockPort {
  constructor(public t: Date = new Date('2026-03-01T09:00:00Z')) {}
  now() { return new Date(this.t); }
  async sleep(ms: number) { this.t = new Date(this.t.getTime() + ms); }
  set(iso: string) { this.t = new Date(iso); }
  advance(ms: number) { this.t = new Date(this.t.getTime() + ms); }
}

export class MemoryDefinitions implements TicketDefinitionsPort {
  readonly defs = new Map<string, TicketDef>();
  calls = 0;
  put(d: TicketDef) { this.defs.set(d._id, structuredClone(d)); }
  async get(id: string) { this.calls++; await new Promise((r) => setImmediate(r)); return structuredClone(this.defs.get(id) ?? null); }
  async getMany(ids: readonly string[]) { this.calls++; await new Promise((r) => setImmediate(r)); return structuredClone(ids.flatMap((id) => this.defs.get(id) ?? [])); }
  async queryByEvent(eventId: string, opts: { cursor?: string | null; limit?: number } = {}): Promise<Page<TicketDef>> {
    this.calls++;
    await new Promise((r) => setImmediate(r));
    const all = [...this.defs.values()].filter((d) => d.eventId === eventId);
    const start = Number(opts.cursor ?? 0);
    const limit = opts.limit ?? 100;
    const items = structuredClone(all.slice(start, start + limit));
    return { items, nextCursor: start + limit < all.length ? String(start + limit) : null };
  }
  async querySaleStarted(): Promise<Page<TicketDef>> { return { items: [], nextCursor: null }; }
}

export class MemoryEvents implements EventDetailsPort {
  readonly events = new Map<string, EventDetails>();
  async get(eventId: string) { return this.events.get(eventId) ?? null; }
}

/** Marketing tool: a set of opted-out emails, records of tags and passed sale starts. */
export class MemoryMarketing implements MarketingToolPort {
  readonly optedOut = new Set<string>();
  readonly tags = new Map<string, Set<string>>();
  readonly saleStarts = new Map<string, string | null>();
  isSubscribedCalls = 0;
  async upsertSubscriber(s: MarketingContact & { eventId: string }) {
    let t = this.tags.get(s.email);
    if (!t) this.tags.set(s.email, (t = new Set()));
    t.add(s.eventId);
  }
  async removeFromEvent(s: MarketingContact & { eventId: string }) { this.tags.get(s.email)?.delete(s.eventId); }
  async isSubscribed(s: MarketingContact) { this.isSubscribedCalls++; return this.tags.has(s.email) && !this.optedOut.has(s.email); }
  async setSaleStart(eventId: string, saleStart: string | null) { this.saleStarts.set(eventId, saleStart); }
}

export interface SentEmail { templateId: string; contactId: string; email: string; variables: Record<string, string> }

/** Mailer whose inbox tests read; `failNext` makes sends throw. */
export class MemoryMailer implements MailerPort {
  readonly contacts = new Map<string, string>();
  readonly emails = new Map<string, string>();
  readonly inbox: SentEmail[] = [];
  failing = false;
  async contactFor(email: string) {
    let id = this.contacts.get(email);
    if (!id) { id = `c-${this.contacts.size + 1}`; this.contacts.set(email, id); this.emails.set(id, email); }
    return id;
  }
  async sendTriggeredEmail(msg: { templateId: string; contactId: string; variables: Record<string, string> }) {
    await new Promise((r) => setImmediate(r));
    if (this.failing) throw new Error('mail service unavailable');
    this.inbox.push({ ...msg, email: this.emails.get(msg.contactId) ?? '?' });
  }
}

export class MemoryPush implements PushPort {
  readonly sent: { endpoint: string; payload: string }[] = [];
  readonly gone = new Set<string>();
  async send(sub: PushSubscriptionJson, payload: string): Promise<PushResult> {
    if (this.gone.has(sub.endpoint)) return { outcome: 'gone', status: 410 };
    this.sent.push({ endpoint: sub.endpoint, payload });
    return { outcome: 'sent', status: 201 };
  }
}

export const memorySecrets = (values: Record<string, string> = { SALE_ALERT_UNSUBSCRIBE_KEY: 'test-unsubscribe-key' }): SecretsPort => ({
  async getSecret(name) {
    const v = values[name];
    if (v === undefined) throw new Error(`no secret ${name}`);
    return v;
  },
});

export function ticketDef(over: Partial<TicketDef> & { _id: string }): TicketDef {
  return {
    eventId: guid('ev1'), revision: '1', name: 'General Admission', hidden: false, limited: true, initialLimit: 100, actualLimit: 100,
    pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } }, saleStatus: 'SALE_SCHEDULED',
    salePeriod: { startDate: '2026-03-01T10:00:00.000Z', endDate: null, displayNotOnSale: true },
    ...over,
  };
}

export interface AlertWorld {
  deps: AlertsDeps;
  collections: MemoryCollections;
  definitions: MemoryDefinitions;
  events: MemoryEvents;
  marketing: MemoryMarketing;
  mailer: MemoryMailer;
  push: MemoryPush;
  clock: ManualClock;
}

export function alertWorld(over: { collections?: AlertsDeps['collections'] } = {}): AlertWorld {
  const collections = new MemoryCollections();
  const definitions = new MemoryDefinitions();
  const events = new MemoryEvents();
  const marketing = new MemoryMarketing();
  const mailer = new MemoryMailer();
  const push = new MemoryPush();
  const clock = new ManualClock();
  // guid('ev0')…guid('ev9') exist on the site; subscriptions to other IDs are refused.
  for (let i = 0; i < 10; i++) events.events.set(guid(`ev${i}`), { eventId: guid(`ev${i}`), title: `Event ${i}`, timeZone: 'UTC', url: `https://site.example/events/event-${i}` });
  events.events.set(guid('ev1'), { eventId: guid('ev1'), title: 'Jazz Night', timeZone: 'Europe/Berlin', url: 'https://site.example/events/jazz-night' });
  const deps: AlertsDeps = {
    collections: over.collections ?? collections, definitions, events, marketing, mailer, push, secrets: memorySecrets(), clock,
    config: {
      templateId: 'sale-alert', unsubscribeBaseUrl: 'https://site.example/_functions/saleAlertUnsubscribe',
      unsubscribeSecretName: 'SALE_ALERT_UNSUBSCRIBE_KEY', siteUrl: 'https://site.example', localWix: true,
    },
  };
  return { deps, collections, definitions, events, marketing, mailer, push, clock };
}

/** A valid browser-like push subscription (keys are syntactically right; not a real key pair). */
export function fakePushSubscription(endpoint: string): PushSubscriptionJson {
  return { endpoint, keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } };
}

/**
 * A visitor signs up and presses the button behind the emailed link (double opt-in). The confirmation
 * email is caught on its way to the mailer (whichever mailer the world uses), so tests of alerts
 * count only alerts; the tests of the opt-in itself look at the confirmation email directly.
 */
export async function signUpAndConfirm(w: AlertWorld, input: Record<string, unknown>): Promise<string> {
  const mailer = w.deps.mailer;
  let confirmUrl: string | undefined;
  w.deps.mailer = {
    contactFor: (email) => mailer.contactFor(email),
    async sendTriggeredEmail(msg) {
      if (msg.templateId === 'sale-alert-confirm') confirmUrl = msg.variables.confirmUrl;
      else await mailer.sendTriggeredEmail(msg);
    },
  };
  try {
    const r = await subscribe(w.deps, input);
    if (r.outcome !== 'confirmation_sent') throw new Error(`sign-up answered ${r.outcome}`);
    if (!confirmUrl) throw new Error('no confirmation email');
    const link = new URL(confirmUrl);
    const c = await confirmSubscription(w.deps, { s: link.searchParams.get('s'), c: link.searchParams.get('c'), t: link.searchParams.get('t') });
    if (c.outcome !== 'confirmed') throw new Error(`confirmation answered ${c.outcome}`);
    return r.subscriptionId;
  } finally {
    w.deps.mailer = mailer;
  }
}
