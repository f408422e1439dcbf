import { describe, expect, it } from 'vitest';
import { counterPush, PUSHED_OVER_NONE, pushedByRefresh, pushedWrite, pushesAtOnce } from '../../backend/core/counter/counterPush.js';
import { nextMarkAfter, READ_MARGIN_MS } from '../../backend/core/counter/readBudget.js';
import { counterSnapshots } from '../../backend/core/counter/counterSnapshot.js';
import { definition } from '../support/ticketDefinitions.js';

const T1 = '2026-01-01T00:00:01.000Z';
const T2 = '2026-01-01T00:00:02.000Z';
const T3 = '2026-01-01T00:00:03.000Z';

describe('who pushes a counter change', () => {
  it('a refresh marks each write with the read time of the stored row it compared against, or none', () => {
    const [fresh] = counterSnapshots(definition({ _id: 'd1' }), new Date(T2));
    expect(pushedWrite(fresh!, { readAt: T1 }).pushedOver).toBe(T1);
    expect(pushedWrite(fresh!, undefined).pushedOver).toBe(PUSHED_OVER_NONE);
    expect(fresh!.pushedOver).toBeUndefined();
  });

  it.each([
    ['an insert its refresh pushed', { readAt: T1, pushedOver: PUSHED_OVER_NONE }, undefined, true],
    ['an insert by anyone else (no mark)', { readAt: T1 }, undefined, false],
    ['an insert marked over a row (it met none)', { readAt: T2, pushedOver: T1 }, undefined, false],
    ['an update over exactly the row its refresh compared against', { readAt: T2, pushedOver: T1 }, { readAt: T1 }, true],
    ['an update that meets a row stored in between', { readAt: T3, pushedOver: T1 }, { readAt: T2 }, false],
    ['a refresh marked new that meets a row inserted in between', { readAt: T2, pushedOver: PUSHED_OVER_NONE }, { readAt: T1 }, false],
    ['a CMS edit of a marked row (read time and mark unchanged)', { readAt: T2, pushedOver: T1 }, { readAt: T2 }, false],
    ['a stored null mark', { readAt: T2, pushedOver: null }, { readAt: T1 }, false],
  ])('%s', (_name, item, current, expected) => {
    expect(pushedByRefresh(item, current)).toBe(expected);
  });

  it('a push carries the public fields only, on the definition’s channel', () => {
    const [s] = counterSnapshots(definition({ _id: 'd1' }), new Date(T2));
    const { channel, message } = counterPush({ ...s!, pushedOver: T1 });
    expect(channel).toEqual({ name: 'ticket-counters', resourceId: 'd1' });
    expect(message.type).toBe('counter');
    expect(message.snapshot).not.toHaveProperty('sold');
    expect(message.snapshot).not.toHaveProperty('pushedOver');
    expect(message.snapshot).not.toHaveProperty('revision');
    expect(message.snapshot).not.toHaveProperty('eventId');
    expect(message.snapshot).toMatchObject({ definitionId: 'd1', readAt: T2 });
  });
});

describe('when a fast read may push at once', () => {
  it.each([
    // at, slot, slow slot, step → the earliest later mark
    [1_100, 100, 2100, 350, 1_200], // the next fast slot's end
    [1_000, 100, 2100, 350, 1_050], // a checkpoint (3 × 350) comes sooner
    [2_050, 100, 2100, 350, 2_100], // a tail (2,100) comes sooner than the next fast end (2,150)
    [2_400, 100, 2100, 350, 2_450], // a checkpoint (2,100 + 350) comes sooner
    [700, 100, 2100, 350, 800],
  ])('after a fast read at %i (slots %i / %i, steps %i) the next mark is at %i', (at, slot, slow, step, expected) => {
    expect(nextMarkAfter(at, slot, slow, step)).toBe(expected);
  });

  it('only a read answered before the next read can be sent', () => {
    const next = nextMarkAfter(1_100, 100, 2100, 350) + READ_MARGIN_MS;
    expect(next).toBe(1_215);
    expect(pushesAtOnce(1_214, next)).toBe(true);
    expect(pushesAtOnce(1_215, next)).toBe(false);
  });
});
