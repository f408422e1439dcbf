// Local stand-in for Wix CRM as site code sees it through `wix-crm-backend`: contacts (with a
// revision that every change bumps; a write carrying a stale revision is refused, as on Wix), labels,
// custom extended fields (at most 100), a contacts query (labels or IDs), email subscription status,
// the Contacts API's bulk jobs (Bulk Update Contacts, Bulk Label and Unlabel Contacts, Get Bulk Job:
// a filter picks the contacts, the job runs after the call returns), and triggered emails delivered
// into a local inbox (SQLite).
// Triggered emails to a contact whose email is UNSUBSCRIBED are not sent, as on Wix; the inbox
// records them as skipped with the reason, so tests can see what Wix would have dropped.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { LocalWixModule, ServerContext } from './app.js';
import { Reply, WixHttpError } from './http.js';
import { Clock } from './clock.js';
import { EmailTemplates } from './emailTemplates.js';
import { renderInbox } from './inboxView.js';
import { registerPushEndpoint } from './pushEndpoint.js';

export type SubscriptionStatus = 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NOT_SET';
const STATUSES: readonly SubscriptionStatus[] = ['SUBSCRIBED', 'UNSUBSCRIBED', 'NOT_SET'];

export interface ContactInput {
  /** `"Ada Lovelace"` or Velo's `{first, last}`. */
  name?: string | { first?: string; last?: string };
  /** Plain addresses or Velo's `{email, tag?}` entries; the first is primary. */
  emails?: (string | { email: string; tag?: string })[];
}

export type ExtendedFieldDataType = 'TEXT' | 'NUMBER' | 'DATE' | 'URL';
const DATA_TYPES: readonly ExtendedFieldDataType[] = ['TEXT', 'NUMBER', 'DATE', 'URL'];
/** Wix allows this many custom extended fields per site. */
export const MAX_CUSTOM_FIELDS = 100;

export interface ExtendedField {
  key: string;
  displayName: string;
  dataType: ExtendedFieldDataType;
  fieldType: 'USER_DEFINED';
  namespace: 'custom';
  _createdDate: string;
  _updatedDate: string;
}

export type ExtendedFieldValue = string | number;

/** What `updateContact` accepts locally: the name and extended fields (null clears a field). */
export interface ContactUpdate {
  name?: { first?: string; last?: string };
  extendedFields?: Record<string, ExtendedFieldValue | null>;
}

/** The contacts query the local CRM answers: `hasSome('info.labelKeys' | '_id', …)`, paged by skip/limit. */
export interface ContactQuery {
  filters?: { op: 'hasSome'; field: string; values: unknown[] }[];
  limit?: number;
  skip?: number;
}

export interface Contact {
  _id: string;
  revision: number;
  _createdDate: string;
  _updatedDate: string;
  info: {
    name: { first?: string; last?: string };
    emails: { email: string; tag: string; primary: boolean; subscriptionStatus: SubscriptionStatus }[];
    labelKeys: string[];
    /** Empty fields are left out, as on Wix. */
    extendedFields: Record<string, ExtendedFieldValue>;
  };
  primaryInfo: { email?: string };
  primaryEmail?: { email: string; subscriptionStatus: SubscriptionStatus };
}

export interface InboxEntry {
  id: string;
  templateId: string;
  contactId: string;
  to: string | null;
  variables: Record<string, unknown>;
  sentAt: string;
  status: 'SENT' | 'SKIPPED';
  reason: string | null;
}

/** Contacts a local bulk job changes before it lets the local Wix's other requests in. */
const BULK_JOB_SLICE = 100;

/** A Contacts API bulk job, as Get Bulk Job answers it. */
export interface BulkJob {
  id: string;
  type: 'UPDATE' | 'ADD_LABELS' | 'REMOVE_LABELS' | 'ADD_REMOVE_LABELS';
  status: 'NEW' | 'RUNNING' | 'COMPLETED';
  startedDate: string;
  finishedDate?: string;
  totalItems: number;
  successTotal: number;
  failedTotal: number;
  errors: { contactId: string; code: string; message: string }[];
}

export interface CrmOptions {
  clock?: Clock;
  templates?: EmailTemplates;
  /** Refuse `emailContact` for a template that has no file (Wix refuses unknown template IDs). Default true. */
  requireTemplate?: boolean;
}

export class CrmError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'REVISION_MISMATCH' | 'RESOURCE_EXHAUSTED', message: string) {
    super(message);
    this.name = 'CrmError';
  }
}

export class LocalCrm {
  readonly clock: Clock;
  readonly templates: EmailTemplates;
  private readonly requireTemplate: boolean;

