// Page-code side of <sale-alert-signup>: each 'alert-subscribe' from the element calls the
// `subscribeToSaleAlerts` web method and hands the answer back through the `result` attribute.
// Only the fields the element shows travel back; the web method's issue list stays in the console.
import { subscribeToSaleAlerts } from 'backend/alerts.web';

interface SignupElement {
  on(event: string, handler: (e: { detail?: Record<string, unknown> }) => void): void;
  setAttribute(name: string, value: string): void;
}

interface Answer { ok: boolean; outcome?: string; reason?: string; retryAfterSeconds?: number; issues?: string[] }

export function bindSaleAlertSignups($w: (selector: string) => SignupElement, selectors: string[]) {
  for (const selector of selectors) {
    const el = $w(selector);
    el.on('alert-subscribe', async (event) => {
      const d = event.detail ?? {};
      const answer = (result: Record<string, unknown>) => el.setAttribute('result', JSON.stringify({ ...result, requestId: d.requestId }));
      try {
        const input: Record<string, unknown> = { email: d.email, eventId: d.eventId, channels: ['email'] };
        if (typeof d.locale === 'string' && d.locale) input.locale = d.locale;
        const r = (await subscribeToSaleAlerts(input)) as Answer;
        if (r.ok) return answer({ ok: true, outcome: r.outcome });
        if (r.reason === 'rate_limited') return answer({ ok: false, reason: 'rate_limited', retryAfterSeconds: r.retryAfterSeconds });
        // Only a bad address is the visitor's to fix; anything else (event-id, locale) is the page's setup.
        const issues = r.issues ?? [];
        if (r.reason === 'invalid' && issues.length && issues.every((i) => i.startsWith('email'))) return answer({ ok: false, reason: 'invalid' });
        console.warn(`Sale alert sign-up ${selector}: ${issues.join('; ') || r.reason}`);
        answer({ ok: false, reason: 'error' });
      } catch (e) {
        console.warn(`Sale alert sign-up ${selector}: ${(e as Error).message}`);
        answer({ ok: false, reason: 'error' });
      }
    });
  }
}
