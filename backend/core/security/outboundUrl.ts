// Where the package may send a request a CMS row configured (sync targets). A collaborator who can edit
// `SyncTargets` must not be able to point the site's tokens at an internal address or at plain http:
// https only, and on a live site never a loopback, private or link-local host. Plain http is accepted
// only to loopback, and only on the local Wix (a deployment fact, see README "Live site or local Wix").
// Hostnames are judged as written: a public name that resolves to a private address is not caught here.

export type HostKind = 'loopback' | 'private' | 'link-local' | 'public';

function ipv4Kind(a: number, b: number): HostKind {
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  return 'public';
}

/** `hostname` as `URL` gives it (IPv4 normalised, IPv6 in brackets). */
export function hostKind(hostname: string): HostKind {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback';
  if (h.endsWith('.local') || h.endsWith('.internal') || h.endsWith('.lan') || h.endsWith('.home.arpa') || !h.includes('.') && !h.startsWith('[')) return 'private';
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) return ipv4Kind(Number(v4[1]), Number(v4[2]));
  if (h.startsWith('[')) {
    const ip = h.slice(1, -1);
    if (ip === '::1' || ip === '::') return 'loopback';
    const mapped = /^::ffff:(\d+)\.(\d+)\.\d+\.\d+$/.exec(ip) ?? /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(ip);
    if (mapped) {
      if (mapped[0].includes('.')) return ipv4Kind(Number(mapped[1]), Number(mapped[2]));
      const hi = parseInt(mapped[1]!, 16);
      return ipv4Kind(hi >> 8, hi & 0xff);
    }
    if (/^f[cd]/.test(ip)) return 'private';
    if (/^fe[89ab]/.test(ip)) return 'link-local';
    return 'public';
  }
  return 'public';
}

/** Checks that need no deployment knowledge (the CMS hook can always apply them). */
export function outboundUrlShapeProblem(url: string): string | null {
  let u: URL;
  try { u = new URL(url); } catch { return 'must be a full URL such as https://pretix.eu/api/v1'; }
  if (u.username || u.password) return 'must not contain a user name or password (the token belongs in Wix Secrets)';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && hostKind(u.hostname) === 'loopback') return null;
  return 'must start with https:// (plain http:// only to 127.0.0.1 on the local Wix)';
}

/** The full rule for a deployment. null = allowed. */
export function outboundUrlProblem(url: string, opts: { localWix: boolean }): string | null {
  const shape = outboundUrlShapeProblem(url);
  if (shape) return shape;
  const u = new URL(url);
  const kind = hostKind(u.hostname);
  if (opts.localWix) return u.protocol === 'http:' && kind !== 'loopback' ? 'plain http:// only to loopback' : null;
  if (u.protocol !== 'https:') return 'must start with https:// on a live site';
  if (kind !== 'public') return `must be a public host on a live site (${u.hostname} is ${kind})`;
  return null;
}

/** Same scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  try { return new URL(a).origin === new URL(b).origin; } catch { return false; }
}
