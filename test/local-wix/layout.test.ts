// The local Wix's layers: the local site (local-wix/site) builds on the server (local-wix/server),
// never the other way round, so the server runs without the site (as the contract tests start it).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const SERVER = path.resolve(import.meta.dirname, '../../local-wix/server');

it('local-wix/server imports nothing from local-wix/site', () => {
  const files = fs.readdirSync(SERVER, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(10);
  const offending = files.filter((f) => /from\s+['"](\.\.\/)+site\//.test(fs.readFileSync(path.join(SERVER, f), 'utf8')));
  expect(offending).toEqual([]);
});
