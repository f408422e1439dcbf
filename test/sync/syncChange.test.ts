// The one sync Change constructor: the idempotency key comes from what the change is, a delete's
// payload hash is always '', and a create that may have reached the target keeps its first key.
import { describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../backend/core/sync/outboxPolicy.js';
import { createAttempted, syncChange, type ChangeFields } from '../../backend/core/sync/syncChange.js';

const upsert: ChangeFields = { targetId: 't1', definitionId: 'd1', eventId: 'e1', externalEventId: 'x1', action: 'upsert', revision: '3', payload: { name: 'GA' }, payloadHash: 'h1' };

describe('syncChange', () => {
  it.each([
    ['an upsert keeps its payload hash', upsert, 'h1'],
    ['a delete has no payload hash, whatever it is given', { ...upsert, action: 'delete' as const, payload: null }, ''],
    ['a delete replaying a lost create keeps the payload for the replay', { ...upsert, action: 'delete' as const }, ''],
  ])('%s', (_name, fields, hash) => {
    const c = syncChange(fields);
    expect(c).toMatchObject({ ...fields, payloadHash: hash });
    expect(c.idempotencyKey).toBe(idempotencyKey({ ...fields, payloadHash: hash }));
  });

  it.each([
    ['same change, same key', { revision: '3' }, true],
    ['a new revision, a new key', { revision: '4' }, false],
    ['new content, a new key', { payloadHash: 'h2' }, false],
    ['the event it sits in is not part of the key', { externalEventId: 'x2' }, true],
  ])('%s', (_name, diff, same) => {
    expect(syncChange({ ...upsert, ...diff }).idempotencyKey === syncChange(upsert).idempotencyKey).toBe(same);
  });

  it('a create attempted keeps the key and hash of its first attempt through later changes', () => {
    const first = createAttempted(syncChange(upsert));
    expect(first).toMatchObject({ createKey: first.idempotencyKey, createTried: 'h1' });
    const later = createAttempted({ ...syncChange({ ...upsert, revision: '4', payloadHash: 'h2' }), createKey: first.createKey, createTried: first.createTried });
    expect(later).toMatchObject({ createKey: first.idempotencyKey, createTried: 'h1' });
  });
});
