// Every item of a paged read, page after page from the first. A read pages one of two ways: by cursor
// (Ticket Definitions: a next cursor exactly when there is a next page) or by skip (Wix Data queries:
// a page shorter than the page size is the last). The one "read every page" loop of the package.

export type Paging<T> =
  | { cursor: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }> }
  | { pageSize: number; skip: (skip: number, limit: number) => Promise<T[]> };

export async function readAllPages<T>(paging: Paging<T>): Promise<T[]> {
  const out: T[] = [];
  if ('cursor' in paging) {
    let cursor: string | null = null;
    do {
      const page = await paging.cursor(cursor);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
  for (let skip = 0; ; skip += paging.pageSize) {
    const items = await paging.skip(skip, paging.pageSize);
    out.push(...items);
    if (items.length < paging.pageSize) return out;
  }
}
