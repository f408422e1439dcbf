// The Velo modules the local host provides, by specifier. Loaded lazily (wix-events.v2 pulls in @wix/events).
export const veloModules: Record<string, () => Promise<Record<string, unknown>>> = {
  'wix-web-module': () => import('./wix-web-module.js'),
  'wix-realtime-backend': () => import('./wix-realtime-backend.js'),
  'wix-crm-backend': () => import('./wix-crm-backend.js'),
  'wix-secrets-backend': () => import('./wix-secrets-backend.js'),
  'wix-auth': () => import('./wix-auth.js'),
  'wix-http-functions': () => import('./wix-http-functions.js'),
  'wix-events.v2': () => import('./wix-events.v2.js'),
  'wix-cache-backend': () => import('./wix-cache-backend.js'),
};

export class UnknownVeloModuleError extends Error {
  constructor(specifier: string, importer: string) {
    super(`Velo module "${specifier}" (imported by ${importer}) is not provided by the local Velo host. ` +
      `Provided: ${Object.keys(veloModules).join(', ')}. Add it to local-wix/velo-host/modules/ or use an SDK package (@wix/...) instead.`);
    this.name = 'UnknownVeloModuleError';
  }
}
