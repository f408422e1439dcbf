// The whole local Wix for an end-to-end test: a fresh data folder, a free port, cold site code, no
// scheduled jobs (tests run jobs themselves), and a live site's limits on (pass `limits` to change one,
// or `limits: false` with a comment saying why). close() stops it and removes the folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { startStack, type Stack, type StackOptions } from '../../local-wix/stack.js';
import type { LimitsOption } from '../../local-wix/server/limitSettings.js';

export async function startTestStack(name: string, opts: { seed: boolean; limits?: LimitsOption; redeliveryMs?: readonly number[] }): Promise<Stack & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const stack = await startStack({ port: 0, dataDir, seed: opts.seed, cold: true, scheduleJobs: false, limits: opts.limits, redeliveryMs: opts.redeliveryMs });
  return {
    ...stack,
    dataDir,
    async close() {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * For tests that start (and restart) stacks themselves: one data folder per test, named by `prefix`
 * and holding `files`, made on first use. After each test the stack started last is closed and the
 * folder removed.
 */
export function stackPerTest(prefix: string, files: Record<string, string> = {}) {
  let current: Stack | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await current?.close(); current = null;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  return {
    get dataDir(): string {
      if (dir) return dir;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      return dir;
    },
    /** Starts a stack on a free port over this test's folder. */
    async start(opts: Omit<StackOptions, 'port' | 'dataDir'>): Promise<Stack> {
      current = await startStack({ port: 0, dataDir: this.dataDir, ...opts });
      return current;
    },
    /** The stack started last in this test. */
    get stack(): Stack {
      if (!current) throw new Error('no stack started in this test');
      return current;
    },
  };
}

/** Wix Data queries the stack's local Wix has answered so far (from its route counts). */
export function dataQueriesServed(stack: Pick<Stack, 'wix'>): number {
  return [...stack.wix.stats].filter(([label]) => label.includes('/wix-data/v2/items/query')).reduce((n, [, c]) => n + c, 0);
}
