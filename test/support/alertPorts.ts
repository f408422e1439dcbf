// The ports the sale alerts reach besides Wix's own, in memory: event details, the marketing tool,
// the mailer (an inbox tests read) and web push; typed against the same interfaces as the adapters.
import type { EventDetails } from '../../backend/core/alerts/alertEmail.js';
import type { PushSubscriptionJson } from '../../backend/core/alerts/saleAlertTypes.js';
import type { EventDetailsPort, MailerPort, MarketingContact, MarketingToolPort, PushPort, PushResult } from '../../backend/ports.js';

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

/** A valid browser-like push subscription (keys are syntactically right; not a real key pair). */
export function fakePushSubscription(endpoint: string): PushSubscriptionJson {
  return { endpoint, keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } };
}
