// Demo data for the control room on `npm start`: a signed REST sync target ("Demo box office",
// served by the local Wix, demo/ticketing.ts) mapped to the demo event and synced once, a demo
// subscriber to the event's sale alerts, and one run of the hourly jobs, so every section of the
// dashboard page has something to show. Done through the package's own web methods and jobs, as the
// site owner would; the tests do not run it (they set up what they check themselves).
import { adminFetch } from '../local-key.js';
import { confirmSignupFromInbox } from './confirmSignup.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { items } from '@wix/data';
import { ADMIN, createLocalClient } from '../sdk-client.js';
import { tokenFor } from '../server/identity.js';
import { DEMO } from './seed.js';
import { DEMO_TICKETING_PATH, DEMO_TICKETING_SECRET_NAME } from './ticketing.js';

export const DEMO_TARGET_ID = 'demo-box-office';

/** The demo box office's signing secret in the local secrets file, created when missing. */
export function ensureDemoTicketingSecret(secretsFile: string): void {
  const current: Record<string, string> = fs.existsSync(secretsFile) ? JSON.parse(fs.readFileSync(secretsFile, 'utf8')) : {};
  if (current[DEMO_TICKETING_SECRET_NAME]) return;
  current[DEMO_TICKETING_SECRET_NAME] = `whsec_${crypto.randomBytes(32).toString('base64')}`;
  fs.writeFileSync(secretsFile, JSON.stringify(current, null, 2) + '\n', { mode: 0o600 });
}

export function readDemoTicketingSecret(secretsFile: string): string | null {
  try {
    const v = JSON.parse(fs.readFileSync(secretsFile, 'utf8'))[DEMO_TICKETING_SECRET_NAME];
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

async function call(baseUrl: string, path: string, args: unknown[] = [], auth: string | null = tokenFor(ADMIN)) {
  const res = await adminFetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify({ args }) });
  const body = (await res.json().catch(() => null)) as { result?: any; message?: string } | null;
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${body?.message ?? ''}`);
  return body?.result;
}

/**
 * Creates the demo sync target on a fresh demo (`firstStart`), and on every start points it at the
 * port the local Wix now listens on. Returns whether it created anything.
 */
export async function seedControlRoomDemo(baseUrl: string, secretsFile: string, opts: { firstStart: boolean }): Promise<boolean> {
  ensureDemoTicketingSecret(secretsFile);
  const cms = createLocalClient(baseUrl, { items }, ADMIN);
  const targetUrl = `${baseUrl}${DEMO_TICKETING_PATH}`;
  const existing = (await cms.items.get('SyncTargets', DEMO_TARGET_ID, { consistentRead: true }).catch(() => null)) as Record<string, unknown> | null;
  if (existing) {
    if (existing.baseUrl !== targetUrl && String(existing.baseUrl ?? '').endsWith(DEMO_TICKETING_PATH)) await cms.items.update('SyncTargets', { ...existing, _id: DEMO_TARGET_ID, baseUrl: targetUrl });
    return false;
  }
  if (!opts.firstStart) return false;
  await cms.items.insert('SyncTargets', { _id: DEMO_TARGET_ID, title: 'Demo box office', kind: 'signedRest', baseUrl: targetUrl, secretName: DEMO_TICKETING_SECRET_NAME, enabled: true, deleteBehaviour: 'deactivate', options: {} });
  await cms.items.insert('SyncEventMappings', { _id: 'demo-box-office-jazz', targetId: DEMO_TARGET_ID, eventId: DEMO.eventId, externalEventId: 'summer-jazz-night', enabled: true });
  await call(baseUrl, '/_webMethods/sync.web.js/addSyncMappingPreset', [{ targetId: DEMO_TARGET_ID }]);
  for (let i = 0; i < 10; i++) {
    const r = await call(baseUrl, '/_webMethods/sync.web.js/syncEventNow', [{ eventId: DEMO.eventId, targetId: DEMO_TARGET_ID }]);
    if (!r?.callAgain) break;
  }
  await call(baseUrl, '/_webMethods/alerts.web.js/subscribeToSaleAlerts', [{ email: 'demo-fan@example.com', eventId: DEMO.eventId }], null);
  // The demo fan confirms from the local inbox (double opt-in), so the control room shows a confirmed subscription.
  await confirmSignupFromInbox(baseUrl, 'demo-fan@example.com');
  for (const job of ['syncHourly', 'repairCounters', 'sweepSaleAlerts']) {
    await adminFetch(`${baseUrl}/_local/jobs/${job}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  }
  return true;
}
