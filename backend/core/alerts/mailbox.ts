// The mailbox an address delivers to, for rate limiting confirmation emails. `victim+1@…`, `victim+2@…`
// (and, at Gmail, `v.i.c.t.i.m@…`) all land in one inbox, so they share one daily confirmation. The
// subscription itself stays keyed by the address as typed (lower-cased): people use plus tags to filter.
import { createHash } from 'node:crypto';

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/** Lower case; the `+tag` of the local part removed; at Gmail also the dots, and googlemail → gmail. */
export function mailboxOf(email: string): string {
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf('@');
  if (at < 1) return e;
  let local = e.slice(0, at);
  let domain = e.slice(at + 1).replace(/\.$/, '');
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL.has(domain)) {
    domain = 'gmail.com';
    local = local.replace(/\./g, '') || local;
  }
  return `${local}@${domain}`;
}

/** Hash of the mailbox: rate-limit rows never hold an address. */
export function mailboxKey(email: string): string {
  return createHash('sha256').update(`mailbox\n${mailboxOf(email)}`).digest('hex').slice(0, 40);
}
