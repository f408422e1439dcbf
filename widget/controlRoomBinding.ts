// Page code side of <control-room> (the owner's dashboard page): loads the three sections through
// the admin web methods (one call each), answers the element's 'control-action' events with the
// matching web method, and shows each result as a dashboard toast (`@wix/dashboard` showToast) and
// in the element's polite live region. "Sync now" calls syncEventNow again while it answers
// callAgain, showing progress after each call; Stop ends the loop after the current call, and
// Sync now / Resume continues where it stopped (the run's progress is stored in SyncRuns).
import { dashboard } from '@wix/dashboard';
import { controlRoomAlerts, controlRoomCounters, controlRoomSync, refreshAllCountersNow, retrySyncDeadLetters, runSaleAlertSweepNow, sendTestSaleAlert, syncDryRun } from 'backend/dashboard.web';
import { addSyncMappingPreset, syncEventNow } from 'backend/sync.web';
import { setupCollectionsNow } from 'backend/setup.web';
import type { ControlAction, ProgressAttr } from './control-room.js';

interface ControlRoomElement {
  on(event: string, handler: (e: { detail?: unknown }) => void): void;
  setAttribute(name: string, value: string): void;
}

type Section = 'sync' | 'alerts' | 'counters';
/** Guard against a loop that never ends (each call moves at least one page or delivery forward). */
const MAX_CALLS = 200;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function bindControlRoom($w: (selector: string) => ControlRoomElement, selector = '#controlRoom') {
  const el = $w(selector);
  const args: Record<Section, Record<string, unknown>> = { sync: {}, alerts: {}, counters: {} };
  let syncRun: { stop: boolean } | null = null;
  let lastProgress: ProgressAttr | null = null;

  const toast = (message: string, ok: boolean) => {
    try {
      dashboard.showToast({ message, type: ok ? 'success' : 'error', timeout: 'normal' });
    } catch (e) {
      // Outside a dashboard page there is no toast; the live region still says it.
      console.warn(`control room: no toast (${(e as Error).message})`);
    }
  };
  const answer = (requestId: number, ok: boolean, message: string) => {
    el.setAttribute('result', JSON.stringify({ requestId, ok, message }));
    toast(message, ok);
  };
  const progress = (p: ProgressAttr) => { lastProgress = p; el.setAttribute('progress', JSON.stringify(p)); };

  const readers: Record<Section, (a: Record<string, unknown>) => Promise<unknown>> = { sync: controlRoomSync, alerts: controlRoomAlerts, counters: controlRoomCounters };
  const load = async (section: Section, a?: Record<string, unknown>) => {
    if (a) args[section] = a;
    try {
      el.setAttribute(`${section}-data`, JSON.stringify({ ok: true, data: await readers[section](args[section]) }));
    } catch (e) {
      el.setAttribute(`${section}-data`, JSON.stringify({ ok: false, message: (e as Error).message }));
    }
  };

  const syncNow = async (requestId: number, targetId: string, eventId: string) => {
    if (syncRun) return answer(requestId, false, 'A sync is already running; stop it first.');
    const run = (syncRun = { stop: false });
    let counts: Record<string, number> = {};
    let calls = 0;
    try {
      for (;;) {
        progress({ targetId, eventId, state: run.stop ? 'stopping' : 'running', calls, counts });
        const r = await syncEventNow({ eventId, targetId });
        calls++;
        const t = r.targets.find((x) => x.targetId === targetId);
        if (!t) throw new Error(r.problems.join(' ') || `Target ${targetId} does not sync event ${eventId}.`);
        // The run's totals so far (SyncRuns keeps them across calls and resumes).
        counts = { ...t.counts };
        if (!r.callAgain || t.done) {
          const failures = t.failures.length ? ` ${plural(t.failures.length, 'failure')}: ${t.failures.slice(0, 3).join('; ')}` : '';
          progress({ targetId, eventId, state: 'done', calls, counts, message: failures.trim() || undefined });
          return answer(requestId, !t.failures.length, `Sync of ${eventId} to ${targetId} finished after ${plural(calls, 'call')}.${failures}`);
        }
        if (run.stop) {
          progress({ targetId, eventId, state: 'stopped', calls, counts });
          return answer(requestId, true, `Sync of ${eventId} to ${targetId} stopped after ${plural(calls, 'call')}; Resume continues where it stopped.`);
        }
        if (calls >= MAX_CALLS) throw new Error(`still unfinished after ${calls} calls`);
      }
    } catch (e) {
      progress({ targetId, eventId, state: 'failed', calls, counts, message: (e as Error).message });
      answer(requestId, false, `Sync of ${eventId} to ${targetId} failed: ${(e as Error).message}`);
    } finally {
      syncRun = null;
      void load('sync');
    }
  };

  /** Calls `fn` again while it answers callAgain (bounded), returning the answers. */
  const untilDone = async <T extends { callAgain: boolean }>(fn: () => Promise<T>): Promise<T[]> => {
    const out: T[] = [];
    do out.push(await fn()); while (out.at(-1)!.callAgain && out.length < 20);
    return out;
  };

  const actions = async (requestId: number, a: ControlAction): Promise<[boolean, string, Section[]]> => {
    switch (a.action) {
      case 'retry':
      case 'retryAll': {
        const rs = await untilDone(() => retrySyncDeadLetters(a.action === 'retry' ? { ids: a.ids } : { all: true }));
        const sum = (k: 'requeued' | 'delivered' | 'retried' | 'deadLettered') => rs.reduce((n, r) => n + r[k], 0);
        const last = rs.at(-1)!;
        const gone = a.action === 'retry' && last.notDead.length ? ` Not a dead letter any more: ${last.notDead.join(', ')}.` : '';
        return [sum('deadLettered') === 0, `Re-queued ${sum('requeued')}, delivered ${sum('delivered')}, will retry ${sum('retried')}, dead again ${sum('deadLettered')}; ${plural(last.remainingDead, 'dead letter')} left.${gone}`, ['sync']];
      }
      case 'dryRun': {
        const r = await syncDryRun({ eventId: a.eventId, targetId: a.targetId });
        const t = r.targets[0];
        if (!t) return [false, r.problems.join(' ') || `Target ${a.targetId} does not sync event ${a.eventId}.`, []];
        el.setAttribute('plan', JSON.stringify({ targetId: t.targetId, eventId: r.eventId, rows: t.rows, counts: t.counts }));
        return [true, `Dry run of ${a.eventId} to ${t.targetId}: ${Object.entries(t.counts).map(([k, v]) => `${k} ${v}`).join(', ')}. Nothing was written.`, []];
      }
      case 'addPreset': {
        const r = await addSyncMappingPreset({ targetId: a.targetId });
        return [true, `Mapping preset ${r.preset} for ${a.targetId}: ${plural(r.inserted.length, 'row')} added, ${r.skipped.length} already mapped.`, ['sync']];
      }
      case 'setupCollections': {
        const r = await setupCollectionsNow();
        return [true, `Collections created: ${r.created.length ? r.created.join(', ') : 'none'}; ${r.existing.length} already there.`, ['sync', 'alerts', 'counters']];
      }
      case 'runSweep': {
        const rs = await untilDone(() => runSaleAlertSweepNow());
        const last = rs.at(-1)!;
        const sent = rs.reduce((n, r) => n + r.sent + r.retried, 0), failed = rs.reduce((n, r) => n + r.failed, 0);
        return [failed === 0, `Sweep ${last.outcome === 'idle' ? 'found no alert due' : last.callAgain ? 'is still unfinished' : 'finished'}: ${sent} sent, ${failed} failed.`, ['alerts']];
      }
      case 'testAlert': {
        const r = await sendTestSaleAlert({ email: a.email, eventId: a.eventId });
        return r.ok ? [true, `Test alert sent to ${r.email} (${plural(r.tickets, 'ticket')}).`, []] : [false, `Test alert not sent: ${r.message}`, []];
      }
      case 'refreshCounters': {
        const rs = await untilDone(() => refreshAllCountersNow());
        const refreshed = rs.reduce((n, r) => n + r.refreshed, 0), failed = rs.reduce((n, r) => n + r.failed, 0);
        return [failed === 0, `Counters refreshed: ${refreshed} definitions, ${failed} failed.`, ['counters']];
      }
      default:
        return [false, 'Unknown action', []];
    }
  };

  el.on('control-action', async (event) => {
    const a = event.detail as (ControlAction & { requestId?: unknown }) | undefined;
    const requestId = typeof a?.requestId === 'number' ? a.requestId : 0;
    if (!a) return;
    if (a.action === 'load') return void load(a.section, Object.keys(a.args).length ? a.args : undefined);
    if (a.action === 'stopSync') {
      // The call in flight finishes (its deliveries are recorded); no next call starts.
      if (syncRun) { syncRun.stop = true; if (lastProgress) progress({ ...lastProgress, state: 'stopping' }); }
      return;
    }
    if (a.action === 'syncNow') return void syncNow(requestId, a.targetId, a.eventId);
    try {
      const [ok, message, reload] = await actions(requestId, a);
      answer(requestId, ok, message);
      await Promise.all(reload.map((s) => load(s)));
    } catch (e) {
      answer(requestId, false, (e as Error).message);
    }
  });

  return Promise.all((['sync', 'alerts', 'counters'] as const).map((s) => load(s)));
}