  constructor(readonly db: Database.Database, opts: CrmOptions | Clock = {}) {
    const o: CrmOptions = opts instanceof Clock ? { clock: opts } : opts;
    this.clock = o.clock ?? new Clock();
    this.templates = o.templates ?? new EmailTemplates();
    this.requireTemplate = o.requireTemplate ?? true;
    db.exec(`
      CREATE TABLE IF NOT EXISTS crm_contacts (id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS crm_contact_emails (contact_id TEXT NOT NULL, email TEXT NOT NULL, tag TEXT NOT NULL DEFAULT 'UNTAGGED', position INTEGER NOT NULL, PRIMARY KEY (contact_id, email));
      CREATE INDEX IF NOT EXISTS crm_contact_emails_email ON crm_contact_emails(email);
      CREATE TABLE IF NOT EXISTS crm_email_subscriptions (email TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS crm_labels (key TEXT PRIMARY KEY, display_name TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS crm_contact_labels (contact_id TEXT NOT NULL, label_key TEXT NOT NULL, PRIMARY KEY (contact_id, label_key));
      CREATE INDEX IF NOT EXISTS crm_contact_labels_label ON crm_contact_labels(label_key);
      CREATE TABLE IF NOT EXISTS crm_extended_fields (key TEXT PRIMARY KEY, display_name TEXT NOT NULL UNIQUE, data_type TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS crm_contact_fields (contact_id TEXT NOT NULL, field_key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (contact_id, field_key));
      CREATE TABLE IF NOT EXISTS inbox (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, template_id TEXT NOT NULL, contact_id TEXT NOT NULL, to_email TEXT,
        variables TEXT NOT NULL, sent_at TEXT NOT NULL, status TEXT NOT NULL, reason TEXT);
      CREATE INDEX IF NOT EXISTS inbox_to ON inbox(to_email);
      CREATE INDEX IF NOT EXISTS inbox_seq ON inbox(seq);
      CREATE TABLE IF NOT EXISTS crm_bulk_jobs (id TEXT PRIMARY KEY, json TEXT NOT NULL);
    `);
    // Databases kept from before contacts had a revision.
    const cols = db.prepare('PRAGMA table_info(crm_contacts)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'revision')) db.exec('ALTER TABLE crm_contacts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1');
  }

  /** Every change to a contact bumps its revision (labels and extended fields included). */
  private touch(contactId: string) {
    this.db.prepare('UPDATE crm_contacts SET revision = revision + 1, updated_at = ? WHERE id = ?').run(this.now(), contactId);
  }

  private now() { return this.clock.now().toISOString(); }

  /** Finds a contact by any of the given emails and appends the new info, or creates one. */
  appendOrCreateContact(input: ContactInput): { contactId: string; identityType: 'CONTACT' } {
    const emails = (input.emails ?? []).map((e) => normalizeEmail(typeof e === 'string' ? e : e?.email));
    const tags = (input.emails ?? []).map((e) => (typeof e === 'string' ? 'UNTAGGED' : e?.tag ?? 'UNTAGGED'));
    const name = typeof input.name === 'string' ? splitName(input.name) : { first: input.name?.first, last: input.name?.last };
    if (emails.length === 0 && !name.first && !name.last) {
      throw new CrmError('INVALID_ARGUMENT', 'A contact needs at least a name or an email');
    }
    const now = this.now();
    return this.db.transaction(() => {
      let id: string | undefined;
      for (const e of emails) {
        const row = this.db.prepare('SELECT contact_id FROM crm_contact_emails WHERE email = ? ORDER BY rowid LIMIT 1').get(e) as { contact_id: string } | undefined;
        if (row) { id = row.contact_id; break; }
      }
      let changed = false;
      if (!id) {
        id = randomUUID();
        this.db.prepare('INSERT INTO crm_contacts (id, first_name, last_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
          .run(id, name.first ?? null, name.last ?? null, now, now);
      } else {
        changed = this.db.prepare('UPDATE crm_contacts SET first_name = COALESCE(?, first_name), last_name = COALESCE(?, last_name) WHERE id = ? AND (first_name IS NOT COALESCE(?, first_name) OR last_name IS NOT COALESCE(?, last_name))')
          .run(name.first ?? null, name.last ?? null, id, name.first ?? null, name.last ?? null).changes > 0;
      }
      const pos = (this.db.prepare('SELECT COUNT(*) AS n FROM crm_contact_emails WHERE contact_id = ?').get(id) as { n: number }).n;
      emails.forEach((e, i) => {
        if (this.db.prepare('INSERT OR IGNORE INTO crm_contact_emails (contact_id, email, tag, position) VALUES (?, ?, ?, ?)').run(id, e, tags[i], pos + i).changes) changed = true;
      });
      // Appending what the contact already has changes nothing, and leaves the revision as it is.
      if (changed && pos > 0) this.touch(id);
      return { contactId: id, identityType: 'CONTACT' as const };
    })();
  }

  getContact(contactId: string): Contact {
    const c = this.db.prepare('SELECT * FROM crm_contacts WHERE id = ?').get(contactId) as
      { id: string; revision: number; first_name: string | null; last_name: string | null; created_at: string; updated_at: string } | undefined;
    if (!c) throw new CrmError('NOT_FOUND', `Contact ${contactId} not found`);
    const emails = (this.db.prepare('SELECT email, tag FROM crm_contact_emails WHERE contact_id = ? ORDER BY position').all(contactId) as { email: string; tag: string }[])
      .map((e, i) => ({ email: e.email, tag: e.tag, primary: i === 0, subscriptionStatus: this.getEmailSubscription(e.email) }));
    const labelKeys = (this.db.prepare('SELECT label_key FROM crm_contact_labels WHERE contact_id = ? ORDER BY label_key').all(contactId) as { label_key: string }[]).map((r) => r.label_key);
    const extendedFields: Record<string, ExtendedFieldValue> = {};
    for (const f of this.db.prepare('SELECT f.field_key, f.value, d.data_type FROM crm_contact_fields f JOIN crm_extended_fields d ON d.key = f.field_key WHERE f.contact_id = ? ORDER BY f.field_key').all(contactId) as { field_key: string; value: string; data_type: ExtendedFieldDataType }[]) {
      extendedFields[f.field_key] = f.data_type === 'NUMBER' ? Number(f.value) : f.value;
    }
    const primary = emails[0];
    return {
      _id: c.id,
      revision: c.revision,
      _createdDate: c.created_at,
      _updatedDate: c.updated_at,
      info: { name: { ...(c.first_name ? { first: c.first_name } : {}), ...(c.last_name ? { last: c.last_name } : {}) }, emails, labelKeys, extendedFields },
      primaryInfo: primary ? { email: primary.email } : {},
      ...(primary ? { primaryEmail: { email: primary.email, subscriptionStatus: primary.subscriptionStatus } } : {}),
    };
  }

  listContacts(): Contact[] {
    const ids = this.db.prepare('SELECT id FROM crm_contacts ORDER BY created_at, rowid').all() as { id: string }[];
    return ids.map((r) => this.getContact(r.id));
  }

  getEmailSubscription(email: string): SubscriptionStatus {
    const row = this.db.prepare('SELECT status FROM crm_email_subscriptions WHERE email = ?').get(normalizeEmail(email)) as { status: SubscriptionStatus } | undefined;
    return row?.status ?? 'NOT_SET';
  }

  setEmailSubscription(email: string, status: SubscriptionStatus): { email: string; subscriptionStatus: SubscriptionStatus } {
    if (!STATUSES.includes(status)) throw new CrmError('INVALID_ARGUMENT', `status must be one of ${STATUSES.join(', ')}`);
    const e = normalizeEmail(email);
    this.db.prepare('INSERT INTO crm_email_subscriptions (email, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(email) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at')
      .run(e, status, this.now());
    return { email: e, subscriptionStatus: status };
  }

  findOrCreateLabel(displayName: string): { label: { key: string; displayName: string }; newLabel: boolean } {
    const name = String(displayName ?? '').trim();
    if (!name) throw new CrmError('INVALID_ARGUMENT', 'displayName is required');
    const existing = this.db.prepare('SELECT key, display_name FROM crm_labels WHERE lower(display_name) = lower(?)').get(name) as { key: string; display_name: string } | undefined;
    if (existing) return { label: { key: existing.key, displayName: existing.display_name }, newLabel: false };
    const base = `custom.${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'label'}`;
    let key = base;
    for (let i = 2; this.db.prepare('SELECT 1 FROM crm_labels WHERE key = ?').get(key); i++) key = `${base}-${i}`;
    this.db.prepare('INSERT INTO crm_labels (key, display_name) VALUES (?, ?)').run(key, name);
    return { label: { key, displayName: name }, newLabel: true };
  }

  labelContact(contactId: string, labelKeys: string[]): Contact {
    this.getContact(contactId);
    for (const k of labelKeys) {
      if (!this.db.prepare('SELECT 1 FROM crm_labels WHERE key = ?').get(k)) throw new CrmError('NOT_FOUND', `Label ${k} not found`);
    }
    let changed = 0;
    for (const k of labelKeys) changed += this.db.prepare('INSERT OR IGNORE INTO crm_contact_labels (contact_id, label_key) VALUES (?, ?)').run(contactId, k).changes;
    if (changed) this.touch(contactId);
    return this.getContact(contactId);
  }

  unlabelContact(contactId: string, labelKeys: string[]): Contact {
    this.getContact(contactId);
    let changed = 0;
    for (const k of labelKeys) changed += this.db.prepare('DELETE FROM crm_contact_labels WHERE contact_id = ? AND label_key = ?').run(contactId, k).changes;
    if (changed) this.touch(contactId);
    return this.getContact(contactId);
  }

  /**
   * `contacts.findOrCreateExtendedField`: the custom field whose display name matches exactly, or a
   * new one (key `custom.<slug>`); `dataType` is ignored for an existing field. At most 100 custom fields.
   */
  findOrCreateExtendedField(info: { displayName?: string; dataType?: string }): { extendedField: ExtendedField; newExtendedField: boolean } {
    const name = String(info?.displayName ?? '').trim();
    if (!name) throw new CrmError('INVALID_ARGUMENT', 'displayName is required');
    type Row = { key: string; display_name: string; data_type: ExtendedFieldDataType; created_at: string };
    const toField = (r: Row): ExtendedField => ({ key: r.key, displayName: r.display_name, dataType: r.data_type, fieldType: 'USER_DEFINED', namespace: 'custom', _createdDate: r.created_at, _updatedDate: r.created_at });
    return this.db.transaction(() => {
      const existing = this.db.prepare('SELECT * FROM crm_extended_fields WHERE display_name = ?').get(name) as Row | undefined;
      if (existing) return { extendedField: toField(existing), newExtendedField: false };
      if (!DATA_TYPES.includes(info.dataType as ExtendedFieldDataType)) throw new CrmError('INVALID_ARGUMENT', `dataType must be one of ${DATA_TYPES.join(', ')}`);
      const n = (this.db.prepare('SELECT COUNT(*) AS n FROM crm_extended_fields').get() as { n: number }).n;
      if (n >= MAX_CUSTOM_FIELDS) throw new CrmError('RESOURCE_EXHAUSTED', `A site has at most ${MAX_CUSTOM_FIELDS} custom fields`);
      const base = `custom.${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'field'}`;
      let key = base;
      for (let i = 2; this.db.prepare('SELECT 1 FROM crm_extended_fields WHERE key = ?').get(key); i++) key = `${base}-${i}`;
      const row: Row = { key, display_name: name, data_type: info.dataType as ExtendedFieldDataType, created_at: this.now() };
      this.db.prepare('INSERT INTO crm_extended_fields (key, display_name, data_type, created_at) VALUES (?, ?, ?, ?)').run(row.key, row.display_name, row.data_type, row.created_at);
      return { extendedField: toField(row), newExtendedField: true };
    })();
  }

  /**
   * `contacts.queryContacts()…find()`: only `hasSome('info.labelKeys', keys)` and `hasSome('_id', ids)` are supported (anything
   * else is refused, so site code never relies on a filter the local CRM ignores). Wix's default order,
   * newest first; limit 50 by default, at most 1,000.
   */
  queryContacts(q: ContactQuery = {}): { items: Contact[]; totalCount: number } {
    const limit = q.limit ?? 50;
    const skip = q.skip ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CrmError('INVALID_ARGUMENT', 'limit must be between 1 and 1000');
    if (!Number.isInteger(skip) || skip < 0) throw new CrmError('INVALID_ARGUMENT', 'skip must be 0 or more');
    const where: string[] = [];
    const args: unknown[] = [];
    for (const f of q.filters ?? []) {
      if (f.op !== 'hasSome' || (f.field !== 'info.labelKeys' && f.field !== '_id')) throw new CrmError('INVALID_ARGUMENT', `The local CRM does not support ${f.op}('${f.field}') on contacts`);
      const values = f.values.map(String);
      if (values.length === 0) { where.push('0'); continue; }
      const list = values.map(() => '?').join(', ');
      where.push(f.field === '_id' ? `id IN (${list})` : `id IN (SELECT contact_id FROM crm_contact_labels WHERE label_key IN (${list}))`);
      args.push(...values);
    }
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const totalCount = (this.db.prepare(`SELECT COUNT(*) AS n FROM crm_contacts ${cond}`).get(...args) as { n: number }).n;
    const ids = this.db.prepare(`SELECT id FROM crm_contacts ${cond} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`).all(...args, limit, skip) as { id: string }[];
    return { items: ids.map((r) => this.getContact(r.id)), totalCount };
  }

  /**
   * `contacts.updateContact({contactId, revision}, info)`: only the properties passed change (here the
   * name and extended fields; `extendedFields[key] = null` clears one). A revision other than the
   * contact's current one is refused with REVISION_MISMATCH; a successful update bumps it.
   */
  updateContact(identifiers: { contactId?: string; revision?: number }, info: ContactUpdate = {}): Contact {
    const contactId = String(identifiers?.contactId ?? '');
    if (!Number.isInteger(identifiers?.revision)) throw new CrmError('INVALID_ARGUMENT', 'revision is required');
    const unsupported = Object.keys(info ?? {}).filter((k) => k !== 'name' && k !== 'extendedFields');
    if (unsupported.length) throw new CrmError('INVALID_ARGUMENT', `The local CRM cannot update ${unsupported.join(', ')}`);
    return this.db.transaction(() => {
      const current = this.getContact(contactId);
      if (current.revision !== identifiers.revision) {
        throw new CrmError('REVISION_MISMATCH', `Contact ${contactId} is at revision ${current.revision}, not ${identifiers.revision}`);
      }
      for (const [key, value] of Object.entries(info.extendedFields ?? {})) {
        const def = this.db.prepare('SELECT data_type FROM crm_extended_fields WHERE key = ?').get(key) as { data_type: ExtendedFieldDataType } | undefined;
        if (!def) throw new CrmError('NOT_FOUND', `Extended field ${key} not found`);
        if (value === null || value === undefined || value === '') {
          this.db.prepare('DELETE FROM crm_contact_fields WHERE contact_id = ? AND field_key = ?').run(contactId, key);
          continue;
        }
        this.db.prepare('INSERT INTO crm_contact_fields (contact_id, field_key, value) VALUES (?, ?, ?) ON CONFLICT(contact_id, field_key) DO UPDATE SET value = excluded.value')
          .run(contactId, key, checkFieldValue(key, def.data_type, value));
      }
      if (info.name) {
        this.db.prepare('UPDATE crm_contacts SET first_name = ?, last_name = ? WHERE id = ?').run(info.name.first ?? null, info.name.last ?? null, contactId);
      }
      this.touch(contactId);
      return this.getContact(contactId);
    })();
  }

  /** The IDs of the contacts a Contacts API v4 `filter` matches (the subset of the query language the local CRM knows). */
  private contactsMatching(filter: unknown): string[] {
    if (!filter || typeof filter !== 'object' || Array.isArray(filter) || !Object.keys(filter).length) {
      throw new CrmError('INVALID_ARGUMENT', 'filter is required (the local CRM does not run a bulk job over every contact, nor answer `search`)');
    }
    const where: string[] = [];
    const args: unknown[] = [];
    const list = (v: unknown, field: string, op: string): string[] => {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new CrmError('INVALID_ARGUMENT', `filter.${field}.${op} must be a list of strings`);
      return v as string[];
    };
    for (const [field, cond] of Object.entries(filter as Record<string, unknown>)) {
      const ops = cond && typeof cond === 'object' && !Array.isArray(cond) ? (cond as Record<string, unknown>) : { $eq: cond };
      for (const [op, v] of Object.entries(ops)) {
        if (field === 'id' && op === '$eq' && typeof v === 'string') { where.push('id = ?'); args.push(v); }
        else if (field === 'id' && op === '$in') { const ids = list(v, field, op); where.push(ids.length ? `id IN (${ids.map(() => '?').join(', ')})` : '0'); args.push(...ids); }
        else if (field === 'info.labelKeys' && (op === '$hasSome' || op === '$hasAll')) {
          const keys = list(v, field, op);
          if (!keys.length) { where.push('0'); continue; }
          if (op === '$hasSome') { where.push(`id IN (SELECT contact_id FROM crm_contact_labels WHERE label_key IN (${keys.map(() => '?').join(', ')}))`); args.push(...keys); }
          else for (const k of keys) { where.push('id IN (SELECT contact_id FROM crm_contact_labels WHERE label_key = ?)'); args.push(k); }
        } else throw new CrmError('INVALID_ARGUMENT', `The local CRM does not support filter ${field}.${op} in bulk jobs (supported: id $eq/$in, info.labelKeys $hasSome/$hasAll)`);
      }
    }
    return (this.db.prepare(`SELECT id FROM crm_contacts WHERE ${where.join(' AND ')} ORDER BY rowid`).all(...args) as { id: string }[]).map((r) => r.id);
  }

  private saveJob(job: BulkJob) { this.db.prepare('INSERT INTO crm_bulk_jobs (id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json').run(job.id, JSON.stringify(job)); }

  /**
   * Starts a bulk job over the contacts `filter` matches and returns its ID at once; the job runs after
   * the call returns (Wix: "the job may not complete right away"), one contact at a time, each change
   * bumping that contact's revision. A contact that fails is counted in `failedTotal` with its error.
   * It runs in slices of `BULK_JOB_SLICE` contacts, yielding between them, so a job over thousands of
   * contacts does not hold up the local Wix's other requests (on Wix it runs on Wix's side); Get Bulk
   * Job shows it RUNNING with its totals so far.
   */
  private startJob(type: BulkJob['type'], filter: unknown, apply: (contactId: string) => void): { jobId: string } {
    const ids = this.contactsMatching(filter);
    const job: BulkJob = { id: randomUUID(), type, status: 'NEW', startedDate: this.now(), totalItems: ids.length, successTotal: 0, failedTotal: 0, errors: [] };
    this.saveJob(job);
    let next = 0;
    const slice = () => {
      job.status = 'RUNNING';
      for (const end = Math.min(ids.length, next + BULK_JOB_SLICE); next < end; next++) {
        const id = ids[next]!;
        try {
          this.db.transaction(() => apply(id))();
          job.successTotal++;
        } catch (e) {
          job.failedTotal++;
          if (job.errors.length < 100) job.errors.push({ contactId: id, code: e instanceof CrmError ? e.code : 'INTERNAL', message: String((e as Error)?.message ?? e) });
        }
      }
      if (next < ids.length) {
        this.saveJob(job);
        setImmediate(slice);
        return;
      }
      job.status = 'COMPLETED';
      job.finishedDate = this.now();
      this.saveJob(job);
    };
    setImmediate(slice);
    return { jobId: job.id };
  }

  /**
   * Bulk Update Contacts (`POST /contacts/v4/bulk/contacts/update`, SDK `contacts.bulkUpdateContacts`):
   * the fields named in `fieldMask.paths` are set from `info` on every contact the filter matches; a
   * masked field with no value in `info` is cleared, as Wix documents field masks. The local CRM
   * updates extended fields only (`info.extendedFields.<key>`; the value in `info.extendedFields.items`).
   */
  bulkUpdateContacts(req: { filter?: unknown; search?: unknown; info?: { extendedFields?: { items?: Record<string, unknown> } }; fieldMask?: { paths?: unknown } }): { jobId: string } {
    if (req?.search !== undefined) throw new CrmError('INVALID_ARGUMENT', 'The local CRM does not answer `search` in bulk jobs; use `filter`');
    const paths = req?.fieldMask?.paths;
    if (!Array.isArray(paths) || !paths.length || paths.some((p) => typeof p !== 'string')) throw new CrmError('INVALID_ARGUMENT', 'fieldMask.paths must list the fields to update');
    const keys = (paths as string[]).map((p) => {
      if (!p.startsWith('info.extendedFields.') || p === 'info.extendedFields.items') throw new CrmError('INVALID_ARGUMENT', `The local CRM cannot bulk-update ${p} (only info.extendedFields.<key>)`);
      return p.slice('info.extendedFields.'.length);
    });
    const items = req.info?.extendedFields?.items ?? {};
    const fields = keys.map((key) => {
      const def = this.db.prepare('SELECT data_type FROM crm_extended_fields WHERE key = ?').get(key) as { data_type: ExtendedFieldDataType } | undefined;
      if (!def) throw new CrmError('NOT_FOUND', `Extended field ${key} not found`);
      const v = items[key];
      return { key, value: v === null || v === undefined || v === '' ? null : checkFieldValue(key, def.data_type, v) };
    });
    return this.startJob('UPDATE', req.filter, (id) => {
      for (const f of fields) {
        if (f.value === null) this.db.prepare('DELETE FROM crm_contact_fields WHERE contact_id = ? AND field_key = ?').run(id, f.key);
        else this.db.prepare('INSERT INTO crm_contact_fields (contact_id, field_key, value) VALUES (?, ?, ?) ON CONFLICT(contact_id, field_key) DO UPDATE SET value = excluded.value').run(id, f.key, f.value);
      }
      this.touch(id);
    });
  }

  /** Bulk Label and Unlabel Contacts (`POST /contacts/v4/bulk/contacts/add-remove-labels`). Labels must exist. */
  bulkLabelAndUnlabelContacts(req: { filter?: unknown; search?: unknown; labelKeysToAdd?: unknown; labelKeysToRemove?: unknown }): { jobId: string } {
    if (req?.search !== undefined) throw new CrmError('INVALID_ARGUMENT', 'The local CRM does not answer `search` in bulk jobs; use `filter`');
    const keys = (v: unknown, name: string): string[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((k) => typeof k !== 'string')) throw new CrmError('INVALID_ARGUMENT', `${name} must be a list of label keys`);
      return v as string[];
    };
    const add = keys(req?.labelKeysToAdd, 'labelKeysToAdd');
    const remove = keys(req?.labelKeysToRemove, 'labelKeysToRemove');
    if (!add.length && !remove.length) throw new CrmError('INVALID_ARGUMENT', 'labelKeysToAdd or labelKeysToRemove is required');
    for (const k of add) if (!this.db.prepare('SELECT 1 FROM crm_labels WHERE key = ?').get(k)) throw new CrmError('NOT_FOUND', `Label ${k} not found`);
    const type = add.length && remove.length ? 'ADD_REMOVE_LABELS' : add.length ? 'ADD_LABELS' : 'REMOVE_LABELS';
    return this.startJob(type, req.filter, (id) => {
      let changed = 0;
      for (const k of add) changed += this.db.prepare('INSERT OR IGNORE INTO crm_contact_labels (contact_id, label_key) VALUES (?, ?)').run(id, k).changes;
      for (const k of remove) changed += this.db.prepare('DELETE FROM crm_contact_labels WHERE contact_id = ? AND label_key = ?').run(id, k).changes;
      if (changed) this.touch(id);
    });
  }

  /** Get Bulk Job (`GET /contacts/v4/bulk/jobs/{jobId}`). */
  getBulkJob(jobId: string): BulkJob {
    const row = this.db.prepare('SELECT json FROM crm_bulk_jobs WHERE id = ?').get(jobId) as { json: string } | undefined;
    if (!row) throw new CrmError('NOT_FOUND', `Bulk job ${jobId} not found`);
    return JSON.parse(row.json) as BulkJob;
  }

  /**
   * `triggeredEmails.emailContact`: the email goes to the contact's primary address, unless that
   * address is UNSUBSCRIBED (then it is recorded as skipped). Unknown contact or template: throws.
   */
  emailContact(templateId: string, contactId: string, options: { variables?: Record<string, unknown> } = {}): InboxEntry {
    if (typeof templateId !== 'string' || !templateId) throw new CrmError('INVALID_ARGUMENT', 'templateId is required');
    if (this.requireTemplate && !this.templates.has(templateId)) throw new CrmError('NOT_FOUND', `Triggered email template ${templateId} not found`);
    const variables = options.variables ?? {};
    for (const [k, v] of Object.entries(variables)) {
      if (v !== null && typeof v === 'object') throw new CrmError('INVALID_ARGUMENT', `variables.${k} must be a string or number`);
    }
    const contact = this.getContact(contactId);
    const to = contact.primaryEmail?.email ?? null;
    let status: InboxEntry['status'] = 'SENT';
    let reason: string | null = null;
    if (!to) { status = 'SKIPPED'; reason = 'Contact has no email address'; }
    else if (contact.primaryEmail?.subscriptionStatus === 'UNSUBSCRIBED') { status = 'SKIPPED'; reason = 'Contact unsubscribed from emails'; }
    const entry: InboxEntry = { id: randomUUID(), templateId, contactId, to, variables, sentAt: this.now(), status, reason };
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM inbox').get() as { n: number }).n;
    this.db.prepare('INSERT INTO inbox (id, seq, template_id, contact_id, to_email, variables, sent_at, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.id, seq, templateId, contactId, to, JSON.stringify(variables), entry.sentAt, status, reason);
    return entry;
  }

  /** Inbox entries, oldest first; `to` filters by recipient; `includeSkipped` defaults to true. */
  inbox(filter: { to?: string; status?: 'SENT' | 'SKIPPED' } = {}): InboxEntry[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.to) { where.push('to_email = ?'); args.push(normalizeEmail(filter.to)); }
    if (filter.status) { where.push('status = ?'); args.push(filter.status); }
    const rows = this.db.prepare(`SELECT * FROM inbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`).all(...args) as
      { id: string; template_id: string; contact_id: string; to_email: string | null; variables: string; sent_at: string; status: 'SENT' | 'SKIPPED'; reason: string | null }[];
    return rows.map((r) => ({ id: r.id, templateId: r.template_id, contactId: r.contact_id, to: r.to_email, variables: JSON.parse(r.variables), sentAt: r.sent_at, status: r.status, reason: r.reason }));
  }

  clearInbox() { this.db.prepare('DELETE FROM inbox').run(); }
}

/** Extended field values as Wix accepts them per data type (DATE: `YYYY-MM-DD`). */
function checkFieldValue(key: string, type: ExtendedFieldDataType, value: unknown): string {
  const bad = (what: string) => new CrmError('INVALID_ARGUMENT', `extendedFields.${key} must be ${what}`);
  switch (type) {
    case 'NUMBER':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
      return String(value);
    case 'DATE': {
      const s = String(value);
      const t = Date.parse(`${s}T00:00:00Z`);
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s) throw bad('a date as YYYY-MM-DD');
      return s;
    }
    default:
      if (typeof value !== 'string') throw bad('a string');
      return type === 'URL' && !/^[a-z][a-z0-9+.-]*:/i.test(value) ? `https://${value}` : value;
  }
}

