// The Wix marketing tool bound to Velo's `wix-crm-backend`.
import { contacts } from 'wix-crm-backend';
import { crmMarketing } from './marketingCrm.js';

export const wixMarketing = () => crmMarketing(contacts);
