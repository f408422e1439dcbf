// MarketingToolPort over the Mailchimp Marketing API v3. Each event is a tag on the audience
// member; only members whose status is `subscribed` count as opted in; the event's next sale start
// goes into a text merge field (SALESTART) so the owner's Mailchimp automations can use it.
// Auth: HTTP Basic with the API key (from Wix Secrets); the data center is the key's suffix.
import { createHash } from 'node:crypto';
import type { MarketingContact, MarketingToolPort, SecretsPort } from '../ports.js';
import { mapConcurrent } from '../lib/mapConcurrent.js';

export interface MailchimpOptions {
  secrets: SecretsPort;
  /** Name of the Wix secret holding the API key (`<key>-<dc>`). */
  apiKeySecret?: string;
  /** Audience (list) ID. */
  listId: string;
  /** Only for tests: replaces `https://<dc>.api.mailchimp.com/3.0`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Merge tag for the sale start (≤10 chars, created when missing). */
  saleStartMergeTag?: string;
  /** Mailchimp allows 10 simultaneous connections per user. */
  concurrency?: number;
}

export class MailchimpError extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string) {
    super(`Mailchimp ${status} ${title}${detail ? `: ${detail}` : ''}`);
    this.name = 'MailchimpError';
  }
}

export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** `0123…-us21` → `https://us21.api.mailchimp.com/3.0`. */
export function mailchimpApiBase(apiKey: string): string {
  const dc = apiKey.slice(apiKey.lastIndexOf('-') + 1);
  if (!apiKey.includes('-') || !/^[a-z]{2,5}\d{1,3}$/.test(dc)) throw new Error('Mailchimp API key must end with its data center, e.g. "…-us21"');
  return `https://${dc}.api.mailchimp.com/3.0`;
}

export const eventTag = (eventId: string) => `sale-alert:${eventId}`;

interface MailchimpClient {
  opts: MailchimpOptions;
  /** `/lists/<id>`, the prefix of every audience path. */
  list: string;
  mergeTag: string;
  call: <T>(method: string, path: string, body?: unknown) => Promise<T | null>;
  /** Creates the sale-start merge field once per connector (concurrent callers share the attempt). */
  ensureMergeField: () => Promise<void>;
}

function mailchimpCall(opts: MailchimpOptions) {
  const doFetch = opts.fetch ?? fetch;
  return async function call<T>(method: string, path: string, body?: unknown): Promise<T | null> {
    const key = await opts.secrets.getSecret(opts.apiKeySecret ?? 'MAILCHIMP_API_KEY');
    const base = opts.baseUrl ?? mailchimpApiBase(key);
    const res = await doFetch(`${base}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`ticket-flows:${key}`).toString('base64')}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 204) return null;
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new MailchimpError(res.status, json?.title ?? res.statusText, json?.detail ?? '');
    return json as T;
  };
}

function mailchimpClient(opts: MailchimpOptions): MailchimpClient {
  const call = mailchimpCall(opts);
  const mergeTag = opts.saleStartMergeTag ?? 'SALESTART';
  const list = `/lists/${encodeURIComponent(opts.listId)}`;
  let mergeFieldReady: Promise<void> | null = null;
  const ensureMergeField = () => (mergeFieldReady ??= (async () => {
    const r = await call<{ merge_fields: { tag: string }[] }>('GET', `${list}/merge-fields?count=1000&fields=merge_fields.tag`);
    if (r?.merge_fields.some((f) => f.tag === mergeTag)) return;
    try {
      await call('POST', `${list}/merge-fields`, { tag: mergeTag, name: 'Sale start (UTC)', type: 'text', required: false, public: false });
    } catch (e) {
      // Another invocation created it first: fine.
      if (!(e instanceof MailchimpError && e.status === 400)) throw e;
    }
  })().catch((e) => { mergeFieldReady = null; throw e; }));
  return { opts, list, mergeTag, call, ensureMergeField };
}

const isStatus = (e: unknown, status: number) => e instanceof MailchimpError && e.status === status;

const setTag = (c: MailchimpClient, email: string, eventId: string, status: 'active' | 'inactive') =>
  c.call('POST', `${c.list}/members/${subscriberHash(email)}/tags`, { tags: [{ name: eventTag(eventId), status }] });

async function upsertSubscriber(c: MailchimpClient, s: Parameters<MarketingToolPort['upsertSubscriber']>[0]): Promise<void> {
  await c.ensureMergeField();
  // status_if_new only: someone who unsubscribed in Mailchimp stays unsubscribed.
  await c.call('PUT', `${c.list}/members/${subscriberHash(s.email)}`, {
    email_address: s.email,
    status_if_new: 'subscribed',
    timestamp_opt: s.consentAt.replace(/\.\d{3}Z$/, 'Z'),
    ...(s.saleStart !== undefined ? { merge_fields: { [c.mergeTag]: s.saleStart ?? '' } } : {}),
  });
  await setTag(c, s.email, s.eventId, 'active');
}

async function isSubscribed(c: MailchimpClient, s: MarketingContact): Promise<boolean> {
  try {
    const m = await c.call<{ status: string }>('GET', `${c.list}/members/${subscriberHash(s.email)}?fields=status`);
    return m?.status === 'subscribed';
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

/** Writes the sale start into the merge field of every member of the event's tag (a static segment). */
async function setSaleStart(c: MailchimpClient, eventId: string, saleStart: string | null): Promise<void> {
  await c.ensureMergeField();
  const segs = await c.call<{ segments: { id: number; name: string }[] }>('GET', `${c.list}/segments?type=static&count=1000&fields=segments.id,segments.name`);
  const seg = segs?.segments.find((x) => x.name === eventTag(eventId));
  if (!seg) return;
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = await c.call<{ members: { id: string; email_address: string }[]; total_items: number }>(
      'GET', `${c.list}/segments/${seg.id}/members?count=${pageSize}&offset=${offset}&fields=members.id,members.email_address,total_items`);
    const members = page?.members ?? [];
    await mapConcurrent(members, c.opts.concurrency ?? 5, (m) => c.call('PATCH', `${c.list}/members/${m.id}`, { merge_fields: { [c.mergeTag]: saleStart ?? '' } }));
    if (members.length < pageSize) break;
  }
}

export function mailchimpMarketing(opts: MailchimpOptions): MarketingToolPort {
  const c = mailchimpClient(opts);
  return {
    upsertSubscriber: (s) => upsertSubscriber(c, s),
    async removeFromEvent(s) {
      try {
        await setTag(c, s.email, s.eventId, 'inactive');
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    },
    isSubscribed: (s) => isSubscribed(c, s),
    setSaleStart: (eventId, saleStart) => setSaleStart(c, eventId, saleStart),
  };
}
