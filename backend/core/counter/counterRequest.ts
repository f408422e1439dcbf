// What visitors may ask the counter web methods: checked before any Wix call, answered with a typed
// refusal (never an exception) when wrong.
import { z } from 'zod';
import { wixIdSchema } from '../validation/ids.js';
import { issueLines } from '../validation/zodIssues.js';

export type CounterRequest<T> = { ok: true; value: T } | { ok: false; reason: 'invalid'; issues: string[] };

const definitionId = wixIdSchema('a ticket definition ID');

function issuesOf(error: z.ZodError): string[] {
  return issueLines(error).slice(0, 10);
}

/** `{definitionIds: [guid, …]}`, 1 to `max` IDs (a page's counters); repeats are dropped, IDs lower-cased. */
export function parseCountersRequest(input: unknown, max: number): CounterRequest<string[]> {
  const schema = z.object({ definitionIds: z.array(definitionId).min(1).max(max) }).strict();
  const r = schema.safeParse(input);
  if (!r.success) return { ok: false, reason: 'invalid', issues: issuesOf(r.error) };
  return { ok: true, value: [...new Set(r.data.definitionIds.map((id) => id.toLowerCase()))] };
}

/** `{definitionId: guid}` (the single-counter form). */
export function parseCounterRequest(input: unknown): CounterRequest<string> {
  const r = z.object({ definitionId }).strict().safeParse(input);
  if (!r.success) return { ok: false, reason: 'invalid', issues: issuesOf(r.error) };
  return { ok: true, value: r.data.definitionId.toLowerCase() };
}
