// A local Mailchimp Marketing API v3 for connector tests, following the documented behaviour of the
// endpoints the connector uses: members keyed by the MD5 of the lower-cased email (PUT upsert with
// `status_if_new`, GET, PATCH), member tags (POST …/tags, 204; a new active tag creates a static
// segment), static segments and their members, merge fields (unknown merge tags are refused).
// Errors are problem+json `{type,title,status,detail,instance}`; auth is HTTP Basic with the API key.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Status = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';
interface Member { id: string; email_address: string; status: Status; merge_fields: Record<string, string>; tags: Set<string>; timestamp_opt: string; last_changed: string }
interface MergeField { merge_id: number; tag: string; name: string; type: string }

export interface MailchimpServer {
  /** Base URL to give the connector (`…/3.0`). */
  url: string;
  apiKey: string;
  listId: string;
  members: Map<string, Member>;
  mergeFields: MergeField[];
  segments: Map<number, string>;
  requests: { method: string; path: string }[];
  /** What a member clicking "unsubscribe" in a Mailchimp campaign does. */
  setStatus(email: string, status: Status): void;
  close(): Promise<void>;
}

const STATUSES: Status[] = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived'];
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

class Problem extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string, readonly errors?: { field: string; message: string }[]) { super(detail); }
}

