// Local CRM (the stand-in for `wix-crm-backend` contacts): revisions, custom extended fields, the
// labelled-contacts query, and updateContact refusing a stale revision, as Wix does.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CrmError, LocalCrm, MAX_CUSTOM_FIELDS } from '../../local-wix/server/crm.js';

const newCrm = () => new LocalCrm(new Database(':memory:'));

describe('local CRM contacts: revisions and extended fields', () => {
  it('refuses an update with a stale revision and leaves the contact as it was', () => {
    const crm = newCrm();
    const { contactId } = crm.appendOrCreateContact({ emails: ['ada@x.io'] });
    const key = crm.findOrCreateExtendedField({ displayName: 'Ticket sale starts', dataType: 'DATE' }).extendedField.key;
    const read = crm.getContact(contactId);
    expect(read.revision).toBe(1);
    expect(read.info.extendedFields).toEqual({});

    // Someone else changes the contact: its revision moves on.
    crm.labelContact(contactId, [crm.findOrCreateLabel('VIP').label.key]);
    expect(crm.getContact(contactId).revision).toBe(2);
    crm.labelContact(contactId, [crm.findOrCreateLabel('VIP').label.key]); // already there: no change
    expect(crm.getContact(contactId).revision).toBe(2);

    let err: unknown;
    try { crm.updateContact({ contactId, revision: read.revision }, { extendedFields: { [key]: '2026-03-05' } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CrmError);
    expect((err as CrmError).code).toBe('REVISION_MISMATCH');
    expect(crm.getContact(contactId).info.extendedFields).toEqual({});
    expect(() => crm.updateContact({ contactId }, { extendedFields: { [key]: '2026-03-05' } })).toThrow(/revision is required/);

    const updated = crm.updateContact({ contactId, revision: 2 }, { extendedFields: { [key]: '2026-03-05' } });
    expect(updated.revision).toBe(3);
    expect(updated.info.extendedFields).toEqual({ [key]: '2026-03-05' });
    expect(updated.info.labelKeys).toHaveLength(1); // only what was passed changed
    // null clears the field; empty fields are left out.
    expect(crm.updateContact({ contactId, revision: 3 }, { extendedFields: { [key]: null } }).info.extendedFields).toEqual({});
  });

  it('finds or creates a custom field once per display name, checks values by type, and allows 100', () => {
    const crm = newCrm();
    const a = crm.findOrCreateExtendedField({ displayName: 'Ticket sale starts', dataType: 'DATE' });
    const b = crm.findOrCreateExtendedField({ displayName: 'Ticket sale starts', dataType: 'TEXT' });
    expect(a).toMatchObject({ newExtendedField: true, extendedField: { key: 'custom.ticket-sale-starts', dataType: 'DATE', fieldType: 'USER_DEFINED' } });
    expect(b).toMatchObject({ newExtendedField: false, extendedField: { key: a.extendedField.key, dataType: 'DATE' } });
    const { contactId } = crm.appendOrCreateContact({ emails: ['ada@x.io'] });
    for (const bad of ['2026-02-30', '05.03.2026', '2026-03-05T10:00:00Z', 20260305]) {
      expect(() => crm.updateContact({ contactId, revision: 1 }, { extendedFields: { [a.extendedField.key]: bad } })).toThrow(/YYYY-MM-DD/);
    }
    expect(() => crm.updateContact({ contactId, revision: 1 }, { extendedFields: { 'custom.nope': 'x' } })).toThrow(/not found/);
    expect(() => crm.updateContact({ contactId, revision: 1 }, { emails: [] } as never)).toThrow(/cannot update emails/);
    for (let i = 1; i < MAX_CUSTOM_FIELDS; i++) crm.findOrCreateExtendedField({ displayName: `Field ${i}`, dataType: 'TEXT' });
    expect(() => crm.findOrCreateExtendedField({ displayName: 'One too many', dataType: 'TEXT' })).toThrow(/at most 100/);
  });

  it('queries contacts by label, newest first, page by page; other filters are refused', () => {
    const crm = newCrm();
    const label = crm.findOrCreateLabel('Sale alert: ev1').label.key;
    const ids = ['a', 'b', 'c'].map((n) => crm.appendOrCreateContact({ emails: [`${n}@x.io`] }).contactId);
    for (const id of ids) crm.labelContact(id, [label]);
    crm.appendOrCreateContact({ emails: ['unlabelled@x.io'] });
    const first = crm.queryContacts({ filters: [{ op: 'hasSome', field: 'info.labelKeys', values: [label] }], limit: 2 });
    const second = crm.queryContacts({ filters: [{ op: 'hasSome', field: 'info.labelKeys', values: [label] }], limit: 2, skip: 2 });
    expect(first.totalCount).toBe(3);
    expect([...first.items, ...second.items].map((c) => c._id).sort()).toEqual([...ids].sort());
    expect(() => crm.queryContacts({ filters: [{ op: 'hasSome', field: 'info.emails', values: ['a@x.io'] }] })).toThrow(/does not support/);
    expect(() => crm.queryContacts({ limit: 1001 })).toThrow(/limit/);
  });
});
