// What a sale-alert retry reads again before it sends: the subscriber (here and in the marketing tool,
// for a whole page at once where the tool answers in bulk) and the definitions.
import { marketingVerdict, subscriberVerdict, type RetryGroup, type RetryVerdict } from '../core/alerts/deliveryRetry.js';
import type { SaleAlertDelivery, SaleAlertSubscription } from '../core/alerts/saleAlertTypes.js';
import type { TicketDef } from '../core/ticketDefinition.js';
import { alertSubscriptions } from '../repositories/alertSubscriptions.js';
import type { AlertsDeps } from './alertsDeps.js';
import { marketingKey } from './alertsSend.js';

/** A page's subscriptions and the marketing tool's answer for them, read once for the page. */
export interface PageAnswers { subs: Map<string, SaleAlertSubscription>; subscribed(s: SaleAlertSubscription): boolean | undefined }

/**
 * With a tool that answers in bulk (`subscribedAmong`, e.g. Wix contacts): the page's subscriptions
 * (one query) and the tool's answer for the active ones (one call), instead of a read and a Wix API
 * call per retried subscriber, which overlapping sweeps retrying a few dozen sends at once would pile
 * up past the site's API quota. null: the tool answers one by one (asked per claimed group, as before).
 */
export async function pageAnswers(deps: AlertsDeps, groups: readonly RetryGroup[]): Promise<PageAnswers | null> {
  if (!deps.marketing.subscribedAmong || !groups.length) return null;
  const subs = await alertSubscriptions(deps).byIds([...new Set(groups.map((g) => g.subscriptionId))]);
  const contact = (s: SaleAlertSubscription) => ({ email: s.email, contactId: s.contactId });
  const active = subs.filter((s) => s.status === 'active');
  let answers: Map<string, boolean> | null = null;
  try {
    answers = active.length ? await deps.marketing.subscribedAmong(active.map(contact)) : new Map();
  } catch (e) {
    deps.logger?.warn('Marketing tool did not answer subscribedAmong (retry)', { subscribers: active.length, error: String(e) });
  }
  return { subs: new Map(subs.map((s) => [s._id, s])), subscribed: (s) => answers?.get(marketingKey(contact(s))) };
}

/**
 * Reads again what a retry depends on: the subscriber (opted out since, here or in the marketing tool)
 * and, to send, each definition (the sale may have closed or moved; one read per definition per
 * invocation, however many of its deliveries are retried). A failed read makes the attempt a failure.
 */
export async function recheck(deps: AlertsDeps, g: RetryGroup, rows: SaleAlertDelivery[], definitions: Map<string, Promise<TicketDef | null>>, page: PageAnswers | null): Promise<{ verdict: RetryVerdict; sub: SaleAlertSubscription | null; defs: Map<string, TicketDef | null> }> {
  const defs = new Map<string, TicketDef | null>();
  try {
    const sub = page ? page.subs.get(g.subscriptionId) ?? null : await alertSubscriptions(deps).get(g.subscriptionId);
    let verdict = subscriberVerdict(sub, g);
    if (verdict.action === 'send') verdict = marketingVerdict(page ? page.subscribed(sub!) : await stillSubscribed(deps, sub!));
    if (verdict.action !== 'send') return { verdict, sub, defs };
    await Promise.all(rows.map(async (r) => {
      let d = definitions.get(r.definitionId);
      if (!d) definitions.set(r.definitionId, (d = deps.definitions.get(r.definitionId).catch((e) => { definitions.delete(r.definitionId); throw e; })));
      defs.set(r._id, await d);
    }));
    return { verdict, sub, defs };
  } catch (e) {
    deps.logger?.warn('Sale alert retry could not read what it needs; retried later', { subscriptionId: g.subscriptionId, error: String(e) });
    return { verdict: { action: 'fail', reason: `retry could not read what it needs: ${String((e as Error)?.message ?? e)}`.slice(0, 500) }, sub: null, defs };
  }
}

async function stillSubscribed(deps: AlertsDeps, sub: SaleAlertSubscription): Promise<boolean | undefined> {
  try {
    return await deps.marketing.isSubscribed({ email: sub.email, contactId: sub.contactId });
  } catch (e) {
    deps.logger?.warn('Marketing tool did not answer isSubscribed (retry)', { subscriptionId: sub._id, error: String(e) });
    return undefined;
  }
}
