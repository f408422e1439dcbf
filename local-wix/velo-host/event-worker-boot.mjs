// Worker bootstrap: registers tsx (the local Wix is TypeScript run by tsx) in this thread, then loads
// the worker. `execArgv: ['--import', 'tsx']` is not honoured in worker threads under every runner.
import { register } from 'tsx/esm/api';

register();
await import('./event-worker.ts');
