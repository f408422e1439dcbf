// The one Wix ID schema (core/validation/ids.ts) and the inputs that use it.
import { describe, expect, it } from 'vitest';
import { adminEventId } from '../../backend/core/controlRoom/controlRoomInput.js';
import { wixIdSchema } from '../../backend/core/validation/ids.js';
import { guid } from '../support/guids.js';

describe('Wix ID schema', () => {
  it.each([
    ['a GUID', guid('ev1'), true],
    ['an upper-case GUID', guid('ev1').toUpperCase(), true],
    ['a name', 'ev1', false],
    ['a GUID with a suffix', `${guid('ev1')}x`, false],
    ['a padded GUID', ` ${guid('ev1')} `, false],
    ['empty', '', false],
  ])('%s', (_name, id, ok) => {
    expect(wixIdSchema('an event ID').safeParse(id).success).toBe(ok);
  });

  it('names the ID in the refusal', () => {
    const r = wixIdSchema('a ticket definition ID').safeParse('d1');
    expect(r.success ? null : r.error.issues.map((i) => i.message)).toEqual(['must be a ticket definition ID (a GUID)']);
  });

  it('an admin event ID is a trimmed GUID; the charset IDs it took before are refused', () => {
    expect(adminEventId.parse(` ${guid('ev1')} `)).toBe(guid('ev1'));
    expect(adminEventId.safeParse('summer-fest_2025').success).toBe(false);
  });
});
