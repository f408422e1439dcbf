// package.json `dependencies` is what `wix install` puts on the site: exactly the npm packages the
// generated site code imports (src/backend and src/public, page code included). Wix provides `wix-*`
// modules and Node's built-ins itself; everything else (local Wix, build, tests) is a devDependency.
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'acorn';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Bare specifiers of a module's static and dynamic imports (and re-exports). */
function bareImports(code: string): string[] {
  const found: string[] = [];
  const visit = (node: any) => {
    if (!node || typeof node.type !== 'string') return;
    if (['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].includes(node.type) && typeof node.source?.value === 'string') found.push(node.source.value);
    for (const v of Object.values(node)) {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') visit(v);
    }
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }));
  return found.filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

const packageName = (spec: string) => spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
const builtin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);
// Site paths Velo resolves itself: `backend/…` and `public/…` imports in page and public code.
const sitePath = (spec: string) => /^(backend|public)\//.test(spec);

it('dependencies lists exactly the npm packages the site code imports', () => {
  const files = (['src/backend', 'src/public', 'src/pages'] as const).flatMap((d) =>
    (fs.readdirSync(path.join(root, d), { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => path.join(root, d, f)));
  expect(files.length).toBeGreaterThan(20);
  const imported = new Set<string>();
  for (const f of files) {
    for (const s of bareImports(fs.readFileSync(f, 'utf8'))) {
      if (s.startsWith('wix-') || builtin(s) || sitePath(s)) continue;
      imported.add(packageName(s));
    }
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  expect(Object.keys(pkg.dependencies).sort()).toEqual([...imported].sort());
  for (const d of Object.keys(pkg.dependencies)) expect(pkg.devDependencies[d], d).toBeUndefined();
});
