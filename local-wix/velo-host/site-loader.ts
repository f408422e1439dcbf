// Loads the site's backend files (`src/backend/*.js`) the way Wix runs them: ES modules whose `wix-*`
// imports are the host's local implementations and whose `@wix/*` imports are the genuine SDK.
//
// Cold mode (Wix's short-lived containers): every invocation gets a FRESH instance of the file and
// of the site files it imports, so module-level state never survives between invocations.
// Making that cheap: each file is compiled once (esbuild ESM → CommonJS body, vm.compileFunction),
// and an invocation just calls the compiled factory: module-level code re-runs, closures are new,
// nothing is re-parsed and nothing accumulates in Node's ESM cache. (`import(url + '?invocation=N')`
// costs ~15 ms and ~1 MB per invocation for a 150 KB file and is never freed; the factory ~0.05 ms.)
// Files with top-level await cannot become a function body; they load natively through Node's ESM
// loader with the resolve hook in resolve-hook.mjs (`?invocation=N` in cold mode).
// Warm mode keeps one instance per file until the file changes on disk.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { buildSync, transformSync } from 'esbuild';
import { veloModules, UnknownVeloModuleError } from './modules/index.js';
import { STATIC_EXPORT_FILES, readVeloExports } from './static-exports.js';

const nativeImport = createRequire(import.meta.url)('./native-import.cjs') as (specifier: string) => Promise<Record<string, unknown>>;

type Factory = (require: (s: string) => unknown, module: { exports: any }, exports: any) => void;
type Dep = { kind: 'ns'; value: Record<string, unknown> } | { kind: 'site'; file: string };

interface Compiled {
  file: string;
  mtimeMs: number;
  /** null: loads natively (top-level await). */
  factory: Factory | null;
  deps: Map<string, Dep>;
  exports: string[];
}

export interface LoadStats { loads: number; totalMs: number; maxMs: number; compiles: number; nativeLoads: number }

export class SiteFileMissingError extends Error {
  constructor(file: string) { super(`Site file ${file} does not exist`); this.name = 'SiteFileMissingError'; }
}

const interop = new WeakMap<object, Record<string, unknown>>();
/** What esbuild's CommonJS output expects from `require` of an ES module: its namespace, marked `__esModule`. */
function asRequired(ns: Record<string, unknown>): Record<string, unknown> {
  let r = interop.get(ns);
  if (!r) interop.set(ns, (r = Object.freeze({ ...ns, __esModule: true })));
  return r;
}

let hookRegistered: Promise<void> | null = null;
/** Registers resolve-hook.mjs once per process, with the export names of every provided Velo module. */
function registerResolveHook(): Promise<void> {
  hookRegistered ??= (async () => {
    const loaded: Record<string, Record<string, unknown>> = {};
    for (const [name, load] of Object.entries(veloModules)) loaded[name] = await load();
    (globalThis as any).__localWixVeloModules = loaded;
    const names = Object.fromEntries(Object.entries(loaded).map(([k, ns]) => [k, Object.keys(ns).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n))]));
    register('./resolve-hook.mjs', import.meta.url, { data: { modules: names } });
  })();
  return hookRegistered;
}

export class SiteLoader {
  readonly backendDir: string;
  private compiled = new Map<string, Promise<Compiled>>();
  private warm = new Map<string, Record<string, unknown>>();
  private nsCache = new Map<string, Promise<Record<string, unknown>>>();
  private invocation = 0;
  readonly stats: LoadStats = { loads: 0, totalMs: 0, maxMs: 0, compiles: 0, nativeLoads: 0 };

  constructor(readonly siteDir: string, readonly cold: boolean) {
    this.backendDir = path.join(siteDir, 'backend');
  }

  /** Absolute path of a backend file given as `events.js` or `/events.js`. */
  backendFile(rel: string): string {
    return path.join(this.backendDir, rel.replace(/^\/+/, ''));
  }

