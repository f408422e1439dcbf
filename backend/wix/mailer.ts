// The Wix mailer bound to Velo's `wix-crm-backend`.
import { contacts, triggeredEmails } from 'wix-crm-backend';
import { crmMailer } from './mailerCrm.js';

export const wixMailer = () => crmMailer({ contacts, triggeredEmails });
