// Binds the genuine @wix/sdk modules used by site code (`import { items } from '@wix/data'`) to the
// local Wix, as Wix's runtime does: through the ambient context `globalThis.__wix_context__`.
// `client` sends the identity of the current invocation (a visitor calling a web method, the site's
// backend for events and jobs); `elevatedClient` (used by `auth.elevate` from @wix/essentials and by
// `suppressAuth`) is always ADMIN. Both send to the local Wix of the current invocation.
import { createClient } from '@wix/sdk';
import { ADMIN, VISITOR, localAuth, localWixFetch } from '../sdk-client.js';
import { currentInvocation, currentServices, stoppedError } from './invocation.js';

type Ctx = { client: unknown; elevatedClient: unknown };
let context: Ctx | null = null;
const fetchers = new Map<string, typeof fetch>();

const routedFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
  const inv = currentInvocation();
  if (inv?.stopped) return Promise.reject(stoppedError(inv));
  const base = currentServices().baseUrl;
  let f = fetchers.get(base);
  if (!f) fetchers.set(base, (f = localWixFetch(base)));
  return f(input, init);
}) as typeof fetch;

function build(): Ctx {
  const client = createClient({ modules: {}, auth: localAuth(() => currentInvocation()?.identity ?? VISITOR) as any, fetch: routedFetch });
  const elevatedClient = createClient({ modules: {}, auth: localAuth(ADMIN) as any, fetch: routedFetch });
  return { client, elevatedClient };
}

/** Installs (or re-installs, if something replaced it) the ambient Wix context. Cheap; called per invocation. */
export function installSdkContext() {
  context ??= build();
  const g = globalThis as typeof globalThis & { __wix_context__?: Ctx };
  if (g.__wix_context__ !== context) g.__wix_context__ = context;
}
