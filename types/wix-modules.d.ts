// Type declarations for the Velo modules Wix provides to site code (no npm typings exist for them).
// Only what this package uses; signatures follow the Velo API reference.

declare module 'wix-web-module' {
  export const Permissions: { Anyone: 'Anyone'; SiteMember: 'SiteMember'; Admin: 'Admin' };
  export type Permission = 'Anyone' | 'SiteMember' | 'Admin';
  export function webMethod<F extends (...args: any[]) => any>(permission: Permission, fn: F): F;
}

declare module 'wix-realtime-backend' {
  export interface Channel { name: string; resourceId?: string }
  export function publish(channel: Channel, payload: unknown, options?: { users?: unknown[] }): Promise<void>;
}

declare module 'wix-realtime-frontend' {
  export interface Channel { name: string; resourceId?: string }
  export function subscribe(channel: Channel, handler: (message: { payload: any }, channel: Channel) => void): Promise<string>;
  export function unsubscribe(opts: { subscriptionId?: string; channel?: Channel }): Promise<void>;
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
  export interface ContactInfo { name?: { first?: string; last?: string }; emails?: { email: string; tag?: string }[] }
  export const contacts: {
    appendOrCreateContact(info: ContactInfo): Promise<{ contactId: string; identityType: string }>;
    getContact(contactId: string, options?: { suppressAuth?: boolean }): Promise<any>;
    findOrCreateLabel(displayName: string, options?: { suppressAuth?: boolean }): Promise<{ label: { key: string; displayName: string }; newLabel: boolean }>;
    labelContact(contactId: string, labelKeys: string[], options?: { suppressAuth?: boolean }): Promise<any>;
    unlabelContact(contactId: string, labelKeys: string[], options?: { suppressAuth?: boolean }): Promise<any>;
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
  export function getCounter(input: { definitionId: string }): Promise<unknown[]>;
}

declare module 'backend/alerts.web' {
  export function subscribeToSaleAlerts(input: unknown): Promise<
    | { ok: true; outcome: 'subscribed' }
    | { ok: false; reason: 'invalid'; issues: string[] }
    | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }
  >;
  export function saleAlertPushKey(): Promise<{ publicKey: string | null }>;
}
