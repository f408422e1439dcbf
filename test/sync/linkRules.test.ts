// Table tests for what a change may do to a link: no resurrection after delete, stale revision,
// already applied, and the delete behaviour.
import { describe, expect, it } from 'vitest';
import { blocksUpsert, deleteOnTarget, guardDelete, guardUpsert, type AppliedWhen } from '../../backend/core/sync/linkRules.js';
import { mergeChange } from '../../backend/core/sync/outboxPolicy.js';

const link = (o: Partial<{ status: 'active' | 'deleted' | 'failed'; lastRevision: string; payloadHash: string }> = {}) =>
  ({ status: 'active' as const, lastRevision: '5', payloadHash: 'h', ...o });

describe('linkRules.guardUpsert', () => {
  const cases: [string, ReturnType<typeof link> | null, { revision: string; payloadHash?: string }, AppliedWhen, string | null][] = [
    ['no link: create', null, { revision: '1' }, 'same revision', null],
    ['deleted link: never brought back, even at a newer revision', link({ status: 'deleted' }), { revision: '9' }, 'never', 'deleted'],
    ['older revision: stale (10 > 9 numerically)', link({ lastRevision: '10' }), { revision: '9' }, 'never', 'stale'],
    ['newer revision: goes through', link(), { revision: '6' }, 'same revision', null],
    ['same revision on a trigger: applied', link(), { revision: '5' }, 'same revision', 'applied'],
    ['same revision on a reconcile: payload compared later', link(), { revision: '5' }, 'never', null],
    ['same revision and content on delivery: applied', link(), { revision: '5', payloadHash: 'h' }, 'same content', 'applied'],
    ['same revision, new content on delivery: goes through', link(), { revision: '5', payloadHash: 'x' }, 'same content', null],
    ['same revision on a failed link: retried', link({ status: 'failed' }), { revision: '5' }, 'same revision', null],
  ];
  for (const [name, l, change, applied, expected] of cases) {
    it(name, () => expect(guardUpsert(l, change, applied)?.kind ?? null).toBe(expected));
  }
});

describe('linkRules: delete', () => {
  it('leaves a never-synced or deleted link alone', () => {
    expect(guardDelete(null)?.reason).toBe('never synced');
    expect(guardDelete(link({ status: 'deleted' }))?.reason).toBe('already deleted');
    expect(guardDelete(link())).toBeNull();
  });
  it("sends 'delete' and 'deactivate' to the target, only forgets on 'ignore'", () => {
    expect([deleteOnTarget('delete'), deleteOnTarget('deactivate'), deleteOnTarget('ignore')]).toEqual([true, true, false]);
  });
  it('a pending delete in the outbox slot blocks an upsert the same way a deleted link does', () => {
    expect(blocksUpsert({ action: 'delete' })).toBe(true);
    expect(blocksUpsert({ status: 'deleted' })).toBe(true);
    expect(blocksUpsert({ action: 'upsert', status: 'active' })).toBe(false);
    const up = { targetId: 't', definitionId: 'd', action: 'upsert' as const, revision: '9', payloadHash: 'n' };
    expect(mergeChange({ action: 'delete', revision: '5', payloadHash: '', state: 'pending' }, up)).toBe('keep');
  });
});
