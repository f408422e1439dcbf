// From qualified subscribers and due definitions to the alerts still owed, grouped into messages:
// one message per (subscriber, channel) listing every definition of the event that opened together.
import { deliveryKey } from './alertKeys.js';
import type { QualifiedSubscriber } from './qualifyingSubscribers.js';
import type { AlertChannel, AlertDefinition, SaleAlertSubscription } from './saleAlertTypes.js';

export interface PlannedAlert { key: string; subscriptionId: string; definitionId: string; channel: AlertChannel }

export function plannedAlerts(subscribers: readonly QualifiedSubscriber[], defs: readonly AlertDefinition[]): PlannedAlert[] {
  const out: PlannedAlert[] = [];
  for (const { subscription, channels } of subscribers) {
    for (const d of defs) {
      if (d.eventId !== subscription.eventId) continue;
      for (const channel of channels) out.push({ key: deliveryKey(subscription._id, d.definitionId, channel), subscriptionId: subscription._id, definitionId: d.definitionId, channel });
    }
  }
  return out;
}

/** Alerts whose delivery record does not exist yet (whatever its status: a record means "taken"). */
export function unsentAlerts(planned: readonly PlannedAlert[], existingKeys: ReadonlySet<string>): PlannedAlert[] {
  const seen = new Set<string>();
  return planned.filter((a) => {
    if (existingKeys.has(a.key) || seen.has(a.key)) return false;
    seen.add(a.key);
    return true;
  });
}

export interface AlertMessage {
  subscription: SaleAlertSubscription;
  channel: AlertChannel;
  /** Sorted by sale start, then name: the order the email lists them in. */
  definitions: AlertDefinition[];
  /** Delivery keys, parallel to `definitions`. */
  keys: string[];
}

export function alertMessages(alerts: readonly PlannedAlert[], subs: readonly SaleAlertSubscription[], defs: readonly AlertDefinition[]): AlertMessage[] {
  const subById = new Map(subs.map((s) => [s._id, s]));
  const defById = new Map(defs.map((d) => [d.definitionId, d]));
  const groups = new Map<string, AlertMessage>();
  for (const a of alerts) {
    const subscription = subById.get(a.subscriptionId);
    const def = defById.get(a.definitionId);
    if (!subscription || !def) continue;
    const g = `${a.subscriptionId}|${a.channel}`;
    let m = groups.get(g);
    if (!m) groups.set(g, (m = { subscription, channel: a.channel, definitions: [], keys: [] }));
    m.definitions.push(def);
    m.keys.push(a.key);
  }
  for (const m of groups.values()) {
    const order = m.definitions.map((d, i) => ({ d, k: m.keys[i]! }))
      .sort((x, y) => x.d.saleStart.localeCompare(y.d.saleStart) || x.d.name.localeCompare(y.d.name) || x.d.definitionId.localeCompare(y.d.definitionId));
    m.definitions = order.map((o) => o.d);
    m.keys = order.map((o) => o.k);
  }
  return [...groups.values()];
}

/** Narrows a message to the definitions whose delivery record this invocation managed to insert. */
export function claimedPart(m: AlertMessage, claimed: ReadonlySet<string>): AlertMessage | null {
  const idx = m.keys.map((k, i) => (claimed.has(k) ? i : -1)).filter((i) => i >= 0);
  if (!idx.length) return null;
  return { ...m, definitions: idx.map((i) => m.definitions[i]!), keys: idx.map((i) => m.keys[i]!) };
}
