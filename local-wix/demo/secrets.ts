// Demo secrets for the local Wix (what a site owner enters in Wix's Secrets Manager): created once in
// the local secrets file, never committed. Values the owner already set are kept; only the local
// site URL follows the port the local Wix runs on.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';

export function ensureDemoSecrets(file: string, siteUrl: string): void {
  const current: Record<string, string> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const next = { ...current };
  const settings = current.SALE_ALERTS_SETTINGS ? JSON.parse(current.SALE_ALERTS_SETTINGS) : { templateId: 'sale-alert', marketingTool: 'wix', pushSubject: 'mailto:owner@example.com' };
  if (!current.SALE_ALERTS_SETTINGS || /^http:\/\/(127\.0\.0\.1|localhost)/.test(settings.siteUrl ?? '')) settings.siteUrl = siteUrl;
  next.SALE_ALERTS_SETTINGS = JSON.stringify(settings);
  // The deployment fact that tells site code it runs on the local Wix (backend/velo/wiring/deployment.ts).
  next.LOCAL_WIX_DEPLOYMENT = 'local-wix';
  next.SALE_ALERT_UNSUBSCRIBE_KEY ??= crypto.randomBytes(32).toString('base64url');
  if (!next.VAPID_PUBLIC_KEY || !next.VAPID_PRIVATE_KEY) {
    const keys = webpush.generateVAPIDKeys();
    next.VAPID_PUBLIC_KEY = keys.publicKey;
    next.VAPID_PRIVATE_KEY = keys.privateKey;
  }
  if (JSON.stringify(next) === JSON.stringify(current)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
}
