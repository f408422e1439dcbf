// The TicketCounters data hooks in the built site code (src/backend/data.js), run by the Velo host
// around writes made through the genuine SDK: an older read never replaces a newer row, and visitors
// are pushed only what they would see change.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { items } from '@wix/data';
import type { Stack } from '../../local-wix/stack.js';
import { startTestStack } from '../support/testStack.js';
import { ADMIN, createLocalClient } from '../../local-wix/sdk-client.js';
import { guid } from '../support/guids.js';

const DEF = guid('def-1');
const ROW_ID = `${DEF}:fixed`;

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack('e2e-counter-hooks', { seed: false });
});
afterAll(async () => {
  await stack.close();
});

const row = (unsold: number, readAt: string) => ({
  _id: ROW_ID, definitionId: DEF, eventId: guid('ev-1'), pricePointKey: 'fixed', label: 'GA', price: '25.00', currency: 'USD',
  unsold, sold: 10 - unsold, limit: 10, soldOut: unsold === 0, saleStatus: 'SALE_STARTED', saleStart: null, saleEnd: null, hidden: false, readAt, revision: '1',
});

it('an update carrying an older read keeps the stored row; unchanged newer reads are stored but not pushed', async () => {
  const cms = createLocalClient(stack.baseUrl, { items }, ADMIN).items;
  const pushes = () => stack.hub.published.filter((m) => (m.payload as any)?.type === 'counter').map((m) => (m.payload as any).snapshot.unsold);
  await cms.insert('TicketCounters', row(4, '2026-01-01T00:00:02.000Z'));
  await stack.host.idle();
  expect(pushes()).toEqual([4]);

  await cms.update('TicketCounters', row(5, '2026-01-01T00:00:01.000Z'));
  await stack.host.idle();
  expect(await cms.get('TicketCounters', ROW_ID, { consistentRead: true })).toMatchObject({ unsold: 4, readAt: '2026-01-01T00:00:02.000Z' });
  expect(pushes()).toEqual([4]);

  await cms.update('TicketCounters', row(4, '2026-01-01T00:00:03.000Z'));
  await stack.host.idle();
  expect(await cms.get('TicketCounters', ROW_ID, { consistentRead: true })).toMatchObject({ unsold: 4, readAt: '2026-01-01T00:00:03.000Z' });
  expect(pushes()).toEqual([4]);

  await cms.update('TicketCounters', row(3, '2026-01-01T00:00:04.000Z'));
  await stack.host.idle();
  expect(pushes()).toEqual([4, 3]);
});

it("a row its refresh pushed already is not pushed again by the hooks, unless it meets a row its refresh did not compare against; a CMS edit of such a row is pushed", async () => {
  const cms = createLocalClient(stack.baseUrl, { items }, ADMIN).items;
  const def = guid('def-2');
  const id = `${def}:fixed`;
  const marked = (unsold: number, readAt: string, pushedOver: string) => ({ ...row(unsold, readAt), _id: id, definitionId: def, pushedOver });
  const pushes = () => stack.hub.published.filter((m) => (m.payload as any)?.type === 'counter' && (m.payload as any).snapshot.definitionId === def).map((m) => (m.payload as any).snapshot.unsold);
  // A refresh's new row, pushed by the refresh itself.
  await cms.insert('TicketCounters', marked(9, '2026-01-01T00:00:01.000Z', 'none'));
  await stack.host.idle();
  expect(pushes()).toEqual([]);
  // A refresh that compared against that row and pushed its change.
  await cms.update('TicketCounters', marked(8, '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:01.000Z'));
  await stack.host.idle();
  expect(pushes()).toEqual([]);
  // A refresh that compared against the row at 00:01, but another container stored 00:02 meanwhile:
  // the hook pushes (the pages may have had 00:02 after the refresh's own push).
  await cms.update('TicketCounters', marked(7, '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:01.000Z'));
  await stack.host.idle();
  expect(pushes()).toEqual([7]);
  // The owner edits the row in the CMS: its read time and old mark stay, and the change is pushed.
  await cms.update('TicketCounters', { ...marked(7, '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:01.000Z'), label: 'General admission' });
  await stack.host.idle();
  expect(pushes()).toEqual([7, 7]);
  expect(await cms.get('TicketCounters', id, { consistentRead: true })).toMatchObject({ label: 'General admission', unsold: 7 });
});

it('of two reads in flight together, the stored row is the one with fewer tickets left, whichever is saved last', async () => {
  const cms = createLocalClient(stack.baseUrl, { items }, ADMIN).items;
  // Sent at .100 and answered at .160; the other sent later (.120) but answered sooner (.140): taken first.
  const takenLast = { answeredAt: '2026-01-02T00:00:00.160Z' };
  const takenFirst = { answeredAt: '2026-01-02T00:00:00.140Z' };
  for (const [i, order] of [[0, ['last', 'first']], [1, ['first', 'last']]] as const) {
    const def = guid(`def-overlap-${i}`);
    const read = (which: string) => which === 'last'
      ? { ...row(6, '2026-01-02T00:00:00.100Z'), ...takenLast, _id: `${def}:fixed`, definitionId: def }
      : { ...row(7, '2026-01-02T00:00:00.120Z'), ...takenFirst, _id: `${def}:fixed`, definitionId: def };
    await cms.insert('TicketCounters', { ...row(8, '2026-01-02T00:00:00.000Z'), _id: `${def}:fixed`, definitionId: def });
    for (const which of order) await cms.update('TicketCounters', read(which));
    await stack.host.idle();
    expect(await cms.get('TicketCounters', `${def}:fixed`, { consistentRead: true })).toMatchObject({ unsold: 6, readAt: '2026-01-02T00:00:00.100Z' });
  }
});
