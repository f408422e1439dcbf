// The Contacts API's bulk jobs in the local CRM, as Wix documents them: a filter picks the contacts,
// the call returns a job ID at once and the job runs after it; Get Bulk Job reports the totals. Then
// the Wix marketing adapter passing a sale start with one bulk update per event, over the REST path.
import { adminFetch } from '../../local-wix/local-key.js';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCrmModule, crmFor, CrmError, LocalCrm } from '../../local-wix/server/crm.js';
import { ADMIN, VISITOR } from '../../local-wix/sdk-client.js';
import { tokenFor } from '../../local-wix/server/identity.js';
import { setFallbackServices, type HostServices } from '../../local-wix/velo-host/invocation.js';
import { installSdkContext } from '../../local-wix/velo-host/sdk-context.js';
import { contacts as veloContacts } from '../../local-wix/velo-host/modules/wix-crm-backend.js';
import { wixBulkContacts } from '../../backend/wix/contactsBulk.js';
import { crmMarketing, eventLabel, SALE_START_FIELD, type WixContacts } from '../../backend/wix/marketingCrm.js';
import { startLocalWix, type StartedLocalWix } from '../support/localWixServer.js';

const tick = () => new Promise((r) => setImmediate(r));

function crmWithContacts(n: number) {
  const crm = new LocalCrm(new Database(':memory:'));
  const label = crm.findOrCreateLabel('Sale alert: ev1').label.key;
  const key = crm.findOrCreateExtendedField({ displayName: 'Ticket sale starts', dataType: 'DATE' }).extendedField.key;
  const ids = Array.from({ length: n }, (_, i) => crm.appendOrCreateContact({ emails: [`fan${i}@x.io`] }).contactId);
  return { crm, label, key, ids };
}

