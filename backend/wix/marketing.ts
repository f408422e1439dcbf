// The Wix marketing tool bound to Velo's `wix-crm-backend`, with the Contacts API's bulk update for sale starts.
import { contacts } from 'wix-crm-backend';
import { wixBulkContacts } from './contactsBulk.js';
import { crmMarketing } from './marketingCrm.js';

export const wixMarketing = () => crmMarketing(contacts, { bulk: wixBulkContacts() });
