// HTTP functions: https://<site>/_functions/<name>.
// The links in sale-alert emails: opening one (GET) shows a page with a button and changes nothing
// (mail scanners open links); the button's POST acts. The unsubscribe POST is also the RFC 8058
// one-click form (`List-Unsubscribe=One-Click`), which needs no page.
import { response, type WixHttpFunctionRequest } from 'wix-http-functions';
import { alertLinkPage, type LinkPageKind } from '../core/alerts/alertLinkPages.js';
import { checkConfirmLink, checkUnsubscribeLink, confirmSubscription, unsubscribe } from '../flows/alerts.js';
import { alertsDeps } from './wiring/alertsDeps.js';

function page(kind: LinkPageKind) {
  const p = alertLinkPage(kind);
  return response({ status: p.status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' }, body: p.html });
}

async function answer(kind: () => Promise<LinkPageKind>) {
  try {
    return page(await kind());
  } catch (e) {
    console.error('Sale alert link failed', String(e));
    return page('unavailable');
  }
}

/** The confirmation link (double opt-in): the page with the button. */
export async function get_saleAlertConfirm(request: WixHttpFunctionRequest) {
  return answer(async () => ((await checkConfirmLink(await alertsDeps(), request.query)) === 'ok' ? 'confirm_prompt' : 'invalid_link'));
}

/** The button: confirms the sign-up the link names. */
export async function post_saleAlertConfirm(request: WixHttpFunctionRequest) {
  return answer(async () => {
    const r = await confirmSubscription(await alertsDeps(), request.query);
    return r.outcome === 'expired' ? 'confirm_expired' : r.outcome;
  });
}

/** The unsubscribe link in every alert: the page with the button. */
export async function get_saleAlertUnsubscribe(request: WixHttpFunctionRequest) {
  return answer(async () => ((await checkUnsubscribeLink(await alertsDeps(), request.query)) === 'ok' ? 'unsubscribe_prompt' : 'invalid_link'));
}

/** The button, or a mail client's one-click POST (RFC 8058). */
export async function post_saleAlertUnsubscribe(request: WixHttpFunctionRequest) {
  return answer(async () => (await unsubscribe(await alertsDeps(), request.query)).outcome);
}
