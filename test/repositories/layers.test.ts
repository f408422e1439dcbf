// The repositories layer: flows reach the collections only through backend/repositories, and the
// repositories build on CollectionsPort (backend/ports.ts), the core, the lib helpers and the
// collection names (backend/collections.ts), never on flows, Wix adapters, connectors or entry points.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const BACKEND = path.resolve(import.meta.dirname, '../../backend');
const sources = (dir: string) => fs.readdirSync(path.join(BACKEND, dir)).filter((f) => f.endsWith('.ts')).map((f) => ({ file: `${dir}/${f}`, text: fs.readFileSync(path.join(BACKEND, dir, f), 'utf8') }));
const importsOf = (text: string) => [...text.matchAll(/^import[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);

it('repositories import only zod, the ports, the collection names, the core, lib and each other', () => {
  const files = sources('repositories');
  expect(files.length).toBeGreaterThan(5);
  const allowed = /^(zod|\.\.\/ports\.js|\.\.\/collections\.js|\.\.\/core\/.+|\.\.\/lib\/.+|\.\/[^/]+\.js)$/;
  const offending = files.flatMap(({ file, text }) => importsOf(text).filter((i) => !allowed.test(i)).map((i) => `${file}: ${i}`));
  expect(offending).toEqual([]);
});

it('flows make no raw collection or claim calls (they go through a repository)', () => {
  const raw = /\b(?:collections|claims)\.(?:get|insert|save|remove|query|bulkSave|bulkUpdate|claim)\s*[<(]/;
  const offending = sources('flows').filter(({ text }) => raw.test(text)).map(({ file }) => file);
  expect(offending).toEqual([]);
});
