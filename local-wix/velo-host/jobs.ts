// `src/backend/jobs.config`, checked the way Wix checks it and scheduled with its real cron
// expressions (UTC). Wix silently drops a config it does not accept; locally every refusal is an
// error at startup, so a wrong entry fails here instead of never running there.
import { Cron } from 'croner';

export interface JobConfigEntry {
  functionLocation: string;
  functionName: string;
  description?: string;
  executionConfig: { cronExpression?: string; time?: string; dayOfWeek?: string; dateOfMonth?: number };
}

export interface ValidJob extends JobConfigEntry { cron: string }

export interface JobsValidation { jobs: ValidJob[]; errors: string[]; warnings: string[] }

/** What validation needs to know about the site's files. */
export interface JobSiteView {
  exists(functionLocation: string): boolean;
  exportsOf(functionLocation: string): Promise<string[]>;
}

export const MAX_JOBS = 20;
const TOP_KEYS = ['jobs'];
const JOB_KEYS = ['functionLocation', 'functionName', 'description', 'executionConfig'];
const EXEC_KEYS = ['cronExpression', 'time', 'dayOfWeek', 'dateOfMonth'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function unknownKeys(obj: Record<string, unknown>, allowed: string[]): string[] {
  return Object.keys(obj).filter((k) => !allowed.includes(k));
}

/** The cron expression for an `executionConfig`, or an error message. */
function cronOf(where: string, ec: JobConfigEntry['executionConfig']): string | { error: string } {
  const hasCron = ec.cronExpression !== undefined, hasTime = ec.time !== undefined;
  if (hasCron === hasTime) return { error: `${where}: executionConfig needs exactly one of "cronExpression" or "time"` };
  if (hasCron) {
    if (ec.dayOfWeek !== undefined || ec.dateOfMonth !== undefined) return { error: `${where}: "dayOfWeek"/"dateOfMonth" go with "time", not with "cronExpression"` };
    const expr = String(ec.cronExpression).trim();
    if (typeof ec.cronExpression !== 'string' || expr.split(/\s+/).length !== 5) {
      return { error: `${where}: cronExpression ${JSON.stringify(ec.cronExpression)} must have 5 fields (minute hour day-of-month month day-of-week)` };
    }
    try { new Cron(expr, { timezone: 'UTC', mode: '5-part', paused: true }).stop(); } catch (err) {
      return { error: `${where}: invalid cronExpression ${JSON.stringify(expr)}: ${(err as Error).message}` };
    }
    return expr;
  }
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(String(ec.time));
  if (typeof ec.time !== 'string' || !m) return { error: `${where}: time ${JSON.stringify(ec.time)} must be "HH:MM" (UTC, 24-hour)` };
  const [hh, mm] = [Number(m[1]), Number(m[2])];
  if (ec.dayOfWeek !== undefined && ec.dateOfMonth !== undefined) return { error: `${where}: use either "dayOfWeek" or "dateOfMonth", not both` };
  if (ec.dayOfWeek !== undefined) {
    const d = DAYS.indexOf(String(ec.dayOfWeek));
    if (d < 0) return { error: `${where}: dayOfWeek ${JSON.stringify(ec.dayOfWeek)} must be one of ${DAYS.join(', ')}` };
    return `${mm} ${hh} * * ${d}`;
  }
  if (ec.dateOfMonth !== undefined) {
    const d = Number(ec.dateOfMonth);
    if (!Number.isInteger(d) || d < 1 || d > 31) return { error: `${where}: dateOfMonth ${JSON.stringify(ec.dateOfMonth)} must be an integer 1–31` };
    return `${mm} ${hh} ${d} * *`;
  }
  return `${mm} ${hh} * * *`;
}

/** Smallest gap between consecutive runs over the next runs of a schedule, in minutes. */
export function minIntervalMinutes(cron: string): number {
  const c = new Cron(cron, { timezone: 'UTC', mode: '5-part', paused: true });
  const runs = c.nextRuns(30, new Date(Date.UTC(2030, 0, 1)));
  c.stop();
  let min = Infinity;
  for (let i = 1; i < runs.length; i++) min = Math.min(min, (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 60_000);
  return min;
}

export async function validateJobsConfig(raw: string, site: JobSiteView): Promise<JobsValidation> {
  const errors: string[] = [], warnings: string[] = [], jobs: ValidJob[] = [];
  let cfg: any;
  try { cfg = JSON.parse(raw); } catch (err) {
    return { jobs, warnings, errors: [`jobs.config is not valid JSON: ${(err as Error).message}`] };
  }
  if (!cfg || typeof cfg !== 'object' || Array.isArray(cfg)) return { jobs, warnings, errors: ['jobs.config must be a JSON object {"jobs": [...]}'] };
  for (const k of unknownKeys(cfg, TOP_KEYS)) errors.push(`jobs.config: unknown key "${k}" (allowed: ${TOP_KEYS.join(', ')})`);
  if (!Array.isArray(cfg.jobs)) return { jobs, warnings, errors: [...errors, 'jobs.config: "jobs" must be an array'] };
  if (cfg.jobs.length > MAX_JOBS) errors.push(`jobs.config has ${cfg.jobs.length} jobs; Wix allows at most ${MAX_JOBS}`);
  for (const [i, job] of (cfg.jobs as any[]).entries()) {
    const where = `jobs[${i}]${job && typeof job.functionName === 'string' ? ` (${job.functionName})` : ''}`;
    if (!job || typeof job !== 'object' || Array.isArray(job)) { errors.push(`${where}: must be an object`); continue; }
    for (const k of unknownKeys(job, JOB_KEYS)) errors.push(`${where}: unknown key "${k}" (allowed: ${JOB_KEYS.join(', ')})`);
    let ok = true;
    if (typeof job.functionLocation !== 'string' || !job.functionLocation.startsWith('/') || !job.functionLocation.endsWith('.js')) {
      errors.push(`${where}: functionLocation ${JSON.stringify(job.functionLocation)} must be a backend file path like "/alerts.js"`); ok = false;
    }
    if (typeof job.functionName !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(job.functionName)) {
      errors.push(`${where}: functionName ${JSON.stringify(job.functionName)} must be the name of an exported function`); ok = false;
    }
    if (job.description !== undefined && typeof job.description !== 'string') errors.push(`${where}: description must be a string`);
    if (!job.executionConfig || typeof job.executionConfig !== 'object' || Array.isArray(job.executionConfig)) {
      errors.push(`${where}: executionConfig must be an object`); continue;
    }
    for (const k of unknownKeys(job.executionConfig, EXEC_KEYS)) errors.push(`${where}: unknown executionConfig key "${k}" (allowed: ${EXEC_KEYS.join(', ')})`);
    const cron = cronOf(where, job.executionConfig);
    if (typeof cron !== 'string') { errors.push(cron.error); continue; }
    if (ok) {
      if (!site.exists(job.functionLocation)) { errors.push(`${where}: functionLocation ${job.functionLocation} does not exist in backend/`); continue; }
      const names = await site.exportsOf(job.functionLocation);
      if (!names.includes(job.functionName)) {
        errors.push(`${where}: ${job.functionLocation} does not export "${job.functionName}" (exports: ${names.join(', ') || 'none'})`); continue;
      }
    }
    const every = minIntervalMinutes(cron);
    if (every < 60) {
      warnings.push(`${where}: "${cron}" runs every ${every} min; Wix ignores schedules more frequent than hourly on most plans — plan for hourly at best`);
    }
    if (ok) jobs.push({ ...job, cron });
  }
  const names = new Map<string, number>();
  for (const j of jobs) names.set(j.functionName, (names.get(j.functionName) ?? 0) + 1);
  for (const [n, count] of names) if (count > 1) warnings.push(`jobs.config schedules "${n}" ${count} times`);
  return { jobs: errors.length ? [] : jobs, errors, warnings };
}

export class JobsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`jobs.config refused (Wix would not run these jobs):\n  - ${problems.join('\n  - ')}`);
    this.name = 'JobsConfigError';
  }
}

/** Runs each valid job on its cron expression, in UTC. */
export class JobScheduler {
  private crons: { job: ValidJob; cron: Cron }[] = [];
  constructor(private readonly run: (job: ValidJob) => Promise<unknown>) {}
  start(jobs: ValidJob[]) {
    for (const job of jobs) {
      const cron = new Cron(job.cron, { timezone: 'UTC', mode: '5-part', unref: true }, () => {
        this.run(job).catch(() => { /* logged by the host */ });
      });
      this.crons.push({ job, cron });
    }
  }
  nextRun(functionName: string): string | null {
    return this.crons.find((c) => c.job.functionName === functionName)?.cron.nextRun()?.toISOString() ?? null;
  }
  stop() { for (const c of this.crons) c.cron.stop(); this.crons = []; }
}
