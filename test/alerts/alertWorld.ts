// The sale alerts' world for flow tests: the alert deps over the shared in-memory fakes (test/support),
// with events guid('ev0')…guid('ev9') on the site and the clock at 2026-03-01T09:00Z; and the double
// opt-in as a visitor goes through it.
import type { AlertsDeps } from '../../backend/flows/alertsDeps.js';
import { confirmSubscription, subscribe } from '../../backend/flows/alerts.js';
import { MemoryEvents, MemoryMailer, MemoryMarketing, MemoryPush } from '../support/alertPorts.js';
import { ManualClock } from '../support/clocks.js';
import { guid } from '../support/guids.js';
import { MemoryCollections } from '../support/memoryCollections.js';
import { MemorySecrets } from '../support/secrets.js';
import { MemoryDefinitions } from '../support/ticketDefinitions.js';

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
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  const definitions = new MemoryDefinitions(clock);
  const events = new MemoryEvents();
  const marketing = new MemoryMarketing();
  const mailer = new MemoryMailer();
  const push = new MemoryPush();
  // guid('ev0')…guid('ev9') exist on the site; subscriptions to other IDs are refused.
  for (let i = 0; i < 10; i++) events.events.set(guid(`ev${i}`), { eventId: guid(`ev${i}`), title: `Event ${i}`, timeZone: 'UTC', url: `https://site.example/events/event-${i}` });
  events.events.set(guid('ev1'), { eventId: guid('ev1'), title: 'Jazz Night', timeZone: 'Europe/Berlin', url: 'https://site.example/events/jazz-night' });
  const deps: AlertsDeps = {
    collections: over.collections ?? collections, definitions, events, marketing, mailer, push, secrets: new MemorySecrets({ SALE_ALERT_UNSUBSCRIBE_KEY: 'test-unsubscribe-key' }), clock,
    config: {
      templateId: 'sale-alert', unsubscribeBaseUrl: 'https://site.example/_functions/saleAlertUnsubscribe',
      unsubscribeSecretName: 'SALE_ALERT_UNSUBSCRIBE_KEY', siteUrl: 'https://site.example', localWix: true,
    },
  };
  return { deps, collections, definitions, events, marketing, mailer, push, clock };
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
