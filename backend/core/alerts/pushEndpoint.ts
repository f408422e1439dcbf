// Where a browser's push subscription may point: the push services of the browsers (their documented
// hosts), over https on the default port. Anything else (`https://evil.example/collect`) would make
// the site POST to an address a visitor chose. Local endpoints only on the local Wix.

/** FCM (Chrome, Edge on Android), Mozilla autopush, Windows WNS, Apple web push. */
const EXACT_HOSTS = new Set(['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com']);
const SUFFIX_HOSTS = ['.notify.windows.com'];

export function isKnownPushServiceUrl(endpoint: string): boolean {
  let u: URL;
  try { u = new URL(endpoint); } catch { return false; }
  if (u.protocol !== 'https:' || u.port !== '' || u.username || u.password) return false;
  const host = u.hostname.toLowerCase();
  return EXACT_HOSTS.has(host) || SUFFIX_HOSTS.some((s) => host.endsWith(s) && host.length > s.length);
}

export function isLocalPushUrl(endpoint: string): boolean {
  let u: URL;
  try { u = new URL(endpoint); } catch { return false; }
  return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
}

export function pushEndpointAllowed(endpoint: string, opts: { localWix?: boolean } = {}): boolean {
  return isKnownPushServiceUrl(endpoint) || (!!opts.localWix && isLocalPushUrl(endpoint));
}

export const PUSH_ENDPOINT_RULE = 'must be a push service endpoint (fcm.googleapis.com, updates.push.services.mozilla.com, *.notify.windows.com or web.push.apple.com)';