describe('local CRM bulk jobs', () => {
  it('Bulk Update Contacts sets a masked extended field on the filtered contacts only, after the call returns, and clears it with no value', async () => {
    const { crm, label, key, ids } = crmWithContacts(5);
    for (const id of ids.slice(0, 3)) crm.labelContact(id, [label]);
    const before = ids.map((id) => crm.getContact(id).revision);
    const { jobId } = crm.bulkUpdateContacts({ filter: { 'info.labelKeys': { $hasSome: [label] } }, info: { extendedFields: { items: { [key]: '2026-03-05' } } }, fieldMask: { paths: [`info.extendedFields.${key}`] } });
    expect(crm.getBulkJob(jobId)).toMatchObject({ status: 'NEW', type: 'UPDATE', totalItems: 3 });
    expect(crm.getContact(ids[0]!).info.extendedFields).toEqual({}); // not yet: the job runs later
    await tick();
    expect(crm.getBulkJob(jobId)).toMatchObject({ status: 'COMPLETED', totalItems: 3, successTotal: 3, failedTotal: 0 });
    expect(ids.map((id) => crm.getContact(id).info.extendedFields[key] ?? null)).toEqual(['2026-03-05', '2026-03-05', '2026-03-05', null, null]);
    expect(ids.map((id, i) => crm.getContact(id).revision - before[i]!)).toEqual([1, 1, 1, 0, 0]);

    crm.bulkUpdateContacts({ filter: { id: { $in: [ids[1]!] } }, info: {}, fieldMask: { paths: [`info.extendedFields.${key}`] } });
    await tick();
    expect(ids.map((id) => crm.getContact(id).info.extendedFields[key] ?? null)).toEqual(['2026-03-05', null, '2026-03-05', null, null]);
  });

  it('a job over many contacts runs in slices, letting other requests in: RUNNING with its totals so far, then COMPLETED', async () => {
    const { crm, label, key, ids } = crmWithContacts(250);
    for (const id of ids) crm.labelContact(id, [label]);
    const { jobId } = crm.bulkUpdateContacts({ filter: { 'info.labelKeys': { $hasSome: [label] } }, info: { extendedFields: { items: { [key]: '2026-03-05' } } }, fieldMask: { paths: [`info.extendedFields.${key}`] } });
    await tick();
    expect(crm.getBulkJob(jobId)).toMatchObject({ status: 'RUNNING', totalItems: 250, successTotal: 100 });
    await tick(); await tick();
    expect(crm.getBulkJob(jobId)).toMatchObject({ status: 'COMPLETED', totalItems: 250, successTotal: 250, failedTotal: 0 });
    expect(ids.every((id) => crm.getContact(id).info.extendedFields[key] === '2026-03-05')).toBe(true);
  });

  it('refuses what it cannot do as Wix would do it: no filter, search, other fields, bad values, unknown fields or labels', () => {
    const { crm, label, key } = crmWithContacts(1);
    const mask = { paths: [`info.extendedFields.${key}`] };
    const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as CrmError).code; } return 'none'; };
    expect(code(() => crm.bulkUpdateContacts({ filter: {}, info: {}, fieldMask: mask }))).toBe('INVALID_ARGUMENT');
    expect(code(() => crm.bulkUpdateContacts({ filter: { id: 'x' }, search: 'ada', info: {}, fieldMask: mask }))).toBe('INVALID_ARGUMENT');
    expect(code(() => crm.bulkUpdateContacts({ filter: { 'info.name.first': 'Ada' }, info: {}, fieldMask: mask }))).toBe('INVALID_ARGUMENT');
    expect(code(() => crm.bulkUpdateContacts({ filter: { id: 'x' }, info: {}, fieldMask: { paths: ['info.name.first'] } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => crm.bulkUpdateContacts({ filter: { id: 'x' }, info: { extendedFields: { items: { [key]: '5 March' } } }, fieldMask: mask }))).toBe('INVALID_ARGUMENT');
    expect(code(() => crm.bulkUpdateContacts({ filter: { id: 'x' }, info: {}, fieldMask: { paths: ['info.extendedFields.custom.nope'] } }))).toBe('NOT_FOUND');
    expect(code(() => crm.bulkLabelAndUnlabelContacts({ filter: { id: 'x' }, labelKeysToAdd: ['custom.nope'] }))).toBe('NOT_FOUND');
    expect(code(() => crm.bulkLabelAndUnlabelContacts({ filter: { id: 'x' } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => crm.getBulkJob('no-such-job'))).toBe('NOT_FOUND');
    void label;
  });

  it('Bulk Label and Unlabel Contacts adds and removes labels on the contacts filtered by ID', async () => {
    const { crm, label, ids } = crmWithContacts(3);
    const vip = crm.findOrCreateLabel('VIP').label.key;
    crm.labelContact(ids[0]!, [label]);
    const { jobId } = crm.bulkLabelAndUnlabelContacts({ filter: { id: { $in: [ids[0]!, ids[1]!] } }, labelKeysToAdd: [vip], labelKeysToRemove: [label] });
    await tick();
    expect(crm.getBulkJob(jobId)).toMatchObject({ type: 'ADD_REMOVE_LABELS', status: 'COMPLETED', totalItems: 2, successTotal: 2 });
    expect(ids.map((id) => crm.getContact(id).info.labelKeys)).toEqual([[vip], [vip], []]);
  });

  it('queryContacts answers hasSome on _id (one query for a page of subscribers)', () => {
    const { crm, ids } = crmWithContacts(4);
    const { items, totalCount } = crm.queryContacts({ filters: [{ op: 'hasSome', field: '_id', values: [ids[1], ids[3], 'gone'] }], limit: 1000 });
    expect(totalCount).toBe(2);
    expect(items.map((c) => c._id).sort()).toEqual([ids[1], ids[3]].sort());
  });
});

describe('bulk jobs over the REST paths, and the Wix marketing adapter on them', () => {
  let wix: StartedLocalWix | null = null;
  afterEach(async () => { setFallbackServices(null); await wix?.close(); wix = null; });

  it('admin only; one bulk update per event passes the sale start; subscribedAmong reads a page in one query', async () => {
    wix = await startLocalWix([createCrmModule()]);
    const crm = crmFor(wix.wix.db);
    const post = (path: string, body: unknown, who = ADMIN) => adminFetch(`${wix!.baseUrl}${path}`, { method: 'POST', headers: { authorization: tokenFor(who), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/contacts/v4/bulk/contacts/update', { filter: { id: 'x' } }, VISITOR)).status).toBe(403);

    const ids = Array.from({ length: 4 }, (_, i) => crm.appendOrCreateContact({ emails: [`fan${i}@x.io`] }).contactId);
    const label = crm.findOrCreateLabel(eventLabel('ev1')).label.key;
    for (const id of ids.slice(0, 3)) crm.labelContact(id, [label]);
    crm.setEmailSubscription('fan1@x.io', 'UNSUBSCRIBED');

    setFallbackServices({ crm, baseUrl: wix.baseUrl } as unknown as HostServices);
    installSdkContext();
    const bulk = wixBulkContacts();
    const calls: string[] = [];
    const counted = { bulkUpdateContacts: (r: never) => { calls.push('bulkUpdateContacts'); return bulk.bulkUpdateContacts(r); }, getBulkJob: bulk.getBulkJob };
    const tool = crmMarketing({ ...veloContacts } as unknown as WixContacts, { bulk: counted });
    await tool.setSaleStart('ev1', '2026-03-05T23:30:00.000-05:00');
    expect(calls).toEqual(['bulkUpdateContacts']);
    await tick();
    const key = crm.findOrCreateExtendedField({ displayName: SALE_START_FIELD, dataType: 'DATE' }).extendedField.key;
    expect(ids.map((id) => crm.getContact(id).info.extendedFields[key] ?? null)).toEqual(['2026-03-06', '2026-03-06', '2026-03-06', null]);
    await tool.setSaleStart('ev1', null);
    await tick();
    expect(ids.map((id) => crm.getContact(id).info.extendedFields[key] ?? null)).toEqual([null, null, null, null]);

    const answer = await tool.subscribedAmong!([...ids.map((contactId, i) => ({ email: `fan${i}@x.io`, contactId })), { email: 'gone@x.io', contactId: 'gone' }, { email: 'nobody@x.io' }]);
    expect([...ids, 'gone', 'email:nobody@x.io'].map((k) => answer.get(k))).toEqual([true, false, true, true, false, false]);

    const jobs = await (await adminFetch(`${wix.baseUrl}/contacts/v4/bulk/jobs/${(await (await post('/contacts/v4/bulk/contacts/update', { filter: { id: { $in: ids } }, info: {}, fieldMask: { paths: [`info.extendedFields.${key}`] } })).json() as { jobId: string }).jobId}`, { headers: { authorization: tokenFor(ADMIN) } })).json() as { job: { totalItems: number } };
    expect(jobs.job.totalItems).toBe(4);
  });
});
