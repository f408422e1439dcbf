// The small page a one-click unsubscribe link answers with. Static text only: nothing from the
// request is echoed back.
export type UnsubscribeOutcome = 'unsubscribed' | 'already_unsubscribed' | 'invalid_link' | 'not_found';

const TEXT: Record<UnsubscribeOutcome, [number, string, string]> = {
  unsubscribed: [200, 'You are unsubscribed', 'You will not get sale alerts for this event any more.'],
  already_unsubscribed: [200, 'Already unsubscribed', 'You had already stopped sale alerts for this event.'],
  not_found: [200, 'Nothing to unsubscribe', 'There is no sale alert for this link any more.'],
  invalid_link: [400, 'This link is not valid', 'Please use the link from your most recent alert email.'],
};

export function unsubscribePage(outcome: UnsubscribeOutcome): { status: number; html: string } {
  const [status, title, body] = TEXT[outcome];
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p></body></html>`,
  };
}
