// Stacks for the hostile-input suite: the local Wix over real HTTP, either as `npm start` runs it (the
// deployment secret says "local Wix") or set up as a live site would be (no LOCAL_WIX_DEPLOYMENT
// secret, an https siteUrl), so the live-site rules are what the attacks meet.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../local-wix/stack.js';
import { adminFetch } from '../../local-wix/local-key.js';

export type HostileStack = Stack & { dataDir: string; post(p: string, body: unknown): Promise<Response>; webMethod(file: string, fn: string, args: unknown[]): Promise<{ status: number; body: any }> };

export async function startHostileStack(name: string, opts: { live: boolean; seed?: boolean; secrets?: Record<string, string> }): Promise<HostileStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  if (opts.live) {
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({
      SALE_ALERTS_SETTINGS: JSON.stringify({ siteUrl: 'https://site.example', templateId: 'sale-alert', marketingTool: 'wix' }),
      SALE_ALERT_UNSUBSCRIBE_KEY: crypto.randomBytes(32).toString('base64url'),
      ...opts.secrets,
    }));
  }
  const stack = await startStack({ port: 0, dataDir, seed: opts.seed ?? true, cold: true, scheduleJobs: false, demoSecrets: !opts.live });
  if (!opts.live && opts.secrets) {
    const file = path.join(dataDir, 'secrets.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...opts.secrets }));
  }
  // Visitors' requests carry nothing; the test's own set-up calls to the local admin routes carry the local key.
  const post = (p: string, body: unknown) => (p.startsWith('/_local/') ? adminFetch : fetch)(`${stack.baseUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return {
    ...stack,
    dataDir,
    post,
    async webMethod(file, fn, args) {
      const res = await post(`/_webMethods/${file}/${fn}`, { args });
      const text = await res.text();
      let body: any = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body };
    },
    async close() {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A link from an email, pointed at the local Wix (live-mode links name https://site.example). */
export function localLink(stack: Stack, link: string): string {
  const u = new URL(link);
  return `${stack.baseUrl}${u.pathname}${u.search}`;
}
