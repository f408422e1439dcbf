// The per-start admin key of a local Wix. `startStack` makes a fresh one at every start, prints it and
// writes it to `<dataDir>/admin-api-key` (never committed). It is an admin API key for the genuine
// SDK's ApiKeyStrategy (`Authorization: <key>`), and the key every other local caller sends in
// `x-local-wix-key` (admin `/_local/*` routes, `LocalWix ADMIN|SITE_MEMBER` tokens).
// Callers in the same process find it by the server's origin (localWixFetch adds it); other processes
// (npm run job, npm run sync) read LOCAL_WIX_API_KEY or the file of the running `npm start`.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const LOCAL_KEY_HEADER = 'x-local-wix-key';
export const LOCAL_KEY_FILE = 'admin-api-key';
const DEFAULT_DATA_DIR = path.resolve(import.meta.dirname, '..', '.local-wix');

const byOrigin = new Map<string, string>();

export function newLocalKey(): string {
  return `LWK.${randomBytes(32).toString('base64url')}`;
}

const originOf = (url: string | URL) => new URL(String(url)).origin;

/** Makes the key known to this process's callers of the local Wix at `baseUrl`. */
export function rememberLocalKey(baseUrl: string | URL, key: string): void {
  byOrigin.set(originOf(baseUrl), key);
}
export function forgetLocalKey(baseUrl: string | URL): void {
  byOrigin.delete(originOf(baseUrl));
}

/** The key for the local Wix at `url`: this process's; in a process without one, LOCAL_WIX_API_KEY, else `.local-wix/admin-api-key`. */
export function localKeyFor(url: string | URL): string | null {
  const known = byOrigin.get(originOf(url));
  if (known) return known;
  // A process that runs a local Wix itself knows its keys: other origins (vendor test servers) get none.
  if (byOrigin.size > 0) return null;
  if (process.env.LOCAL_WIX_API_KEY) return process.env.LOCAL_WIX_API_KEY;
  if (fromFile === undefined) {
    try { fromFile = fs.readFileSync(path.join(DEFAULT_DATA_DIR, LOCAL_KEY_FILE), 'utf8').trim() || null; } catch { fromFile = null; }
  }
  return fromFile;
}
/** The running `npm start`'s key, read once per process (scripts are short-lived). */
let fromFile: string | null | undefined;

/** The header that carries the key of the local Wix at `url` (empty when none is known). */
export function localKeyHeaders(url: string | URL): Record<string, string> {
  const key = localKeyFor(url);
  return key ? { [LOCAL_KEY_HEADER]: key } : {};
}

/** `fetch` to the local Wix with its key: for tests, benchmarks and scripts calling `/_local/*` routes. */
export const adminFetch: typeof fetch = async (input, init = {}) => {
  const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
  const headers = new Headers(init.headers ?? (typeof input === 'object' && 'headers' in input ? input.headers : undefined));
  if (URL.canParse(url)) for (const [k, v] of Object.entries(localKeyHeaders(url))) if (!headers.has(k)) headers.set(k, v);
  return fetch(input, { ...init, headers });
};

/** Writes the key where other processes on this machine find it, readable by the owner only. */
export function writeLocalKeyFile(dataDir: string, key: string): string {
  const file = path.join(dataDir, LOCAL_KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}
