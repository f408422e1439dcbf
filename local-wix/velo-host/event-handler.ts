// Running one backend event as Wix does: `events.js`'s export of exactly the event's Velo name, called
// with the event. Shared by the Velo host's own thread and its event workers.
import type { SiteLoader } from './site-loader.js';

export async function callEventHandler(loader: SiteLoader, veloName: string, data: unknown): Promise<void> {
  const fn = (await loader.load('events.js'))[veloName];
  if (typeof fn !== 'function') throw new Error(`events.js export ${veloName} is not a function`);
  await fn(data);
}
