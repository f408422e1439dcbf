// The whole local Wix for an end-to-end test: a fresh data folder, a free port, cold site code, no
// scheduled jobs (tests run jobs themselves). close() stops it and removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack } from '../../local-wix/stack.js';

export async function startTestStack(name: string, opts: { seed: boolean }): Promise<Stack & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const stack = await startStack({ port: 0, dataDir, seed: opts.seed, cold: true, scheduleJobs: false });
  return {
    ...stack,
    dataDir,
    async close() {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
