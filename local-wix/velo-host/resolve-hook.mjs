// Module resolve hook (registered with module.register by site-loader.ts) for site files that the
// host imports natively (those with top-level await; the others run through the fast factory path).
//  - `wix-*` specifiers map to the host's implementations in ./modules (exposed on globalThis by the
//    host); an unknown one fails with a clear message instead of a bare ERR_MODULE_NOT_FOUND.
//  - `backend/…` and `public/…` (Velo's absolute imports) resolve inside the importing site's src folder.
//  - a site file imported with `?invocation=N` (cold mode) passes N to the site files it imports,
//    so they are fresh instances too.
let modules = {};

export function initialize(data) {
  modules = data?.modules ?? {};
}

function shim(specifier, names) {
  const lines = [`const m = globalThis.__localWixVeloModules?.[${JSON.stringify(specifier)}];`,
    `if (!m) throw new Error(${JSON.stringify(`[velo-host] ${specifier} is not loaded: site code must be run by the Velo host`)});`];
  for (const n of names) lines.push(n === 'default' ? 'export default m.default;' : `export const ${n} = m[${JSON.stringify(n)}];`);
  return 'data:text/javascript,' + encodeURIComponent(lines.join('\n'));
}

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('wix-')) {
    const names = modules[specifier];
    if (!names) {
      throw new Error(`Velo module "${specifier}" (imported by ${context.parentURL}) is not provided by the local Velo host. Provided: ${Object.keys(modules).join(', ')}.`);
    }
    return { url: shim(specifier, names), shortCircuit: true };
  }
  const parent = context.parentURL ? new URL(context.parentURL) : null;
  let spec = specifier;
  if (parent?.protocol === 'file:' && /^(backend|public)\//.test(specifier)) {
    const i = parent.pathname.lastIndexOf('/backend/') >= 0 ? parent.pathname.lastIndexOf('/backend/') : parent.pathname.lastIndexOf('/public/');
    if (i >= 0) spec = new URL(parent.pathname.slice(0, i + 1) + specifier + (/\.m?js$/.test(specifier) ? '' : '.js'), parent).href;
  }
  const r = await next(spec, context);
  const n = parent?.searchParams.get('invocation');
  if (n && r.url.startsWith('file:') && (spec !== specifier || specifier.startsWith('.'))) {
    const u = new URL(r.url);
    u.searchParams.set('invocation', n);
    return { ...r, url: u.href };
  }
  return r;
}
