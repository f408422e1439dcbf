import { afterEach, describe, expect, test, vi } from 'vitest';
import { threadId } from 'node:worker_threads';
import { crmFor } from '../../local-wix/server/crm.js';
import { collect, startFixture } from './fixture.js';
import { adminFetch } from '../../local-wix/local-key.js';
import { WIX_RESEND_SCHEDULE_MS } from '../../local-wix/velo-host/redelivery.js';

type Fixture = Awaited<ReturnType<typeof startFixture>>;
let f: Fixture | null = null;
afterEach(async () => { await f?.close(); f = null; vi.restoreAllMocks(); });

describe('event dispatch', () => {
  test('runs the events.js export named exactly as the Velo event, after acknowledging', async () => {
    f = await startFixture({ cold: true });
    const got = collect(f.hub, 'fixture-events');
    f.wix.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: 'A-1' });
    expect(got).toHaveLength(0); // acknowledged first, handled afterwards
    await f.host.idle();
    expect(got.map((m) => m.payload)).toEqual([{ handler: 'wixEvents_onOrderConfirmed', orderNumber: 'A-1', invocations: 1 }]);
  });

  test('a misnamed handler never fires; the event is logged as unhandled and warned once', async () => {
    f = await startFixture();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const got = collect(f.hub, 'fixture-events');
    f.host.dispatchEvent('wixEvents_onTicketDefinitionCreated', { ticketDefinitionId: 't1' });
    f.host.dispatchEvent('wixEvents_onTicketDefinitionCreated', { ticketDefinitionId: 't2' });
    await f.host.idle();
    expect(got).toHaveLength(0);
    const log = (await (await adminFetch(`${f.baseUrl}/_local/velo/log`)).json()) as any;
    expect(log.unhandledEvents).toEqual([expect.objectContaining({ name: 'wixEvents_onTicketDefinitionCreated', count: 2 })]);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('wixEvents_onTicketDefinitionCreated'))).toHaveLength(1);
    // The startup lint named the export Wix would never call.
    expect(log.warnings.join('\n')).toContain('wixEvents_OnTicketDefinitionCreated');
  });

  test('cold mode: module state is fresh for every invocation', async () => {
    f = await startFixture({ cold: true });
    const got = collect(f.hub, 'fixture-events');
    for (let i = 0; i < 5; i++) f.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: `C-${i}` });
    await f.host.idle();
    expect(got.map((m) => (m.payload as any).invocations)).toEqual([1, 1, 1, 1, 1]);
  });

  test('warm mode: module state is kept (what Wix does NOT promise)', async () => {
    f = await startFixture({ cold: false });
    const got = collect(f.hub, 'fixture-events');
    for (let i = 0; i < 3; i++) {
      f.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: `W-${i}` });
      await f.host.idle();
    }
    expect(got.map((m) => (m.payload as any).invocations)).toEqual([1, 2, 3]);
  });

  test('a handler slower than the acknowledgement window is logged and delivered again, as Wix resends it', async () => {
    f = await startFixture({ slowEventMs: 30, redeliveryMs: [40] });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const got = collect(f.hub, 'fixture-events');
    f.host.dispatchEvent('wixEvents_onOrderUpdated', { sleepMs: 80, tag: 'slow' });
    await f.host.idle();
    expect(f.host.log.slow.map((s) => s.name)).toEqual(['wixEvents_onOrderUpdated']);
    expect(got).toHaveLength(1);
    await vi.waitFor(() => expect(got).toHaveLength(2), { timeout: 2000 });
    await f.host.idle();
    // The same payload again; the second attempt was slow too, and the schedule [40] has no third.
    expect(got.map((m) => (m.payload as any).tag)).toEqual(['slow', 'slow']);
    expect(f.host.log.counts.redeliveries).toBe(1);
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('wixEvents_onOrderUpdated took'))).toEqual([
      expect.stringContaining('Wix delivers it again in 0 s (attempt 2 of 2)'),
      expect.stringContaining('no attempt is left'),
    ]);
  });

  test('a handler that throws is delivered again on the schedule; a fast one that succeeds is not', async () => {
    f = await startFixture({ redeliveryMs: [20, 20, 20] });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const got = collect(f.hub, 'fixture-events');
    f.host.dispatchEvent('wixEvents_onOrderUpdated', { fail: true, tag: 'failing' });
    f.host.dispatchEvent('wixEvents_onOrderUpdated', { tag: 'fine' });
    await vi.waitFor(() => expect(got.filter((m) => (m.payload as any).tag === 'failing')).toHaveLength(4), { timeout: 2000 });
    await new Promise((r) => setTimeout(r, 100));
    await f.host.idle();
    // First delivery plus the schedule's three, then no more; the good one ran once.
    expect(got.filter((m) => (m.payload as any).tag === 'failing')).toHaveLength(4);
    expect(got.filter((m) => (m.payload as any).tag === 'fine')).toHaveLength(1);
    expect(f.host.log.counts.redeliveries).toBe(3);
  });

  test('stopping the host drops the redeliveries still waiting', async () => {
    f = await startFixture({ redeliveryMs: [100] });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const got = collect(f.hub, 'fixture-events');
    f.host.dispatchEvent('wixEvents_onOrderUpdated', { fail: true });
    await f.host.idle();
    await f.host.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(1);
    expect(f.host.log.counts.redeliveries).toBe(0);
  });

  test('by default the resend schedule is Wix\'s: 12 more attempts, 1 min after the first failure, about 47 h in all', () => {
    expect(WIX_RESEND_SCHEDULE_MS).toHaveLength(12);
    expect(WIX_RESEND_SCHEDULE_MS[0]).toBe(60_000);
    expect(WIX_RESEND_SCHEDULE_MS.reduce((a, b) => a + b, 0) / 3_600_000).toBeCloseTo(47 + 11 / 60, 5);
  });

  test('eventConcurrency: at most that many handlers run at once; the others wait and all run', async () => {
    f = await startFixture({ eventConcurrency: 2 });
    const got = collect(f.hub, 'fixture-events');
    for (let i = 0; i < 4; i++) f.host.dispatchEvent('wixEvents_onOrderUpdated', { sleepMs: 50 });
    await f.host.idle();
    // Each handler says how many were running when it started: two at once, never more.
    const running = got.map((m) => (m.payload as { running: number }).running);
    expect(Math.max(...running)).toBe(2);
    expect(got).toHaveLength(4);
  });

  test('events emitted by the local Wix reach the host through SiteCodeHost', async () => {
    f = await startFixture({ cold: true });
    const got = collect(f.hub, 'fixture-events');
    await adminFetch(`${f.baseUrl}/_local/velo/events/wixEvents_onOrderConfirmed`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderNumber: 'R-1' }),
    });
    await f.host.idle();
    expect(got.map((m) => (m.payload as any).orderNumber)).toEqual(['R-1']);
  });

  // What a cold load costs in time is bench/coldLoad.bench.ts's to report (mean and p95 per entry file);
  // here, what keeps it cheap: cold invocations instantiate the modules afresh but never recompile them.
  test('cold invocations load the site\'s modules afresh each time from code compiled once', async () => {
    f = await startFixture({ cold: true });
    const got = collect(f.hub, 'fixture-events');
    f.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: 'B-first' });
    await f.host.idle();
    const first = f.host.loadStats();
    const n = 1000;
    for (let i = 0; i < n; i++) f.host.dispatchEvent('wixEvents_onOrderConfirmed', { orderNumber: `B-${i}` });
    await f.host.idle();
    const s = f.host.loadStats();
    expect(got).toHaveLength(n + 1);
    expect(s.loads - first.loads).toBeGreaterThanOrEqual(n);
    expect(s.compiles).toBe(first.compiles);
  });
});

