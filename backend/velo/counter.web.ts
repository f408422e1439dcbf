// Web methods of the counter widget. Anyone may call them: input is validated and only stored
// snapshots' public fields leave the backend, never the raw ticket definition.
import { Permissions, webMethod } from 'wix-web-module';
import { z } from 'zod';
import { countersFor } from '../flows/counter.js';
import { publicSnapshot } from '../core/counter/counterChannel.js';
import { counterDeps } from './wiring/counterDeps.js';

const definitionId = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'must be a ticket definition ID');

export const getCounter = webMethod(Permissions.Anyone, async (input: unknown) => {
  const parsed = z.object({ definitionId }).strict().safeParse(input);
  if (!parsed.success) throw new Error(`getCounter: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'} ${i.message}`).join('; ')}`);
  const snaps = await countersFor(counterDeps(), parsed.data.definitionId);
  return snaps.map(publicSnapshot);
});
