// Keys that sign the links in sale-alert emails (confirm, unsubscribe), with versions so the owner can
// rotate the key while links already sent keep working for a stated time.
//   SALE_ALERT_UNSUBSCRIBE_KEY           the current key: `v<N>:<random>` (a bare value is version 1)
//   SALE_ALERT_UNSUBSCRIBE_KEY_PREVIOUS  optional, JSON {"key": "<the old value>", "validUntil": "<ISO date>"}:
//                                        links signed with it are accepted until validUntil
// A token is `<version>.<hmac>`; tokens without a version (from before versions) are version 1.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkKey { version: number; key: string; validUntil?: string | null }
export interface LinkKeyRing { current: LinkKey; previous: LinkKey[] }

export type LinkPurpose = 'sale-alert-unsubscribe' | 'sale-alert-confirm';

/** `v3:abc` → {version 3, key abc}; `abc` → version 1. */
export function parseLinkKey(value: string): LinkKey {
  const m = /^v(\d{1,6}):(.+)$/s.exec(value.trim());
  const key = m ? m[2]! : value.trim();
  if (key.length < 16) throw new Error('the link key must be at least 16 characters (32 random bytes, base64)');
  return { version: m ? Number(m[1]) : 1, key };
}

/** The previous key's secret value (JSON), or null/empty when there is none. Malformed → ignored with a reason. */
export function parsePreviousLinkKey(value: string | null | undefined): LinkKey | null {
  if (!value || !value.trim()) return null;
  let raw: unknown;
  try { raw = JSON.parse(value); } catch { throw new Error('SALE_ALERT_UNSUBSCRIBE_KEY_PREVIOUS must be JSON {"key": "…", "validUntil": "…"}'); }
  const r = raw as { key?: unknown; validUntil?: unknown };
  if (typeof r.key !== 'string' || typeof r.validUntil !== 'string' || !Number.isFinite(Date.parse(r.validUntil))) {
    throw new Error('SALE_ALERT_UNSUBSCRIBE_KEY_PREVIOUS must be JSON {"key": "…", "validUntil": "<ISO date>"}');
  }
  return { ...parseLinkKey(r.key), validUntil: new Date(Date.parse(r.validUntil)).toISOString() };
}

export function linkKeyRing(current: string, previous?: string | null): LinkKeyRing {
  const cur = parseLinkKey(current);
  const prev = parsePreviousLinkKey(previous);
  return { current: cur, previous: prev && prev.version !== cur.version ? [prev] : [] };
}

function mac(key: string, purpose: LinkPurpose, payload: string): string {
  return createHmac('sha256', key).update(`${purpose}:${payload}`).digest('base64url');
}

export function signLink(ring: LinkKeyRing | string, purpose: LinkPurpose, payload: string): string {
  const k = typeof ring === 'string' ? parseLinkKey(ring) : ring.current;
  return `${k.version}.${mac(k.key, purpose, payload)}`;
}

/** Constant-time; a version that is unknown, or a previous key past its `validUntil`, is "not valid". */
export function verifyLink(ring: LinkKeyRing, purpose: LinkPurpose, payload: string, token: unknown, now: Date): boolean {
  if (typeof token !== 'string' || token.length > 120) return false;
  const m = /^(?:(\d{1,6})\.)?([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return false;
  const version = m[1] ? Number(m[1]) : 1;
  const key = [ring.current, ...ring.previous].find((k) => k.version === version);
  if (!key) return false;
  if (key.validUntil && now.getTime() > Date.parse(key.validUntil)) return false;
  const expected = Buffer.from(mac(key.key, purpose, payload));
  const given = Buffer.from(m[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
