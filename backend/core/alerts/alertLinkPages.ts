// The small pages the confirmation and unsubscribe links answer with. Opening a link (GET) only shows
// a button: mail scanners (Safe Links, Mimecast) open every link in a message, so a GET never changes
// anything. The button POSTs to the same address (a form without `action`), with the RFC 8058 body
// `List-Unsubscribe=One-Click` on the unsubscribe page. Static text only: nothing from the request
// is echoed back.

export type LinkPageKind =
  | 'confirm_prompt' | 'confirmed' | 'already_confirmed' | 'confirm_expired'
  | 'unsubscribe_prompt' | 'unsubscribed' | 'already_unsubscribed' | 'not_found' | 'invalid_link' | 'unavailable';

const TEXT: Record<LinkPageKind, [number, string, string]> = {
  confirm_prompt: [200, 'Confirm your sale alert', 'Press the button to get an email when tickets for this event go on sale.'],
  confirmed: [200, 'Sale alert confirmed', 'Thank you. We will email you when tickets go on sale.'],
  already_confirmed: [200, 'Already confirmed', 'This sale alert was already confirmed.'],
  confirm_expired: [410, 'This link has expired', 'Please sign up again on the event page; we will send you a new link.'],
  unsubscribe_prompt: [200, 'Stop sale alerts?', 'Press the button to stop sale alerts for this event.'],
  unsubscribed: [200, 'You are unsubscribed', 'You will not get sale alerts for this event any more.'],
  already_unsubscribed: [200, 'Already unsubscribed', 'You had already stopped sale alerts for this event.'],
  not_found: [200, 'Nothing to do', 'There is no sale alert for this link any more.'],
  invalid_link: [400, 'This link is not valid', 'Please use the link from your most recent email.'],
  unavailable: [503, 'Please try again', 'Something went wrong on our side. Please try the link again in a few minutes.'],
};

const BUTTON: Partial<Record<LinkPageKind, string>> = {
  confirm_prompt: '<form method="post"><button type="submit">Confirm sale alert</button></form>',
  unsubscribe_prompt: '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>',
};

export function alertLinkPage(kind: LinkPageKind): { status: number; html: string } {
  const [status, title, body] = TEXT[kind];
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p>${BUTTON[kind] ?? ''}</body></html>`,
  };
}
