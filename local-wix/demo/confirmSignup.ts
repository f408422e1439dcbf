// A visitor confirming a sale-alert sign-up, as they would from the local inbox: open the confirmation
// email's link (a page with a button), press the button (a POST). For the demo seed and tests.
import { adminFetch } from '../local-key.js';

export async function confirmSignupFromInbox(baseUrl: string, email: string): Promise<void> {
  const res = await adminFetch(`${baseUrl}/_local/inbox?to=${encodeURIComponent(email)}`);
  const { emails } = (await res.json()) as { emails: { templateId?: string; variables?: { confirmUrl?: string } }[] };
  const link = emails.filter((m) => m.templateId === 'sale-alert-confirm').at(-1)?.variables?.confirmUrl;
  if (!link) throw new Error(`no confirmation email to ${email} in the local inbox`);
  const u = new URL(link);
  const pressed = await fetch(`${baseUrl}${u.pathname}${u.search}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
  if (!pressed.ok) throw new Error(`confirming ${email} answered ${pressed.status}`);
}
