import { describe, expect, it } from 'vitest';
import { counterPush, PUSHED_OVER_NONE, pushedByRefresh, pushedWrite } from '../../backend/core/counter/counterPush.js';
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
