// Ticket-definition events as site code receives them, reduced to the one domain value the flows need:
// which definition changed (and, when the payload says, of which event). Pure factories, no I/O; a
// payload they cannot use gives null, and the entry point logs and acknowledges it (Wix would resend the
// same payload, failing the same way, for 47 hours).
import { z } from 'zod';

export interface DefinitionChange {
  definitionId: string;
  /** The event, when the payload names it; the flows read it from the definition otherwise. */
  eventId: string | null;
}

const id = z.string().min(1).max(100);
/** An optional ID that is not usable counts as absent: the definition is the event's trigger, not this. */
const optionalId = id.nullable().optional().catch(null);

const legacySchema = z.object({ ticketDefinitionId: id, eventId: optionalId }).passthrough();

/** Legacy `wixEvents_onTicketDefinitionCreated|Updated|Deleted` payload `{timestamp, eventId, ticketDefinitionId}`: a trigger only. */
export function definitionChange(event: unknown): DefinitionChange | null {
  const parsed = legacySchema.safeParse(event);
  return parsed.success ? { definitionId: parsed.data.ticketDefinitionId, eventId: parsed.data.eventId ?? null } : null;
}

const saleStartedSchema = z.object({
  data: z.object({ ticketDefinition: z.object({ _id: id.optional().catch(undefined), id: id.optional().catch(undefined), eventId: optionalId }).passthrough().optional() }).passthrough().optional(),
  metadata: z.object({ entityId: id.optional().catch(undefined) }).passthrough().optional(),
}).passthrough();

/**
 * V3 "sale started" payload `{data: {ticketDefinition}, metadata: {entityId}}`: the definition's ID from
 * the entity (`_id`, or `id` as REST spells it), else from the metadata's entity ID.
 */
export function saleStartedChange(event: unknown): DefinitionChange | null {
  const parsed = saleStartedSchema.safeParse(event);
  if (!parsed.success) return null;
  const def = parsed.data.data?.ticketDefinition;
  const definitionId = def?._id ?? def?.id ?? parsed.data.metadata?.entityId;
  return definitionId ? { definitionId, eventId: def?.eventId ?? null } : null;
}
