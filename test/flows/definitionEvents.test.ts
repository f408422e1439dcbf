// One ticket-definition event starts several flows: each runs on its own, and every failure is logged by name.
import { describe, expect, it } from 'vitest';
import { runFlowsOnTheirOwn } from '../../backend/flows/definitionEvents.js';
import type { LoggerPort } from '../../backend/ports.js';

function recordingLogger() {
  const errors: { msg: string; data?: Record<string, unknown> }[] = [];
  const logger: LoggerPort = { info() {}, warn() {}, error: (msg, data) => void errors.push({ msg, data }) };
  return { logger, errors };
}

describe('runFlowsOnTheirOwn', () => {
  it('runs every flow though one fails, logs the failure with its name, and answers the failed names', async () => {
    const { logger, errors } = recordingLogger();
    const ran: string[] = [];
    const failed = await runFlowsOnTheirOwn(logger, 'Ticket definition change', {
      counter: async () => { ran.push('counter'); },
      sync: async () => { ran.push('sync'); throw new Error('secret "pretix-token" is missing'); },
      alerts: async () => { await new Promise((r) => setTimeout(r, 5)); ran.push('alerts'); },
    });
    expect(ran.sort()).toEqual(['alerts', 'counter', 'sync']);
    expect(failed).toEqual(['sync']);
    expect(errors).toEqual([{ msg: 'Ticket definition change: sync failed', data: { error: 'secret "pretix-token" is missing' } }]);
  });

  it('starts the flows together: a slow one does not hold the others back', async () => {
    const { logger } = recordingLogger();
    const started: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const run = runFlowsOnTheirOwn(logger, 'Sale started', {
      counter: async () => { started.push('counter'); await slow; },
      alerts: async () => { started.push('alerts'); },
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['counter', 'alerts']);
    release();
    expect(await run).toEqual([]);
  });

  it('logs a thrown non-Error as text', async () => {
    const { logger, errors } = recordingLogger();
    expect(await runFlowsOnTheirOwn(logger, 'Sale started', { alerts: () => Promise.reject('quota') })).toEqual(['alerts']);
    expect(errors[0]!.data).toEqual({ error: 'quota' });
  });
});