function normalizeEmail(e: unknown): string {
  const s = String(e ?? '').trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(s)) throw new CrmError('INVALID_ARGUMENT', `Invalid email address: ${String(e)}`);
  return s;
}

function splitName(full: string): { first?: string; last?: string } {
  const parts = full.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  return parts.length === 1 ? { first: parts[0] } : { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1] };
}

const instances = new WeakMap<Database.Database, LocalCrm>();

/** The one LocalCrm of a local Wix database (the Velo host's `wix-crm-backend` uses the same one). */
export function crmFor(db: Database.Database, opts: CrmOptions = {}): LocalCrm {
  let crm = instances.get(db);
  if (!crm) instances.set(db, (crm = new LocalCrm(db, opts)));
  return crm;
}

function toHttp<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CrmError) {
      if (err.code === 'NOT_FOUND') throw WixHttpError.notFound(err.code, err.message);
      if (err.code === 'REVISION_MISMATCH') throw WixHttpError.application(409, err.code, err.message);
      if (err.code === 'RESOURCE_EXHAUSTED') throw WixHttpError.application(429, err.code, err.message);
      throw WixHttpError.validation('body', err.message);
    }
    throw err;
  }
}

/** HTTP surface of the local CRM, inbox and web-push receiver. */
export function createCrmModule(opts: CrmOptions = {}): LocalWixModule {
  return (ctx: ServerContext) => {
    const crm = crmFor(ctx.db, { clock: ctx.clock, ...opts });
    const r = ctx.router;
    r.get('/_local/inbox', (req) => {
      const to = req.url.searchParams.get('to') ?? undefined;
      const status = req.url.searchParams.get('status');
      return toHttp(() => ({ emails: crm.inbox({ to, ...(status === 'SENT' || status === 'SKIPPED' ? { status } : {}) }) }));
    });
    r.get('/_local/inbox.html', (req) => {
      const to = req.url.searchParams.get('to') ?? undefined;
      const html = toHttp(() => renderInbox(crm.inbox({ to }), crm.templates));
      return Reply.html(html, { headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" } });
    });
    r.delete('/_local/inbox', () => { crm.clearInbox(); return {}; });
    r.get('/_local/contacts', () => ({ contacts: crm.listContacts() }));
    r.get('/_local/contacts/:id', (req) => ({ contact: toHttp(() => crm.getContact(req.params.id!)) }));
    r.post('/_local/contacts', (req) => toHttp(() => crm.appendOrCreateContact(req.body as ContactInput)));
    r.post('/_local/contacts/subscription', (req) => {
      const b = req.body as { email?: string; status?: SubscriptionStatus };
      return toHttp(() => crm.setEmailSubscription(String(b.email ?? ''), b.status as SubscriptionStatus));
    });
    r.post('/_local/contacts/:id/labels', (req) => {
      const b = req.body as { labelKeys?: string[]; displayNames?: string[] };
      return toHttp(() => {
        const keys = [...(b.labelKeys ?? []), ...(b.displayNames ?? []).map((n) => crm.findOrCreateLabel(n).label.key)];
        return { contact: crm.labelContact(req.params.id!, keys) };
      });
    });
    r.post('/_local/triggered-emails', (req) => {
      const b = req.body as { templateId?: string; contactId?: string; variables?: Record<string, unknown> };
      return toHttp(() => ({ email: crm.emailContact(String(b.templateId ?? ''), String(b.contactId ?? ''), { variables: b.variables }) }));
    });
    // The Contacts API's bulk jobs, at Wix's REST paths (what `@wix/crm`'s bulk methods and
    // `httpClient.fetchWithAuth` call). Admin only, as on Wix (Manage Contacts).
    const admin = (req: Parameters<typeof ctx.identity>[0]) => {
      const who = ctx.identity(req);
      if (who.role !== 'ADMIN') throw WixHttpError.application(403, 'PERMISSION_DENIED', `Caller (${who.role}) is not permitted to manage contacts; elevated permissions are required`);
    };
    r.post('/contacts/v4/bulk/contacts/update', (req) => { admin(req); return toHttp(() => crm.bulkUpdateContacts(req.body as never)); });
    r.post('/contacts/v4/bulk/contacts/add-remove-labels', (req) => { admin(req); return toHttp(() => crm.bulkLabelAndUnlabelContacts(req.body as never)); });
    r.get('/contacts/v4/bulk/jobs/:jobId', (req) => { admin(req); return { job: toHttp(() => crm.getBulkJob(req.params.jobId!)) }; });
    registerPushEndpoint(ctx);
  };
}

export const crmModule: LocalWixModule = createCrmModule();