  exists(rel: string): boolean { return fs.existsSync(this.backendFile(rel)); }

  /** Named exports of a backend file, read statically (no code runs). */
  async exportsOf(rel: string): Promise<string[]> {
    const file = this.backendFile(rel);
    // They come from the file's own text: unchanged file, same names (its imports need no check).
    const known = this.sync.get(file);
    if (known) {
      let mtimeMs: number | null = null;
      try { mtimeMs = fs.statSync(file).mtimeMs; } catch { /* gone: prepare reports it */ }
      if (mtimeMs === known.mtimeMs) return known.exports;
    }
    return (await this.prepare(file)).exports;
  }

  /** The module instance an invocation uses: fresh in cold mode, cached in warm mode. */
  async load(rel: string): Promise<Record<string, any>> {
    const file = this.backendFile(rel);
    const t0 = performance.now();
    const c = await this.prepare(file);
    let mod: Record<string, any>;
    if (!c.factory) {
      this.stats.nativeLoads++;
      const url = pathToFileURL(file).href + `?v=${c.mtimeMs}` + (this.cold ? `&invocation=${++this.invocation}` : '');
      mod = await nativeImport(url);
    } else if (this.cold) {
      mod = this.instantiate(c, new Map());
    } else {
      mod = this.warm.get(file) ?? this.instantiate(c, new Map());
      this.warm.set(file, mod);
    }
    const ms = performance.now() - t0;
    this.stats.loads++;
    this.stats.totalMs += ms;
    if (ms > this.stats.maxMs) this.stats.maxMs = ms;
    return mod;
  }

  private instantiate(c: Compiled, instances: Map<string, { exports: any }>): Record<string, any> {
    const existing = instances.get(c.file);
    if (existing) return existing.exports;
    const module = { exports: {} as any };
    instances.set(c.file, module);
    const require = (spec: string) => {
      const d = c.deps.get(spec);
      if (!d) throw new Error(`[velo-host] ${this.rel(c.file)}: import of "${spec}" could not be resolved`);
      if (d.kind === 'ns') return d.value;
      // Site dependencies were prepared together with the importer; reuse that compilation.
      const dep = this.sync.get(d.file);
      if (!dep) throw new Error(`[velo-host] ${this.rel(d.file)} was not prepared`);
      return this.instantiate(dep, instances);
    };
    c.factory!(require, module, module.exports);
    return module.exports;
  }

  /** Settled compilations, for synchronous access while instantiating. */
  private sync = new Map<string, Compiled>();

  private rel(file: string) { return path.relative(this.siteDir, file); }

  /** Whether Wix reads this file's exports statically (events.js, data.js, routers.js at the backend root). */
  isStaticallyRead(file: string): boolean {
    return path.dirname(file) === this.backendDir && STATIC_EXPORT_FILES.includes(path.basename(file));
  }

  private async prepare(file: string): Promise<Compiled> {
    let stat: fs.Stats;
    try { stat = fs.statSync(file); } catch { throw new SiteFileMissingError(this.rel(file)); }
    const cached = this.compiled.get(file);
    if (cached) {
      const c = await cached;
      if (c.mtimeMs === stat.mtimeMs && this.depsFresh(c)) return c;
    }
    const p = this.compile(file, stat.mtimeMs);
    this.compiled.set(file, p);
    p.catch(() => this.compiled.delete(file));
    const c = await p;
    this.sync.set(file, c);
    this.warm.clear();
    return c;
  }

  /**
   * Whether every site file `c` imports (transitively) is unchanged since it was compiled. Each file
   * is checked once per call: the shared chunks of a split build are imported from many places.
   */
  private depsFresh(c: Compiled, checked = new Map<string, boolean>()): boolean {
    for (const d of c.deps.values()) {
      if (d.kind !== 'site') continue;
      let fresh = checked.get(d.file);
      if (fresh === undefined) {
        checked.set(d.file, true); // an import cycle is judged by the files around it
        const dc = this.sync.get(d.file);
        let m: number | null;
        try { m = fs.statSync(d.file).mtimeMs; } catch { m = null; }
        fresh = !!dc && dc.mtimeMs === m && this.depsFresh(dc, checked);
        checked.set(d.file, fresh);
      }
      if (!fresh) return false;
    }
    return true;
  }

