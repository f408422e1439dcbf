// Lists functions longer than a limit (default 60 lines) in backend/ and local-wix/, longest first.
// A function's length is the lines it spans, less the lines of data tables inside it (object or
// array literals holding no function), so a long table of rules does not count. Nested functions
// are listed on their own and also count toward the function around them.
//   npx tsx scripts/long-functions.ts [--max 60] [dir…]     exit code 1 when any is found
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', '.git', 'dist']);

interface LongFunction { file: string; line: number; name: string; lines: number }

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sourceFiles(full);
    return /\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function isFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)
    || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node);
}

function containsFunction(node: ts.Node): boolean {
  let found = false;
  node.forEachChild(function visit(n) {
    if (found) return;
    if (isFunction(n)) found = true;
    else n.forEachChild(visit);
  });
  return found;
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line;
}

/** Lines (0-based) of the data tables inside `fn`: object or array literals without functions. */
function tableLines(sf: ts.SourceFile, fn: ts.Node): Set<number> {
  const lines = new Set<number>();
  fn.forEachChild(function visit(n) {
    if ((ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n)) && !containsFunction(n)) {
      const start = lineOf(sf, n.getStart(sf));
      const end = lineOf(sf, n.getEnd());
      // A one-line literal is code, not a table; the lines it opens and closes on stay counted.
      for (let l = start + 1; l < end; l++) lines.add(l);
      return;
    }
    n.forEachChild(visit);
  });
  return lines;
}

function nameOf(fn: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (fn.name) return fn.name.getText(sf);
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(sf).slice(0, 40)})`;
  return '(anonymous)';
}

export function longFunctions(files: string[], max: number): LongFunction[] {
  const found: LongFunction[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    sf.forEachChild(function visit(n) {
      if (isFunction(n) && n.body) {
        const start = lineOf(sf, n.getStart(sf));
        const end = lineOf(sf, n.getEnd());
        const lines = end - start + 1 - tableLines(sf, n).size;
        if (lines > max) found.push({ file: path.relative(ROOT, file), line: start + 1, name: nameOf(n, sf), lines });
      }
      n.forEachChild(visit);
    });
  }
  return found.sort((a, b) => b.lines - a.lines);
}

function main(argv: string[]) {
  let max = 60;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--max') max = Number(argv[++i]);
    else dirs.push(argv[i]!);
  }
  const roots = (dirs.length ? dirs : ['backend', 'local-wix']).map((d) => path.resolve(ROOT, d));
  const found = longFunctions(roots.flatMap(sourceFiles), max);
  for (const f of found) console.log(`${String(f.lines).padStart(4)} lines  ${f.file}:${f.line}  ${f.name}`);
  console.log(`${found.length} function(s) over ${max} lines in ${roots.map((r) => path.relative(ROOT, r)).join(', ')}`);
  process.exitCode = found.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main(process.argv.slice(2));