export async function startMailchimpServer(opts: { apiKey?: string; listId?: string } = {}): Promise<MailchimpServer> {
  const apiKey = opts.apiKey ?? 'abc123def456-us21';
  const listId = opts.listId ?? 'a1b2c3d4e5';
  const members = new Map<string, Member>();
  const mergeFields: MergeField[] = [
    { merge_id: 1, tag: 'FNAME', name: 'First Name', type: 'text' },
    { merge_id: 2, tag: 'LNAME', name: 'Last Name', type: 'text' },
  ];
  const segments = new Map<number, string>();
  const requests: { method: string; path: string }[] = [];
  let nextSegment = 1000;
  let inFlight = 0;

  const memberJson = (m: Member) => ({
    id: m.id, email_address: m.email_address, unique_email_id: m.id.slice(0, 10), status: m.status, merge_fields: m.merge_fields,
    tags_count: m.tags.size, tags: [...m.tags].map((name) => ({ id: segmentId(name), name })), list_id: listId,
    timestamp_opt: m.timestamp_opt, last_changed: m.last_changed,
  });
  const segmentId = (name: string) => [...segments].find(([, n]) => n === name)?.[0] ?? 0;
  const validateMergeFields = (mf: unknown) => {
    if (mf === undefined) return {};
    if (!mf || typeof mf !== 'object') throw new Problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'merge_fields', message: 'Schema describes object' }]);
    const bad = Object.keys(mf).filter((k) => !mergeFields.some((f) => f.tag === k));
    if (bad.length) throw new Problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', bad.map((field) => ({ field, message: 'This merge field does not exist' })));
    return mf as Record<string, string>;
  };

  function route(method: string, url: URL, body: any): { status: number; json?: unknown } {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (!(m = /^\/3\.0\/lists\/([^/]+)(\/.*)?$/.exec(p))) throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    if (m[1] !== listId) throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    const rest = m[2] ?? '';
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const count = Math.min(1000, Number(url.searchParams.get('count') ?? 10));

    if (rest === '/merge-fields' && method === 'GET') return { status: 200, json: { merge_fields: mergeFields.slice(offset, offset + count), list_id: listId, total_items: mergeFields.length } };
    if (rest === '/merge-fields' && method === 'POST') {
      if (!body?.name || !body?.type) throw new Problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'name', message: 'Required' }]);
      const tag = String(body.tag ?? body.name).toUpperCase().slice(0, 10);
      if (mergeFields.some((f) => f.tag === tag)) throw new Problem(400, 'Invalid Resource', `A Merge Field with the tag "${tag}" already exists for this list.`);
      const f = { merge_id: mergeFields.length + 1, tag, name: body.name, type: body.type };
      mergeFields.push(f);
      return { status: 200, json: f };
    }
    if (rest === '/segments' && method === 'GET') {
      const all = [...segments].map(([id, name]) => ({ id, name, type: 'static', member_count: [...members.values()].filter((x) => x.tags.has(name)).length, list_id: listId }));
      return { status: 200, json: { segments: all.slice(offset, offset + count), list_id: listId, total_items: all.length } };
    }
    if ((m = /^\/segments\/(\d+)\/members$/.exec(rest)) && method === 'GET') {
      const name = segments.get(Number(m[1]));
      if (!name) throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
      const all = [...members.values()].filter((x) => x.tags.has(name));
      return { status: 200, json: { members: all.slice(offset, offset + count).map(memberJson), total_items: all.length } };
    }
    if ((m = /^\/members\/([0-9a-f]{32})(\/tags)?$/.exec(rest))) {
      const hash = m[1]!;
      const existing = members.get(hash);
      if (m[2]) {
        if (method !== 'POST') throw new Problem(405, 'Method Not Allowed', '');
        if (!existing) throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
        if (!Array.isArray(body?.tags)) throw new Problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'tags', message: 'Required' }]);
        for (const t of body.tags) {
          if (t.status === 'active') {
            if (!segmentId(t.name)) segments.set(nextSegment++, t.name);
            existing.tags.add(t.name);
          } else if (t.status === 'inactive') existing.tags.delete(t.name);
          else throw new Problem(400, 'Invalid Resource', 'Tag status must be active or inactive.');
        }
        return { status: 204 };
      }
      if (method === 'GET') {
        if (!existing) throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
        return { status: 200, json: memberJson(existing) };
      }
      if (method === 'PUT') {
        const email = String(body?.email_address ?? '');
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Problem(400, 'Invalid Resource', 'Please provide a valid email address.');
        if (md5(email.toLowerCase()) !== hash) throw new Problem(400, 'Invalid Resource', 'The subscriber hash does not match the email address.');
        const mf = validateMergeFields(body.merge_fields);
        const now = new Date().toISOString();
        if (!existing) {
          const status = (body.status ?? body.status_if_new) as Status;
          if (!STATUSES.includes(status)) throw new Problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'status_if_new', message: 'Required for new members' }]);
          const mem: Member = { id: hash, email_address: email, status, merge_fields: { FNAME: '', LNAME: '', ...Object.fromEntries(mergeFields.map((f) => [f.tag, ''])), ...mf }, tags: new Set(), timestamp_opt: body.timestamp_opt ?? now, last_changed: now };
          members.set(hash, mem);
          return { status: 200, json: memberJson(mem) };
        }
        if (body.status) {
          if (existing.status === 'unsubscribed' && body.status === 'subscribed') throw new Problem(400, 'Member In Compliance State', `${email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`);
          existing.status = body.status;
        }
        Object.assign(existing.merge_fields, mf);
        existing.last_changed = now;
        return { status: 200, json: memberJson(existing) };
      }
      if (method === 'PATCH') {
        if (!existing) throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
        Object.assign(existing.merge_fields, validateMergeFields(body?.merge_fields));
        if (body?.status) existing.status = body.status;
        existing.last_changed = new Date().toISOString();
        return { status: 200, json: memberJson(existing) };
      }
    }
    throw new Problem(404, 'Resource Not Found', 'The requested resource could not be found.');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      requests.push({ method: req.method ?? 'GET', path: url.pathname });
      const send = (status: number, json?: unknown, type = 'application/json') => {
        res.writeHead(status, json === undefined ? {} : { 'content-type': type });
        res.end(json === undefined ? undefined : JSON.stringify(json));
      };
      inFlight++;
      try {
        if (inFlight > 10) throw new Problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.');
        const auth = String(req.headers.authorization ?? '');
        const given = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':') : '';
        if (given !== apiKey) throw new Problem(401, 'API Key Invalid', 'Your API key may be invalid, or you\'ve attempted to access the wrong datacenter.');
        const text = Buffer.concat(chunks).toString();
        let body: unknown = undefined;
        if (text) {
          try { body = JSON.parse(text); } catch { throw new Problem(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.'); }
        }
        const r = route(req.method ?? 'GET', url, body);
        send(r.status, r.json);
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        send(e.status, {
          type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: e.title, status: e.status, detail: e.detail, instance: randomUUID(),
          ...(e.errors ? { errors: e.errors } : {}),
        }, 'application/problem+json');
      } finally {
        setTimeout(() => inFlight--, 0);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/3.0`;
  return {
    url, apiKey, listId, members, mergeFields, segments, requests,
    setStatus(email, status) {
      const m = members.get(md5(email.toLowerCase()));
      if (!m) throw new Error(`no member ${email}`);
      m.status = status;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
