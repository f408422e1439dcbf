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
