// The whole local Wix for an end-to-end test: a fresh data folder, a free port, cold site code, no
// scheduled jobs (tests run jobs themselves), and a live site's limits on (pass `limits` to change one,
// or `limits: false` with a comment saying why). close() stops it and removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../local-wix/stack.js';
import type { LimitsOption } from '../../local-wix/server/limitSettings.js';

export async function startTestStack(name: string, opts: { seed: boolean; limits?: LimitsOption }): Promise<Stack & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const stack = await startStack({ port: 0, dataDir, seed: opts.seed, cold: true, scheduleJobs: false, limits: opts.limits });
  return {
    ...stack,
    dataDir,
    async close() {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Wix Data queries the stack's local Wix has answered so far (from its route counts). */
export function dataQueriesServed(stack: Pick<Stack, 'wix'>): number {
  return [...stack.wix.stats].filter(([label]) => label.includes('/wix-data/v2/items/query')).reduce((n, [, c]) => n + c, 0);
}
