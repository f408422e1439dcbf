// Velo `wix-auth`: `elevate(fn)` runs fn with site-owner permissions (the SDK calls inside it go out as ADMIN).
import { currentInvocation, currentServices, runInvocation } from '../invocation.js';
import { ADMIN } from '../../sdk-client.js';

export function elevate<F extends (...args: any[]) => any>(fn: F): F {
  if (typeof fn !== 'function') throw new Error('elevate: argument must be a function');
  return function (this: unknown, ...args: unknown[]) {
    const inv = currentInvocation();
    return runInvocation(
      { services: inv?.services ?? currentServices(), kind: inv?.kind ?? 'setup', name: inv?.name ?? 'elevate', identity: ADMIN },
      () => fn.apply(this, args),
    );
  } as unknown as F;
}