test('event handlers run without a site-owner identity: only elevated SDK calls are ADMIN (as on Wix)', async () => {
  const seen: string[] = [];
  const { dataQueryRecorder } = await import('./fixture.js');
  f = await startFixture({ modules: [dataQueryRecorder(seen)] });
  f.host.dispatchEvent('wixEvents_onOrderDeleted', {});
  await f.host.idle();
  expect(seen).toEqual(['LocalWix ANYONE wix-code-backend', 'LocalWix ADMIN site-owner']);
});

describe('event workers (eventWorkers: site event handlers in their own threads, as Wix runs site code apart from its services)', () => {
  test('a handler runs in a worker thread; its realtime publish and CRM call reach the main thread', async () => {
    f = await startFixture({ eventWorkers: 1, cold: true });
    f.host.crm = crmFor(f.wix.db);
    const got = collect(f.hub, 'fixture-events');
    f.host.dispatchEvent('wixEvents_onTicketDefinitionDeleted', { email: 'Ann@Example.com' });
    await f.host.idle();
    expect(f.host.eventWorkers).toBe(1);
    const payload = got[0]?.payload as { threadId: number; contactId: string };
    expect(got).toHaveLength(1);
    expect(payload.threadId).not.toBe(threadId);
    // The contact exists in the main thread's CRM under the ID the worker got back.
    expect(crmFor(f.wix.db).getContact(payload.contactId)).toMatchObject({ info: { emails: [expect.objectContaining({ email: 'ann@example.com' })] } });
  });

  test('a worker keeps cold mode (fresh module state per invocation) and warm mode', async () => {
    f = await startFixture({ eventWorkers: 1, cold: true });
    f.host.crm = crmFor(f.wix.db);
    const cold = collect(f.hub, 'fixture-events');
    for (let i = 0; i < 3; i++) { f.host.dispatchEvent('wixEvents_onTicketDefinitionDeleted', { email: `c${i}@example.com` }); await f.host.idle(); }
    expect(cold.map((m) => (m.payload as any).invocations)).toEqual([1, 1, 1]);
    await f.close();
    f = await startFixture({ eventWorkers: 1, cold: false });
    f.host.crm = crmFor(f.wix.db);
    const warm = collect(f.hub, 'fixture-events');
    for (let i = 0; i < 3; i++) { f.host.dispatchEvent('wixEvents_onTicketDefinitionDeleted', { email: `w${i}@example.com` }); await f.host.idle(); }
    expect(warm.map((m) => (m.payload as any).invocations)).toEqual([1, 2, 3]);
  });

  test("a failing handler in a worker is logged as failed with its message; a CRM error reaches the handler", async () => {
    f = await startFixture({ eventWorkers: 1 });
    f.host.crm = crmFor(f.wix.db);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    f.host.dispatchEvent('wixEvents_onTicketDefinitionDeleted', { fail: 'on purpose' });
    f.host.dispatchEvent('wixEvents_onTicketDefinitionDeleted', { email: 'not-an-email' }); // the CRM refuses
    await f.host.idle();
    const failed = f.host.log.toJSON().recent.filter((r: { ok: boolean }) => !r.ok).map((r: { error?: string }) => r.error);
    expect(failed).toEqual(expect.arrayContaining(['asked to fail: on purpose', 'Invalid email address: not-an-email']));
    expect(error.mock.calls.map((c) => c.join(' ')).join('\n')).toContain('asked to fail: on purpose');
  });

  test('SDK calls from a worker carry the same identities as in the main thread', async () => {
    const seen: string[] = [];
    const { dataQueryRecorder } = await import('./fixture.js');
    f = await startFixture({ eventWorkers: 1, modules: [dataQueryRecorder(seen)] });
    f.host.dispatchEvent('wixEvents_onOrderDeleted', {});
    await f.host.idle();
    expect(seen).toEqual(['LocalWix ANYONE wix-code-backend', 'LocalWix ADMIN site-owner']);
  });
});
