// Node's own dynamic import, reached through require() so that test runners which transform ES
// modules (vitest) do not intercept it: site files and SDK packages load exactly as Node loads them.
module.exports = (specifier) => import(specifier);
