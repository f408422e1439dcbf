// Worker bootstrap: registers tsx (the local Wix is TypeScript run by tsx) in this thread, then loads
// the checkout worker (see ../velo-host/event-worker-boot.mjs for why not execArgv).
import { register } from 'tsx/esm/api';

register();
await import('./checkout-worker.ts');
