// Composition root of the sale-alert flow inside Wix: ports bound to Wix modules and connectors;
// settings and keys from Wix Secrets (SALE_ALERTS_SETTINGS, SALE_ALERT_UNSUBSCRIBE_KEY, VAPID_PUBLIC_KEY,
// VAPID_PRIVATE_KEY, MAILCHIMP_API_KEY when Mailchimp is the marketing tool).
import { getSecret } from 'wix-secrets-backend';
import { mailchimpMarketing } from '../../connectors/mailchimp.js';
import { webPushConnector } from '../../connectors/webPush.js';
import { parseAlertSettings } from '../../core/alerts/alertSettings.js';
import type { AlertsDeps } from '../../flows/alertsDeps.js';
import type { SecretsPort } from '../../ports.js';
import { wixCollections } from '../../wix/collections.js';
import { wixMailer } from '../../wix/mailer.js';
import { wixMarketing } from '../../wix/marketing.js';
import { wixEventDetails } from '../../wix/marketingEventDetails.js';
import { consoleLogger, systemClock } from '../../wix/runtime.js';
import { wixTicketDefinitions } from '../../wix/ticketDefinitions.js';
import { isLocalWix } from './deployment.js';

const secrets: SecretsPort = { getSecret };

async function hasSecret(name: string): Promise<boolean> {
  try { return !!(await getSecret(name)); } catch { return false; }
}

export async function alertsDeps(): Promise<AlertsDeps> {
  const settings = parseAlertSettings(await getSecret('SALE_ALERTS_SETTINGS'));
  const site = settings.siteUrl.replace(/\/$/, '');
  const localWix = await isLocalWix();
  if (!localWix && !site.startsWith('https://')) throw new Error('SALE_ALERTS_SETTINGS: siteUrl must be https on a live site');
  // Push needs the subject and both keys: with one missing, every push would fail and be retried.
  const pushOn = !!settings.pushSubject && (await hasSecret('VAPID_PRIVATE_KEY')) && (await hasSecret('VAPID_PUBLIC_KEY'));
  return {
    collections: wixCollections(),
    definitions: wixTicketDefinitions(),
    events: wixEventDetails(site),
    marketing: settings.marketingTool === 'mailchimp' ? mailchimpMarketing({ secrets, listId: settings.mailchimpListId! }) : wixMarketing(),
    mailer: wixMailer(),
    push: pushOn ? webPushConnector({ secrets, subject: settings.pushSubject!, localWix }) : null,
    secrets,
    clock: systemClock,
    logger: consoleLogger,
    config: {
      templateId: settings.templateId,
      unsubscribeBaseUrl: `${site}/_functions/saleAlertUnsubscribe`,
      unsubscribeSecretName: 'SALE_ALERT_UNSUBSCRIBE_KEY',
      siteUrl: site,
      locale: settings.locale,
      localWix,
      confirmTemplateId: settings.confirmTemplateId,
      confirmBaseUrl: `${site}/_functions/saleAlertConfirm`,
      confirmationsPerHour: settings.confirmationsPerHour,
      consentWording: settings.consentWording,
    },
  };
}
