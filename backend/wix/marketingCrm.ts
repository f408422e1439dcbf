// MarketingToolPort over Wix contacts (`wix-crm-backend`): the default marketing tool. An opt-in
// labels the contact "Sale alert: <event>"; the contact's email subscription status decides whether
// they still want mail. The module is passed in so tests can run it against the local CRM.
import type { contacts as veloContacts } from 'wix-crm-backend';
import type { MarketingContact, MarketingToolPort } from '../ports.js';

export type WixContacts = Pick<typeof veloContacts, 'appendOrCreateContact' | 'getContact' | 'findOrCreateLabel' | 'labelContact' | 'unlabelContact'>;

export const eventLabel = (eventId: string) => `Sale alert: ${eventId}`;
const elevated = { suppressAuth: true };

export function crmMarketing(contacts: WixContacts): MarketingToolPort {
  const contactId = async (s: MarketingContact) => s.contactId ?? (await contacts.appendOrCreateContact({ emails: [{ email: s.email }] })).contactId;
  const labelKey = async (eventId: string) => (await contacts.findOrCreateLabel(eventLabel(eventId), elevated)).label.key;

  return {
    async upsertSubscriber(s) {
      const id = await contactId(s);
      await contacts.labelContact(id, [await labelKey(s.eventId)], elevated);
    },
    async removeFromEvent(s) {
      await contacts.unlabelContact(await contactId(s), [await labelKey(s.eventId)], elevated);
    },
    async isSubscribed(s) {
      if (!s.contactId) return false;
      const c = await contacts.getContact(s.contactId, elevated);
      // Wix sends triggered emails to SUBSCRIBED and NOT_SET addresses, never to UNSUBSCRIBED ones.
      const status = c?.primaryEmail?.subscriptionStatus ?? c?.info?.emails?.find((e: { primary?: boolean }) => e.primary)?.subscriptionStatus;
      return !!c && status !== 'UNSUBSCRIBED';
    },
    async setSaleStart() {
      // Wix contacts keep no per-event date here: the label identifies the audience, and the sweep
      // itself acts on the start date. (An extended field could carry it for Wix Automations.)
    },
  };
}