  private async compile(file: string, mtimeMs: number): Promise<Compiled> {
    this.stats.compiles++;
    const source = fs.readFileSync(file, 'utf8');
    const url = pathToFileURL(file).href;
    // events.js, data.js, routers.js: only the handlers Wix finds by reading the text count.
    const exports = this.isStaticallyRead(file) ? readVeloExports(source, this.rel(file)).handlers : staticExports(file);
    let code: string | null = null;
    try {
      code = transformSync(source, {
        format: 'cjs', loader: 'js', target: 'es2022', sourcefile: file, logLevel: 'silent',
        // import('x') becomes require('x'), so its target is prepared (and fresh) like a static import.
        supported: { 'dynamic-import': false },
        define: { 'import.meta.url': JSON.stringify(url) },
      }).code;
    } catch (err) {
      const msg = (err as Error).message;
      if (!/top-level await/i.test(msg)) throw new Error(`[velo-host] cannot load ${this.rel(file)}: ${msg}`);
    }
    if (code === null) {
      await registerResolveHook();
      return { file, mtimeMs, factory: null, deps: new Map(), exports };
    }
    const deps = new Map<string, Dep>();
    for (const m of code.matchAll(/\brequire\("((?:[^"\\]|\\.)*)"\)/g)) {
      const spec = JSON.parse(`"${m[1]}"`) as string;
      if (!deps.has(spec)) deps.set(spec, await this.resolveDep(spec, file));
    }
    const factory = vm.compileFunction('"use strict";' + code, ['require', 'module', 'exports'], { filename: file }) as unknown as Factory;
    return { file, mtimeMs, factory, deps, exports };
  }

  private async resolveDep(spec: string, importer: string): Promise<Dep> {
    if (spec.startsWith('wix-')) {
      const load = veloModules[spec];
      if (!load) throw new UnknownVeloModuleError(spec, this.rel(importer));
      return { kind: 'ns', value: asRequired(await this.ns(spec, load)) };
    }
    const sitePath = this.siteDependency(spec, importer);
    if (sitePath) {
      await this.prepare(sitePath);
      return { kind: 'site', file: sitePath };
    }
    try {
      return { kind: 'ns', value: asRequired(await this.ns(spec, () => nativeImport(spec))) };
    } catch (err) {
      throw new Error(`[velo-host] ${this.rel(importer)} imports "${spec}", which cannot be loaded: ${(err as Error).message}`);
    }
  }

  private ns(key: string, load: () => Promise<Record<string, unknown>>) {
    let p = this.nsCache.get(key);
    if (!p) this.nsCache.set(key, (p = load()));
    return p;
  }

  /** A relative, `backend/…` or `public/…` import resolves to a site file (`.js` optional, as in Velo). */
  private siteDependency(spec: string, importer: string): string | null {
    let base: string;
    if (spec.startsWith('./') || spec.startsWith('../')) base = path.resolve(path.dirname(importer), spec);
    else if (/^(backend|public)\//.test(spec)) base = path.join(this.siteDir, spec);
    else return null;
    for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    throw new SiteFileMissingError(`${path.relative(this.siteDir, base)} (imported by ${this.rel(importer)})`);
  }
}

/** Export names of an ES module, from esbuild's metafile (no code runs). */
function staticExports(file: string): string[] {
  const r = buildSync({ entryPoints: [file], bundle: false, write: false, metafile: true, format: 'esm', outdir: '/tmp/velo-exports', logLevel: 'silent' });
  const out = Object.values(r.metafile!.outputs).find((o) => o.entryPoint);
  return [...(out?.exports ?? [])].sort();
}
