// Type declarations for the Velo modules Wix provides to site code (no npm typings exist for them).
// Only what this package uses; signatures follow the Velo API reference.

declare module 'wix-web-module' {
  export const Permissions: { Anyone: 'Anyone'; SiteMember: 'SiteMember'; Admin: 'Admin' };
  export type Permission = 'Anyone' | 'SiteMember' | 'Admin';
  /** `options.cache`: answers are cached on Wix's side per arguments; `tags` required (else nothing is cached), `ttl` in seconds (default 604800). */
  export function webMethod<F extends (...args: any[]) => any>(permission: Permission, fn: F, options?: { cache?: { tags: string[]; ttl?: number } }): F;
}

declare module 'wix-cache-backend' {
  /** Clears cached web method answers carrying any of the tags; needs elevated permissions (`elevate` from wix-auth). */
  export function invalidateCache(invalidationMethods: { tag: string }[]): Promise<void>;
  export const cache: { invalidateCache(invalidationMethods: { tag: string }[]): Promise<void> };
}

declare module 'wix-realtime-backend' {
  export interface Channel { name: string; resourceId?: string }
  export function publish(channel: Channel, payload: unknown, options?: { users?: unknown[] }): Promise<void>;
}

declare module 'wix-realtime-frontend' {
  export interface Channel { name: string; resourceId?: string }
  export function subscribe(channel: Channel, handler: (message: { payload: any }, channel: Channel) => void): Promise<string>;
  export function unsubscribe(opts: { subscriptionId?: string; channel?: Channel }): Promise<void>;
  /** Runs on the first connection and whenever a lost connection is restored. */
  export function onConnected(handler: () => void): void;
  export function onDisconnected(handler: () => void): void;
}

declare module 'wix-secrets-backend' {
  export function getSecret(name: string): Promise<string>;
}

declare module 'wix-auth' {
  export function elevate<F extends (...args: any[]) => any>(fn: F): F;
}

declare module 'wix-crm-backend' {
  export const triggeredEmails: {
    emailContact(templateId: string, contactId: string, options?: { variables?: Record<string, string | number> }): Promise<void>;
  };
  export interface AuthOptions { suppressAuth?: boolean }
  /** Extended field values by key (DATE as YYYY-MM-DD); null clears a field. */
  export interface ContactInfo { name?: { first?: string; last?: string }; emails?: { email: string; tag?: string }[]; extendedFields?: Record<string, string | number | null> }
  export interface ExtendedField { key: string; displayName: string; dataType: 'TEXT' | 'NUMBER' | 'DATE' | 'URL'; fieldType: string; namespace: string }
  /** The contact as read: `revision` must be passed back to `updateContact`. */
  export interface Contact {
    _id: string;
    revision: number;
    info?: { labelKeys?: string[]; extendedFields?: Record<string, string | number>; [k: string]: any };
    [k: string]: any;
  }
  export interface ContactsQueryResult {
    items: Contact[];
    length: number;
    totalCount: number;
    hasNext(): boolean;
    next(): Promise<ContactsQueryResult>;
  }
  /** Only the builder methods this site uses. */
  export interface ContactsQueryBuilder {
    hasSome(property: string, values: string[]): ContactsQueryBuilder;
    limit(limit: number): ContactsQueryBuilder;
    find(options?: AuthOptions): Promise<ContactsQueryResult>;
  }
  export const contacts: {
    appendOrCreateContact(info: ContactInfo): Promise<{ contactId: string; identityType: string }>;
    getContact(contactId: string, options?: AuthOptions): Promise<Contact>;
    findOrCreateLabel(displayName: string, options?: AuthOptions): Promise<{ label: { key: string; displayName: string }; newLabel: boolean }>;
    labelContact(contactId: string, labelKeys: string[], options?: AuthOptions): Promise<Contact>;
    unlabelContact(contactId: string, labelKeys: string[], options?: AuthOptions): Promise<Contact>;
    findOrCreateExtendedField(extendedFieldInfo: { displayName: string; dataType: ExtendedField['dataType'] }, options?: AuthOptions): Promise<{ extendedField: ExtendedField; newExtendedField: boolean }>;
    queryContacts(): ContactsQueryBuilder;
    /** Only the properties passed change; `revision` must be the contact's current one. */
    updateContact(identifiers: { contactId: string; revision: number }, contactInfo: ContactInfo, options?: { allowDuplicates?: boolean } & AuthOptions): Promise<Contact>;
  };
}

declare module 'wix-http-functions' {
  export interface WixHttpFunctionRequest {
    method: string; path: string[]; query: Record<string, string>; headers: Record<string, string>;
    body: { text(): Promise<string>; json(): Promise<any> };
  }
  export interface WixHttpFunctionResponseOptions { status?: number; body?: unknown; headers?: Record<string, string> }
  type Res = WixHttpFunctionResponseOptions;
  export function ok(o?: Res): Res; export function created(o?: Res): Res; export function badRequest(o?: Res): Res;
  export function forbidden(o?: Res): Res; export function notFound(o?: Res): Res; export function serverError(o?: Res): Res;
  export function response(o: Res): Res;
}

declare module 'backend/counter.web' {
  export type CountersAnswer = { ok: true; counters: unknown[] } | { ok: false; reason: 'invalid'; issues: string[] };  // a failure (Wix did not answer) rejects
  export function getCounters(input: { definitionIds: string[] }): Promise<CountersAnswer>;
  export function getCounter(input: { definitionId: string }): Promise<CountersAnswer>;
}

declare module 'backend/alerts.web' {
  export function subscribeToSaleAlerts(input: unknown): Promise<
    | { ok: true; outcome: 'subscribed' }
    | { ok: false; reason: 'invalid'; issues: string[] }
    | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }
  >;
  export function saleAlertPushKey(): Promise<{ publicKey: string | null }>;
}
