// The one "read every page" loop: cursor paging stops when no next cursor comes back, skip paging at
// the first page shorter than the page size; every item comes back once, in order.
import { describe, expect, it } from 'vitest';
import { readAllPages } from '../../backend/lib/readAllPages.js';

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('readAllPages', () => {
  it.each([
    ['no items', 0, 3, 1],
    ['fewer than a page', 2, 3, 1],
    ['exactly one page (one more read finds the end)', 3, 3, 2],
    ['several pages and a short last one', 7, 3, 3],
  ])('by skip: %s', async (_name, total, pageSize, reads) => {
    const all = items(total);
    const asked: [number, number][] = [];
    const got = await readAllPages({ pageSize, skip: async (skip, limit) => { asked.push([skip, limit]); return all.slice(skip, skip + limit); } });
    expect(got).toEqual(all);
    expect(asked).toEqual(Array.from({ length: reads }, (_, i) => [i * pageSize, pageSize]));
  });

  it.each([
    ['one page', 2, 5, 1],
    ['exactly full pages (no extra read: the cursor says when to stop)', 6, 3, 2],
    ['several pages', 7, 3, 3],
  ])('by cursor: %s', async (_name, total, pageSize, reads) => {
    const all = items(total);
    const cursors: (string | null)[] = [];
    const got = await readAllPages({
      cursor: async (cursor) => {
        cursors.push(cursor);
        const from = cursor === null ? 0 : Number(cursor);
        const next = from + pageSize < total ? String(from + pageSize) : null;
        return { items: all.slice(from, from + pageSize), nextCursor: next };
      },
    });
    expect(got).toEqual(all);
    expect(cursors).toEqual(Array.from({ length: reads }, (_, i) => (i === 0 ? null : String(i * pageSize))));
  });
});
