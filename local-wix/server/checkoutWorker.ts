// A checkout in its own thread, for load benchmarks: `POST <url>/_local/checkout/orders` confirms orders
// as the local Wix's own route does (same transactions, same answers), but a burst of shoppers no
// longer queues the site's Wix Data and Ticket Definitions calls behind its checkouts on the thread
// that serves them. On Wix the checkout is not the site's API server either. Each confirmation's
// order event goes to the Velo host as the route's would (`dispatch`). Confirmations only;
// cancellations and order reads stay on the local Wix. The worker keeps the system clock: do not move
// the local clock (`/_local/clock`) while one runs.
import { Worker } from 'node:worker_threads';

export interface CheckoutWorkerSetup { dbFile: string; localKey: string }
export type FromCheckoutWorker =
  | { type: 'ready'; url: string }
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'closed' };

export interface CheckoutWorker {
  /** Base URL of the worker's checkout (needs `x-local-wix-key`). */
  url: string;
  close(): Promise<void>;
}

export async function startCheckoutWorker(setup: CheckoutWorkerSetup, dispatch: (name: string, payload: unknown) => void): Promise<CheckoutWorker> {
  const worker = new Worker(new URL('./checkout-worker-boot.mjs', import.meta.url), { workerData: setup });
  let closed: (() => void) | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: FromCheckoutWorker) => {
      if (m.type === 'ready') resolve(m.url);
      else if (m.type === 'event') dispatch(m.name, m.payload);
      else closed?.();
    });
  });
  return {
    url,
    // Closes the server and the database; a worker that does not answer within 2 s is stopped.
    close: () => new Promise<void>((resolve) => {
      const stop = () => { clearTimeout(timer); void worker.terminate().then(() => resolve()); };
      const timer = setTimeout(stop, 2000);
      closed = stop;
      worker.postMessage({ type: 'close' });
    }),
  };
}
