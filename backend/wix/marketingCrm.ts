// MarketingToolPort over Wix contacts (`wix-crm-backend`): the default marketing tool. An opt-in
// labels the contact "Sale alert: <event>"; the contact's email subscription status decides whether
// they still want mail. The event's next sale start goes into one custom DATE field, "Ticket sale
// starts", on every contact carrying the event's label, for the owner's Wix Automations: with the
// Contacts API's bulk update, one call per event (a filter on the label), else one update per contact.
// One field for all events, not one per event: Wix allows 100 custom fields per site. Whether someone
// is still subscribed is read for a whole page of subscribers in one query (`_id` in …). The modules
// are passed in so tests can run them against the local CRM.
import type { Contact, contacts as veloContacts } from 'wix-crm-backend';
import { saleStartDay } from '../core/alerts/nextSaleStart.js';
import type { MarketingContact, MarketingToolPort } from '../ports.js';
import type { BulkContactsApi } from './contactsBulk.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';

export type WixContacts = Pick<typeof veloContacts,
  'appendOrCreateContact' | 'getContact' | 'findOrCreateLabel' | 'labelContact' | 'unlabelContact'
  | 'findOrCreateExtendedField' | 'queryContacts' | 'updateContact'>;

export const eventLabel = (eventId: string) => `Sale alert: ${eventId}`;
export const SALE_START_FIELD = 'Ticket sale starts';
const elevated = { suppressAuth: true };

export interface CrmMarketingOptions {
  /** Contacts per query page. */
  pageSize?: number;
  /** Contact updates in flight at once. */
  concurrency?: number;
  /** The Contacts API's bulk jobs: with it, a sale start is one bulk update per event. */
  bulk?: BulkContactsApi;
}

/** Contacts per `_id` query (Wix answers at most 1,000 a page). */
const STATUS_PAGE = 1000;

type StatusContact = Pick<Contact, '_id'> & { primaryEmail?: { subscriptionStatus?: string }; info?: { emails?: { primary?: boolean; subscriptionStatus?: string }[] } };

/** Wix sends triggered emails to SUBSCRIBED and NOT_SET addresses, never to UNSUBSCRIBED ones. */
function emailSubscribed(c: StatusContact): boolean {
  const status = c.primaryEmail?.subscriptionStatus ?? c.info?.emails?.find((e) => e.primary)?.subscriptionStatus;
  return status !== 'UNSUBSCRIBED';
}

/** Whether each person may get email: one `_id` query per 1,000 contacts; someone without a contact, or whose contact is gone, may not. */
async function subscriptionStatuses(contacts: WixContacts, people: readonly MarketingContact[]): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const ids = [...new Set(people.map((p) => p.contactId).filter((id): id is string => !!id))];
  for (const p of people) if (!p.contactId) out.set(`email:${p.email}`, false);
  for (let i = 0; i < ids.length; i += STATUS_PAGE) {
    const chunk = ids.slice(i, i + STATUS_PAGE);
    const page = await contacts.queryContacts().hasSome('_id', chunk).limit(chunk.length).find(elevated);
    for (const id of chunk) out.set(id, false); // a contact that is gone is not subscribed
    for (const c of page.items as StatusContact[]) out.set(c._id, emailSubscribed(c));
  }
  return out;
}

export function crmMarketing(contacts: WixContacts, opts: CrmMarketingOptions = {}): MarketingToolPort {
  const pageSize = opts.pageSize ?? 100;
  const concurrency = opts.concurrency ?? 5;
  const contactId = async (s: MarketingContact) => s.contactId ?? (await contacts.appendOrCreateContact({ emails: [{ email: s.email }] })).contactId;
  const labelKey = async (eventId: string) => (await contacts.findOrCreateLabel(eventLabel(eventId), elevated)).label.key;
  const saleStartKey = async () => (await contacts.findOrCreateExtendedField({ displayName: SALE_START_FIELD, dataType: 'DATE' }, elevated)).extendedField.key;

  /** Sets (or, with null, clears) the field on one contact as read; retries once if it changed meanwhile. */
  async function writeSaleStart(contact: Contact, key: string, day: string | null) {
    const has = (c: Contact) => (c.info?.extendedFields?.[key] ?? null) === day;
    if (has(contact)) return;
    const update = (c: Contact) => contacts.updateContact({ contactId: c._id, revision: c.revision }, { extendedFields: { [key]: day } }, elevated);
    try {
      await update(contact);
    } catch (e) {
      // Wix refuses a stale revision: someone changed the contact since we read it. Read it again
      // and retry once; a failure with the revision unchanged is some other error.
      const fresh = await contacts.getContact(contact._id, elevated);
      if (!fresh || fresh.revision === contact.revision) throw e;
      if (!has(fresh)) await update(fresh);
    }
  }

  return {
    async upsertSubscriber(s) {
      const id = await contactId(s);
      const contact = await contacts.labelContact(id, [await labelKey(s.eventId)], elevated);
      // A date the flow knows goes on at once; with none scheduled the field is left as it is (it may
      // carry another event's date), and the next change of this event's sale writes it.
      if (s.saleStart) await writeSaleStart(contact?.revision !== undefined ? contact : await contacts.getContact(id, elevated), await saleStartKey(), saleStartDay(s.saleStart));
    },
    async removeFromEvent(s) {
      await contacts.unlabelContact(await contactId(s), [await labelKey(s.eventId)], elevated);
    },
    async isSubscribed(s) {
      if (!s.contactId) return false;
      const c = await contacts.getContact(s.contactId, elevated);
      return !!c && emailSubscribed(c as StatusContact);
    },
    subscribedAmong: (people) => subscriptionStatuses(contacts, people),
    async setSaleStart(eventId, saleStart) {
      const key = await saleStartKey();
      const day = saleStartDay(saleStart);
      if (opts.bulk) {
        // One job for every contact with the label; null clears the field (masked, no value).
        await opts.bulk.bulkUpdateContacts({
          filter: { 'info.labelKeys': { $hasSome: [await labelKey(eventId)] } },
          info: { extendedFields: { items: day ? { [key]: day } : {} } },
          fieldMask: { paths: [`info.extendedFields.${key}`] },
        });
        return;
      }
      let page = await contacts.queryContacts().hasSome('info.labelKeys', [await labelKey(eventId)]).limit(pageSize).find(elevated);
      for (;;) {
        await mapConcurrent(page.items, concurrency, (c) => writeSaleStart(c, key, day));
        if (!page.hasNext()) break;
        page = await page.next();
      }
    },
  };
}
