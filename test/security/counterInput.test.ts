// Hostile input against the counter's public surface, over HTTP against the local Wix (issue 12: "Raw
// counters", "Made-up IDs", "Bad arguments"): visitors read only the public fields of a snapshot, and
// no input costs more than the rules allow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { items } from '@wix/data';
import { ticketDefinitionsV2 } from '@wix/events';
import { ADMIN, VISITOR, createLocalClient } from '../../local-wix/sdk-client.js';
import { fetchQuotaStats } from '../../bench/quotaReport.js';
import { MISSING_BUDGET, MAX_DEFINITIONS_PER_PAGE } from '../../backend/flows/counter.js';
import { startTestStack } from '../support/testStack.js';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let visible: string;
let hidden: string;

async function callWebMethod(fn: string, args: unknown[], headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.baseUrl}/_webMethods/counter.web.js/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ args }) });
  return { status: res.status, body: (await res.json()) as { result?: any } };
}
/** Ticket Definitions calls the local Wix has served (the API quota's total). */
async function apiCalls(): Promise<number> {
  return (await fetchQuotaStats(stack.baseUrl)).limits.quotas.apiCalls.total;
}

beforeAll(async () => {
  stack = await startTestStack('security-counter', { seed: false });
  const admin = createLocalClient(stack.baseUrl, { ticketDefinitionsV2 }, ADMIN);
  const base = { eventId: randomUUID(), feeType: 'FEE_INCLUDED' as const, initialLimit: 10, pricingMethod: { fixedPrice: { value: '25.00', currency: 'USD' } } };
  visible = (await admin.ticketDefinitionsV2.createTicketDefinition({ ...base, name: 'Public' }))._id!;
  hidden = (await admin.ticketDefinitionsV2.createTicketDefinition({ ...base, name: 'Secret presale', hidden: true }))._id!;
  // A page opens both counters: their rows exist from here on.
  const opened = await callWebMethod('getCounters', [{ definitionIds: [visible, hidden] }]);
  expect(opened.body.result.ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('raw counters: TicketCounters is not readable by visitors by any path', () => {
  it('a visitor\'s Wix Data query, get and count of TicketCounters are refused', async () => {
    const visitor = createLocalClient(stack.baseUrl, { items }, VISITOR);
    await expect(visitor.items.query('TicketCounters').find()).rejects.toThrow();
    await expect(visitor.items.get('TicketCounters', `${visible}:fixed`)).rejects.toThrow();
    await expect(visitor.items.query('TicketCounters').count()).rejects.toThrow();
    const member = createLocalClient(stack.baseUrl, { items }, { role: 'SITE_MEMBER', id: 'member-1' });
    await expect(member.items.query('TicketCounters').find()).rejects.toThrow();
    // The rows are there (the site owner sees them), with the fields visitors must not get.
    const { items: rows } = await createLocalClient(stack.baseUrl, { items }, ADMIN).items.query('TicketCounters').find({ consistentRead: true });
    expect(rows.map((r) => r.definitionId).sort()).toEqual([visible, hidden].sort());
    expect(rows[0]).toHaveProperty('sold');
  });

  it('getCounters gives only public fields, and of a hidden definition only that it is hidden', async () => {
    const { body } = await callWebMethod('getCounters', [{ definitionIds: [visible, hidden] }]);
    const byId = new Map((body.result.counters as any[]).map((c) => [c.definitionId, c]));
    for (const c of byId.values()) for (const k of ['sold', 'eventId', 'revision']) expect(c).not.toHaveProperty(k);
    expect(byId.get(visible)).toMatchObject({ label: 'Public', price: '25.00', unsold: 10, hidden: false });
    expect(byId.get(hidden)).toMatchObject({ hidden: true, label: '', price: null, currency: null, unsold: null, limit: null, saleStart: null, saleEnd: null });
  });
});

describe('bad arguments get a typed refusal, never a 500, and no Wix call', () => {
  const bad: [string, unknown[]][] = [
    ['no argument', []],
    ['null', [null]],
    ['a string', ['x']],
    ['missing definitionIds', [{}]],
    ['not a GUID', [{ definitionIds: ['<script>alert(1)</script>'] }]],
    ['a GUID-like ID with a suffix', [{ definitionIds: [`${randomUUID()}x`] }]],
    ['a number', [{ definitionIds: [42] }]],
    ['an empty list', [{ definitionIds: [] }]],
    ['more IDs than a page has counters', [{ definitionIds: Array.from({ length: MAX_DEFINITIONS_PER_PAGE + 1 }, () => randomUUID()) }]],
    ['an unknown field', [{ definitionIds: [randomUUID()], __proto__: { polluted: true }, extra: 1 }]],
    ['a prototype key', [JSON.parse('{"definitionIds":["' + randomUUID() + '"],"__proto__":{"x":1}}')]],
  ];
  it.each(bad)('getCounters: %s', async (_name, args) => {
    const before = await apiCalls();
    const { status, body } = await callWebMethod('getCounters', args);
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ ok: false, reason: 'invalid' });
    expect(body.result.issues.length).toBeGreaterThan(0);
    expect(await apiCalls()).toBe(before);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('getCounter (the single form) refuses the same way', async () => {
    const { status, body } = await callWebMethod('getCounter', [{ definitionId: '../../etc/passwd' }]);
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ ok: false, reason: 'invalid', issues: [expect.stringContaining('GUID')] });
  });
});

describe('made-up IDs: at most one Wix call per ID per 10 minutes, and a site-wide cap', () => {
  it('a page of made-up GUIDs costs one Ticket Definitions call; asking again costs none', async () => {
    const madeUp = Array.from({ length: 20 }, () => randomUUID());
    const before = await apiCalls();
    const first = await callWebMethod('getCounters', [{ definitionIds: madeUp }]);
    expect(first.body.result).toEqual({ ok: true, counters: [] });
    expect(await apiCalls()).toBe(before + 1);
    for (let i = 0; i < 5; i++) await callWebMethod('getCounters', [{ definitionIds: madeUp }]);
    for (const id of madeUp.slice(0, 5)) await callWebMethod('getCounter', [{ definitionId: id }]);
    expect(await apiCalls()).toBe(before + 1);
  });

  it('past the site-wide budget of unknown IDs, new made-up IDs cost no Wix call at all', async () => {
    // The previous test used 20 of the budget; these pages use the rest, then go past it.
    const pages = Array.from({ length: Math.ceil(MISSING_BUDGET / 20) + 3 }, () => Array.from({ length: 20 }, () => randomUUID()));
    const before = await apiCalls();
    for (const p of pages) expect((await callWebMethod('getCounters', [{ definitionIds: p }])).body.result).toEqual({ ok: true, counters: [] });
    const used = (await apiCalls()) - before;
    // 20 + 20 + 10 misses fill the budget of 50: two more calls at most, then none for the other pages.
    expect(used).toBeLessThanOrEqual(Math.ceil((MISSING_BUDGET - 20) / 20));
    // Counters that exist are still answered from storage, without a call.
    const known = await callWebMethod('getCounters', [{ definitionIds: [visible, randomUUID()] }]);
    expect((known.body.result.counters as any[]).map((c) => c.definitionId)).toEqual([visible]);
    expect((await apiCalls()) - before).toBe(used);
  });
});
