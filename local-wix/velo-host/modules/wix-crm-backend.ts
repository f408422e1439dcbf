// Velo `wix-crm-backend`: contacts, labels, extended fields and triggered emails, delegated to the
// local CRM (server/crm.ts), whose inbox records what was sent (or skipped for unsubscribed contacts).
import { currentInvocation, currentServices, stoppedError } from '../invocation.js';
import type { CrmLike } from '../invocation.js';

type AuthOptions = { suppressAuth?: boolean };

function crm(): CrmLike {
  const inv = currentInvocation();
  if (inv?.stopped) throw stoppedError(inv);
  const c = currentServices().crm;
  if (!c) throw new Error('[velo-host] wix-crm-backend: this Velo host has no local CRM attached');
  return c;
}

export const triggeredEmails = {
  async emailContact(templateId: string, contactId: string, options?: { variables?: Record<string, string | number> }): Promise<void> {
    await crm().emailContact(templateId, contactId, options ?? {});
  },
};

type Filter = { op: 'hasSome'; field: string; values: unknown[] };

/** The part of Velo's ContactsQueryResult that paging needs. */
interface ContactsQueryResult {
  items: unknown[];
  length: number;
  totalCount: number;
  pageSize: number;
  currentPage: number;
  totalPages: number;
  hasNext(): boolean;
  hasPrev(): boolean;
  next(): Promise<ContactsQueryResult>;
  prev(): Promise<ContactsQueryResult>;
}

/** Velo's ContactsQueryBuilder, as far as the local CRM answers it: hasSome, limit, skip, find. */
class ContactsQueryBuilder {
  constructor(private readonly filters: Filter[] = [], private readonly pageSize = 50, private readonly skipped = 0) {}
  hasSome(property: string, values: unknown[] | unknown, ...more: unknown[]) {
    const list = Array.isArray(values) ? values : [values, ...more];
    return new ContactsQueryBuilder([...this.filters, { op: 'hasSome', field: property, values: list }], this.pageSize, this.skipped);
  }
  limit(n: number) { return new ContactsQueryBuilder(this.filters, n, this.skipped); }
  skip(n: number) { return new ContactsQueryBuilder(this.filters, this.pageSize, n); }
  async find(options?: AuthOptions): Promise<ContactsQueryResult> {
    const { items, totalCount } = await crm().queryContacts({ filters: this.filters, limit: this.pageSize, skip: this.skipped });
    const page = (skip: number) => new ContactsQueryBuilder(this.filters, this.pageSize, skip).find(options);
    return {
      items, length: items.length, totalCount, pageSize: this.pageSize,
      currentPage: Math.floor(this.skipped / this.pageSize),
      totalPages: Math.ceil(totalCount / this.pageSize),
      hasNext: () => this.skipped + items.length < totalCount,
      hasPrev: () => this.skipped > 0,
      next: () => page(this.skipped + this.pageSize),
      prev: () => page(Math.max(0, this.skipped - this.pageSize)),
    };
  }
}

export const contacts = {
  async appendOrCreateContact(info: unknown) { return crm().appendOrCreateContact(info); },
  async getContact(contactId: string, _options?: AuthOptions) { return crm().getContact(contactId); },
  async findOrCreateLabel(displayName: string, _options?: AuthOptions) { return crm().findOrCreateLabel(displayName); },
  async labelContact(contactId: string, labelKeys: string[], _options?: AuthOptions) { return crm().labelContact(contactId, labelKeys); },
  async unlabelContact(contactId: string, labelKeys: string[], _options?: AuthOptions) { return crm().unlabelContact(contactId, labelKeys); },
  async findOrCreateExtendedField(info: { displayName: string; dataType: string }, _options?: AuthOptions) { return crm().findOrCreateExtendedField(info); },
  queryContacts() { return new ContactsQueryBuilder(); },
  async updateContact(identifiers: { contactId: string; revision: number }, contactInfo: unknown, _options?: { allowDuplicates?: boolean } & AuthOptions) {
    return crm().updateContact(identifiers, contactInfo);
  },
};
