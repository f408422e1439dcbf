import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { JobsConfigError, minIntervalMinutes, validateJobsConfig, type JobSiteView } from '../../local-wix/velo-host/jobs.js';
import { collect, FIXTURE_SITE, startFixture } from './fixture.js';
import { adminFetch } from '../../local-wix/local-key.js';

let f: Awaited<ReturnType<typeof startFixture>> | null = null;
afterEach(async () => { await f?.close(); f = null; vi.restoreAllMocks(); });

const site: JobSiteView = {
  exists: (loc) => loc === '/jobs.js',
  exportsOf: async () => ['sweep', 'nightly'],
};
const job = (over: Record<string, unknown> = {}, exec: Record<string, unknown> = { cronExpression: '0 * * * *' }) =>
  ({ functionLocation: '/jobs.js', functionName: 'sweep', description: 'd', executionConfig: exec, ...over });
const check = (cfg: unknown) => validateJobsConfig(typeof cfg === 'string' ? cfg : JSON.stringify(cfg), site);

describe('jobs.config validation (what Wix refuses)', () => {
  test('a valid config: cron and time forms become UTC cron expressions', async () => {
    const v = await check({ jobs: [job(), job({ functionName: 'nightly' }, { time: '03:30' }), job({ functionName: 'nightly' }, { time: '04:05', dayOfWeek: 'Monday' }), job({ functionName: 'nightly' }, { time: '00:00', dateOfMonth: 1 })] });
    expect(v.errors).toEqual([]);
    expect(v.jobs.map((j) => j.cron)).toEqual(['0 * * * *', '30 3 * * *', '5 4 * * 1', '0 0 1 * *']);
  });

  test.each([
    ['unknown top-level key', { jobs: [job()], extra: 1 }, /unknown key "extra"/],
    ['unknown job key', { jobs: [job({ schedule: 'x' })] }, /unknown key "schedule"/],
    ['unknown executionConfig key', { jobs: [job({}, { cronExpression: '0 * * * *', timezone: 'UTC' })] }, /unknown executionConfig key "timezone"/],
    ['more than 20 jobs', { jobs: Array.from({ length: 21 }, () => job()) }, /21 jobs; Wix allows at most 20/],
    ['function not exported', { jobs: [job({ functionName: 'sweepp' })] }, /does not export "sweepp"/],
    ['file missing', { jobs: [job({ functionLocation: '/nope.js' })] }, /\/nope\.js does not exist/],
    ['invalid cron', { jobs: [job({}, { cronExpression: '61 * * * *' })] }, /invalid cronExpression/],
    ['six-field cron', { jobs: [job({}, { cronExpression: '0 0 * * * *' })] }, /must have 5 fields/],
    ['both cron and time', { jobs: [job({}, { cronExpression: '0 * * * *', time: '10:00' })] }, /exactly one of/],
    ['neither cron nor time', { jobs: [job({}, {})] }, /exactly one of/],
    ['bad time', { jobs: [job({}, { time: '25:00' })] }, /must be "HH:MM"/],
    ['bad dayOfWeek', { jobs: [job({}, { time: '10:00', dayOfWeek: 'Mon' })] }, /dayOfWeek/],
    ['not JSON', '{"jobs": [', /not valid JSON/],
  ])('refuses %s', async (_name, cfg, message) => {
    const v = await check(cfg);
    expect(v.errors.join('\n')).toMatch(message);
    expect(v.jobs).toEqual([]);
  });

  test('warns on schedules more frequent than hourly', async () => {
    const v = await check({ jobs: [job({}, { cronExpression: '* * * * *' }), job({ functionName: 'nightly' }, { cronExpression: '*/30 * * * *' })] });
    expect(v.errors).toEqual([]);
    expect(v.warnings).toHaveLength(2);
    expect(v.warnings[0]).toMatch(/every 1 min.*hourly/);
    expect(minIntervalMinutes('0 * * * *')).toBe(60);
  });

  test('the host refuses to start with a refused jobs.config', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'velo-site-'));
    fs.cpSync(FIXTURE_SITE, tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'backend/jobs.config'), JSON.stringify({ jobs: [job({ functionName: 'missing' })] }));
    await expect(startFixture({ siteDir: tmp })).rejects.toThrow(JobsConfigError);
    await expect(startFixture({ siteDir: tmp })).rejects.toThrow(/does not export "missing"/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});

describe('running jobs', () => {
  test('runJob runs one now, as the site backend, with fresh module state in cold mode', async () => {
    f = await startFixture({ cold: true });
    expect(f.host.jobs.map((j) => j.functionName)).toEqual(['sweep', 'nightly', 'tlaJob']);
    expect(await f.host.runJob('sweep')).toEqual({ swept: true, runs: 1 });
    expect(await f.host.runJob('sweep')).toEqual({ swept: true, runs: 1 });
    await expect(f.host.runJob('nope')).rejects.toThrow(/No job "nope"/);
  });

  test('POST /_local/jobs/<name>/run (what `npm run job` calls)', async () => {
    f = await startFixture();
    const res = await adminFetch(`${f.baseUrl}/_local/jobs/nightly/run`, { method: 'POST' });
    expect(await res.json()).toMatchObject({ functionName: 'nightly', result: 'nightly' });
    expect((await adminFetch(`${f.baseUrl}/_local/jobs/nope/run`, { method: 'POST' })).status).toBe(404);
    const list = (await (await adminFetch(`${f.baseUrl}/_local/jobs`)).json()) as any;
    expect(list.jobs.map((j: any) => j.cron)).toEqual(['0 * * * *', '30 3 * * *', '0 4 * * 1']);
  });

  test('a file with top-level await loads through the native ESM loader, fresh per invocation in cold mode', async () => {
    f = await startFixture({ cold: true });
    const got = collect(f.hub, 'fixture-tla');
    expect(await f.host.runJob('tlaJob')).toEqual({ ready: 'READY', runs: 1 });
    expect(await f.host.runJob('tlaJob')).toEqual({ ready: 'READY', runs: 1 });
    expect(got).toHaveLength(2);
    expect(f.host.loadStats().nativeLoads).toBe(2);
  });

  test('jobs are scheduled on their cron expressions (UTC)', async () => {
    f = await startFixture({ scheduleJobs: true });
    const list = (await (await adminFetch(`${f.baseUrl}/_local/jobs`)).json()) as any;
    const next = new Date(list.jobs[0].nextRun);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });
});
