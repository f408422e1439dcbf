// One generated file per source module, named after it: a change to one module rewrites that module's
// file and nothing else (no chunk renames, no rewritten import lines elsewhere), so a diff of the
// generated code shows exactly what changed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'stable-build-'));
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

it('a one-line change in the sync flow changes src/backend/ticket-flows/flows/sync.js only', () => {
  for (const d of ['backend', 'widget', 'scripts', 'src']) fs.cpSync(path.join(root, d), path.join(copy, d), { recursive: true });
  for (const f of ['package.json', 'ticket-flows.manifest.json', 'tsconfig.json']) fs.copyFileSync(path.join(root, f), path.join(copy, f));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  fs.appendFileSync(path.join(copy, 'backend/flows/sync.ts'), '\nexport const SYNC_FLOW_PROBE = 1;\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-velo.ts', '--list-written'], { cwd: copy, encoding: 'utf8' });
  // The manifest is unchanged too: the same files are generated.
  expect(out.trim().split('\n').filter((l) => l.startsWith('written '))).toEqual(['written src/backend/ticket-flows/flows/sync.js']);
  expect(fs.readFileSync(path.join(copy, 'src/backend/ticket-flows/flows/sync.js'), 'utf8')).toContain('SYNC_FLOW_PROBE');
});
