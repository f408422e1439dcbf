// Velo `wix-crm-backend`: contacts, labels and triggered emails, delegated to the local CRM
// (server/crm.ts), whose inbox records what was sent (or skipped for unsubscribed contacts).
import { currentServices } from '../invocation.js';
import type { CrmLike } from '../invocation.js';

function crm(): CrmLike {
  const c = currentServices().crm;
  if (!c) throw new Error('[velo-host] wix-crm-backend: this Velo host has no local CRM attached');
  return c;
}

export const triggeredEmails = {
  async emailContact(templateId: string, contactId: string, options?: { variables?: Record<string, string | number> }): Promise<void> {
    crm().emailContact(templateId, contactId, options ?? {});
  },
};

export const contacts = {
  async appendOrCreateContact(info: unknown) { return crm().appendOrCreateContact(info); },
  async getContact(contactId: string, _options?: { suppressAuth?: boolean }) { return crm().getContact(contactId); },
  async findOrCreateLabel(displayName: string, _options?: { suppressAuth?: boolean }) { return crm().findOrCreateLabel(displayName); },
  async labelContact(contactId: string, labelKeys: string[], _options?: { suppressAuth?: boolean }) { return crm().labelContact(contactId, labelKeys); },
  async unlabelContact(contactId: string, labelKeys: string[], _options?: { suppressAuth?: boolean }) { return crm().unlabelContact(contactId, labelKeys); },
};
