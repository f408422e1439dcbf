// HTTP functions: https://<site>/_functions/<name>.
import { response, type WixHttpFunctionRequest } from 'wix-http-functions';
import { unsubscribe } from '../flows/alerts.js';
import { unsubscribePage } from '../core/alerts/unsubscribePage.js';
import { alertsDeps } from './wiring/alertsDeps.js';

/** One-click unsubscribe from a sale alert (the link in every alert, signed; RFC 8058 POST too). */
export async function get_saleAlertUnsubscribe(request: WixHttpFunctionRequest) {
  const r = await unsubscribe(await alertsDeps(), { s: request.query.s, t: request.query.t });
  const page = unsubscribePage(r.outcome);
  return response({ status: page.status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, body: page.html });
}

export const post_saleAlertUnsubscribe = get_saleAlertUnsubscribe;
