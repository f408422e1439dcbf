// The current Velo invocation (event, data hook, job, web method, HTTP function), carried through
// async calls with AsyncLocalStorage. The `wix-*` modules and the SDK's ambient clients read it to
// know which local Wix to call and as whom. Kept on globalThis so duplicate module instances agree.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Identity } from '../server/identity.js';
import type { RealtimeChannel } from '../server/realtime.js';
import type { SecretsStore } from './secrets.js';

export type InvocationKind = 'event' | 'hook' | 'job' | 'webMethod' | 'http' | 'realtimePermission' | 'setup';

type Answer<T> = T | Promise<T>;

/**
 * What the `wix-crm-backend` module delegates to: `LocalCrm` in server/crm.ts, or (in an event worker
 * thread) a proxy that asks the main thread's LocalCrm, hence the promises.
 */
export interface CrmLike {
  emailContact(templateId: string, contactId: string, options?: { variables?: Record<string, unknown> }): Answer<unknown>;
  appendOrCreateContact(info: any): Answer<{ contactId: string; identityType: string }>;
  getContact(contactId: string): Answer<unknown>;
  findOrCreateLabel(displayName: string): Answer<{ label: { key: string; displayName: string }; newLabel: boolean }>;
  labelContact(contactId: string, labelKeys: string[]): Answer<unknown>;
  unlabelContact(contactId: string, labelKeys: string[]): Answer<unknown>;
  findOrCreateExtendedField(info: { displayName: string; dataType: string }): Answer<unknown>;
  /** Only `hasSome` on `info.labelKeys` or `_id` is answered; Wix's default order (newest first). */
  queryContacts(q: { filters?: { op: 'hasSome'; field: string; values: unknown[] }[]; limit?: number; skip?: number }): Answer<{ items: unknown[]; totalCount: number }>;
  /** Refuses a stale `revision`. */
  updateContact(identifiers: { contactId: string; revision: number }, info: any): Answer<unknown>;
}

/** Who backend events and jobs run as (see host.ts). */
export const WIX_BACKEND: Identity = { role: 'ANYONE', id: 'wix-code-backend' };

/** What `wix-realtime-backend` publishes to: the local hub, or (in an event worker) a forwarder to it. */
export interface Publisher { publish(channel: RealtimeChannel, payload: unknown): void | Promise<void> }

/** What `wix-cache-backend` clears: the host's web method cache, or (in an event worker) a forwarder to it. */
export interface CacheLike { invalidate(tags: string[]): Answer<number> }

/** The parts of a Velo host that site code reaches through the `wix-*` modules. */
export interface HostServices {
  baseUrl: string;
  hub: Publisher;
  crm: CrmLike | null;
  secrets: SecretsStore;
  /** Web method answers cached on Wix's side (webMethodCache.ts). */
  cache?: CacheLike | null;
}

export interface Invocation {
  services: HostServices;
  identity: Identity;
  kind: InvocationKind;
  name: string;
  /** Set when Wix would have stopped this run (a job past its time limit): its later Wix calls fail. */
  stopped?: string;
}

/** The error a Wix call from a stopped invocation fails with. */
export function stoppedError(inv: Invocation): Error {
  return new Error(`[velo-host] ${inv.kind} ${inv.name} was stopped: ${inv.stopped}; this call would never have run on Wix`);
}

interface Shared { als: AsyncLocalStorage<Invocation>; fallback: HostServices | null }
const g = globalThis as typeof globalThis & { __localWixVelo__?: Shared };
const shared: Shared = (g.__localWixVelo__ ??= { als: new AsyncLocalStorage<Invocation>(), fallback: null });

export const invocations = shared.als;

/** The host used when code runs outside any invocation (e.g. a timer started at module level). */
export function setFallbackServices(s: HostServices | null) { shared.fallback = s; }

export function currentInvocation(): Invocation | undefined {
  return shared.als.getStore();
}

/** Services of the current invocation, or of the most recently started host. */
export function currentServices(): HostServices {
  const s = shared.als.getStore()?.services ?? shared.fallback;
  if (!s) throw new Error('[velo-host] A Velo module was used outside of any invocation and no Velo host is running.');
  return s;
}

export function runInvocation<T>(inv: Invocation, fn: () => T): T {
  return shared.als.run(inv, fn);
}
