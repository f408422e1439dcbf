// Attack "prototype pollution": a SyncFieldMappings row with `targetField: "__proto__.x"` (or a source
// path `constructor`) passed the hook, and setPath then wrote into Object.prototype, where a warm
// container used the value as a default for settings such as `slotMs`. Rows go over HTTP to the local
// Wix (its data hooks run the site code's checks); the engine and the config loader are checked with
// rows that skipped the hooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '@wix/data';
import { COLLECTIONS } from '../../backend/collections.js';
import { applyMappings, setPath } from '../../backend/core/sync/mappingEngine.js';
import { checkMappingRow } from '../../backend/core/sync/mappingRows.js';
import { MAX_PATH_LENGTH } from '../../backend/core/security/safePath.js';
import { loadSyncConfig } from '../../backend/flows/sync.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { definition } from '../support/ticketDefinitions.js';
import { world } from '../sync/setup.js';
import { startHostileStack, type HostileStack } from './hostileStack.js';

let stack: HostileStack;
const cms = () => createLocalClient(stack.baseUrl, { items }, ADMIN).items;
const mappingRow = (over: Record<string, unknown>) => ({ targetId: 't1', sourcePath: 'name', targetField: 'name', enabled: true, ...over });
const polluted = () => ({} as Record<string, unknown>);

beforeAll(async () => { stack = await startHostileStack('sec-mapping', { live: true, seed: false }); });
afterAll(async () => { await stack?.close(); });

describe('mapping rows', () => {
  it.each([
    ['targetField', '__proto__.slotMs'],
    ['targetField', 'settings.__proto__.slotMs'],
    ['targetField', 'constructor.prototype.slotMs'],
    ['targetField', 'a.prototype'],
    ['targetField', '__proto__'],
    ['sourcePath', 'constructor'],
    ['sourcePath', '__proto__'],
    ['sourcePath', 'prototype'],
    ['sourcePath', 'salesDetails.constructor'],
  ])('%s "%s" is refused by the hook and nothing is stored', async (field, path) => {
    await expect(cms().insert(COLLECTIONS.SyncFieldMappings.id, mappingRow({ [field]: path }))).rejects.toThrow(/not allowed in a path|not a ticket definition field/);
    expect((await cms().query(COLLECTIONS.SyncFieldMappings.id).find({ consistentRead: true })).items).toEqual([]);
    expect(polluted().slotMs).toBeUndefined();
  });

  it.each(['{constructor}', '{__proto__}', 'wix:{prototype}', '{name.constructor}'])('a template placeholder %s is refused', async (tpl) => {
    await expect(cms().insert(COLLECTIONS.SyncFieldMappings.id, mappingRow({ transform: 'template', transformArg: tpl }))).rejects.toThrow(/unknown placeholder/);
  });

  it('paths have a maximum length', async () => {
    const long = Array.from({ length: 8 }, () => 'a'.repeat(15)).join('.');
    expect(long.length).toBeGreaterThan(MAX_PATH_LENGTH);
    await expect(cms().insert(COLLECTIONS.SyncFieldMappings.id, mappingRow({ targetField: long }))).rejects.toThrow(new RegExp(`longer than ${MAX_PATH_LENGTH}`));
    expect(checkMappingRow(mappingRow({ _id: 'r', targetField: 'a.b.c.d.e.f.g.h.i' })).ok).toBe(false);
  });

  it('a polluting row that skipped the hooks pauses its target when the sync loads it, and pollutes nothing', async () => {
    const w = world();
    w.cms.coll(COLLECTIONS.SyncFieldMappings.id).set('evil', { _id: 'evil', targetId: 't1', sourcePath: 'name', targetField: '__proto__.slotMs', enabled: true } as any);
    const config = await loadSyncConfig(w.deps);
    expect(config.targets).toEqual([]);
    expect(config.problems.join('\n')).toMatch(/field mapping evil: Target field "__proto__.slotMs" uses "__proto__"/);
    expect(polluted().slotMs).toBeUndefined();
  });

  it('mapping writes only own properties: setPath refuses the forbidden segments and never reads inherited ones', () => {
    const target: Record<string, unknown> = {};
    expect(() => setPath(target, '__proto__.slotMs', 1)).toThrow(/not allowed/);
    expect(() => setPath(target, 'x.constructor.prototype.slotMs', 1)).toThrow(/not allowed/);
    expect(polluted().slotMs).toBeUndefined();
    // `toString` is inherited by every object: it is replaced by an own object, not written through.
    setPath(target, 'toString.x', 1);
    expect(Object.hasOwn(target, 'toString')).toBe(true);
    expect(({} as any).toString.x).toBeUndefined();
    const check = checkMappingRow(mappingRow({ _id: 'r', sourcePath: 'name', targetField: 'name.en' }));
    if (!check.ok) throw new Error(check.errors.join());
    const r = applyMappings(definition({ _id: 'd', eventId: 'ev', name: 'Door' }), [check.mapping], { externalEventId: 'e' });
    expect(r).toEqual({ ok: true, payload: { name: { en: 'Door' } } });
  });
});
