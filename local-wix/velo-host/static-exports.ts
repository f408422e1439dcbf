// Velo's "Module Export Syntax" rules for the files Wix reads statically (events.js, data.js,
// routers.js): Wix finds handlers by reading the file's text, not by running it. Only a handler
// written as the docs write it is called: `export function name(…)` or `export async function name(…)`.
// Anything else (an alias, an export list, a re-export, a value built by running code, functions
// wrapped in an object, CommonJS) is silently never called on Wix; locally it is an error at startup.
// The file is parsed with acorn (a real ES parser), never matched with regular expressions.
import { parse, type Node } from 'acorn';
import { simple } from 'acorn-walk';

/** The backend files Wix reads statically (relative to src/backend). */
export const STATIC_EXPORT_FILES = ['events.js', 'data.js', 'routers.js'];

export interface RefusedExport { name: string; reason: string }
export interface VeloExports {
  /** Names exported as `export function` / `export async function`: the handlers Wix calls. */
  handlers: string[];
  /** Every other export, with why Wix never calls it. */
  refused: RefusedExport[];
}

const RULE = 'Velo\'s Module Export Syntax rules: in events.js, data.js and routers.js only `export function name(…)` or `export async function name(…)` is called';

/** A readable description of a refused export, naming the handler and the rule. */
export function refusalMessage(file: string, r: RefusedExport): string {
  const fix = /^[A-Za-z_$][\w$]*$/.test(r.name) ? ` Write it as \`export function ${r.name}(…) { … }\` (or \`export async function\`).` : '';
  return `${file}: ${r.name} is never called on Wix: ${r.reason} (${RULE}).${fix}`;
}

export class StaticExportError extends Error {
  constructor(readonly problems: string[]) {
    super(`The site's backend exports handlers Wix never calls:\n  - ${problems.join('\n  - ')}`);
    this.name = 'StaticExportError';
  }
}

function valueReason(init: any): string {
  if (!init) return 'a variable without a value, not a function declaration';
  switch (init.type) {
    case 'Identifier': return `an alias (\`= ${init.name}\`): Wix reads the file and finds no function declared under this name`;
    case 'CallExpression': case 'NewExpression': case 'AwaitExpression': case 'ConditionalExpression': case 'LogicalExpression': case 'MemberExpression': case 'TaggedTemplateExpression': case 'SequenceExpression':
      return 'a dynamic export: its value comes from running code';
    case 'ObjectExpression': return 'an export wrapped in an object: functions defined as properties of an object are never called';
    case 'ArrowFunctionExpression': case 'FunctionExpression': return 'a function expression assigned to a variable, not a function declaration';
    case 'ClassExpression': return 'a class, not a function';
    default: return 'not a function declaration';
  }
}

function exportedName(n: any): string {
  return n.type === 'Identifier' ? n.name : String(n.value);
}

/** CommonJS exports anywhere in the file: `module.exports = …`, `module.exports.x = …`, `exports.x = …`. */
function commonJsExports(ast: Node): RefusedExport[] {
  const found: RefusedExport[] = [];
  const reason = 'a CommonJS export (module.exports / exports.x): Wix reads ES module exports only';
  const isModuleExports = (n: any) => n?.type === 'MemberExpression' && n.object?.type === 'Identifier' && n.object.name === 'module' && !n.computed && n.property?.name === 'exports';
  simple(ast, {
    AssignmentExpression(node: any) {
      const left = node.left;
      if (left.type !== 'MemberExpression') return;
      if (isModuleExports(left)) {
        const keys = node.right?.type === 'ObjectExpression' ? node.right.properties.map((p: any) => p.key && (p.key.name ?? p.key.value)).filter(Boolean) : [];
        (keys.length ? keys : ['module.exports']).forEach((name: string) => found.push({ name, reason }));
      } else if ((left.object?.type === 'Identifier' && left.object.name === 'exports') || isModuleExports(left.object)) {
        found.push({ name: left.computed ? String(left.property?.value ?? '(computed)') : left.property.name, reason });
      }
    },
  });
  return found;
}

/** Reads a statically read Velo file's exports, as Wix does: handlers, and every export Wix never calls. */
export function readVeloExports(source: string, file = 'events.js'): VeloExports {
  let ast: any;
  try {
    ast = parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch (err) {
    throw new StaticExportError([`${file} cannot be read as an ES module: ${(err as Error).message}`]);
  }
  const handlers: string[] = [];
  const refused: RefusedExport[] = [];
  for (const node of ast.body) {
    if (node.type === 'ExportNamedDeclaration') {
      const d = node.declaration;
      if (d?.type === 'FunctionDeclaration') {
        if (d.generator) refused.push({ name: d.id.name, reason: 'a generator function, not a plain or async function' });
        else handlers.push(d.id.name);
      } else if (d?.type === 'VariableDeclaration') {
        for (const v of d.declarations) {
          if (v.id.type !== 'Identifier') refused.push({ name: source.slice(v.id.start, v.id.end), reason: 'a destructured export, not a function declaration' });
          else refused.push({ name: v.id.name, reason: valueReason(v.init) });
        }
      } else if (d?.type === 'ClassDeclaration') {
        refused.push({ name: d.id.name, reason: 'a class, not a function' });
      } else if (node.source) {
        for (const s of node.specifiers) refused.push({ name: exportedName(s.exported), reason: `a re-export of an imported function (\`export { … } from '${node.source.value}'\`)` });
      } else {
        for (const s of node.specifiers) refused.push({ name: exportedName(s.exported), reason: 'an export list (`export { … }`), not a function declaration' });
      }
    } else if (node.type === 'ExportAllDeclaration') {
      refused.push({ name: node.exported ? exportedName(node.exported) : `* from '${node.source.value}'`, reason: `a re-export (\`export * from '${node.source.value}'\`)` });
    } else if (node.type === 'ExportDefaultDeclaration') {
      const d = node.declaration;
      refused.push({ name: 'default', reason: d.type === 'ObjectExpression' ? 'an export wrapped in an object (`export default { … }`)' : 'a default export: Wix calls handlers by their names' });
    }
  }
  refused.push(...commonJsExports(ast));
  return { handlers: handlers.sort(), refused };
}
