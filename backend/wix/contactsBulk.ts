// The Contacts API's bulk jobs (Bulk Update Contacts, Get Bulk Job) over Wix's REST paths, called with
// the site's own authorization (`httpClient.fetchWithAuth` from @wix/essentials, elevated). One call
// updates every contact a filter matches, so passing a sale start costs one API call per event rather
// than one per contact. `wix-crm-backend` has no bulk methods; `@wix/crm` has them as
// `contacts.bulkUpdateContacts` and `bulkJobs.getBulkJob` at these same paths (not installed here: this
// keeps the package's dependencies as they are).
import { auth, httpClient } from '@wix/essentials';

const BASE = 'https://www.wixapis.com/contacts/v4';

export interface BulkUpdateContactsRequest {
  /** Contacts API v4 query filter, e.g. `{"info.labelKeys": {"$hasSome": ["custom.x"]}}` or `{"id": {"$in": […]}}`. */
  filter: Record<string, unknown>;
  info: { extendedFields?: { items: Record<string, unknown> } };
  /** The fields to set; a masked field without a value in `info` is cleared. */
  fieldMask: { paths: string[] };
}

export interface BulkJob { id: string; status: string; totalItems?: number; successTotal?: number; failedTotal?: number; errors?: unknown[] }

export interface BulkContactsApi {
  bulkUpdateContacts(req: BulkUpdateContactsRequest): Promise<{ jobId: string }>;
  getBulkJob(jobId: string): Promise<BulkJob>;
}

export class ContactsApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ContactsApiError';
  }
}

export function wixBulkContacts(): BulkContactsApi {
  const fetchElevated = auth.elevate(httpClient.fetchWithAuth) as unknown as typeof fetch;
  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await fetchElevated(`${BASE}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try { message = (JSON.parse(text) as { message?: string }).message ?? message; } catch { /* not JSON */ }
      throw new ContactsApiError(res.status, `Contacts API ${path} answered ${res.status}: ${message}`);
    }
    return JSON.parse(text) as T;
  }
  return {
    bulkUpdateContacts: (req) => call('/bulk/contacts/update', { method: 'POST', body: JSON.stringify(req) }),
    getBulkJob: async (jobId) => (await call<{ job: BulkJob }>(`/bulk/jobs/${encodeURIComponent(jobId)}`)).job,
  };
}
