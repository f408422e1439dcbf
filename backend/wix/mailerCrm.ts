// MailerPort over Wix triggered emails (`wix-crm-backend`; the SDK has no backend equivalent).
// Wix itself skips contacts whose email is unsubscribed.
import type { contacts as veloContacts, triggeredEmails as veloTriggeredEmails } from 'wix-crm-backend';
import type { MailerPort } from '../ports.js';

export function crmMailer(mods: { contacts: Pick<typeof veloContacts, 'appendOrCreateContact'>; triggeredEmails: typeof veloTriggeredEmails }): MailerPort {
  return {
    async contactFor(email) {
      return (await mods.contacts.appendOrCreateContact({ emails: [{ email }] })).contactId;
    },
    async sendTriggeredEmail(msg) {
      await mods.triggeredEmails.emailContact(msg.templateId, msg.contactId, { variables: msg.variables });
    },
  };
}
