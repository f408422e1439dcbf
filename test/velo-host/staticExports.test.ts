// Velo's Module Export Syntax rules: events.js, data.js and routers.js are read as text, as Wix reads
// them. Each form Wix never calls is refused with its reason, and the host does not start on it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readVeloExports, StaticExportError } from '../../local-wix/velo-host/static-exports.js';
import { FIXTURE_SITE, startFixture } from './fixture.js';

describe('reading entry files statically', () => {
  test('export function and export async function are handlers', () => {
    const r = readVeloExports('export function wixEvents_onOrderConfirmed(event) {}\nexport async function wixEvents_onOrderUpdated(event) { await 1; }\nfunction helper() {}\n');
    expect(r).toEqual({ handlers: ['wixEvents_onOrderConfirmed', 'wixEvents_onOrderUpdated'], refused: [] });
  });

  test.each([
    ['an alias', 'const handler = async () => {};\nexport const wixEvents_onOrderConfirmed = handler;', 'wixEvents_onOrderConfirmed', /an alias \(`= handler`\)/],
    ['an export list', 'async function wixEvents_onOrderConfirmed(e) {}\nexport { wixEvents_onOrderConfirmed };', 'wixEvents_onOrderConfirmed', /an export list/],
    ['a renamed export list entry', 'async function onOrder(e) {}\nexport { onOrder as wixEvents_onOrderConfirmed };', 'wixEvents_onOrderConfirmed', /an export list/],
    ['a re-export', "export { wixEvents_onOrderConfirmed } from './orders.js';", 'wixEvents_onOrderConfirmed', /a re-export of an imported function .*'\.\/orders\.js'/],
    ['a star re-export', "export * from '@velo/some-package';", "* from '@velo/some-package'", /a re-export \(`export \* from/],
    ['a dynamic export', 'const make = () => () => {};\nexport const Reviews_beforeInsert = make();', 'Reviews_beforeInsert', /a dynamic export: its value comes from running code/],
    ['an awaited dynamic export', "export const wixEvents_onOrderConfirmed = await import('./x.js');", 'wixEvents_onOrderConfirmed', /a dynamic export/],
    ['an object-wrapped export', 'export const handlers = { wixEvents_onOrderConfirmed(e) {} };', 'handlers', /wrapped in an object/],
    ['an object default export', 'export default { wixEvents_onOrderConfirmed(e) {} };', 'default', /wrapped in an object/],
    ['an arrow function', 'export const wixEvents_onOrderConfirmed = async (e) => {};', 'wixEvents_onOrderConfirmed', /a function expression assigned to a variable/],
    ['CommonJS exports.x', 'exports.wixEvents_onOrderConfirmed = function (e) {};', 'wixEvents_onOrderConfirmed', /a CommonJS export/],
    ['CommonJS module.exports', 'module.exports = { wixEvents_onOrderConfirmed(e) {} };', 'wixEvents_onOrderConfirmed', /a CommonJS export/],
    ['a generator', 'export function* wixEvents_onOrderConfirmed(e) {}', 'wixEvents_onOrderConfirmed', /a generator/],
  ])('refuses %s', (_form, source, name, reason) => {
    const r = readVeloExports(source);
    expect(r.handlers).toEqual([]);
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]!.name).toBe(name);
    expect(r.refused[0]!.reason).toMatch(reason);
  });

  test('text that is not an ES module is refused, naming the file', () => {
    expect(() => readVeloExports('export function (', 'backend/events.js')).toThrow(StaticExportError);
    expect(() => readVeloExports('export function (', 'backend/events.js')).toThrow(/backend\/events\.js cannot be read as an ES module/);
  });
});

describe('the Velo host', () => {
  let tmp: string | null = null;
  afterEach(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); tmp = null; });
  const siteWith = (file: string, text: string) => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'velo-static-'));
    fs.cpSync(FIXTURE_SITE, tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'backend', file), text);
    return tmp;
  };

  test('refuses to start on events.js with `export const wixEvents_onOrderConfirmed = handler`, naming the handler and the rule', async () => {
    const siteDir = siteWith('events.js', "import { publish } from 'wix-realtime-backend';\nconst handler = async (event) => publish({ name: 'x' }, event);\nexport const wixEvents_onOrderConfirmed = handler;\n");
    const started = startFixture({ siteDir });
    await expect(started).rejects.toThrow(StaticExportError);
    const err = await startFixture({ siteDir }).catch((e: Error) => e);
    expect((err as Error).message).toContain('backend/events.js: wixEvents_onOrderConfirmed is never called on Wix: an alias');
    expect((err as Error).message).toContain("Velo's Module Export Syntax rules");
    expect((err as Error).message).toContain('export function wixEvents_onOrderConfirmed(…)');
  });

  test('refuses to start on a data.js hook built by a call', async () => {
    const siteDir = siteWith('data.js', 'const passThrough = () => (item) => item;\nexport const Notes_beforeInsert = passThrough();\n');
    await expect(startFixture({ siteDir })).rejects.toThrow(/backend\/data\.js: Notes_beforeInsert is never called on Wix: a dynamic export/);
  });

  test('refuses to start on a routers.js export list', async () => {
    const siteDir = siteWith('routers.js', 'function blog_Router(request) {}\nexport { blog_Router };\n');
    await expect(startFixture({ siteDir })).rejects.toThrow(/backend\/routers\.js: blog_Router is never called on Wix: an export list/);
  });

  test('starts on the fixture site, whose handlers are all declared as documented', async () => {
    const f = await startFixture();
    expect(await f.host.loader.exportsOf('events.js')).toContain('wixEvents_onOrderConfirmed');
    await f.close();
  });
});
